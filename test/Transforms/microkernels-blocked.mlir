// RUN: %inception-opt %s -convert-inception-to-linalg -canonicalize -inception-blocked-layout=block=16 -canonicalize -inception-microkernels="mr=6 nr=64 vl=16" -canonicalize -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -buffer-results-to-out-params="hoist-static-allocs modify-public-functions" -canonicalize -elide-concat -inception-lower-ukernels | FileCheck %s
// RUN: %inception-opt %s -convert-inception-to-linalg -canonicalize -inception-blocked-layout=block=16 -canonicalize -inception-microkernels="mr=6 nr=16 vl=8" -canonicalize -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -buffer-results-to-out-params="hoist-static-allocs modify-public-functions" -canonicalize -elide-concat -inception-lower-ukernels | FileCheck %s --check-prefix=OTHER-WIDTH

// microkernels on blocked-layout's ops (blocks of vl = 16 channels):
// - each convolution calls inception_uk_conv2d_blocked (depthwise:
//   inception_uk_depthwise2d_blocked), its filter the blocked constant as
//   it is; the bias initialization and a ReLU become the kernel's, which
//   then writes the ReLU's destination (here the next layer's padded
//   buffer);
// - pooling calls inception_uk_pool2d_blocked, an average pooling's
//   division included;
// - a padded buffer that a kernel reads is filled on its border only,
//   since a producer writes its interior; where that kernel is its only
//   reader, by the kernel itself (its border_* fields; else by four fills
//   of strips before it: border-fill.mlir).
// Blocks of another width than the kernels' stay loops.

