// RUN: %inception-opt %s -canonicalize -split-input-file | FileCheck %s
// RUN: %inception-opt %s -split-input-file | %inception-opt -split-input-file | FileCheck %s --check-prefix=ROUNDTRIP

// Each weight transform folds on constants by running its C function
// (runtime/ukernels/weight_transforms.c) while it compiles. The data are
// worked out by hand: 0.5 * [1, -2, 3]; the 3x2 matrix [[1, 2], [3, 4],
// [5, 6]] in panels of 2 rows, k-major, a zero row last; [7, 8] then
// [1, -2, 3], padded to two blocks of 4; Winograd's U = G g G^T of a 3x3
// filter of ones, s_r * s_c with s = G's row sums (1/4, -1/2, -1/6, 7/24,
// 1/8, 1); a 2x3 1x1 filter as [F/4, 1, 1, 4, 4] (input channels padded
// to 4).
// CHECK-LABEL: func.func @fold
// CHECK-NOT: inception.weight_transform
// CHECK-NOT: tensor.empty
// CHECK: weight.scale: "0x040000000000003F000080BF0000C03F"
// CHECK: weight.pack_panels: "0x040000000000803F0000404000000040000080400000A040000000000000C04000000000"
// CHECK: weight.concat: "0x040000000000E040000000410000803F000000C000004040"
// CHECK: weight.concat.pad_channels: "0x040000000000E040000000410000803F000000C000004040000000000000000000000000"
// CHECK: weight.winograd_filter: "0x040000000000803D000000BEABAA2ABD5555953D0000003D0000803E000000BE0000803EABAAAA3D555515BE000080BD000000BFABAA2ABDABAAAA3D398EE33C721C47BDABAAAABCABAA2ABE5555953D555515BE721C47BDE438AE3D5555153D5555953E0000003D000080BDABAAAABC5555153D0000803C0000003E0000803E000000BFABAA2ABE5555953E0000003E0000803F"
// CHECK: weight.block_filter: "0x040000000000803F000080400000000000000000000000400000A0400000000000000000000040400000C040000000000000000000000000000000000000000000000000"
// ROUNDTRIP-LABEL: func.func @fold
// ROUNDTRIP: inception.weight_transform "scale" ins(%{{.*}} : tensor<3xf32>) outs(%{{.*}} : tensor<3xf32>) params {elements = 3 : i64, factor = 5.000000e-01 : f64} -> tensor<3xf32>
func.func @fold() -> (tensor<3xf32>, tensor<8xf32>, tensor<5xf32>, tensor<2x4xf32>, tensor<36xf32>, tensor<1x1x1x4x4xf32>) {
  %v = arith.constant dense<[1.0, -2.0, 3.0]> : tensor<3xf32>
  %e3 = tensor.empty() : tensor<3xf32>
  %s = inception.weight_transform "scale" ins(%v : tensor<3xf32>) outs(%e3 : tensor<3xf32>) params {elements = 3 : i64, factor = 0.5 : f64} -> tensor<3xf32>
  %f = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %e8 = tensor.empty() : tensor<8xf32>
  %p = inception.weight_transform "pack_panels" ins(%f : tensor<3x2xf32>) outs(%e8 : tensor<8xf32>) params {depth = 2 : i64, mr = 2 : i64, out_channels = 3 : i64} -> tensor<8xf32>
  %a = arith.constant dense<[7.0, 8.0]> : tensor<2xf32>
  %e5 = tensor.empty() : tensor<5xf32>
  %c = inception.weight_transform "concat" ins(%a, %v : tensor<2xf32>, tensor<3xf32>) outs(%e5 : tensor<5xf32>) params {first_elements = 2 : i64, second_elements = 3 : i64} -> tensor<5xf32>
  %e24 = tensor.empty() : tensor<2x4xf32>
  %pc = inception.weight_transform "pad_channels" ins(%c : tensor<5xf32>) outs(%e24 : tensor<2x4xf32>) params {channels = 5 : i64, padded = 8 : i64} -> tensor<2x4xf32>
  %g = arith.constant dense<1.0> : tensor<1x1x3x3xf32>
  %e36 = tensor.empty() : tensor<36xf32>
  %u = inception.weight_transform "winograd_filter" ins(%g : tensor<1x1x3x3xf32>) outs(%e36 : tensor<36xf32>) params {in_channels = 1 : i64, nr = 1 : i64, out_channels = 1 : i64, source_block = 0 : i64} -> tensor<36xf32>
  %bf = arith.constant dense<[[[[1.0]], [[2.0]], [[3.0]]], [[[4.0]], [[5.0]], [[6.0]]]]> : tensor<2x3x1x1xf32>
  %eb = tensor.empty() : tensor<1x1x1x4x4xf32>
  %b = inception.weight_transform "block_filter" ins(%bf : tensor<2x3x1x1xf32>) outs(%eb : tensor<1x1x1x4x4xf32>) params {block = 4 : i64, depth = 4 : i64, depthwise = 0 : i64, in_channels = 3 : i64, out_channels = 2 : i64, taps = 1 : i64} -> tensor<1x1x1x4x4xf32>
  return %s, %p, %c, %pc, %u, %b : tensor<3xf32>, tensor<8xf32>, tensor<5xf32>, tensor<2x4xf32>, tensor<36xf32>, tensor<1x1x1x4x4xf32>
}

// -----

// A parameter has no data: its transform stays, for the weight
// preparation.
// CHECK-LABEL: func.func @at_load
// CHECK: %[[W:.*]] = inception.parameter "w" : tensor<3x2xf32>
// CHECK: inception.weight_transform "pack_panels" ins(%[[W]] : tensor<3x2xf32>)
// ROUNDTRIP-LABEL: func.func @at_load
// ROUNDTRIP: inception.parameter "w" : tensor<3x2xf32>
func.func @at_load() -> tensor<8xf32> {
  %w = inception.parameter "w" : tensor<3x2xf32>
  %e = tensor.empty() : tensor<8xf32>
  %p = inception.weight_transform "pack_panels" ins(%w : tensor<3x2xf32>) outs(%e : tensor<8xf32>) params {depth = 2 : i64, mr = 2 : i64, out_channels = 3 : i64} -> tensor<8xf32>
  return %p : tensor<8xf32>
}

// -----

// The one-dimensional Winograd kernel's U = G g of a 1x7 filter of ones:
// G's row sums (4/9, 56/45, 8/45, 254/315, 86/315, -127/180, -43/180,
// -2059/1260, -463/1260, 1).
// CHECK-LABEL: func.func @fold_winograd1d
// CHECK: weight.winograd1d_filter: "0x04000000398EE33EF5499F3F610B363EE76C4E3FBDC88B3E4A9F34BF4A9F74BE132BD1BFC223BCBE0000803F"
func.func @fold_winograd1d() -> tensor<10xf32> {
  %g = arith.constant dense<1.0> : tensor<1x1x1x7xf32>
  %e = tensor.empty() : tensor<10xf32>
  %u = inception.weight_transform "winograd1d_filter" ins(%g : tensor<1x1x1x7xf32>) outs(%e : tensor<10xf32>) params {in_channels = 1 : i64, nr = 1 : i64, out_channels = 1 : i64, source_block = 0 : i64, taps = 7 : i64} -> tensor<10xf32>
  return %u : tensor<10xf32>
}
