// RUN: %inception-opt %s -inception-lower-ukernels | FileCheck %s

// The fill of a padded buffer whose interior another op writes: its border
// only, and by the blocked kernel that reads it where that kernel is its
// only reader and the fill a constant (the call's border_* fields, the
// value as the bits of a double); else in four strips before the readers,
// whose border fields are then zero.

// CHECK-LABEL: func.func @one_reader
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.map
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: memref.store %c2_i64{{[_0-9]*}}, {{.*}}"border_bottom"}
// CHECK: memref.store %c1_i64{{[_0-9]*}}, {{.*}}"border_left"}
// CHECK: memref.store %c2_i64{{[_0-9]*}}, {{.*}}"border_right"}
// CHECK: memref.store %c4611686018427387904_i64{{[_0-9]*}}, {{.*}}"border_value"}
// CHECK: call @inception_uk_conv2d_blocked(
func.func @one_reader(%x: memref<1x2x7x7x16xf32>, %w: memref<2x3x3x32x16xf32>, %out: memref<1x2x8x8x16xf32>) {
  %two = arith.constant 2.0 : f32
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x10x10x16xf32>
  linalg.map outs(%padded : memref<1x2x10x10x16xf32>)
    (%init: f32) {
      linalg.yield %two : f32
    }
  %interior = memref.subview %padded[0, 0, 1, 1, 0] [1, 2, 7, 7, 16] [1, 1, 1, 1, 1] : memref<1x2x10x10x16xf32> to memref<1x2x7x7x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %interior : memref<1x2x7x7x16xf32> to memref<1x2x7x7x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  inception.ukernel "conv2d_blocked" input(%padded : memref<1x2x10x10x16xf32>) filter(%w : memref<2x3x3x32x16xf32>) output(%out : memref<1x2x8x8x16xf32>) params {accumulate = 0 : i64, dilations = array<i64: 1, 1>, kc = 256 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, l1 = 49152 : i64, l2 = 2097152 : i64, mr = 6 : i64, nc = 512 : i64, nr = 64 : i64, pad_left = 0 : i64, pad_top = 0 : i64, padding = array<i64: 1, 1, 2, 2>, relu = 0 : i64, strides = array<i64: 1, 1>}
  return
}

// CHECK-LABEL: func.func @two_readers
// CHECK: %[[PADDED:.*]] = memref.alloc() {{.*}} : memref<1x2x10x10x16xf32>
// CHECK-COUNT-4: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<1x2x{{[18]}}x{{[18]|10}}x16xf32
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"border_right"}
// CHECK: call @inception_uk_conv2d_blocked(
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: call @inception_uk_conv2d_blocked(
func.func @two_readers(%x: memref<1x2x8x8x16xf32>, %w: memref<2x3x3x32x16xf32>, %a: memref<1x2x8x8x16xf32>, %b: memref<1x2x8x8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x10x10x16xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x10x10x16xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1, 0] [1, 2, 8, 8, 16] [1, 1, 1, 1, 1] : memref<1x2x10x10x16xf32> to memref<1x2x8x8x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %interior : memref<1x2x8x8x16xf32> to memref<1x2x8x8x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  inception.ukernel "conv2d_blocked" input(%padded : memref<1x2x10x10x16xf32>) filter(%w : memref<2x3x3x32x16xf32>) output(%a : memref<1x2x8x8x16xf32>) params {accumulate = 0 : i64, dilations = array<i64: 1, 1>, kc = 256 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, l1 = 49152 : i64, l2 = 2097152 : i64, mr = 6 : i64, nc = 512 : i64, nr = 64 : i64, pad_left = 0 : i64, pad_top = 0 : i64, padding = array<i64: 1, 1, 1, 1>, relu = 0 : i64, strides = array<i64: 1, 1>}
  inception.ukernel "conv2d_blocked" input(%padded : memref<1x2x10x10x16xf32>) filter(%w : memref<2x3x3x32x16xf32>) output(%b : memref<1x2x8x8x16xf32>) params {accumulate = 0 : i64, dilations = array<i64: 1, 1>, kc = 256 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, l1 = 49152 : i64, l2 = 2097152 : i64, mr = 6 : i64, nc = 512 : i64, nr = 64 : i64, pad_left = 0 : i64, pad_top = 0 : i64, padding = array<i64: 1, 1, 1, 1>, relu = 0 : i64, strides = array<i64: 1, 1>}
  return
}

// A fill value that is not a constant stays a fill, in strips.
// CHECK-LABEL: func.func @variable_value
// CHECK-COUNT-4: linalg.fill ins(%arg3 : f32)
// CHECK: memref.store %c0_i64{{[_0-9]*}}, {{.*}}"border_top"}
// CHECK: call @inception_uk_conv2d_blocked(
func.func @variable_value(%x: memref<1x2x8x8x16xf32>, %w: memref<2x3x3x32x16xf32>, %a: memref<1x2x8x8x16xf32>, %value: f32) {
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x10x10x16xf32>
  linalg.fill ins(%value : f32) outs(%padded : memref<1x2x10x10x16xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1, 0] [1, 2, 8, 8, 16] [1, 1, 1, 1, 1] : memref<1x2x10x10x16xf32> to memref<1x2x8x8x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %interior : memref<1x2x8x8x16xf32> to memref<1x2x8x8x16xf32, strided<[3200, 1600, 160, 16, 1], offset: 176>>
  inception.ukernel "conv2d_blocked" input(%padded : memref<1x2x10x10x16xf32>) filter(%w : memref<2x3x3x32x16xf32>) output(%a : memref<1x2x8x8x16xf32>) params {accumulate = 0 : i64, dilations = array<i64: 1, 1>, kc = 256 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, l1 = 49152 : i64, l2 = 2097152 : i64, mr = 6 : i64, nc = 512 : i64, nr = 64 : i64, pad_left = 0 : i64, pad_top = 0 : i64, padding = array<i64: 1, 1, 1, 1>, relu = 0 : i64, strides = array<i64: 1, 1>}
  return
}
