// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-lower-copies))' | FileCheck %s

// Strided copies (concat slices, padded interiors) become linalg.copy, which
// lowers to loops instead of a call into MLIR's runtime library.
// CHECK-LABEL: func.func @strided
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%arg0 : memref<4xf32>) outs(%{{.*}} : memref<4xf32, strided<[1], offset: 2>>)
func.func @strided(%a: memref<4xf32>, %b: memref<8xf32>) {
  %view = memref.subview %b[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  memref.copy %a, %view : memref<4xf32> to memref<4xf32, strided<[1], offset: 2>>
  return
}
