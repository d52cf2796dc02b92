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

func.func @blocks_in_blocks(%a: memref<512xf32>) {
  // expected-error @+1 {{expected a static scf.forall mapped to #gpu.block<x> whose body is one static scf.forall mapped to #gpu.thread<x>}}
  scf.forall (%b) in (4) {
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.block<y>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

func.func @work_between(%a: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{expected a static scf.forall mapped to #gpu.block<x>}}
  scf.forall (%b) in (4) {
    memref.store %one, %a[%c0] : memref<512xf32>
    scf.forall (%t) in (128) {
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
