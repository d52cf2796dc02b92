// RUN: %inception-opt %s -convert-inception-to-linalg -split-input-file | FileCheck %s

// Max pooling pads with -inf; ceil_mode makes the trailing padding large
// enough for the last window (112 -> 56 with a 3x3, stride-2 window needs
// 113 rows: one row of padding).
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[KERNEL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3)>
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK:   tensor.yield %[[NEG]]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEG]] : f32)
// CHECK: %[[K:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[KERNEL]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]} ins(%[[PAD]], %[[K]] : tensor<1x4x113x113xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x4x56x56xf32>)
// CHECK-SAME: inception.pool2d = {input_size = array<i64: 112, 112>, kind = "max", padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK:   arith.maximumf
func.func @max_pool_ceil(%x: tensor<1x4x112x112xf32>) -> tensor<1x4x56x56xf32> {
  %0 = inception.max_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [0, 0, 0, 0] ceil_mode : tensor<1x4x112x112xf32> -> tensor<1x4x56x56xf32>
  return %0 : tensor<1x4x56x56xf32>
}

// -----

// Average pooling sums the zero-padded windows and divides by PyTorch's
// window sizes: with count_include_pad, padding counts (9 everywhere);
// without it, corners see 4 input elements and edges 6.
// CHECK-LABEL: func.func @avg_pool_divisors
// CHECK: %[[WITH:.*]] = arith.constant dense<9.000000e+00> : tensor<3x3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WITH]] : tensor<1x2x3x3xf32>, tensor<3x3xf32>)
// CHECK:   arith.divf
// CHECK: %[[WITHOUT:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WITHOUT]] : tensor<1x2x3x3xf32>, tensor<3x3xf32>)
func.func @avg_pool_divisors(%x: tensor<1x2x3x3xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0 = inception.avg_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad = true : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
  %1 = inception.avg_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad = false : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// ceil_mode windows that run past the padding do not count it: on 14 rows
// with pad 1 and a 3x3, stride-2 window, the last window starts at row 13
// and covers rows 13..15, of which row 15 is past the one row of padding.
// CHECK-LABEL: func.func @avg_pool_ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 2, 2]
// CHECK: arith.constant dense<{{.*}}6.000000e+00, 4.000000e+00]]> : tensor<8x8xf32>
func.func @avg_pool_ceil(%x: tensor<1x1x14x14xf32>) -> tensor<1x1x8x8xf32> {
  %0 = inception.avg_pool2d %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] ceil_mode count_include_pad = true : tensor<1x1x14x14xf32> -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%{{.*}} : tensor<2x8x7x7xf32>) outs(%{{.*}} : tensor<2x8xf32>)
// CHECK: %[[COUNT:.*]] = arith.constant 4.900000e+01 : f32
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x8xf32>)
// CHECK:   arith.divf %{{.*}}, %[[COUNT]]
// CHECK: tensor.expand_shape %[[MEAN]] {{\[\[}}0], [1, 2, 3]] output_shape [2, 8, 1, 1]
func.func @global_avg_pool(%x: tensor<2x8x7x7xf32>) -> tensor<2x8x1x1xf32> {
  %0 = inception.global_avg_pool2d %x : tensor<2x8x7x7xf32> -> tensor<2x8x1x1xf32>
  return %0 : tensor<2x8x1x1xf32>
}
