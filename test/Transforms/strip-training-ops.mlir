// RUN: %inception-opt %s -strip-training-ops | FileCheck %s

// Dropout goes; so does a head whose result reaches no output (an
// auxiliary classifier); everything the output needs stays.
// CHECK-LABEL: func.func @model
// CHECK-NOT: inception.dropout
// CHECK: %[[R:.*]] = inception.relu %arg0
// CHECK-NEXT: %[[F:.*]] = inception.flatten %[[R]]
// CHECK-NEXT: %[[D:.*]] = inception.dense %[[F]], %arg1
// CHECK-NEXT: return %[[D]]
func.func @model(%x: tensor<1x4x1x1xf32>, %w: tensor<2x4xf32>, %aux: tensor<3x4xf32>) -> tensor<1x2xf32> {
  %0 = inception.relu %x : tensor<1x4x1x1xf32>
  %1 = inception.flatten %0 : tensor<1x4x1x1xf32> -> tensor<1x4xf32>
  %head = inception.dense %1, %aux : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32>
  %2 = inception.dropout %1 ratio = 0.4 : tensor<1x4xf32>
  %3 = inception.dense %2, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}
