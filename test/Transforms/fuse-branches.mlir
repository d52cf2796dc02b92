// RUN: %inception-opt %s -fuse-branches -split-input-file | FileCheck %s

// Two 1x1 heads of one input merge (channels in order, the missing bias as
// zeros); the 3x3 convolution of the same input has another geometry and
// stays. Each branch reads its channels back.
// CHECK-LABEL: func.func @heads
// CHECK: %[[W:.*]] = arith.constant dense_resource<weight.concat> : tensor<5x4x1x1xf32>
// CHECK: %[[B:.*]] = arith.constant dense_resource<weight.concat_1> : tensor<5xf32>
// CHECK: %[[WIDE:.*]] = inception.conv2d %arg0, %[[W]], %[[B]] {{.*}} fused_relu : {{.*}} -> tensor<1x5x8x8xf32>
// CHECK: %[[A:.*]] = tensor.extract_slice %[[WIDE]][0, 0, 0, 0] [1, 2, 8, 8] [1, 1, 1, 1]
// CHECK: %[[BB:.*]] = tensor.extract_slice %[[WIDE]][0, 2, 0, 0] [1, 3, 8, 8] [1, 1, 1, 1]
// CHECK: %[[C:.*]] = inception.conv2d %arg0, %{{.*}} padding = [1, 1, 1, 1]
// CHECK: return %[[A]], %[[BB]], %[[C]]
// Filters: two output channels of 1.0, then three of 2.0; bias 0.5, 0.5, 0, 0, 0.
// CHECK: weight.concat: "0x04000000{{(0000803F){8}(00000040){12}"}}
// CHECK: weight.concat_1: "0x040000000000003F0000003F000000000000000000000000"
func.func @heads(%x: tensor<1x4x8x8xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x2x8x8xf32>) {
  %wa = arith.constant dense<1.0> : tensor<2x4x1x1xf32>
  %wb = arith.constant dense<2.0> : tensor<3x4x1x1xf32>
  %ba = arith.constant dense<0.5> : tensor<2xf32>
  %wc = arith.constant dense<3.0> : tensor<2x4x3x3xf32>
  %a = inception.conv2d %x, %wa, %ba strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>, tensor<2xf32>) -> tensor<1x2x8x8xf32>
  %b = inception.conv2d %x, %wb strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x4x8x8xf32>, tensor<3x4x1x1xf32>) -> tensor<1x3x8x8xf32>
  %c = inception.conv2d %x, %wc strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x4x8x8xf32>, tensor<2x4x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %a, %b, %c : tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x2x8x8xf32>
}

// -----

// Left alone: different strides, different epilogues, different inputs, a
// non-constant filter, and grouped convolutions.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: weight.concat
// CHECK-COUNT-6: inception.conv2d
// CHECK-NOT: tensor.extract_slice
func.func @kept(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x8x8xf32>, %w: tensor<2x4x1x1xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x4x4xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %k = arith.constant dense<1.0> : tensor<2x4x1x1xf32>
  %g = arith.constant dense<1.0> : tensor<4x2x1x1xf32>
  %0 = inception.conv2d %x, %k strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x8x8xf32>
  %1 = inception.conv2d %x, %k strides = [2, 2] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x4x4xf32>
  %2 = inception.conv2d %x, %k strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x8x8xf32>
  %3 = inception.conv2d %y, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x8x8xf32>
  %4 = inception.conv2d %x, %g strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x8x8xf32>
  %5 = inception.conv2d %x, %g strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x2x8x8xf32>, tensor<1x2x4x4xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// -----

// Filters bound at load: the same merge, as concat transforms the weight
// preparation runs (first the first two heads, then the third).
// CHECK-LABEL: func.func @at_load
// CHECK-DAG: %[[WA:.*]] = inception.parameter "a.weight" : tensor<2x4x1x1xf32>
// CHECK-DAG: %[[WB:.*]] = inception.parameter "b.weight" : tensor<3x4x1x1xf32>
// CHECK-DAG: %[[WC:.*]] = inception.parameter "c.weight" : tensor<1x4x1x1xf32>
// CHECK: %[[AB:.*]] = inception.weight_transform "concat" ins(%[[WA]], %[[WB]] : {{.*}}) outs({{.*}} : tensor<5x4x1x1xf32>) params {first_elements = 8 : i64, second_elements = 12 : i64}
// CHECK: %[[ABC:.*]] = inception.weight_transform "concat" ins(%[[AB]], %[[WC]] : {{.*}}) outs({{.*}} : tensor<6x4x1x1xf32>) params {first_elements = 20 : i64, second_elements = 4 : i64}
// CHECK: inception.conv2d %arg0, %[[ABC]] {{.*}} -> tensor<1x6x8x8xf32>
// CHECK-NOT: weight_transform
func.func @at_load(%x: tensor<1x4x8x8xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>) {
  %wa = inception.parameter "a.weight" : tensor<2x4x1x1xf32>
  %wb = inception.parameter "b.weight" : tensor<3x4x1x1xf32>
  %wc = inception.parameter "c.weight" : tensor<1x4x1x1xf32>
  %a = inception.conv2d %x, %wa strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x8x8xf32>
  %b = inception.conv2d %x, %wb strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<3x4x1x1xf32>) -> tensor<1x3x8x8xf32>
  %c = inception.conv2d %x, %wc strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x1x8x8xf32>
  return %a, %b, %c : tensor<1x2x8x8xf32>, tensor<1x3x8x8xf32>, tensor<1x1x8x8xf32>
}
