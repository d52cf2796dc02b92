// RUN: %inception-opt %s -convert-inception-to-linalg -canonicalize -inception-blocked-layout=block=4 -canonicalize -split-input-file | FileCheck %s
// RUN: not %inception-opt %s -convert-inception-to-linalg -inception-blocked-layout=block=1 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADBLOCK

// BADBLOCK: error: inception-blocked-layout: block must be at least 2, not 1

// The first convolution reads the NCHW input as it is and writes blocks of
// 4 channels; ReLU, padding, pooling and the next convolution stay blocked;
// the one layout change is the unpack of the result. Filters are packed at
// compile time, [F/4, kh, kw, C', 4]; the 1x1 filter's six output channels
// fill two blocks, the last two lanes zero.

// CHECK-DAG: #[[STEM_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d7, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[STEM_W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d5, d6, d7, d4)>
// CHECK-DAG: #[[POOL_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3, d6)>
// CHECK-DAG: #[[PW_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d0, d7, d2 + d5, d3 + d6, d8)>
// CHECK-DAG: #[[PW_W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8) -> (d1, d5, d6, d7 * 4 + d8, d4)>
// CHECK-DAG: #[[UNPACK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 floordiv 4, d2, d3, d1 mod 4)>
// CHECK-LABEL: func.func @stem_pool_pointwise
// CHECK-DAG: %[[PW_FILTER:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x1x1x8x4xf32>
// CHECK-DAG: %[[STEM_FILTER:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x3x3x3x4xf32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense_resource<{{.*}}> : tensor<2x4xf32>
// CHECK-NOT: inception.pack
// CHECK: %[[PADDED:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<2x4xf32>) outs(%{{.*}} : tensor<1x2x8x8x4xf32>)
// CHECK: %[[STEM:.*]] = linalg.generic {indexing_maps = [#[[STEM_IN]], #[[STEM_W]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%[[PADDED]], %[[STEM_FILTER]] : tensor<1x3x10x10xf32>, tensor<2x3x3x3x4xf32>) outs(%[[INIT]] : tensor<1x2x8x8x4xf32>) attrs = {inception.blocked = 4 : i64, inception.conv2d
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[STEM]] : tensor<1x2x8x8x4xf32>) {{.*}} attrs = {inception.blocked = 4 : i64}
// CHECK:   arith.maximumf
// CHECK: %[[POOL_PAD:.*]] = tensor.pad %[[RELU]] low[0, 0, 1, 1, 0] high[0, 0, 1, 1, 0]
// CHECK: %[[POOL:.*]] = linalg.generic {indexing_maps = [#[[POOL_IN]], {{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel", "parallel"]} ins(%[[POOL_PAD]], %{{.*}} : tensor<1x2x10x10x4xf32>, tensor<3x3xf32>) outs(%{{.*}} : tensor<1x2x4x4x4xf32>) attrs = {inception.blocked = 4 : i64, inception.pool2d
// CHECK: %[[PW:.*]] = linalg.generic {indexing_maps = [#[[PW_IN]], #[[PW_W]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]} ins(%[[POOL]], %[[PW_FILTER]] : tensor<1x2x4x4x4xf32>, tensor<2x1x1x8x4xf32>) outs(%{{.*}} : tensor<1x2x4x4x4xf32>) attrs = {inception.blocked = 4 : i64, inception.conv2d
// CHECK: %[[OUT:.*]] = linalg.generic {indexing_maps = [#[[UNPACK]], {{.*}}]{{.*}} ins(%[[PW]] : tensor<1x2x4x4x4xf32>) outs(%{{.*}} : tensor<1x6x4x4xf32>) attrs = {inception.unpack}
// CHECK: return %[[OUT]]
// The six output channels: block 1 holds channels 4 and 5, then two zeros.
// CHECK: weight.block_filter{{.*}}: "0x04000000{{(0000003E)+(0000003E0000003E0000000000000000)+}}"
func.func @stem_pool_pointwise(%x: tensor<1x3x8x8xf32>) -> tensor<1x6x4x4xf32> {
  %w1 = arith.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b1 = arith.constant dense<0.25> : tensor<8xf32>
  %w2 = arith.constant dense<0.125> : tensor<6x8x1x1xf32>
  %0 = inception.conv2d %x, %w1, %b1 strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 fused_relu : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  %1 = inception.max_pool2d %0 kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
  %2 = inception.conv2d %1, %w2 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x8x4x4xf32>, tensor<6x8x1x1xf32>) -> tensor<1x6x4x4xf32>
  return %2 : tensor<1x6x4x4xf32>
}

// -----

