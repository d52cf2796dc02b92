// RUN: %inception-opt %s -convert-inception-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK: linalg.generic {indexing_maps = [#[[ID4]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID4]]]
// CHECK: ^bb0(%[[X:.*]]: f32, %[[G:.*]]: f32, %[[B:.*]]: f32, %[[M:.*]]: f32, %[[V:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK:   %[[C:.*]] = arith.subf %[[X]], %[[M]]
// CHECK:   %[[VE:.*]] = arith.addf %[[V]], %[[EPS]]
// CHECK:   %[[S:.*]] = math.sqrt %[[VE]]
// CHECK:   %[[N:.*]] = arith.divf %[[C]], %[[S]]
// CHECK:   %[[NG:.*]] = arith.mulf %[[N]], %[[G]]
// CHECK:   arith.addf %[[NG]], %[[B]]
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %0 = inception.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-3 : tensor<1x4x2x2xf32>, tensor<4xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @relu_add_scale
// CHECK: arith.maximumf
// CHECK: %[[F:.*]] = arith.constant 1.700000e-01 : f32
// CHECK: arith.mulf %{{.*}}, %[[F]]
// CHECK: arith.addf
func.func @relu_add_scale(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = inception.relu %x : tensor<1x4xf32>
  %1 = inception.scale %0 by 0.17 : tensor<1x4xf32>
  %2 = inception.add %1, %y : tensor<1x4xf32>, tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}

// -----

// Clip: a max with the lower bound, then a min with the upper one; an
// absent bound makes no op.
// CHECK-LABEL: func.func @clip
// CHECK: linalg.generic
// CHECK:   %[[LOW:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[A:.*]] = arith.maximumf %{{.*}}, %[[LOW]]
// CHECK:   %[[HIGH:.*]] = arith.constant 6.000000e+00 : f32
// CHECK:   arith.minimumf %[[A]], %[[HIGH]]
// CHECK: linalg.generic
// CHECK-NOT: arith.maximumf
// CHECK:   arith.minimumf
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @clip(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = inception.clip %x {min = 0.0 : f64, max = 6.0 : f64} : tensor<1x4xf32>
  %1 = inception.clip %0 {max = 2.5 : f64} : tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

// -----

// LRN: the input zero-padded by size/2 = 2 channels before and (size-1)/2
// = 2 after; one elementwise op over the input and the 5 channel slices of
// the padded tensor (its window), summing their squares in window order,
// then x / (k + alpha/size * sum)^beta, the power 0.75 as
// sqrt(b) * sqrt(sqrt(b)) (vector square roots, not a powf call per
// element); another exponent is a powf.
// CHECK-LABEL: func.func @lrn
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: %[[W0:.*]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0] [1, 4, 3, 3] [1, 1, 1, 1] : tensor<1x8x3x3xf32> to tensor<1x4x3x3xf32>
// CHECK: %[[W1:.*]] = tensor.extract_slice %[[PAD]][0, 1, 0, 0]
// CHECK: %[[W2:.*]] = tensor.extract_slice %[[PAD]][0, 2, 0, 0]
// CHECK: %[[W3:.*]] = tensor.extract_slice %[[PAD]][0, 3, 0, 0]
// CHECK: %[[W4:.*]] = tensor.extract_slice %[[PAD]][0, 4, 0, 0]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0, %[[W0]], %[[W1]], %[[W2]], %[[W3]], %[[W4]] :
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: f32, %[[A0:[^:]*]]: f32, %[[A1:[^:]*]]: f32, %[[A2:[^:]*]]: f32, %[[A3:[^:]*]]: f32, %[[A4:[^:]*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[S0:.*]] = arith.mulf %[[A0]], %[[A0]]
// CHECK-NEXT: %[[S1:.*]] = arith.mulf %[[A1]], %[[A1]]
// CHECK-NEXT: %[[SUM1:.*]] = arith.addf %[[S0]], %[[S1]]
// CHECK: %[[SCALED:.*]] = arith.mulf %{{[0-9]+}}, %cst{{.*}} : f32
// CHECK: %[[BASE:.*]] = arith.addf %[[SCALED]], %cst{{.*}} : f32
// CHECK-NEXT: %[[ROOT:.*]] = math.sqrt %[[BASE]]
// CHECK-NEXT: %[[FOURTH:.*]] = math.sqrt %[[ROOT]]
// CHECK-NEXT: %[[POWER:.*]] = arith.mulf %[[ROOT]], %[[FOURTH]]
// CHECK-NEXT: arith.divf %[[X]], %[[POWER]]
// CHECK-NOT: math.powf
// CHECK-LABEL: func.func @lrn_other_exponent
// CHECK: math.powf
func.func @lrn(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = inception.lrn %x size = 5 alpha = 1.0e-4 beta = 0.75 k = 1.0 : tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}
func.func @lrn_other_exponent(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = inception.lrn %x size = 3 alpha = 1.0e-4 beta = 0.6 k = 2.0 : tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x6x2x2xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0, 0, 0] [1, 2, 2, 2] [1, 1, 1, 1]
// CHECK: %[[B:.*]] = tensor.insert_slice %arg1 into %[[A]][0, 2, 0, 0] [1, 4, 2, 2] [1, 1, 1, 1]
// CHECK: return %[[B]]
func.func @concat(%a: tensor<1x2x2x2xf32>, %b: tensor<1x4x2x2xf32>) -> tensor<1x6x2x2xf32> {
  %0 = inception.concat %a, %b axis = 1 : (tensor<1x2x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x6x2x2xf32>
  return %0 : tensor<1x6x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_dropout_softmax
// CHECK: %[[F:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2, 3]] : tensor<2x5x1x1xf32> into tensor<2x5xf32>
// CHECK-NOT: dropout
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[F]] : tensor<2x5xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[F]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK:   math.exp
// CHECK: linalg.generic {{.*}} ins(%[[F]], %[[MAX]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK:   math.exp
// CHECK:   arith.divf
func.func @flatten_dropout_softmax(%x: tensor<2x5x1x1xf32>) -> tensor<2x5xf32> {
  %0 = inception.flatten %x : tensor<2x5x1x1xf32> -> tensor<2x5xf32>
  %1 = inception.dropout %0 ratio = 0.5 : tensor<2x5xf32>
  %2 = inception.softmax %1 axis = 1 : tensor<2x5xf32>
  return %2 : tensor<2x5xf32>
}
