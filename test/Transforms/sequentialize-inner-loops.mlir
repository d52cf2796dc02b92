// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-sequentialize-inner-loops))' -split-input-file -verify-diagnostics | FileCheck %s

// Only the outermost parallel loop of a nest stays parallel: inner ones,
// under a parallel loop or a sequential (reduction) loop, become scf.for.
// CHECK-LABEL: func.func @nest
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK:   scf.for %[[K:.*]] =
// CHECK:     scf.for %[[X:.*]] =
// CHECK:       scf.for %[[Y:.*]] =
// CHECK:         memref.store %{{.*}}, %{{.*}}[%[[I]], %[[J]], %[[X]], %[[Y]]]
// CHECK-NOT: scf.parallel
func.func @nest(%m: memref<2x2x4x4xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c2) step (%c1, %c1) {
    scf.for %k = %c0 to %c2 step %c1 {
      scf.parallel (%x, %y) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
        memref.store %v, %m[%i, %j, %x, %y] : memref<2x2x4x4xf32>
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
// CHECK-NEXT: scf.for %[[K:.*]] = %c0 to %c8 step %c1 {
// CHECK-NEXT: %[[V:.*]] = memref.load %arg0[%[[I]], %[[J]], %[[K]]]
// CHECK-NEXT: memref.store %[[V]], %arg1[%[[I]], %[[J]], %[[K]]]
// CHECK-NEXT: }
// CHECK-NEXT: scf.reduce
func.func @elementwise(%a: memref<2x4x8xf32>, %b: memref<2x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c2, %c4, %c8) step (%c1, %c1, %c1) {
    %v = memref.load %a[%i, %j, %k] : memref<2x4x8xf32>
    memref.store %v, %b[%i, %j, %k] : memref<2x4x8xf32>
    scf.reduce
  }
  return
}