// A concat whose operands start on block boundaries is a concat of blocks
// (the last operand may end mid-block: its zero lanes are the result's).
// One whose second operand starts mid-block stays NCHW, on unpacked
// operands.
// CHECK-LABEL: func.func @concat
// CHECK: %[[A:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x4x4x4xf32>) attrs = {inception.blocked = 4 : i64, inception.conv2d
// CHECK: %[[B:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x4x4x4xf32>) attrs = {inception.blocked = 4 : i64, inception.conv2d
// CHECK: %[[B_NCHW:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<1x2x4x4x4xf32>) outs(%{{.*}} : tensor<1x6x4x4xf32>) attrs = {inception.unpack}
// CHECK: %[[C0:.*]] = tensor.insert_slice %[[A]] into %{{.*}}[0, 0, 0, 0, 0] [1, 1, 4, 4, 4] [1, 1, 1, 1, 1] : tensor<1x1x4x4x4xf32> into tensor<1x3x4x4x4xf32>
// CHECK: %[[C1:.*]] = tensor.insert_slice %[[B]] into %[[C0]][0, 1, 0, 0, 0] [1, 2, 4, 4, 4] [1, 1, 1, 1, 1] : tensor<1x2x4x4x4xf32> into tensor<1x3x4x4x4xf32>
// CHECK: %[[C:.*]] = linalg.generic {{.*}} ins(%[[C1]] : tensor<1x3x4x4x4xf32>) outs(%{{.*}} : tensor<1x10x4x4xf32>) attrs = {inception.unpack}
// CHECK: %[[D0:.*]] = tensor.insert_slice %[[B_NCHW]] into %{{.*}}[0, 0, 0, 0] [1, 6, 4, 4] [1, 1, 1, 1] : tensor<1x6x4x4xf32> into tensor<1x12x4x4xf32>
// CHECK: %[[D1:.*]] = tensor.insert_slice %[[B_NCHW]] into %[[D0]][0, 6, 0, 0] [1, 6, 4, 4] [1, 1, 1, 1] : tensor<1x6x4x4xf32> into tensor<1x12x4x4xf32>
// CHECK: return %[[C]], %[[D1]]
func.func @concat(%x: tensor<1x8x4x4xf32>) -> (tensor<1x10x4x4xf32>, tensor<1x12x4x4xf32>) {
  %w4 = arith.constant dense<0.5> : tensor<4x8x1x1xf32>
  %w6 = arith.constant dense<0.25> : tensor<6x8x1x1xf32>
  %a = inception.conv2d %x, %w4 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x8x4x4xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x4x4xf32>
  %b = inception.conv2d %x, %w6 strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x8x4x4xf32>, tensor<6x8x1x1xf32>) -> tensor<1x6x4x4xf32>
  %c = inception.concat %a, %b axis = 1 : (tensor<1x4x4x4xf32>, tensor<1x6x4x4xf32>) -> tensor<1x10x4x4xf32>
  %d = inception.concat %b, %b axis = 1 : (tensor<1x6x4x4xf32>, tensor<1x6x4x4xf32>) -> tensor<1x12x4x4xf32>
  return %c, %d : tensor<1x10x4x4xf32>, tensor<1x12x4x4xf32>
}

// -----

// An LRN sums a window of channels, which blocks cannot express: it is one
// elementwise op over channel slices of the padded activation, each of
// which blocking would have to pack (more packs than the one unpack it
// saves). It stays NCHW, reading one unpack; the ReLU after it has no
// blocked input and stays too; the add, blocked, reads one pack.
// CHECK-LABEL: func.func @lrn
// CHECK: %[[CONV:.*]] = linalg.generic {{.*}} attrs = {inception.blocked = 4 : i64, inception.conv2d
// CHECK: %[[NCHW:.*]] = linalg.generic {{.*}} attrs = {inception.unpack}
// CHECK: %[[PADDED:.*]] = tensor.pad %[[NCHW]] low[0, 1, 0, 0] high[0, 1, 0, 0]
// CHECK-COUNT-3: tensor.extract_slice %[[PADDED]]
// CHECK-NOT: inception.pack
// CHECK: %[[LRN:.*]] = linalg.generic {{.*}} ins(%[[NCHW]], %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>) {
// CHECK: math.sqrt
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[LRN]] : tensor<1x4x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>) {
// CHECK: %[[PACKED:.*]] = linalg.generic {{.*}} ins(%[[RELU]] : tensor<1x4x4x4xf32>) outs(%{{.*}} : tensor<1x1x4x4x4xf32>) attrs = {inception.pack}
// CHECK: linalg.generic {{.*}} ins(%[[PACKED]], %[[CONV]] : tensor<1x1x4x4x4xf32>, tensor<1x1x4x4x4xf32>) {{.*}} attrs = {inception.blocked = 4 : i64}
// CHECK-NOT: inception.pack
func.func @lrn(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4x1x1xf32>
  %a = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x4x4xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %b = inception.lrn %a size = 3 alpha = 1.0e-4 beta = 0.75 k = 1.0 : tensor<1x4x4x4xf32>
  %c = inception.relu %b : tensor<1x4x4x4xf32>
  %d = inception.add %c, %a : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}

// -----

// A depthwise convolution reads blocks (packing an NCHW input) with its
// filter as [C/4, kh, kw, 4] and its bias as [C/4, 4].
// CHECK-DAG: #[[DW_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4)>
// CHECK-DAG: #[[DW_W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d5, d6, d4)>
// CHECK-DAG: #[[PACK:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 4 + d4, d2, d3)>
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[PADDED:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[PACKED:.*]] = linalg.generic {indexing_maps = [#[[PACK]], {{.*}}]{{.*}} ins(%[[PADDED]] : tensor<1x4x8x8xf32>) outs(%{{.*}} : tensor<1x1x8x8x4xf32>) attrs = {inception.pack}
// CHECK: linalg.generic {indexing_maps = [#[[DW_IN]], #[[DW_W]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PACKED]], %{{.*}} : tensor<1x1x8x8x4xf32>, tensor<1x3x3x4xf32>) outs(%{{.*}} : tensor<1x1x3x3x4xf32>) attrs = {inception.blocked = 4 : i64, inception.conv2d
func.func @depthwise(%x: tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32> {
  %w = arith.constant dense<0.5> : tensor<4x1x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %a = inception.conv2d %x, %w, %b strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 4 : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
  return %a : tensor<1x4x3x3xf32>
}

// -----

// Without a convolution nothing is blocked: pooling and ReLU on the input
// stay NCHW.
// CHECK-LABEL: func.func @no_convolution
// CHECK-NOT: inception.blocked
// CHECK-NOT: inception.pack
// CHECK: return
func.func @no_convolution(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = inception.relu %x : tensor<1x8x8x8xf32>
  %1 = inception.max_pool2d %0 kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
  return %1 : tensor<1x8x4x4xf32>
}
