// RUN: %inception-opt %s -split-input-file -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -cse -canonicalize | FileCheck %s

// inception.ukernel bufferizes like a destination-style op: its output
// takes its destination's buffer, here the channel slices of one concat
// buffer, written in place: the insert_slices leave only copies of a view
// onto itself, which fold.
// CHECK-LABEL: func.func @into_concat_slices
// CHECK: %[[CONCAT:.*]] = memref.alloc() {{.*}} : memref<1x16x4x4xf32>
// CHECK: %[[FIRST:.*]] = memref.subview %[[CONCAT]][0, 0, 0, 0] [1, 8, 4, 4]
// CHECK: inception.ukernel "pool2d" input(%arg0 : memref<1x8x4x4xf32>) output(%[[FIRST]] : memref<1x8x4x4xf32, strided<[256, 16, 4, 1]>>)
// CHECK: %[[SECOND:.*]] = memref.subview %[[CONCAT]][0, 8, 0, 0] [1, 8, 4, 4]
// CHECK: inception.ukernel "pool2d" input(%arg1 : memref<1x8x4x4xf32>) output(%[[SECOND]] : memref<1x8x4x4xf32, strided<[256, 16, 4, 1], offset: 128>>)
// CHECK-NOT: memref.copy
// CHECK: return %[[CONCAT]]
func.func @into_concat_slices(%x: tensor<1x8x4x4xf32>, %y: tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32> {
  %empty = tensor.empty() : tensor<1x16x4x4xf32>
  %s0 = tensor.extract_slice %empty[0, 0, 0, 0] [1, 8, 4, 4] [1, 1, 1, 1] : tensor<1x16x4x4xf32> to tensor<1x8x4x4xf32>
  %0 = inception.ukernel "pool2d" input(%x : tensor<1x8x4x4xf32>) output(%s0 : tensor<1x8x4x4xf32>) params {kind = 0 : i64} -> tensor<1x8x4x4xf32>
  %1 = tensor.insert_slice %0 into %empty[0, 0, 0, 0] [1, 8, 4, 4] [1, 1, 1, 1] : tensor<1x8x4x4xf32> into tensor<1x16x4x4xf32>
  %s1 = tensor.extract_slice %1[0, 8, 0, 0] [1, 8, 4, 4] [1, 1, 1, 1] : tensor<1x16x4x4xf32> to tensor<1x8x4x4xf32>
  %2 = inception.ukernel "pool2d" input(%y : tensor<1x8x4x4xf32>) output(%s1 : tensor<1x8x4x4xf32>) params {kind = 0 : i64} -> tensor<1x8x4x4xf32>
  %3 = tensor.insert_slice %2 into %1[0, 8, 0, 0] [1, 8, 4, 4] [1, 1, 1, 1] : tensor<1x8x4x4xf32> into tensor<1x16x4x4xf32>
  return %3 : tensor<1x16x4x4xf32>
}

// -----

// A kernel that accumulates reads its output: a destination still needed
// afterwards is copied first. One that does not gets a fresh buffer, its
// destination's values unread.
// CHECK-LABEL: func.func @accumulate_reads_the_destination
// CHECK: %[[ACC:.*]] = memref.alloc() {{.*}} : memref<1x8x4x4xf32>
// CHECK: memref.copy %arg1, %[[ACC]]
// CHECK: inception.ukernel "conv2d" {{.*}} output(%[[ACC]] : memref<1x8x4x4xf32>) params {accumulate = 1 : i64}
// CHECK: %[[FRESH:.*]] = memref.alloc() {{.*}} : memref<1x8x4x4xf32>
// CHECK-NOT: memref.copy
// CHECK: inception.ukernel "conv2d" {{.*}} output(%[[FRESH]] : memref<1x8x4x4xf32>) params {accumulate = 0 : i64}
func.func @accumulate_reads_the_destination(%x: tensor<1x8x4x4xf32>, %init: tensor<1x8x4x4xf32>, %w: tensor<8x8x1x1xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %0 = inception.ukernel "conv2d" input(%x : tensor<1x8x4x4xf32>) filter(%w : tensor<8x8x1x1xf32>) output(%init : tensor<1x8x4x4xf32>) params {accumulate = 1 : i64} -> tensor<1x8x4x4xf32>
  %1 = inception.ukernel "conv2d" input(%x : tensor<1x8x4x4xf32>) filter(%w : tensor<8x8x1x1xf32>) output(%init : tensor<1x8x4x4xf32>) params {accumulate = 0 : i64} -> tensor<1x8x4x4xf32>
  return %0, %1, %init : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}
