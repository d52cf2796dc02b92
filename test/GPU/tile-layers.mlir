// RUN: %inception-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(inception-gpu-tile{tile-rows=1 tile-columns=1},canonicalize))' --verify-diagnostics | FileCheck %s

// One output point per thread here (register tiles: tile-layers-register-tile.mlir).

// A convolution whose output dimensions come after its reductions (as the
// lowering writes them): the parallel dimensions move first and are
// linearized, 2*4*8*8 = 512 points over 2 blocks of 256 threads, the last
// dimension fastest; the reductions stay loops in the thread, which carry
// the output in a register: one load and one store of it.
// CHECK-LABEL: func.func @convolution
// CHECK: scf.forall (%[[B:.*]]) in (2) {
// CHECK:   scf.forall (%[[T:.*]]) in (256) {
// CHECK:     %[[ID:.*]] = arith.addi %{{.*}}, %[[T]]
// CHECK:     %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}} : index
// CHECK:     scf.if %[[IN]] {
// CHECK:       arith.remui %[[ID]], %c8
// CHECK:       %[[INIT:.*]] = memref.load %arg2
// CHECK:       %[[SUM:.*]] = scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%[[OUTER:.*]] = %[[INIT]]) -> (f32) {
// CHECK:         %[[INNER:.*]] = scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%[[ACC:.*]] = %[[OUTER]]) -> (f32) {
// CHECK:           %[[PRODUCT:.*]] = arith.mulf
// CHECK:           %[[NEXT:.*]] = arith.addf %[[ACC]], %[[PRODUCT]]
// CHECK:           scf.yield %[[NEXT]]
// CHECK:         scf.yield %[[INNER]]
// CHECK:       memref.store %[[SUM]], %arg2
// CHECK:   } {mapping = [#gpu.thread<x>]}
// CHECK: } {mapping = [#gpu.block<x>]}
// CHECK-NOT: linalg.generic
#input = affine_map<(n, c, r, s, h, w) -> (n, c, h + r, w + s)>
#filter = affine_map<(n, c, r, s, h, w) -> (c, r, s)>
#output = affine_map<(n, c, r, s, h, w) -> (n, c, h, w)>
func.func @convolution(%in: memref<2x4x10x10xf32>, %f: memref<4x3x3xf32>,
                       %out: memref<2x4x8x8xf32>) {
  linalg.generic {indexing_maps = [#input, #filter, #output],
                  iterator_types = ["parallel", "parallel", "reduction",
                                    "reduction", "parallel", "parallel"]}
      ins(%in, %f : memref<2x4x10x10xf32>, memref<4x3x3xf32>)
      outs(%out : memref<2x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A named op is generalized first. A small layer gets one block of whole
// warps: 3*5 = 15 points, one warp.
// CHECK-LABEL: func.func @fill_and_pool
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK:   scf.forall (%{{.*}}) in (32) {
// CHECK:     arith.cmpi ult, %{{.*}}, %c15
// CHECK-NOT:   memref.load
// CHECK:       memref.store %{{.*}} : memref<3x5xf32>
// A max pooling (window 2x2), through its output's 1*3*4*4 = 48 points:
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK:   scf.forall (%{{.*}}) in (64) {
// CHECK:     arith.cmpi ult, %{{.*}}, %c48
// CHECK:       scf.for {{.*}} iter_args
// CHECK:         scf.for {{.*}} iter_args
// CHECK:           arith.maximumf
func.func @fill_and_pool(%a: memref<3x5xf32>, %in: memref<1x3x5x5xf32>,
                         %window: memref<2x2xf32>, %out: memref<1x3x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%a : memref<3x5xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>,
                           strides = dense<1> : tensor<2xi64>}
      ins(%in, %window : memref<1x3x5x5xf32>, memref<2x2xf32>)
      outs(%out : memref<1x3x4x4xf32>)
  return
}

// -----

// A layer writing its slice of a concatenation (elide-concat's views):
// the kernel stores through the subview, the host computes its address.
// CHECK-LABEL: func.func @slice_write
// CHECK: %[[SLICE:.*]] = memref.subview
// CHECK: scf.forall
// CHECK:   memref.store %{{.*}}, %[[SLICE]]
func.func @slice_write(%in: memref<1x2x4x4xf32>, %concat: memref<1x6x4x4xf32>) {
  %slice = memref.subview %concat[0, 2, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
      : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                   affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x2x4x4xf32>)
      outs(%slice : memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>) {
  ^bb0(%a: f32, %b: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A weight preparation runs on the host: it is not tiled.
// CHECK-LABEL: func.func @prepare
// CHECK-NOT: scf.forall
// CHECK: linalg.fill
func.func @prepare(%w: memref<8xf32>) attributes {inception.prepares = @run} {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%w : memref<8xf32>)
  return
}

// -----

// The host may only compute addresses between kernels.
func.func @host_store(%a: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{the GPU back half cannot run this op on the host: the run function may only compute addresses between kernels}}
  memref.store %one, %a[%c0] : memref<4xf32>
  return
}

// -----

// Layers are tiled on buffers.
func.func @tensors(%a: tensor<4xf32>) -> tensor<4xf32> {
  %one = arith.constant 1.0 : f32
  // expected-error @+1 {{the GPU back half tiles layers on buffers}}
  %r = linalg.fill ins(%one : f32) outs(%a : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A convolution's bias broadcast and its ReLU join its kernel: each thread
// starts from the bias instead of loading the output, and applies the ReLU
// before its one store, into the ReLU's buffer (another view of the
// workspace, apart from the input's).
// CHECK-LABEL: func.func @bias_conv_relu
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK:   scf.forall (%{{.*}}) in (64) {
// CHECK:   scf.if
// CHECK:     %[[BIAS:.*]] = memref.load %arg1
// CHECK:     %[[SUM:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[BIAS]])
// CHECK:     memref.store %[[SUM]], %[[OUT:.*]][
// CHECK:     %[[RELU:.*]] = arith.maximumf %[[SUM]]
// CHECK:     memref.store %[[RELU]], %[[ACT:.*]][
// CHECK:   } {mapping = [#gpu.thread<x>]}
// CHECK-NEXT: } {mapping = [#gpu.block<x>]}
// CHECK-NEXT: return
#bias = affine_map<(n, k, h, w) -> (k)>
#nkhw = affine_map<(n, k, h, w) -> (n, k, h, w)>
#in = affine_map<(n, k, c, h, w) -> (n, c, h, w)>
#weight = affine_map<(n, k, c, h, w) -> (k, c)>
#out = affine_map<(n, k, c, h, w) -> (n, k, h, w)>
func.func @bias_conv_relu(%space: memref<1024xi8>, %b: memref<4xf32>,
                          %f: memref<4x2xf32>) {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %in = memref.view %space[%c0][] : memref<1024xi8> to memref<1x2x4x4xf32>
  %out = memref.view %space[%c256][] : memref<1024xi8> to memref<1x4x4x4xf32>
  %act = memref.view %space[%c512][] : memref<1024xi8> to memref<1x4x4x4xf32>
  linalg.generic {indexing_maps = [#bias, #nkhw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<4xf32>) outs(%out : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  linalg.generic {indexing_maps = [#in, #weight, #out],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%in, %f : memref<1x2x4x4xf32>, memref<4x2xf32>)
      outs(%out : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#nkhw, #nkhw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%out : memref<1x4x4x4xf32>) outs(%act : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// The ReLU's buffer is where the convolution's input was (the workspace
// plan reuses it): a thread storing there would overwrite what other
// threads still read, so the ReLU stays a kernel of its own.
// CHECK-LABEL: func.func @epilogue_over_the_input
// CHECK-COUNT-2: } {mapping = [#gpu.block<x>]}
// CHECK-NEXT: return
#nkhw = affine_map<(n, k, h, w) -> (n, k, h, w)>
#in = affine_map<(n, k, c, h, w) -> (n, c, h, w)>
#weight = affine_map<(n, k, c, h, w) -> (k, c)>
#out = affine_map<(n, k, c, h, w) -> (n, k, h, w)>
func.func @epilogue_over_the_input(%space: memref<1024xi8>, %f: memref<4x2xf32>) {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %in = memref.view %space[%c0][] : memref<1024xi8> to memref<1x2x4x4xf32>
  %out = memref.view %space[%c256][] : memref<1024xi8> to memref<1x4x4x4xf32>
  %act = memref.view %space[%c0][] : memref<1024xi8> to memref<1x4x4x4xf32>
  linalg.generic {indexing_maps = [#in, #weight, #out],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%in, %f : memref<1x2x4x4xf32>, memref<4x2xf32>)
      outs(%out : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %m = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#nkhw, #nkhw],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%out : memref<1x4x4x4xf32>) outs(%act : memref<1x4x4x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A padded input (a fill of the whole buffer, then a copy into its
// interior) that only the convolution reads: the convolution reads through
// the padding, the source inside the interior and the fill's value
// outside, and the fill and the copy are no kernels.
// CHECK-LABEL: func.func @read_through_padding
// CHECK-NOT: linalg.
// CHECK: scf.forall (%{{.*}}) in (1) {
// CHECK:   scf.for
// CHECK:     %[[ROW:.*]] = arith.subi %{{.*}}, %c1 : index
// CHECK:     arith.cmpi ult, %[[ROW]], %c4 : index
// CHECK:     %[[VALUE:.*]] = scf.if %{{.*}} -> (f32) {
// CHECK:       %[[SOURCE:.*]] = memref.load %arg0[
// CHECK:       scf.yield %[[SOURCE]] : f32
// CHECK:     } else {
// CHECK:       scf.yield %cst : f32
// CHECK:     arith.mulf %[[VALUE]]
// CHECK: } {mapping = [#gpu.block<x>]}
// CHECK-NEXT: return
func.func @read_through_padding(%x: memref<1x2x4x4xf32>, %f: memref<2x3x3xf32>,
                                %out: memref<1x2x4x4xf32>,
                                %space: memref<1024xi8>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %padded = memref.view %space[%c0][] : memref<1024xi8> to memref<1x2x6x6xf32>
  linalg.map outs(%padded : memref<1x2x6x6xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
      : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.copy ins(%x : memref<1x2x4x4xf32>)
      outs(%interior : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
  linalg.generic {indexing_maps = [affine_map<(n, c, r, s, h, w) -> (n, c, h + r, w + s)>,
                                   affine_map<(n, c, r, s, h, w) -> (c, r, s)>,
                                   affine_map<(n, c, r, s, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%padded, %f : memref<1x2x6x6xf32>, memref<2x3x3xf32>)
      outs(%out : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An interior that a later op writes again (a pooling into its padded
// output, as elide-concat leaves it): not a padding to read through; the
// two fills, the op accumulating into the interior and the convolution stay
// kernels of their own.
// CHECK-LABEL: func.func @interior_written_again
// CHECK-COUNT-4: } {mapping = [#gpu.block<x>]}
// CHECK-NEXT: return
func.func @interior_written_again(%x: memref<1x2x4x4xf32>, %f: memref<2x3x3xf32>,
                                  %out: memref<1x2x4x4xf32>,
                                  %space: memref<1024xi8>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %padded = memref.view %space[%c0][] : memref<1024xi8> to memref<1x2x6x6xf32>
  linalg.map outs(%padded : memref<1x2x6x6xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
      : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.fill ins(%zero : f32)
      outs(%interior : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>,
                                   affine_map<(n, c, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x2x4x4xf32>)
      outs(%interior : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>) {
  ^bb0(%a: f32, %acc: f32):
    %m = arith.maximumf %a, %acc : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, r, s, h, w) -> (n, c, h + r, w + s)>,
                                   affine_map<(n, c, r, s, h, w) -> (c, r, s)>,
                                   affine_map<(n, c, r, s, h, w) -> (n, c, h, w)>],
                  iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
      ins(%padded, %f : memref<1x2x6x6xf32>, memref<2x3x3xf32>)
      outs(%out : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}
