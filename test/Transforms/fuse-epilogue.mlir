// RUN: %inception-opt %s -fuse-epilogue | FileCheck %s

// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[C:.*]] = inception.conv2d {{.*}} groups = 1 fused_relu :
// CHECK-NOT: inception.relu
// CHECK: return %[[C]]
func.func @conv_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %1 = inception.relu %0 : tensor<1x3x4x4xf32>
  return %1 : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func.func @dense_relu
// CHECK: %[[D:.*]] = inception.dense %arg0, %arg1 fused_relu :
// CHECK-NEXT: return %[[D]]
func.func @dense_relu(%x: tensor<1x4xf32>, %w: tensor<2x4xf32>) -> tensor<1x2xf32> {
  %0 = inception.dense %x, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %1 = inception.relu %0 : tensor<1x2xf32>
  return %1 : tensor<1x2xf32>
}

// A second ReLU on an already fused result is the identity.
// CHECK-LABEL: func.func @already_fused
// CHECK: %[[C:.*]] = inception.conv2d {{.*}} fused_relu
// CHECK-NEXT: return %[[C]]
func.func @already_fused(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %1 = inception.relu %0 : tensor<1x3x4x4xf32>
  return %1 : tensor<1x3x4x4xf32>
}

// Left alone: a producer whose unrectified result is also used, and a ReLU
// after an op that has no epilogue.
// CHECK-LABEL: func.func @kept
// CHECK: inception.conv2d
// CHECK-NOT: fused_relu
// CHECK: inception.relu
// CHECK: inception.relu
func.func @kept(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1xf32>) -> (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x2x4x4xf32>) {
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  %1 = inception.relu %0 : tensor<1x3x4x4xf32>
  %2 = inception.add %x, %x : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  %3 = inception.relu %2 : tensor<1x2x4x4xf32>
  return %0, %1, %3 : tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>, tensor<1x2x4x4xf32>
}
