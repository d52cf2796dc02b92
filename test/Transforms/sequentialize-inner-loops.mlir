// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-sequentialize-inner-loops))' -split-input-file -verify-diagnostics | FileCheck %s

// Only the outermost parallel loop of a nest stays parallel: inner ones,
// under a parallel loop or a sequential (reduction) loop, become scf.for
// (rows of 3: too short to be a vector).
// CHECK-LABEL: func.func @nest
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK:   scf.for %[[K:.*]] =
// CHECK:     scf.for %[[X:.*]] =
// CHECK:       scf.for %[[Y:.*]] =
// CHECK:         memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]], %[[X]], %[[Y]]]
// CHECK-NOT: scf.parallel
func.func @nest(%m: memref<2x2x4x3xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c2) step (%c1, %c1) {
    scf.for %k = %c0 to %c2 step %c1 {
      scf.parallel (%x, %y) = (%c0, %c0) to (%c4, %c3) step (%c1, %c1) {
        memref.store %v, %m[%i, %j, %x, %y] : memref<2x2x4x3xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}

// -----

// A parallel loop at the top of a function is left alone.
// CHECK-LABEL: func.func @outer_only
// CHECK: scf.parallel
// CHECK-NOT: scf.for
func.func @outer_only(%m: memref<4xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %v, %m[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

func.func @reduction(%m: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c4 step %c1 {
    // expected-error @+1 {{parallel loops with reductions are not expected here}}
    %sum = scf.parallel (%i) = (%c0) to (%c4) step (%c1) init (%zero) -> f32 {
      %x = memref.load %m[%i] : memref<4xf32>
      scf.reduce(%x : f32) {
      ^bb0(%a: f32, %b: f32):
        %s = arith.addf %a, %b : f32
        scf.reduce.return %s : f32
      }
    }
  }
  return
}

// -----

// An elementwise nest (no loop in its body): its last dimension, the
// contiguous row, becomes an scf.for inside the others, which stay parallel:
// a loop LLVM vectorizes, not one collapsed loop delinearizing each index.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%c0, %c0) to (%c2, %c4) step (%c1, %c1) {
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT: %[[V:.*]] = memref.load %arg0[%[[I]], %[[J]], %[[K]]]
// CHECK-NEXT: memref.store %[[V]], %arg1[%[[I]], %[[J]], %[[K]]]
// CHECK-NEXT: }
// CHECK-NEXT: scf.reduce
func.func @elementwise(%a: memref<2x4x32xf32>, %b: memref<2x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c2, %c4, %c32) step (%c1, %c1, %c1) {
    %v = memref.load %a[%i, %j, %k] : memref<2x4x32xf32>
    memref.store %v, %b[%i, %j, %k] : memref<2x4x32xf32>
    scf.reduce
  }
  return
}

// -----

// A row of a blocked tensor's lanes (4 to 16, contiguous) becomes one
// vector: its loads and stores vector loads and stores, its arith ops the
// same ops on vectors, a constant broadcast. A view with rows apart (a
// padded buffer's interior) is fine as long as its lanes are contiguous.
// CHECK-LABEL: func.func @lanes
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK-NOT: scf.for
// CHECK: %[[X:.*]] = vector.load %arg0[%[[I]], %[[J]], %{{.*}}] : memref<2x4x16xf32>, vector<16xf32>
// CHECK: %[[ZERO:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK: %[[Y:.*]] = arith.maximumf %[[X]], %[[ZERO]] : vector<16xf32>
// CHECK: vector.store %[[Y]], %arg1[%[[I]], %[[J]], %{{.*}}] : memref<2x4x16xf32, strided<[96, 16, 1], offset: 16>>, vector<16xf32>
func.func @lanes(%a: memref<2x4x16xf32>, %b: memref<2x4x16xf32, strided<[96, 16, 1], offset: 16>>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c2, %c4, %c16) step (%c1, %c1, %c1) {
    %zero = arith.constant 0.0 : f32
    %v = memref.load %a[%i, %j, %k] : memref<2x4x16xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %b[%i, %j, %k] : memref<2x4x16xf32, strided<[96, 16, 1], offset: 16>>
    scf.reduce
  }
  return
}

// -----

// Rows that are not contiguous lanes, or whose index the body computes
// with, stay scalar loops.
// CHECK-LABEL: func.func @not_lanes
// CHECK-COUNT-2: scf.for
// CHECK-NOT: vector.
func.func @not_lanes(%a: memref<2x16xf32, strided<[32, 2]>>, %b: memref<2x16xf32>, %c: memref<2x16xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %k) = (%c0, %c0) to (%c2, %c16) step (%c1, %c1) {
    %v = memref.load %a[%i, %k] : memref<2x16xf32, strided<[32, 2]>>
    memref.store %v, %b[%i, %k] : memref<2x16xf32>
    scf.reduce
  }
  scf.parallel (%i, %k) = (%c0, %c0) to (%c2, %c16) step (%c1, %c1) {
    %twice = arith.addi %k, %k : index
    memref.store %twice, %c[%i, %k] : memref<2x16xindex>
    scf.reduce
  }
  return
}