// CHECK-LABEL: func.func @blocks
// The stem's padded NCHW input: the interior copied, the border left to the
// stem's kernel.
// CHECK: %[[INPUT:.*]] = memref.alloc() {{.*}} : memref<1x3x10x10xf32>
// CHECK-NOT: linalg.fill
// CHECK: memref.copy %arg0
// The max pooling's padded input, its interior written by the stem with
// its ReLU, its border (-inf) left to the pooling: input strides
// 300/100/10, lanes 1,
// bias, no residual, output strides 3200/1600/160 (the interior at row 1,
// column 1), initialize, ReLU, batch 1, 3 input and 2 output blocks, 3x3,
// 8 x 8, strides and dilations 1.
// CHECK: %[[POOL_IN:.*]] = memref.alloc() {{.*}} : memref<1x2x10x10x16xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[INTERIOR:.*]] = memref.subview %[[POOL_IN]][0, 0, 1, 1, 0] [1, 2, 8, 8, 16]
// CHECK: %[[STEM_OUT:.*]] = memref.extract_aligned_pointer_as_index %[[INTERIOR]]
// CHECK: %[[STEM_AT:.*]] = arith.addi %[[STEM_OUT]], %c704
// CHECK: memref.store %c300_i64{{[_0-9]*}}, {{.*}}"input_batch_stride"}
// CHECK: memref.store %c100_i64{{[_0-9]*}}, {{.*}}"input_channel_stride"}
// CHECK: memref.store %c10_i64{{[_0-9]*}}, {{.*}}"input_row_stride"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"input_lanes"}
// CHECK: %[[NULL_RESIDUAL_7:.*]] = arith.index_cast %c0{{[_0-9]*}} : index to i64
// CHECK-NEXT: arith.constant 7 : index
// CHECK-NEXT: memref.store %[[NULL_RESIDUAL_7]], {{.*}}"residual"}
// CHECK: %[[STEM_SLOT:.*]] = arith.index_cast %[[STEM_AT]]
// CHECK-NEXT: arith.constant 11 : index
// CHECK-NEXT: memref.store %[[STEM_SLOT]], {{.*}}"output"}
// CHECK: memref.store %c3200_i64{{[_0-9]*}}, {{.*}}"output_batch_stride"}
// CHECK: memref.store %c1600_i64{{[_0-9]*}}, {{.*}}"output_channel_stride"}
// CHECK: memref.store %c160_i64{{[_0-9]*}}, {{.*}}"output_row_stride"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"accumulate"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"relu"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"batch"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"in_channels"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"out_channels"}
// CHECK: memref.store %c10_i64{{[_0-9]*}}, {{.*}}"in_h"}
// CHECK: memref.store %c10_i64{{[_0-9]*}}, {{.*}}"in_w"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_h"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_w"}
// CHECK: memref.store %c8_i64{{[_0-9]*}}, {{.*}}"out_h"}
// CHECK: memref.store %c8_i64{{[_0-9]*}}, {{.*}}"out_w"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"stride_h"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"stride_w"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"dilation_h"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"dilation_w"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"pad_top"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"pad_left"}
// The stem fills its input's border, one row and column each side, with 0.
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_bottom"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_left"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_right"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"border_value"}
// CHECK: %[[NULL_SCRATCH_37:.*]] = arith.index_cast %c0{{[_0-9]*}} : index to i64
// CHECK-NEXT: arith.constant 37 : index
// CHECK-NEXT: memref.store %[[NULL_SCRATCH_37]], {{.*}}"scratch"}
// CHECK: call @inception_uk_conv2d_blocked(
// Max pooling 3x3 stride 2 (kind 0, no divisor) of the padded 10 x 10 buffer.
// CHECK: memref.store %c3200_i64{{[_0-9]*}}, {{.*}}"input_batch_stride"}
// CHECK: memref.store %c1600_i64{{[_0-9]*}}, {{.*}}"input_channel_stride"}
// CHECK: memref.store %c160_i64{{[_0-9]*}}, {{.*}}"input_row_stride"}
// CHECK: memref.store %c10_i64{{[_0-9]*}}, {{.*}}"in_h"}
// CHECK: memref.store %c10_i64{{[_0-9]*}}, {{.*}}"in_w"}
// CHECK: memref.store %c512_i64{{[_0-9]*}}, {{.*}}"output_batch_stride"}
// CHECK: memref.store %c256_i64{{[_0-9]*}}, {{.*}}"output_channel_stride"}
// CHECK: memref.store %c64_i64{{[_0-9]*}}, {{.*}}"output_row_stride"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"batch"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"channels"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_h"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_w"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_h"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_w"}
// CHECK: memref.store %c2_i64{{[_0-9]*}}, {{.*}}"stride_h"}
// CHECK: memref.store %c2_i64{{[_0-9]*}}, {{.*}}"stride_w"}
// Its border: -inf (the bits of the double) on every side.
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_right"}
// CHECK: memref.store %c-4503599627370496_i64{{[_0-9]*}}, {{.*}}"border_value"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"kind"}
// CHECK: %[[NULL_DIVISOR_26:.*]] = arith.index_cast %c0{{[_0-9]*}} : index to i64
// CHECK-NEXT: arith.constant 26 : index
// CHECK-NEXT: memref.store %[[NULL_DIVISOR_26]], {{.*}}"divisor"}
// CHECK: call @inception_uk_pool2d_blocked(
// The 1x1 convolution: zero initialization (no bias), no ReLU, written
// into the average pooling's padded buffer.
// CHECK: memref.store %c512_i64{{[_0-9]*}}, {{.*}}"input_batch_stride"}
// CHECK: memref.store %c256_i64{{[_0-9]*}}, {{.*}}"input_channel_stride"}
// CHECK: memref.store %c64_i64{{[_0-9]*}}, {{.*}}"input_row_stride"}
// CHECK: memref.store %c16_i64{{[_0-9]*}}, {{.*}}"input_lanes"}
// CHECK: %[[NULL_BIAS_6:.*]] = arith.index_cast %c0{{[_0-9]*}} : index to i64
// CHECK-NEXT: arith.constant 6 : index
// CHECK-NEXT: memref.store %[[NULL_BIAS_6]], {{.*}}"bias"}
// CHECK: memref.store %c1152_i64{{[_0-9]*}}, {{.*}}"output_batch_stride"}
// CHECK: memref.store %c576_i64{{[_0-9]*}}, {{.*}}"output_channel_stride"}
// CHECK: memref.store %c96_i64{{[_0-9]*}}, {{.*}}"output_row_stride"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"accumulate"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"relu"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"in_channels"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"out_channels"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"kernel_h"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"kernel_w"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_h"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_w"}
// CHECK: call @inception_uk_conv2d_blocked(
// Its other reader, the second result, reads the unpacked interior.
// CHECK: linalg.generic {{.*}} outs(%arg2 : memref<1x32x4x4xf32>) attrs = {inception.unpack}
// Average pooling: sums (kind 1) divided by the window sizes.
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_h"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_w"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"stride_h"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"stride_w"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"kind"}
// CHECK-NEXT: %[[DIVISOR:.*]] = arith.index_cast %{{[0-9]+}} : index to i64
// CHECK-NEXT: arith.constant 26 : index
// CHECK-NEXT: memref.store %[[DIVISOR]], {{.*}}"divisor"}
// CHECK: call @inception_uk_pool2d_blocked(
// The depthwise convolution with its bias and ReLU.
// CHECK: memref.store %c1152_i64{{[_0-9]*}}, {{.*}}"input_batch_stride"}
// CHECK: memref.store %c576_i64{{[_0-9]*}}, {{.*}}"input_channel_stride"}
// CHECK: memref.store %c96_i64{{[_0-9]*}}, {{.*}}"input_row_stride"}
// CHECK: memref.store %c16_i64{{[_0-9]*}}, {{.*}}"input_lanes"}
// CHECK: "filter"}
// CHECK: %[[DWBIAS:.*]] = arith.index_cast %{{[0-9]+}} : index to i64
// CHECK-NEXT: arith.constant 6 : index
// CHECK-NEXT: memref.store %[[DWBIAS]], {{.*}}"bias"}
// CHECK: memref.store %c512_i64{{[_0-9]*}}, {{.*}}"output_batch_stride"}
// CHECK: memref.store %c256_i64{{[_0-9]*}}, {{.*}}"output_channel_stride"}
// CHECK: memref.store %c64_i64{{[_0-9]*}}, {{.*}}"output_row_stride"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"accumulate"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"relu"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"in_channels"}
// CHECK: memref.store %c32_i64{{[_0-9]*}}, {{.*}}"out_channels"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_h"}
// CHECK: memref.store %c3_i64{{[_0-9]*}}, {{.*}}"kernel_w"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_h"}
// CHECK: memref.store %c4_i64{{[_0-9]*}}, {{.*}}"out_w"}
// CHECK: call @inception_uk_depthwise2d_blocked(
// CHECK: linalg.generic {{.*}} outs(%arg1 : memref<1x32x4x4xf32>) attrs = {inception.unpack}
// CHECK-NOT: inception.conv2d
// CHECK-NOT: inception.pool2d
// CHECK-NOT: arith.maximumf
// The tiles the kernels call are built with them, not in the module.
// CHECK-NOT: func.func @inception_uk_blocked_conv

