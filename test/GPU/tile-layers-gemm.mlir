// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile{min-blocks=1},canonicalize,cse))' --verify-diagnostics | FileCheck %s
// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile))' | FileCheck %s --check-prefix=SHRINK
// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile{gemm=false}))' | FileCheck %s --check-prefix=PLAIN
// RUN: not %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile{slice-depth=0}))' 2>&1 | FileCheck %s --check-prefix=OPTIONS

// Convolutions and dense layers as implicit GEMMs (SharedMemoryGemm.cpp).
// PLAIN-NOT: gpu.address_space
// OPTIONS: error: slice-depth and min-blocks must be at least 1

// A 1x1 convolution with its bias and ReLU fused: 64 output channels (the
// rows, only the filter reads them) by 8x8 pixels (the columns) by 32
// input channels (the depth). With min-blocks=1 the whole layer is one
// block of 16x16 threads with 4x4 register tiles (64x64), the depth staged
// in 2 slices of 16 (exact multiples: no bounds checks). The phases: the
// accumulators start from the bias; each slice is staged in shared memory
// (the filter's 16x64 slice in a row-padded 16x68 buffer, the
// activation's 16x64), then each thread's 16 accumulators take 16 x 16
// FMAs from it; the results go out through the ReLU.
// CHECK-LABEL: func.func @bias_conv_relu
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK-NEXT: %[[ROWS:.*]] = memref.alloca() : memref<16x68xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: %[[COLUMNS:.*]] = memref.alloca() : memref<16x64xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: %[[ACC:.*]] = memref.alloca() : memref<256x16xf32, #gpu.address_space<private>>
// CHECK: scf.forall (%[[T:.*]]) in (256) {
// CHECK-NOT: scf.if
// CHECK: %[[BIAS:.*]] = memref.load %arg1[%[[T0:.*]]] : memref<64xf32>
// CHECK-NEXT: memref.store %[[BIAS]], %[[ACC]][%[[T]], %c0]
// CHECK-COUNT-15: memref.store %{{.*}}, %[[ACC]][%[[T]], %{{.*}}]
// CHECK-NEXT: } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NEXT: scf.forall (%{{.*}}) in (256) {
// CHECK-NOT: scf.if
// CHECK-COUNT-4: memref.store %{{.*}}, %[[ROWS]]
// CHECK-NOT: scf.if
// CHECK-COUNT-4: memref.store %{{.*}}, %[[COLUMNS]]
// CHECK-NEXT: } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: scf.forall (%[[T2:.*]]) in (256) {
// CHECK-COUNT-16: memref.load %[[ACC]][%[[T2]], %{{.*}}]
// CHECK-NEXT: scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args(
// CHECK-COUNT-4: memref.load %[[ROWS]]
// CHECK-COUNT-4: memref.load %[[COLUMNS]]
// CHECK-COUNT-16: math.fma
// CHECK-NEXT: scf.yield
// CHECK-NEXT: }
// CHECK-COUNT-16: memref.store %{{.*}}, %[[ACC]][%[[T2]], %{{.*}}]
// CHECK-NEXT: } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: }
// CHECK-NEXT: scf.forall (%[[T3:.*]]) in (256) {
// CHECK: %[[SUM:.*]] = memref.load %[[ACC]][%[[T3]], %c0]
// CHECK: memref.store %[[SUM]], %[[OUT:.*]][
// CHECK: %[[RELU:.*]] = arith.maximumf %[[SUM]]
// CHECK: memref.store %[[RELU]], %[[ACT:.*]][
// CHECK: } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: } {mapping = [#gpu.block<x>]}
// CHECK-NEXT: return
#bias = affine_map<(n, k, h, w) -> (k)>
#nkhw = affine_map<(n, k, h, w) -> (n, k, h, w)>
#in = affine_map<(n, k, c, h, w) -> (n, c, h, w)>
#weight = affine_map<(n, k, c, h, w) -> (k, c)>
#out = affine_map<(n, k, c, h, w) -> (n, k, h, w)>
func.func @bias_conv_relu(%space: memref<65536xi8>, %b: memref<64xf32>,
                          %f: memref<64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c8192 = arith.constant 8192 : index
  %c24576 = arith.constant 24576 : index
  %in = memref.view %space[%c0][] : memref<65536xi8> to memref<1x32x8x8xf32>
  %out = memref.view %space[%c8192][] : memref<65536xi8> to memref<1x64x8x8xf32>
  %act = memref.view %space[%c24576][] : memref<65536xi8> to memref<1x64x8x8xf32>
  linalg.generic {indexing_maps = [#bias, #nkhw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<64xf32>) outs(%out : memref<1x64x8x8xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#in, #weight, #out],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%in, %f : memref<1x32x8x8xf32>, memref<64x32xf32>)
      outs(%out : memref<1x64x8x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#nkhw, #nkhw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%out : memref<1x64x8x8xf32>) outs(%act : memref<1x64x8x8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// No side a multiple of its tile: 24 rows, 20 columns (5x4 pixels), 20
// deep. The register tile is no larger than covers each side: 2x2, one
// block of 32x32. Staging loads zeros past the ends of the depth and of
// each side; the accumulators start and end only where there is an
// output. With the default min-blocks (256), the register tiles of both
// layers shrink to 1x1 for more blocks: 2x2 here, 4x4 above.
// SHRINK-LABEL: func.func @bias_conv_relu
// SHRINK: scf.forall (%{{.*}}) in (16) {
// SHRINK: memref<256x1xf32, #gpu.address_space<private>>
// SHRINK-LABEL: func.func @edges
// SHRINK: scf.forall (%{{.*}}) in (4) {
// SHRINK: memref<256x1xf32, #gpu.address_space<private>>
// CHECK-LABEL: func.func @edges
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK-NEXT: memref.alloca() : memref<16x36xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: memref.alloca() : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK-NEXT: memref.alloca() : memref<256x4xf32, #gpu.address_space<private>>
// CHECK: scf.forall
// CHECK: arith.cmpi ult, %{{.*}}, %c24
// CHECK: arith.cmpi ult, %{{.*}}, %c20
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK: %[[FILTER:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK-NEXT: memref.load %arg1
// CHECK: } else {
// CHECK-NEXT: scf.yield %cst : f32
// CHECK: memref.store %[[FILTER]], %{{.*}} : memref<16x36xf32, #gpu.address_space<workgroup>>
// CHECK: scf.if %{{.*}} -> (f32) {
// CHECK: memref.load %arg0
// CHECK: } else {
// CHECK-NEXT: scf.yield %cst : f32
// CHECK: memref.store %{{.*}} : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK: math.fma
// CHECK: scf.forall
// CHECK: scf.if
// CHECK: memref.store %{{.*}}, %arg2
#in = affine_map<(n, k, c, h, w) -> (n, c, h, w)>
#weight = affine_map<(n, k, c, h, w) -> (k, c)>
#out = affine_map<(n, k, c, h, w) -> (n, k, h, w)>
func.func @edges(%x: memref<1x20x5x4xf32>, %f: memref<24x20xf32>,
                 %y: memref<1x24x5x4xf32>) {
  linalg.generic {indexing_maps = [#in, #weight, #out],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %f : memref<1x20x5x4xf32>, memref<24x20xf32>)
      outs(%y : memref<1x24x5x4xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %m = arith.mulf %a, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not GEMMs: a dense layer at batch 1 (one column), a depthwise
// convolution (its channels are read by both inputs), a max pooling (no
// multiply-accumulate): one thread per output, no shared memory.
// CHECK-LABEL: func.func @not_gemms
// CHECK-NOT: gpu.address_space
// CHECK: return
func.func @not_gemms(%x: memref<1x64xf32>, %w: memref<32x64xf32>, %y: memref<1x32xf32>,
                     %a: memref<1x32x10x10xf32>, %f: memref<32x3x3xf32>,
                     %b: memref<1x32x8x8xf32>, %window: memref<3x3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, k) -> (n, k)>,
                                   affine_map<(n, f, k) -> (f, k)>,
                                   affine_map<(n, f, k) -> (n, f)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x64xf32>, memref<32x64xf32>)
      outs(%y : memref<1x32xf32>) {
  ^bb0(%in: f32, %weight: f32, %acc: f32):
    %m = arith.mulf %in, %weight : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>,
                                     strides = dense<1> : tensor<2xi64>}
      ins(%a, %f : memref<1x32x10x10xf32>, memref<32x3x3xf32>)
      outs(%b : memref<1x32x8x8xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>,
                           strides = dense<1> : tensor<2xi64>}
      ins(%a, %window : memref<1x32x10x10xf32>, memref<3x3xf32>)
      outs(%b : memref<1x32x8x8xf32>)
  return
}
