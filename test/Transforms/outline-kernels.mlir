// RUN: %inception-opt %s -inception-outline-kernels | FileCheck %s

// Each top-level linalg op of the public kernel moves into a private,
// non-inlinable function that takes only the kernel arguments it reaches;
// the views and constants it uses are cloned along.

// CHECK-LABEL: func.func private @kernel_op0
// CHECK-SAME: (%[[IN:.*]]: memref<8xf32>, %[[WS:.*]]: memref<64xi8>) attributes {no_inline}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[V:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<64xi8> to memref<8xf32>
// CHECK: linalg.copy ins(%[[IN]] : memref<8xf32>) outs(%[[V]] : memref<8xf32>)
// CHECK: return

// CHECK-LABEL: func.func private @kernel_op1
// CHECK-SAME: (%[[WS1:.*]]: memref<64xi8>, %[[OUT:.*]]: memref<8xf32>) attributes {no_inline}
// CHECK: %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK: linalg.generic
// CHECK:   arith.mulf %{{.*}}, %[[TWO]]

// CHECK-LABEL: func.func @kernel
// CHECK-SAME: (%[[KIN:.*]]: memref<8xf32>, %[[KOUT:.*]]: memref<8xf32>, %[[KWS:.*]]: memref<64xi8>)
// CHECK-NEXT: call @kernel_op0(%[[KIN]], %[[KWS]])
// CHECK-NEXT: call @kernel_op1(%[[KWS]], %[[KOUT]])
// CHECK-NEXT: return
#map = affine_map<(d0) -> (d0)>
func.func @kernel(%in: memref<8xf32>, %out: memref<8xf32>, %ws: memref<64xi8>) {
  %c0 = arith.constant 0 : index
  %two = arith.constant 2.0 : f32
  %v = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
  linalg.copy ins(%in : memref<8xf32>) outs(%v : memref<8xf32>)
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%v : memref<8xf32>) outs(%out : memref<8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %r = arith.mulf %x, %two : f32
    linalg.yield %r : f32
  }
  return
}

// Private functions are not kernels and stay as they are.
// CHECK-LABEL: func.func private @helper
// CHECK: linalg.copy
func.func private @helper(%a: memref<4xf32>, %b: memref<4xf32>) {
  linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  return
}

// The vector kernels (vector-kernels.mlir) are kernels already: their ops
// stay where they are.
// CHECK-LABEL: func.func @inception_uk_gemm_1x1v4
// CHECK-NEXT: linalg.copy
// CHECK-NEXT: return
func.func @inception_uk_gemm_1x1v4(%in: memref<8xf32>, %out: memref<8xf32>) attributes {inception.vector_kernel} {
  linalg.copy ins(%in : memref<8xf32>) outs(%out : memref<8xf32>)
  return
}
