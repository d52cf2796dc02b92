// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile,canonicalize,cse))' | FileCheck %s

// A 1x1 convolution, 8 output channels (only the filter reads them) by
// 4x8 pixels (the innermost, only the input reads it): each thread
// computes a register tile of 4 channels by 4 pixels, 16 sums carried
// through the reduction, from 4 input and 4 filter loads per step:
// 8*4*8 / 16 = 16 threads.
// CHECK-LABEL: func.func @pointwise
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK:   scf.forall (%{{.*}}) in (32) {
// CHECK:     arith.cmpi ult, %{{.*}}, %c16
// CHECK-COUNT-16: memref.load %arg2
// CHECK:     scf.for {{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)
// CHECK-DAG: memref.load %arg0[
// CHECK-DAG: memref.load %arg0[
// CHECK-DAG: memref.load %arg0[
// CHECK-DAG: memref.load %arg0[
// CHECK-DAG: memref.load %arg1[
// CHECK-DAG: memref.load %arg1[
// CHECK-DAG: memref.load %arg1[
// CHECK-DAG: memref.load %arg1[
// CHECK-NOT: memref.load
// CHECK:       scf.yield
// CHECK-COUNT-16: memref.store
func.func @pointwise(%in: memref<1x6x4x8xf32>, %f: memref<8x6xf32>,
                     %out: memref<1x8x4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, k, h, w, c) -> (n, c, h, w)>,
                                   affine_map<(n, k, h, w, c) -> (k, c)>,
                                   affine_map<(n, k, h, w, c) -> (n, k, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%in, %f : memref<1x6x4x8xf32>, memref<8x6xf32>)
      outs(%out : memref<1x8x4x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Extents the tile does not divide get the largest power of two that
// does: 6 channels by 2, 7 pixels by 1.
// CHECK-LABEL: func.func @odd
// CHECK: scf.forall (%{{.*}}) in (32) {
// CHECK:   arith.cmpi ult, %{{.*}}, %c21
// CHECK: scf.for {{.*}} -> (f32, f32)
func.func @odd(%in: memref<1x3x1x7xf32>, %f: memref<6x3xf32>,
               %out: memref<1x6x1x7xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, k, h, w, c) -> (n, c, h, w)>,
                                   affine_map<(n, k, h, w, c) -> (k, c)>,
                                   affine_map<(n, k, h, w, c) -> (n, k, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%in, %f : memref<1x3x1x7xf32>, memref<6x3xf32>)
      outs(%out : memref<1x6x1x7xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
