// RUN: %inception-opt %s -split-input-file -inception-hoist-weights -verify-diagnostics | FileCheck %s
// RUN: %inception-opt %s -split-input-file -inception-hoist-weights --inception-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: %inception-opt %S/Inputs/hoist-weights-errors.mlir -split-input-file -inception-hoist-weights -verify-diagnostics -o /dev/null

// What moves into the weight preparation: the parameters and what only
// they compute (the packed filter, the scaled bias). What stays: every op
// that reads the input (the kernel, the generic after it), and a transform
// of constants alone (it folds where it has data; it is no weight binding).
// A parameter the run reads as it is (dense.weight) is prepared as it is.
// The declared key nothing reads any more is ignored.
// CHECK: module attributes {inception.ignored_keys = ["aux.weight"], {{.*}}inception.parameters = {{\[}}["conv.weight", [4, 4, 1, 1]], ["conv.bias", [4]], ["dense.weight", [4]]]}
// CHECK-LABEL: func.func @m(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x8x8xf32> {bufferization.writable = false},
// CHECK-SAME: %[[P:[^:]*]]: tensor<24xf32> {bufferization.writable = false},
// CHECK-SAME: %[[B:[^:]*]]: tensor<4xf32> {bufferization.writable = false},
// CHECK-SAME: %[[D:[^:]*]]: tensor<4xf32> {bufferization.writable = false})
// CHECK-SAME: attributes {inception.prepared_weights = array<i64: 1, 3>}
// CHECK-NOT: inception.parameter
// CHECK-NOT: "pack_panels"
// CHECK: %[[C:.*]] = inception.weight_transform "scale" ins(%{{.*}} : tensor<4xf32>) {{.*}}factor = 3.0
// CHECK: %[[Y:.*]] = inception.ukernel "conv2d" input(%[[X]] : {{.*}}) filter(%[[P]] : tensor<24xf32>) bias(%[[B]] : tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %[[D]], %[[C]] :
// CHECK-LABEL: func.func @m_prepare(
// CHECK-SAME: %[[W:.*]]: tensor<4x4x1x1xf32>, %[[CB:.*]]: tensor<4xf32>, %[[DW:.*]]: tensor<4xf32>) -> (tensor<24xf32>, tensor<4xf32>, tensor<4xf32>) attributes {inception.prepares = @m}
// CHECK: %[[PACKED:.*]] = inception.weight_transform "pack_panels" ins(%[[W]]
// CHECK: %[[SCALED:.*]] = inception.weight_transform "scale" ins(%[[CB]] {{.*}}factor = 2.0
// CHECK-NOT: inception.ukernel
// CHECK-NOT: linalg.generic
// CHECK: return %[[PACKED]], %[[SCALED]], %[[DW]]
// STATS: inception-hoist-weights.hoisted-ops{{ +}}2
// STATS: inception-hoist-weights.prepared-weights{{ +}}3
// STATS: inception-hoist-weights.parameters{{ +}}3
module attributes {inception.parameter_keys = ["conv.weight", "conv.bias", "dense.weight", "aux.weight"]} {
  func.func @m(%x: tensor<1x4x8x8xf32> {bufferization.writable = false}) -> tensor<1x4x8x8xf32> {
    %w = inception.parameter "conv.weight" : tensor<4x4x1x1xf32>
    %b = inception.parameter "conv.bias" : tensor<4xf32>
    %e = tensor.empty() : tensor<24xf32>
    %p = inception.weight_transform "pack_panels" ins(%w : tensor<4x4x1x1xf32>) outs(%e : tensor<24xf32>) params {depth = 4 : i64, mr = 6 : i64, out_channels = 4 : i64} -> tensor<24xf32>
    %eb = tensor.empty() : tensor<4xf32>
    %sb = inception.weight_transform "scale" ins(%b : tensor<4xf32>) outs(%eb : tensor<4xf32>) params {elements = 4 : i64, factor = 2.0 : f64} -> tensor<4xf32>
    %c = arith.constant dense<1.0> : tensor<4xf32>
    %ec = tensor.empty() : tensor<4xf32>
    %sc = inception.weight_transform "scale" ins(%c : tensor<4xf32>) outs(%ec : tensor<4xf32>) params {elements = 4 : i64, factor = 3.0 : f64} -> tensor<4xf32>
    %o = tensor.empty() : tensor<1x4x8x8xf32>
    %y = inception.ukernel "conv2d" input(%x : tensor<1x4x8x8xf32>) filter(%p : tensor<24xf32>) bias(%sb : tensor<4xf32>) output(%o : tensor<1x4x8x8xf32>) params {accumulate = 0 : i64} -> tensor<1x4x8x8xf32>
    %d = inception.parameter "dense.weight" : tensor<4xf32>
    %z = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %d, %sc : tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) outs(%o : tensor<1x4x8x8xf32>) {
    ^bb0(%a: f32, %s: f32, %t: f32, %out: f32):
      %m = arith.mulf %a, %s : f32
      %r = arith.addf %m, %t : f32
      linalg.yield %r : f32
    } -> tensor<1x4x8x8xf32>
    return %z : tensor<1x4x8x8xf32>
  }
}

// -----

// Built-in weights: nothing binds at load, nothing moves.
// CHECK-LABEL: func.func @embedded(
// CHECK-SAME: %{{.*}}: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
// CHECK-NEXT: arith.constant dense<1.0
// CHECK-NOT: _prepare
func.func @embedded(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  return %x, %c : tensor<4xf32>, tensor<4xf32>
}