// OTHER-WIDTH-LABEL: func.func @blocks
// OTHER-WIDTH-NOT: _blocked(
// OTHER-WIDTH: inception.blocked = 16 : i64, inception.conv2d
func.func @blocks(%x: tensor<1x3x8x8xf32>) -> (tensor<1x32x4x4xf32>, tensor<1x32x4x4xf32>) {
  %w1 = arith.constant dense<0.5> : tensor<32x3x3x3xf32>
  %b1 = arith.constant dense<0.25> : tensor<32xf32>
  %w2 = arith.constant dense<0.125> : tensor<32x32x1x1xf32>
  %dw = arith.constant dense<0.5> : tensor<32x1x3x3xf32>
  %db = arith.constant dense<0.5> : tensor<32xf32>
  %0 = inception.conv2d %x, %w1, %b1 strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x8x8xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>) -> tensor<1x32x8x8xf32>
  %1 = inception.max_pool2d %0 kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x32x8x8xf32> -> tensor<1x32x4x4xf32>
  %2 = inception.conv2d %1, %w2 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x32x4x4xf32>, tensor<32x32x1x1xf32>) -> tensor<1x32x4x4xf32>
  %3 = inception.avg_pool2d %2 kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad = false : tensor<1x32x4x4xf32> -> tensor<1x32x4x4xf32>
  %4 = inception.conv2d %3, %dw, %db strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 32 fused_relu : (tensor<1x32x4x4xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x4x4xf32>
  return %4, %2 : tensor<1x32x4x4xf32>, tensor<1x32x4x4xf32>
}

