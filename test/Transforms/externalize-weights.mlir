// RUN: %inception-opt %s -inception-externalize-weights | FileCheck %s

// Parameters (resource-initialized constant globals) move to a weights
// buffer argument at 64-byte aligned offsets; literal tables stay.
// CHECK: module attributes {inception.weights = {{\[\[}}"conv.weight", 0, 24], ["conv.bias", 64, 8]], inception.weights_size = 128 : i64}
// CHECK-NOT: memref.global "private" constant @w
// CHECK-NOT: memref.global "private" constant @b
// CHECK: memref.global "private" constant @table : memref<2xf32> = dense<[1.000000e+00, 2.000000e+00]>
memref.global "private" constant @w : memref<6xf32> = dense_resource<conv.weight>
memref.global "private" constant @b : memref<2xf32> = dense_resource<conv.bias>
memref.global "private" constant @table : memref<2xf32> = dense<[1.0, 2.0]>

// CHECK-LABEL: func.func @kernel
// CHECK-SAME: (%{{.*}}: memref<2xf32>, %[[WEIGHTS:.*]]: memref<128xi8>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[WEIGHTS]][%[[C0]]][] : memref<128xi8> to memref<6xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: memref.view %[[WEIGHTS]][%[[C64]]][] : memref<128xi8> to memref<2xf32>
// CHECK: memref.get_global @table : memref<2xf32>
func.func @kernel(%out: memref<2xf32>) {
  %0 = memref.get_global @w : memref<6xf32>
  %1 = memref.get_global @b : memref<2xf32>
  %2 = memref.get_global @table : memref<2xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      conv.weight: "0x040000000000803F000000400000404000008040000000A0400000C040",
      conv.bias: "0x040000000000803F00000040"
    }
  }
#-}
