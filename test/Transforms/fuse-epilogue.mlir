// RUN: %inception-opt %s -fuse-epilogue | FileCheck %s
// RUN: %inception-opt %s -fuse-epilogue=fuse-residuals=false | FileCheck %s --check-prefix=NORES
// RUN: %inception-opt %s -fuse-epilogue --inception-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// STATS: fuse-epilogue.relus-fused{{ +}}3
// STATS: fuse-epilogue.scales-folded{{ +}}1
// STATS: fuse-epilogue.residual-adds-fused{{ +}}2

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

// The Inception-ResNet block: relu(x + 0.5 * conv(y)). The scale goes into
// the weights and bias, the add into the accumulator, the ReLU last.
// CHECK-LABEL: func.func @residual_block
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<{{.*}}scale{{.*}}> : tensor<2x3x1x1xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense_resource<{{.*}}scale{{.*}}> : tensor<2xf32>
// CHECK: %[[C:.*]] = inception.conv2d %arg1, %[[W]], %[[B]] residual %arg0 {{.*}} fused_relu
// CHECK-NOT: inception.
// CHECK: return %[[C]]
// NORES-LABEL: func.func @residual_block
// NORES: inception.conv2d
// NORES-NOT: residual
// NORES: inception.scale
// NORES: inception.add
// NORES: inception.relu
func.func @residual_block(%x: tensor<1x2x4x4xf32>, %y: tensor<1x3x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]], [[3.0]]], [[[4.0]], [[5.0]], [[6.0]]]]> : tensor<2x3x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %0 = inception.conv2d %y, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.scale %0 by 5.000000e-01 : tensor<1x2x4x4xf32>
  %2 = inception.add %x, %1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  %3 = inception.relu %2 : tensor<1x2x4x4xf32>
  return %3 : tensor<1x2x4x4xf32>
}

// The shortcut may be computed after the convolution: the fused op sits
// where the add was, after both.
// CHECK-LABEL: func.func @residual_defined_later
// CHECK: %[[P:.*]] = inception.max_pool2d
// CHECK-NEXT: inception.conv2d %arg1, %arg2 residual %[[P]]
func.func @residual_defined_later(%x: tensor<1x2x4x4xf32>, %y: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = inception.conv2d %y, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.max_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %2 = inception.add %0, %1 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  return %2 : tensor<1x2x4x4xf32>
}

// Left alone: a ReLU already fused would come before the sum; a scale
// needs constant weights, a non-negative factor after a ReLU, and a
// convolution no one else reads; a convolution with a residual keeps the
// factor out, which would scale the shortcut too.
// CHECK-LABEL: func.func @residual_kept
// CHECK: %[[R:.*]] = inception.conv2d {{.*}} fused_relu
// CHECK-NEXT: inception.add %arg0, %[[R]]
// CHECK-NEXT: inception.scale %[[R]] by 2.0
// CHECK-NEXT: %[[N:.*]] = inception.conv2d %arg1, %cst strides {{.*}} fused_relu
// CHECK-NEXT: inception.scale %[[N]] by -2.0
// CHECK-NEXT: %[[S:.*]] = inception.conv2d %arg1, %cst residual %arg0
// CHECK-NEXT: inception.scale %[[S]] by 3.0
// CHECK-NEXT: inception.add %arg0, %[[S]]
func.func @residual_kept(%x: tensor<1x2x4x4xf32>, %y: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>)
    -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %cw = arith.constant dense<1.0> : tensor<2x3x1x1xf32>
  %0 = inception.conv2d %y, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.add %x, %0 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  %2 = inception.scale %0 by 2.000000e+00 : tensor<1x2x4x4xf32>
  %3 = inception.conv2d %y, %cw strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %4 = inception.scale %3 by -2.000000e+00 : tensor<1x2x4x4xf32>
  %5 = inception.conv2d %y, %cw residual %x strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %6 = inception.scale %5 by 3.000000e+00 : tensor<1x2x4x4xf32>
  %7 = inception.add %x, %5 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  return %1, %2, %4, %6, %7 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
