// RUN: %inception-opt %s -split-input-file -factorize-conv -verify-diagnostics | FileCheck %s
// RUN: %inception-opt %s -split-input-file -factorize-conv --inception-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: %inception-opt %s -split-input-file -factorize-conv=rank=1 2>&1 | FileCheck %s --check-prefix=RANK1
// RUN: %inception-opt %s -split-input-file -factorize-conv=energy=0.5 2>&1 | FileCheck %s --check-prefix=ENERGY
// RUN: not %inception-opt %s -split-input-file -factorize-conv="rank=1 energy=0.5" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not %inception-opt %s -split-input-file -factorize-conv=energy=1.5 2>&1 | FileCheck %s --check-prefix=RANGE

// Statistics over the whole file: the two exact low-rank kernels are
// factorized, the full-rank 3x3 kernel is not.
// STATS-DAG: factorize-conv.factorized{{ +}}2
// STATS-DAG: factorize-conv.left-alone{{ +}}1
// STATS-DAG: factorize-conv.macs-before{{ +}}4104
// STATS-DAG: factorize-conv.macs-after{{ +}}1284

// BOTH: error: factorize-conv: give rank= or energy=, not both
// RANGE: error: factorize-conv: rank must be >= 0, energy in [0, 1] and tolerance >= 0 (got rank=0, energy=1.5, tolerance=1e-05)

// A rank-one 3x3 kernel, W[o, c, i, j] = a[c, i] * b[o, j], padded, with
// bias and ReLU: a 3x1 convolution into one channel (vertical stride and
// padding), then a 1x3 one with the horizontal ones and the epilogue.
// MACs 3*2*9*64 = 3456 -> 1*2*3*8*8 + 3*1*3*64 = 960.
// CHECK-LABEL: func.func @rank_one
// CHECK: %[[V:.*]] = inception.conv2d %arg0, %{{.*}} strides = [1, 1] padding = [1, 0, 1, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<1x2x3x1xf32>) -> tensor<1x1x8x8xf32>
// CHECK: %[[H:.*]] = inception.conv2d %[[V]], %{{.*}}, %{{.*}} strides = [1, 1] padding = [0, 1, 0, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x1x8x8xf32>, tensor<3x1x1x3xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
// CHECK: return %[[H]]
// RANK1: remark: factorize-conv: 3x3 convolution 2 -> 3 at rank 1 of 6: relative kernel error {{[0-9.]+}}e-{{0[89]|1[0-9]}}, MACs 3456 -> 960
func.func @rank_one(%x: tensor<1x2x8x8xf32>) -> tensor<1x3x8x8xf32> {
  %w = arith.constant dense<[[[[1.0, 0.0, -1.0],   [2.0, 0.0, -2.0],   [-1.0, 0.0, 1.0]],  [[0.5, 0.0, -0.5],   [1.0, 0.0, -1.0],   [2.0, 0.0, -2.0]]], [[[2.0, 1.0, 0.0],   [4.0, 2.0, 0.0],   [-2.0, -1.0, 0.0]],  [[1.0, 0.5, 0.0],   [2.0, 1.0, 0.0],   [4.0, 2.0, 0.0]]], [[[0.0, 1.0, 1.0],   [0.0, 2.0, 2.0],   [0.0, -1.0, -1.0]],  [[0.0, 0.5, 0.5],   [0.0, 1.0, 1.0],   [0.0, 2.0, 2.0]]]]> : tensor<3x2x3x3xf32>
  %b = arith.constant dense<[0.1, 0.2, 0.3]> : tensor<3xf32>
  %0 = inception.conv2d %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x2x8x8xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

// Strides, dilations and asymmetric padding split by axis; the residual
// moves to the second convolution. The same rank-one kernel, 2x3 strides:
// MACs 3*2*9*(4*3) = 648 -> 1*2*3*4*9 + 3*1*3*4*3 = 324.
// CHECK-LABEL: func.func @strided
// CHECK: %[[V:.*]] = inception.conv2d %arg0, %{{.*}} strides = [2, 1] padding = [1, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x9x9xf32>, tensor<1x2x3x1xf32>) -> tensor<1x1x4x9xf32>
// CHECK: inception.conv2d %[[V]], %{{.*}} residual %arg1 strides = [1, 3] padding = [0, 2, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x1x4x9xf32>, tensor<3x1x1x3xf32>, tensor<1x3x4x3xf32>) -> tensor<1x3x4x3xf32>
func.func @strided(%x: tensor<1x2x9x9xf32>, %r: tensor<1x3x4x3xf32>) -> tensor<1x3x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 0.0, -1.0],   [2.0, 0.0, -2.0],   [-1.0, 0.0, 1.0]],  [[0.5, 0.0, -0.5],   [1.0, 0.0, -1.0],   [2.0, 0.0, -2.0]]], [[[2.0, 1.0, 0.0],   [4.0, 2.0, 0.0],   [-2.0, -1.0, 0.0]],  [[1.0, 0.5, 0.0],   [2.0, 1.0, 0.0],   [4.0, 2.0, 0.0]]], [[[0.0, 1.0, 1.0],   [0.0, 2.0, 2.0],   [0.0, -1.0, -1.0]],  [[0.0, 0.5, 0.5],   [0.0, 1.0, 1.0],   [0.0, 2.0, 2.0]]]]> : tensor<3x2x3x3xf32>
  %0 = inception.conv2d %x, %w residual %r strides = [2, 3] padding = [1, 2, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x9x9xf32>, tensor<3x2x3x3xf32>, tensor<1x3x4x3xf32>) -> tensor<1x3x4x3xf32>
  return %0 : tensor<1x3x4x3xf32>
}

