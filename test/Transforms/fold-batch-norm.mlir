// RUN: %inception-opt %s -fold-batch-norm -split-input-file --mlir-print-op-generic | FileCheck %s

// Per output channel o: s = gamma / sqrt(var + eps); w' = w * s;
// b' = (b - mean) * s + beta. Channel 0: s = 2 / sqrt(3 + 1) = 1; channel 1:
// s = 0.5 / sqrt(0 + 1) = 0.5. Without a conv bias, b = 0:
// b'0 = (0 - 0.5) * 1 + 1 = 0.5, b'1 = (0 - 0.25) * 0.5 - 1 = -1.125.
// CHECK-LABEL: "func.func"
// CHECK-SAME: sym_name = "no_bias"
// CHECK: %[[W:.*]] = "arith.constant"() <{value = dense_resource<weight.batch_norm_filter> : tensor<2x2x1x1xf32>}>
// CHECK: %[[B:.*]] = "arith.constant"() <{value = dense_resource<weight.batch_norm_bias> : tensor<2xf32>}>
// CHECK: "inception.conv2d"(%arg0, %[[W]], %[[B]])
// CHECK-NOT: inception.batch_norm
// 1.0, 2.0 | 1.5, 2.0 and 0.5 | -1.125:
// CHECK: weight.batch_norm_filter: "0x040000000000803F000000400000C03F00000040"
// CHECK: weight.batch_norm_bias: "0x040000000000003F000090BF"
func.func @no_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %g = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %v = arith.constant dense<[3.0, 0.0]> : tensor<2xf32>
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.batch_norm %0, %g, %b, %m, %v epsilon = 1.0 : tensor<1x2x4x4xf32>, tensor<2xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// With a conv bias of [1, 2]: b'0 = (1 - 0) * 0.5 + 0 = 0.5, b'1 = (2 - 0) * 0.5 + 0 = 1.
// CHECK-LABEL: "func.func"
// CHECK-SAME: sym_name = "with_bias"
// CHECK: "inception.conv2d"
// CHECK-NOT: inception.batch_norm
// CHECK: weight.batch_norm_bias: "0x040000000000003F0000803F"
func.func @with_bias(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %cb = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %g = arith.constant dense<0.5> : tensor<2xf32>
  %z = arith.constant dense<0.0> : tensor<2xf32>
  %one = arith.constant dense<0.75> : tensor<2xf32>
  %0 = inception.conv2d %x, %w, %cb strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.batch_norm %0, %g, %z, %z, %one epsilon = 0.25 : tensor<1x2x4x4xf32>, tensor<2xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Left alone: a convolution whose result has another user, a batch norm
// after something else, and parameters that are not constants.
// CHECK-LABEL: sym_name = "kept"
// CHECK-COUNT-3: "inception.batch_norm"
func.func @kept(%x: tensor<1x2x4x4xf32>, %p: tensor<2xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %c = arith.constant dense<1.0> : tensor<2xf32>
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = inception.batch_norm %0, %c, %c, %c, %c epsilon = 1.0e-3 : tensor<1x2x4x4xf32>, tensor<2xf32>
  %2 = inception.relu %x : tensor<1x2x4x4xf32>
  %3 = inception.batch_norm %2, %c, %c, %c, %c epsilon = 1.0e-3 : tensor<1x2x4x4xf32>, tensor<2xf32>
  %4 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = inception.batch_norm %4, %p, %c, %c, %c epsilon = 1.0e-3 : tensor<1x2x4x4xf32>, tensor<2xf32>
  return %1, %0, %3, %5 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Parameters bound at load: the fold is the same two weight transforms,
// left for the weight preparation (no constant to fold them into). A
// missing conv bias is a zero constant.
// CHECK-LABEL: sym_name = "at_load"
// CHECK-DAG: %[[Z:.*]] = "arith.constant"() <{value = dense<0.000000e+00> : tensor<2xf32>}>
// CHECK-DAG: %[[W:.*]] = "inception.parameter"() <{key = "conv.weight"}>
// CHECK-DAG: %[[G:.*]] = "inception.parameter"() <{key = "bn.weight"}>
// CHECK-DAG: %[[B:.*]] = "inception.parameter"() <{key = "bn.bias"}>
// CHECK-DAG: %[[M:.*]] = "inception.parameter"() <{key = "bn.running_mean"}>
// CHECK-DAG: %[[V:.*]] = "inception.parameter"() <{key = "bn.running_var"}>
// CHECK: %[[FW:.*]] = "inception.weight_transform"(%[[W]], %[[G]], %[[V]], %{{.*}}) <{params = {channels = 2 : i64, epsilon = 1.000000e-03 : f64, per_channel = 27 : i64}, transform = "batch_norm_filter"}>
// CHECK: %[[FB:.*]] = "inception.weight_transform"(%[[Z]], %[[G]], %[[B]], %[[M]], %[[V]], %{{.*}}) <{params = {channels = 2 : i64, epsilon = 1.000000e-03 : f64}, transform = "batch_norm_bias"}>
// CHECK: "inception.conv2d"(%arg0, %[[FW]], %[[FB]])
// CHECK-NOT: inception.batch_norm
func.func @at_load(%x: tensor<1x3x8x8xf32>) -> tensor<1x2x6x6xf32> {
  %w = inception.parameter "conv.weight" : tensor<2x3x3x3xf32>
  %g = inception.parameter "bn.weight" : tensor<2xf32>
  %b = inception.parameter "bn.bias" : tensor<2xf32>
  %m = inception.parameter "bn.running_mean" : tensor<2xf32>
  %v = inception.parameter "bn.running_var" : tensor<2xf32>
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<2x3x3x3xf32>) -> tensor<1x2x6x6xf32>
  %1 = inception.batch_norm %0, %g, %b, %m, %v epsilon = 1.0e-3 : tensor<1x2x6x6xf32>, tensor<2xf32>
  return %1 : tensor<1x2x6x6xf32>
}
