// RUN: %inception-opt %s -convert-inception-to-linalg -canonicalize -blocked-layout=block=16 -canonicalize -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -buffer-results-to-out-params="hoist-static-allocs modify-public-functions" -canonicalize -microkernels="mr=6 nr=64 vl=16" | FileCheck %s
// RUN: %inception-opt %s -convert-inception-to-linalg -canonicalize -blocked-layout=block=16 -canonicalize -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -buffer-results-to-out-params="hoist-static-allocs modify-public-functions" -canonicalize -microkernels="mr=6 nr=16 vl=8" | FileCheck %s --check-prefix=OTHER-WIDTH

// microkernels on blocked-layout's convolutions: each contraction becomes
// a call of inception_uk_conv2d_blocked, which adds to the output the bias
// loop initialized; the filter is the blocked constant as it is. The
// first convolution reads the padded NCHW input (lanes 1, 3 one-channel
// blocks), the 1x1 one the pooled blocks (lanes 16, 2 blocks). Pooling and
// ReLU on blocks stay loops, and so does everything when the blocks are
// not the kernels' vector width.

// CHECK-LABEL: func.func @stem_pool_pointwise
// The stem: input strides 300/100/10 (NCHW, 10 x 10 padded), lanes 1;
// output strides 2048/1024/128; no ReLU in the kernel; batch 1, 3 input
// blocks, 2 output blocks, 3 x 3, 8 x 8 out, strides and dilations 1.
// CHECK: call @inception_uk_conv2d_blocked(%{{.*}}, %c300_i64, %c100_i64, %c10_i64, %c1_i64, %{{.*}}, %{{.*}}, %c2048_i64, %c1024_i64, %c128_i64, %c0_i64, %c1_i64{{.*}}, %c3_i64{{.*}}, %c2_i64{{.*}}, %c3_i64{{.*}}, %c3_i64{{.*}}, %c8_i64{{.*}}, %c8_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}})
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : memref<1x2x8x8x16xf32>) attrs = {inception.blocked = 16 : i64}
// CHECK:   arith.maximumf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : memref<1x2x10x10x16xf32>, memref<3x3xf32>) {{.*}} attrs = {inception.blocked = 16 : i64, inception.pool2d
// The 1x1: blocked input strides 512/256/64, lanes 16; 2 input blocks, 1
// output block.
// CHECK: call @inception_uk_conv2d_blocked(%{{.*}}, %c512_i64, %c256_i64, %c64_i64, %c16_i64, %{{.*}}, %{{.*}}, %c256_i64{{.*}}, %c256_i64{{.*}}, %c64_i64{{.*}}, %c0_i64{{.*}}, %c1_i64{{.*}}, %c2_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c4_i64{{.*}}, %c4_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}}, %c1_i64{{.*}})
// CHECK-NOT: inception.conv2d
// The generated tiles it calls.
// CHECK: func.func @inception_uk_blocked_conv_2x12v16
// CHECK: func.func @inception_uk_blocked_conv_strided_2x12v16

// OTHER-WIDTH-LABEL: func.func @stem_pool_pointwise
// OTHER-WIDTH-NOT: call @inception_uk_conv2d_blocked
// OTHER-WIDTH: inception.blocked = 16 : i64, inception.conv2d
func.func @stem_pool_pointwise(%x: tensor<1x3x8x8xf32>) -> tensor<1x6x4x4xf32> {
  %w1 = arith.constant dense<0.5> : tensor<32x3x3x3xf32>
  %b1 = arith.constant dense<0.25> : tensor<32xf32>
  %w2 = arith.constant dense<0.125> : tensor<6x32x1x1xf32>
  %0 = inception.conv2d %x, %w1, %b1 strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x8x8xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
  %1 = inception.max_pool2d %0 kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x32x8x8xf32> -> tensor<1x32x4x4xf32>
  %2 = inception.conv2d %1, %w2 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x32x4x4xf32>, tensor<6x32x1x1xf32>) -> tensor<1x6x4x4xf32>
  return %2 : tensor<1x6x4x4xf32>
}