// -----

// A kernel of rank 5 (of at most min(2*3, 3*3) = 6; singular values
// sqrt(2), 1, 1, 1, 1): no rank that saves MACs is exact, so it stays by
// default; rank=1 forces it and reports the error, sqrt(4/6); energy=0.5
// keeps the fewest singular values holding half of sum(sigma^2) = 6: two.
// CHECK-LABEL: func.func @full_rank
// CHECK: inception.conv2d %arg0, %{{.*}} strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x8x8xf32>
// CHECK-NOT: inception.conv2d
// RANK1: remark: factorize-conv: 3x3 convolution 2 -> 3 at rank 1 of 6: relative kernel error 8.165e-01, MACs 3456 -> 960
// ENERGY: remark: factorize-conv: 3x3 convolution 2 -> 3 at rank 2 of 6: relative kernel error 7.071e-01
func.func @full_rank(%x: tensor<1x2x8x8xf32>) -> tensor<1x3x8x8xf32> {
  %w = arith.constant dense<[[[[1.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]], [[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], [[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [[0.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]]> : tensor<3x2x3x3xf32>
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x8x8xf32>
  return %0 : tensor<1x3x8x8xf32>
}

// -----

// Never touched: 1x1 and non-square kernels, grouped convolutions, and
// filters that are not constants.
// CHECK-LABEL: func.func @not_eligible
// CHECK-COUNT-4: inception.conv2d %arg0
// RANK1-NOT: remark
func.func @not_eligible(%x: tensor<1x2x8x8xf32>, %w: tensor<2x2x3x3xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) {
  %pointwise = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %row = arith.constant dense<1.0> : tensor<2x2x1x3xf32>
  %depthwise = arith.constant dense<1.0> : tensor<2x1x3x3xf32>
  %0 = inception.conv2d %x, %pointwise strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x8x8xf32>
  %1 = inception.conv2d %x, %row strides = [1, 1] padding = [0, 1, 0, 1] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<2x2x1x3xf32>) -> tensor<1x2x8x8xf32>
  %2 = inception.conv2d %x, %depthwise strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : (tensor<1x2x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32>
  %3 = inception.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %0, %1, %2, %3 : tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>
}

// -----

// Weights bound at load: the rank depends on the filter's values, so the
// pass leaves such convolutions alone and says so, once per function.
// CHECK-LABEL: func.func @at_load
// RANK1: remark: factorize-conv: skipped 1 convolutions whose filters are not known at compile time
// CHECK: inception.conv2d %arg0, %{{.*}} strides = [1, 1] padding = [1, 1, 1, 1]
// CHECK-NOT: inception.conv2d
// expected-remark @+1 {{factorize-conv: skipped 1 convolutions whose filters are not known at compile time (weights bound at load): the factorization's rank depends on their values}}
func.func @at_load(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32> {
  %w = inception.parameter "conv.weight" : tensor<2x2x3x3xf32>
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}
