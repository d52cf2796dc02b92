// RUN: %inception-opt %s -canonicalize -split-input-file | FileCheck %s

// Folders fire only on true identities; each case below that must not fold
// is next to one that must.

// CHECK-LABEL: func.func @relu_of_relu
// CHECK-NEXT: %[[R:.*]] = inception.relu %arg0
// CHECK-NEXT: return %[[R]]
func.func @relu_of_relu(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = inception.relu %x : tensor<1x4xf32>
  %1 = inception.relu %0 : tensor<1x4xf32>
  return %1 : tensor<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @scale_by_one
// CHECK-NEXT: return %arg0
func.func @scale_by_one(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = inception.scale %x by 1.0 : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// CHECK-LABEL: func.func @scale_by_other
// CHECK: inception.scale %arg0 by 1.700000e-01
func.func @scale_by_other(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %0 = inception.scale %x by 0.17 : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// CHECK-LABEL: func.func @single_concat
// CHECK-NEXT: return %arg0
func.func @single_concat(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %0 = inception.concat %x axis = 1 : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @flatten_matrix
// CHECK-NEXT: return %arg0
func.func @flatten_matrix(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = inception.flatten %x : tensor<2x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func.func @flatten_feature_map
// CHECK: inception.flatten
func.func @flatten_feature_map(%x: tensor<2x4x1x1xf32>) -> tensor<2x4xf32> {
  %0 = inception.flatten %x : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @unit_pools
// CHECK-NEXT: return %arg0, %arg0, %arg0
func.func @unit_pools(%x: tensor<1x4x1x1xf32>)
    -> (tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) {
  %0 = inception.max_pool2d %x kernel = [1, 1] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x4x1x1xf32> -> tensor<1x4x1x1xf32>
  %1 = inception.avg_pool2d %x kernel = [1, 1] strides = [1, 1] padding = [0, 0, 0, 0] count_include_pad = true : tensor<1x4x1x1xf32> -> tensor<1x4x1x1xf32>
  %2 = inception.global_avg_pool2d %x : tensor<1x4x1x1xf32> -> tensor<1x4x1x1xf32>
  return %0, %1, %2 : tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>
}

// A 1x1 window with stride 2 subsamples, and a 3x3 window with padding
// changes values: neither is an identity.
// CHECK-LABEL: func.func @pools_kept
// CHECK: inception.max_pool2d
// CHECK: inception.avg_pool2d
// CHECK: inception.global_avg_pool2d
func.func @pools_kept(%x: tensor<1x4x4x4xf32>)
    -> (tensor<1x4x2x2xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) {
  %0 = inception.max_pool2d %x kernel = [1, 1] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
  %1 = inception.avg_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] count_include_pad = true : tensor<1x4x4x4xf32> -> tensor<1x4x4x4xf32>
  %2 = inception.global_avg_pool2d %x : tensor<1x4x4x4xf32> -> tensor<1x4x1x1xf32>
  return %0, %1, %2 : tensor<1x4x2x2xf32>, tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>
}

// -----

// Dropout stays until strip-training-ops removes it; pure ops without uses
// are erased.
// CHECK-LABEL: func.func @dropout_kept
// CHECK-NEXT: %[[D:.*]] = inception.dropout %arg0
// CHECK-NEXT: return %[[D]]
func.func @dropout_kept(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %unused = inception.relu %x : tensor<1x4xf32>
  %0 = inception.dropout %x ratio = 0.5 : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
