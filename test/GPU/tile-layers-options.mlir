// RUN: %inception-opt %s --pass-pipeline='builtin.module(func.func(inception-gpu-tile{block-size=100}))' --verify-diagnostics
// RUN: %inception-opt %s --pass-pipeline='builtin.module(func.func(inception-gpu-tile{block-size=64}))' | FileCheck %s

// CHECK: scf.forall (%{{.*}}) in (2) {
// CHECK:   scf.forall (%{{.*}}) in (64) {
// expected-error @+1 {{block-size must be a multiple of 32 up to 1024, got 100}}
func.func @fill(%a: memref<100xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%a : memref<100xf32>)
  return
}
