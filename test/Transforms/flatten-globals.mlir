// RUN: %inception-opt %s -inception-flatten-globals | FileCheck %s

// Constant globals of rank 2 and more become one-dimensional over the same
// data; every read gets its shape back through expand_shape.
// CHECK-DAG: memref.global "private" constant @weights : memref<6xf32> = dense_resource<w.weight>
// CHECK-DAG: memref.global "private" constant @table : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
// One-dimensional, mutable or uninitialized globals are left alone.
// CHECK-DAG: memref.global "private" constant @vector : memref<3xf32> = dense<1.000000e+00>
// CHECK-DAG: memref.global "private" @state : memref<2x2xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @external : memref<2x2xf32>
memref.global "private" constant @weights : memref<2x3xf32> = dense_resource<w.weight>
memref.global "private" constant @table : memref<2x2xf32> = dense<[[1.0, 2.0], [3.0, 4.0]]>
memref.global "private" constant @vector : memref<3xf32> = dense<1.0>
memref.global "private" @state : memref<2x2xf32> = dense<0.0>
memref.global "private" constant @external : memref<2x2xf32>

// CHECK-LABEL: func.func @reads
// CHECK: %[[FLAT:.*]] = memref.get_global @weights : memref<6xf32>
// CHECK: %[[W:.*]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK: %[[V:.*]] = memref.get_global @vector : memref<3xf32>
// CHECK: %[[S:.*]] = memref.get_global @state : memref<2x2xf32>
// CHECK: return %[[W]], %[[V]], %[[S]]
func.func @reads() -> (memref<2x3xf32>, memref<3xf32>, memref<2x2xf32>) {
  %0 = memref.get_global @weights : memref<2x3xf32>
  %1 = memref.get_global @vector : memref<3xf32>
  %2 = memref.get_global @state : memref<2x2xf32>
  return %0, %1, %2 : memref<2x3xf32>, memref<3xf32>, memref<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w.weight: "0x040000000000803F000000400000404000008040000000A0400000C040"
    }
  }
#-}
