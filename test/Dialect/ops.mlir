// RUN: %inception-opt %s | %inception-opt | FileCheck %s
// RUN: %inception-opt %s --mlir-print-op-generic | %inception-opt | FileCheck %s
// RUN: %inception-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every op in its custom form; the second RUN line checks that the generic
// form parses back to the same module.

// CHECK-LABEL: func.func @conv_bn_relu
// GENERIC-LABEL: "func.func"
func.func @conv_bn_relu(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>,
                        %b: tensor<64xf32>) -> tensor<1x64x112x112xf32> {
  // CHECK: %[[C:.*]] = inception.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] padding = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  // GENERIC: "inception.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}) <{dilations = array<i64: 1, 1>, groups = 1 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0>, padding = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>}>
  %0 = inception.conv2d %x, %w, %b strides = [2, 2] padding = [3, 3, 3, 3]
         dilations = [1, 1] groups = 1
         : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>)
         -> tensor<1x64x112x112xf32>
  // CHECK: %[[N:.*]] = inception.batch_norm %[[C]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon = 1.000000e-03 : tensor<1x64x112x112xf32>, tensor<64xf32>
  %1 = inception.batch_norm %0, %b, %b, %b, %b epsilon = 1.0e-3
         : tensor<1x64x112x112xf32>, tensor<64xf32>
  // CHECK: inception.relu %[[N]] : tensor<1x64x112x112xf32>
  %2 = inception.relu %1 : tensor<1x64x112x112xf32>
  return %2 : tensor<1x64x112x112xf32>
}

// CHECK-LABEL: func.func @clip
func.func @clip(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  // CHECK: inception.clip %{{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<1x8xf32>
  %0 = inception.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x8xf32>
  // CHECK: inception.clip %{{.*}} {min = -1.000000e+00 : f64} : tensor<1x8xf32>
  %1 = inception.clip %0 {min = -1.0 : f64} : tensor<1x8xf32>
  return %1 : tensor<1x8xf32>
}

// CHECK-LABEL: func.func @conv_variants
func.func @conv_variants(%x: tensor<2x32x17x17xf32>, %dw: tensor<32x1x3x3xf32>,
                         %pw: tensor<16x32x1x7xf32>)
    -> (tensor<2x32x17x17xf32>, tensor<2x16x17x17xf32>, tensor<2x32x13x13xf32>) {
  // Depthwise, no bias.
  // CHECK: inception.conv2d %{{.*}}, %{{.*}} strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 32 :
  %0 = inception.conv2d %x, %dw strides = [1, 1] padding = [1, 1, 1, 1]
         dilations = [1, 1] groups = 32
         : (tensor<2x32x17x17xf32>, tensor<32x1x3x3xf32>) -> tensor<2x32x17x17xf32>
  // Asymmetric 1x7 kernel with a fused ReLU.
  // CHECK: inception.conv2d {{.*}} padding = [0, 3, 0, 3] dilations = [1, 1] groups = 1 fused_relu :
  %1 = inception.conv2d %x, %pw strides = [1, 1] padding = [0, 3, 0, 3]
         dilations = [1, 1] groups = 1 fused_relu
         : (tensor<2x32x17x17xf32>, tensor<16x32x1x7xf32>) -> tensor<2x16x17x17xf32>
  // Dilation 2 without padding.
  // CHECK: inception.conv2d {{.*}} dilations = [2, 2] groups = 32 :
  %2 = inception.conv2d %x, %dw strides = [1, 1] padding = [0, 0, 0, 0]
         dilations = [2, 2] groups = 32
         : (tensor<2x32x17x17xf32>, tensor<32x1x3x3xf32>) -> tensor<2x32x13x13xf32>
  return %0, %1, %2 : tensor<2x32x17x17xf32>, tensor<2x16x17x17xf32>, tensor<2x32x13x13xf32>
}

