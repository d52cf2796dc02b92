// RUN: %inception-opt %s -convert-inception-to-linalg -split-input-file | FileCheck %s

// A strided, padded convolution with bias: the input is zero-padded, the
// bias initializes the accumulator, and one generic contracts over
// (n, g, f, c, kh, kw, oh, ow) with the output row innermost.

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d6 * 2 + d4, d7 * 2 + d5)>
// CHECK-DAG: #[[FILTER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d3, d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d6, d7)>
// CHECK-LABEL: func.func @conv_bias_stride_pad
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32> {bufferization.writable = false}
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[ZERO]]
// CHECK: %[[GIN:.*]] = tensor.expand_shape %[[PAD]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 1, 3, 10, 10]
// CHECK: %[[GW:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] output_shape [1, 4, 3, 3, 3]
// CHECK: %[[GB:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 4]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[GB]] : tensor<1x4xf32>) outs(%{{.*}} : tensor<1x1x4x4x4xf32>)
// CHECK: %[[CONV:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[FILTER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]} ins(%[[GIN]], %[[GW]] : tensor<1x1x3x10x10xf32>, tensor<1x4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x1x4x4x4xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[CONV]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x1x4x4x4xf32> into tensor<1x4x4x4xf32>
// CHECK: return %[[R]]
// CHECK-NOT: inception.
func.func @conv_bias_stride_pad(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %0 = inception.conv2d %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Depthwise (groups = channels), dilated, without bias: no padding op, a
// zero-filled accumulator, eight groups of one channel.
// CHECK-DAG: #[[DIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d3, d6 + d4 * 2, d7 + d5 * 2)>
// CHECK-LABEL: func.func @depthwise_dilated
// CHECK-NOT: tensor.pad
// CHECK: tensor.expand_shape %{{.*}} output_shape [1, 8, 1, 9, 9]
// CHECK: %[[FILL:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x8x1x5x5xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[DIN]], {{.*}} outs(%[[FILL]]
func.func @depthwise_dilated(%x: tensor<1x8x9x9xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32> {
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [2, 2] groups = 8 : (tensor<1x8x9x9xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  return %0 : tensor<1x8x5x5xf32>
}

// -----

// A fused ReLU follows the contraction.
// CHECK-LABEL: func.func @fused_relu
// CHECK: linalg.generic
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic
// CHECK:   arith.maximumf
func.func @fused_relu(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// dense: the bias broadcast initializes out[n, m] += x[n, k] * w[m, k].
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<10xf32>) outs(%{{.*}} : tensor<2x10xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}} : tensor<2x16xf32>, tensor<10x16xf32>) outs(%[[INIT]] : tensor<2x10xf32>)
func.func @dense(%x: tensor<2x16xf32>, %w: tensor<10x16xf32>, %b: tensor<10xf32>) -> tensor<2x10xf32> {
  %0 = inception.dense %x, %w, %b : (tensor<2x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// A fused residual with bias and ReLU: the accumulator starts at
// bias + residual, and the ReLU runs on the collapsed result.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2)>
// CHECK-DAG: #[[ID5:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv_residual
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4xf32> {{.*}}, %[[RES:.*]]: tensor<1x2x4x4xf32>
// CHECK: %[[GB:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [1, 2]
// CHECK: %[[GR:.*]] = tensor.expand_shape %[[RES]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 1, 2, 4, 4]
// CHECK: %[[INIT:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #[[ID5]], #[[ID5]]], {{.*}} ins(%[[GB]], %[[GR]] : tensor<1x2xf32>, tensor<1x1x2x4x4xf32>)
// CHECK-NEXT: ^bb0(%[[B:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[SUM:.*]] = arith.addf %[[B]], %[[R]] : f32
// CHECK-NEXT:   linalg.yield %[[SUM]]
// CHECK: %[[CONV:.*]] = linalg.generic {{.*}} outs(%[[INIT]] : tensor<1x1x2x4x4xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[CONV]]
// CHECK: linalg.generic {{.*}} ins(%[[C]] : tensor<1x2x4x4xf32>)
// CHECK:   arith.maximumf
func.func @conv_residual(%x: tensor<1x3x4x4xf32>, %r: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<2x3x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %0 = inception.conv2d %x, %w, %b residual %r strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>, tensor<2xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
