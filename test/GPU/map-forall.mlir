// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-map-forall))' --verify-diagnostics | FileCheck %s

// A block-and-thread nest becomes a launch of that grid: the induction
// variables are the block and thread ids, and the constants the body uses
// are the kernel's own (outlining then passes only buffers).
// CHECK-LABEL: func.func @nest
// CHECK: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[GRID:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[BLOCK:.*]] = arith.constant 128 : index
// CHECK-NEXT: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]]) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[BLOCK]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]])
// CHECK-NEXT: %[[C128:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[TWO:.*]] = arith.constant 2.0
// CHECK: arith.muli %[[BX]], %[[C128]]
// CHECK: arith.addi %{{.*}}, %[[TX]]
// CHECK: arith.mulf %{{.*}}, %[[TWO]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
func.func @nest(%a: memref<512xf32>) {
  %c128 = arith.constant 128 : index
  %two = arith.constant 2.0 : f32
  scf.forall (%b) in (4) {
    scf.forall (%t) in (128) {
      %base = arith.muli %b, %c128 : index
      %i = arith.addi %base, %t : index
      %v = memref.load %a[%i] : memref<512xf32>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %a[%i] : memref<512xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// A compile-time table (a constant global, seen through a view) is the
// kernel's own too: as a launch argument it would be a host address. A
// buffer the function receives stays outside.
// CHECK-LABEL: func.func @table
// CHECK: gpu.launch
// CHECK: %[[TABLE:.*]] = memref.get_global @divisors : memref<4xf32>
// CHECK-NEXT: %[[PLANE:.*]] = memref.expand_shape %[[TABLE]]
// CHECK: memref.load %[[PLANE]]
// CHECK: memref.load %arg0
memref.global "private" constant @divisors : memref<4xf32> = dense<[4.0, 6.0, 6.0, 9.0]>
func.func @table(%a: memref<2x2xf32>) {
  %table = memref.get_global @divisors : memref<4xf32>
  %plane = memref.expand_shape %table [[0, 1]] output_shape [2, 2] : memref<4xf32> into memref<2x2xf32>
  %c2 = arith.constant 2 : index
  scf.forall (%b) in (1) {
    scf.forall (%t) in (4) {
      %i = arith.divui %t, %c2 : index
      %j = arith.remui %t, %c2 : index
      %d = memref.load %plane[%i, %j] : memref<2x2xf32>
      %v = memref.load %a[%i, %j] : memref<2x2xf32>
      %w = arith.divf %v, %d : f32
      memref.store %w, %a[%i, %j] : memref<2x2xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// A kernel in phases (a GEMM's: initial values, then staging into shared
// memory and accumulating, slice after slice, then the stores): each phase
// runs in every thread and a barrier follows it, but not the last at the
// top of the kernel. The shared buffer is the launch's workgroup buffer;
// the private one, indexed by the thread, the thread's own.
// CHECK-LABEL: func.func @phases
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in {{.*}} threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in {{.*}} workgroup(%[[SHARED:.*]] : memref<64xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[OWN:.*]] = memref.alloca() : memref<2xf32>
// CHECK-NOT: memref.alloca
// CHECK: memref.store %{{.*}}, %[[OWN]][%{{.*}}] : memref<2xf32>
// CHECK: memref.store %{{.*}}, %[[OWN]][%{{.*}}] : memref<2xf32>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: scf.for
// CHECK-NEXT:   memref.load %arg0[%[[TX]]]
// CHECK-NEXT:   memref.store %{{.*}}, %[[SHARED]][%[[TX]]]
// CHECK-NEXT:   gpu.barrier
// CHECK-NEXT:   arith.subi %{{.*}}, %[[TX]]
// CHECK-NEXT:   memref.load %[[SHARED]]
// CHECK-NEXT:   memref.load %[[OWN]]
// CHECK-NEXT:   arith.addf
// CHECK-NEXT:   memref.store %{{.*}}, %[[OWN]]
// CHECK-NEXT:   gpu.barrier
// CHECK-NEXT: }
// CHECK-NEXT: memref.load %[[OWN]]
// CHECK-NOT: gpu.barrier
// CHECK: gpu.terminator
// CHECK-NOT: scf.forall
func.func @phases(%a: memref<256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c63 = arith.constant 63 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.forall (%b) in (4) {
    %shared = memref.alloca() : memref<64xf32, #gpu.address_space<workgroup>>
    %acc = memref.alloca() : memref<64x2xf32, #gpu.address_space<private>>
    scf.forall (%t) in (64) {
      memref.store %zero, %acc[%t, %c0] : memref<64x2xf32, #gpu.address_space<private>>
      memref.store %zero, %acc[%t, %c1] : memref<64x2xf32, #gpu.address_space<private>>
    } {mapping = [#gpu.thread<x>]}
    scf.for %i = %c0 to %c4 step %c1 {
      scf.forall (%t) in (64) {
        %v = memref.load %a[%t] : memref<256xf32>
        memref.store %v, %shared[%t] : memref<64xf32, #gpu.address_space<workgroup>>
      } {mapping = [#gpu.thread<x>]}
      scf.forall (%t) in (64) {
        %j = arith.subi %c63, %t : index
        %v = memref.load %shared[%j] : memref<64xf32, #gpu.address_space<workgroup>>
        %s = memref.load %acc[%t, %c1] : memref<64x2xf32, #gpu.address_space<private>>
        %n = arith.addf %s, %v : f32
        memref.store %n, %acc[%t, %c1] : memref<64x2xf32, #gpu.address_space<private>>
      } {mapping = [#gpu.thread<x>]}
    }
    scf.forall (%t) in (64) {
      %s = memref.load %acc[%t, %c1] : memref<64x2xf32, #gpu.address_space<private>>
      %base = arith.muli %b, %c64 : index
      %i = arith.addi %base, %t : index
      memref.store %s, %a[%i] : memref<256xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @blocks_in_blocks(%a: memref<512xf32>) {
  scf.forall (%b) in (4) {
    // expected-error @+1 {{expected each scf.forall of a block to be a static one mapped to #gpu.thread<x>, of the same count, directly in the block's body or in its loops}}
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.block<y>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @phases_of_two_sizes(%a: memref<512xf32>) {
  scf.forall (%b) in (4) {
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.thread<x>]}
    // expected-error @+1 {{expected each scf.forall of a block to be a static one mapped to #gpu.thread<x>, of the same count}}
    scf.forall (%t) in (64) {
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @work_between(%a: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  scf.forall (%b) in (4) {
    // expected-error @+1 {{a block may only compute values, allocate and loop outside its thread loops: every thread runs it}}
    memref.store %one, %a[%c0] : memref<512xf32>
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @shared_private(%a: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  scf.forall (%b) in (4) {
    %acc = memref.alloca() : memref<128x2xf32, #gpu.address_space<private>>
    scf.forall (%t) in (128) {
      // expected-error @+1 {{a private buffer may only be loaded and stored at the thread's own index}}
      memref.store %one, %acc[%c0, %c0] : memref<128x2xf32, #gpu.address_space<private>>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @private_of_another_size(%a: memref<512xf32>) {
  scf.forall (%b) in (4) {
    // expected-error @+1 {{a private buffer must have a static shape whose first dimension is the block's 128 threads}}
    %acc = memref.alloca() : memref<64x2xf32, #gpu.address_space<private>>
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