// A residual shortcut with bias and ReLU, as fuse-epilogue makes it.
// CHECK-LABEL: func.func @conv_residual
// CHECK: inception.conv2d %arg0, %arg1, %arg2 residual %arg3 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu :
// GENERIC-LABEL: sym_name = "conv_residual"
// GENERIC: "inception.conv2d"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) <{{{.*}}operandSegmentSizes = array<i32: 1, 1, 1, 1>
func.func @conv_residual(%x: tensor<1x8x5x5xf32>, %w: tensor<4x8x1x1xf32>,
                         %b: tensor<4xf32>, %r: tensor<1x4x5x5xf32>)
    -> tensor<1x4x5x5xf32> {
  %0 = inception.conv2d %x, %w, %b residual %r strides = [1, 1]
         padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu
         : (tensor<1x8x5x5xf32>, tensor<4x8x1x1xf32>, tensor<4xf32>, tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// Without a bias, the residual alone.
// CHECK-LABEL: func.func @conv_residual_no_bias
// CHECK: inception.conv2d %arg0, %arg1 residual %arg2 strides
func.func @conv_residual_no_bias(%x: tensor<1x8x5x5xf32>, %w: tensor<4x8x1x1xf32>,
                                 %r: tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32> {
  %0 = inception.conv2d %x, %w residual %r strides = [1, 1]
         padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1
         : (tensor<1x8x5x5xf32>, tensor<4x8x1x1xf32>, tensor<1x4x5x5xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x64x112x112xf32>)
    -> (tensor<1x64x56x56xf32>, tensor<1x64x112x112xf32>, tensor<1x64x1x1xf32>) {
  // CHECK: inception.max_pool2d %{{.*}} kernel = [3, 3] strides = [2, 2] padding = [0, 0, 0, 0] ceil_mode : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  %0 = inception.max_pool2d %x kernel = [3, 3] strides = [2, 2]
         padding = [0, 0, 0, 0] ceil_mode
         : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  // CHECK: inception.avg_pool2d %{{.*}} kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad = false :
  %1 = inception.avg_pool2d %x kernel = [3, 3] strides = [1, 1]
         padding = [1, 1, 1, 1] count_include_pad = false
         : tensor<1x64x112x112xf32> -> tensor<1x64x112x112xf32>
  // CHECK: inception.global_avg_pool2d %{{.*}} : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  %2 = inception.global_avg_pool2d %x
         : tensor<1x64x112x112xf32> -> tensor<1x64x1x1xf32>
  return %0, %1, %2 : tensor<1x64x56x56xf32>, tensor<1x64x112x112xf32>, tensor<1x64x1x1xf32>
}

// CHECK-LABEL: func.func @structure
func.func @structure(%a: tensor<1x64x28x28xf32>, %b: tensor<1x128x28x28xf32>,
                     %w: tensor<10x192xf32>, %bias: tensor<10xf32>)
    -> tensor<1x10xf32> {
  // CHECK: inception.lrn %{{.*}} size = 5 alpha = 1.000000e-04 beta = 7.500000e-01 k = 1.000000e+00 : tensor<1x64x28x28xf32>
  %0 = inception.lrn %a size = 5 alpha = 1.0e-4 beta = 0.75 k = 1.0
         : tensor<1x64x28x28xf32>
  // CHECK: inception.concat %{{.*}}, %{{.*}} axis = 1 : (tensor<1x64x28x28xf32>, tensor<1x128x28x28xf32>) -> tensor<1x192x28x28xf32>
  %1 = inception.concat %0, %b axis = 1
         : (tensor<1x64x28x28xf32>, tensor<1x128x28x28xf32>) -> tensor<1x192x28x28xf32>
  // CHECK: inception.scale %{{.*}} by 1.700000e-01 : tensor<1x192x28x28xf32>
  %2 = inception.scale %1 by 0.17 : tensor<1x192x28x28xf32>
  // CHECK: inception.add %{{.*}}, %{{.*}} : tensor<1x192x28x28xf32>, tensor<1x192x28x28xf32>
  %3 = inception.add %2, %1 : tensor<1x192x28x28xf32>, tensor<1x192x28x28xf32>
  %4 = inception.global_avg_pool2d %3 : tensor<1x192x28x28xf32> -> tensor<1x192x1x1xf32>
  // CHECK: inception.flatten %{{.*}} : tensor<1x192x1x1xf32> -> tensor<1x192xf32>
  %5 = inception.flatten %4 : tensor<1x192x1x1xf32> -> tensor<1x192xf32>
  // CHECK: inception.dropout %{{.*}} ratio = 4.000000e-01 : tensor<1x192xf32>
  %6 = inception.dropout %5 ratio = 0.4 : tensor<1x192xf32>
  // CHECK: inception.dense %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x192xf32>, tensor<10x192xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %7 = inception.dense %6, %w, %bias
         : (tensor<1x192xf32>, tensor<10x192xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: inception.softmax %{{.*}} axis = 1 : tensor<1x10xf32>
  %8 = inception.softmax %7 axis = 1 : tensor<1x10xf32>
  return %8 : tensor<1x10xf32>
}

// Pooling output sizes follow PyTorch's ceil_mode rule: a last window that
// would start in the right padding is dropped.
// CHECK-LABEL: func.func @ceil_mode_sizes
func.func @ceil_mode_sizes(%x: tensor<1x8x112x112xf32>, %y: tensor<1x8x14x14xf32>)
    -> (tensor<1x8x56x56xf32>, tensor<1x8x7x7xf32>, tensor<1x8x8x8xf32>) {
  %0 = inception.max_pool2d %x kernel = [3, 3] strides = [2, 2]
         padding = [0, 0, 0, 0] ceil_mode : tensor<1x8x112x112xf32> -> tensor<1x8x56x56xf32>
  %1 = inception.max_pool2d %y kernel = [2, 2] strides = [2, 2]
         padding = [0, 0, 0, 0] ceil_mode : tensor<1x8x14x14xf32> -> tensor<1x8x7x7xf32>
  // ceil((14 + 2 - 3) / 2) + 1 = 8; the 8th window starts at 14 - 1 < 15.
  %2 = inception.avg_pool2d %y kernel = [3, 3] strides = [2, 2]
         padding = [1, 1, 1, 1] ceil_mode count_include_pad = true
         : tensor<1x8x14x14xf32> -> tensor<1x8x8x8xf32>
  return %0, %1, %2 : tensor<1x8x56x56xf32>, tensor<1x8x7x7xf32>, tensor<1x8x8x8xf32>
}

// The Halide back half's layer call, on tensors and on buffers.
// CHECK-LABEL: func.func @halide_call
// CHECK: inception.halide_call @layer scratch 128 ins(%{{.*}}, %{{.*}} : tensor<1x8x4x4xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
// CHECK: inception.halide_call @layer scratch 0 ins(%{{.*}} : memref<1x8x4x4xf32>) outs(%{{.*}} : memref<1x8x4x4xf32>)
func.func @halide_call(%x: tensor<1x8x4x4xf32>, %b: tensor<8xf32>, %e: tensor<1x8x4x4xf32>,
                       %in: memref<1x8x4x4xf32>, %out: memref<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = inception.halide_call @layer scratch 128 ins(%x, %b : tensor<1x8x4x4xf32>, tensor<8xf32>) outs(%e : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  inception.halide_call @layer scratch 0 ins(%in : memref<1x8x4x4xf32>) outs(%out : memref<1x8x4x4xf32>)
  return %0 : tensor<1x8x4x4xf32>
}
