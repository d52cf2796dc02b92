// RUN: %inception-opt %s --pass-pipeline='builtin.module(func.func(inception-gpu-tile{fuse=false}))' | FileCheck %s

// Without fusion, the bias broadcast and the sum are kernels of their own.
// CHECK-LABEL: func.func @bias_sum
// CHECK-COUNT-2: mapping = [#gpu.block<x>]
func.func @bias_sum(%b: memref<4xf32>, %x: memref<4x8xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%b : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  }
  return
}
