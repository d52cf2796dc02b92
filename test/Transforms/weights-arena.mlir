// RUN: %inception-opt %S/hoist-weights.mlir -split-input-file -inception-hoist-weights -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -buffer-results-to-out-params="hoist-static-allocs modify-public-functions" -canonicalize -inception-plan-workspace -inception-weights-arena | FileCheck %s
// RUN: not %inception-opt %s -inception-weights-arena -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERROR

// hoist-weights.mlir's module, bufferized and planned: its three prepared
// weights (96, 16 and 16 bytes) at 64-byte aligned offsets of one 256-byte
// arena, the last argument of both functions. The run reads them there;
// the preparation writes them there, its transforms straight into their
// places, the parameter prepared as it is copied.
// CHECK: module attributes {inception.arena_size = 256 : i64
// CHECK-LABEL: func.func @m(
// CHECK-SAME: %[[IN:[^:]*]]: memref<1x4x8x8xf32>, %[[OUT:[^:]*]]: memref<1x4x8x8xf32>, %[[WS:[^:]*]]: memref<64xi8>, %[[ARENA:[^:]*]]: memref<256xi8>)
// CHECK-NOT: inception.prepared_weights
// CHECK: %[[P:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<256xi8> to memref<24xf32>
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%c128{{.*}}][] : memref<256xi8> to memref<4xf32>
// CHECK: %[[D:.*]] = memref.view %[[ARENA]][%c192{{.*}}][] : memref<256xi8> to memref<4xf32>
// CHECK: inception.ukernel "conv2d" input(%[[IN]] : {{.*}}) filter(%[[P]] : memref<24xf32>) bias(%[[B]] : memref<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[OUT]], %[[D]], %{{.*}} :
// CHECK-LABEL: func.func @m_prepare(
// CHECK-SAME: %[[W:[^:]*]]: memref<4x4x1x1xf32>, %[[CB:[^:]*]]: memref<4xf32>, %[[DW:[^:]*]]: memref<4xf32>, %{{[^:]*}}: memref<0xi8>, %[[PARENA:[^:]*]]: memref<256xi8>)
// CHECK: %[[PP:.*]] = memref.view %[[PARENA]][%c0{{.*}}][] : memref<256xi8> to memref<24xf32>
// CHECK: %[[PB:.*]] = memref.view %[[PARENA]][%c128{{.*}}][] : memref<256xi8> to memref<4xf32>
// CHECK: %[[PD:.*]] = memref.view %[[PARENA]][%c192{{.*}}][] : memref<256xi8> to memref<4xf32>
// CHECK: inception.weight_transform "pack_panels" ins(%[[W]] : memref<4x4x1x1xf32>) outs(%[[PP]] : memref<24xf32>)
// CHECK: inception.weight_transform "scale" ins(%[[CB]] : memref<4xf32>) outs(%[[PB]] : memref<4xf32>)
// CHECK: memref.copy %[[DW]], %[[PD]]

// A preparation for a function that has no prepared weights.
// ERROR: error: inception-weights-arena: the function it prepares for has no prepared weights
func.func @run(%x: memref<4xf32>) {
  return
}
func.func @run_prepare(%w: memref<4xf32>) attributes {inception.prepares = @run} {
  return
}
