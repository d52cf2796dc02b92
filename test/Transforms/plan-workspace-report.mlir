// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-plan-workspace))' --inception-stats -o /dev/null 2>&1 | FileCheck %s

// The memory report: three 32-byte buffers in a chain, 96 bytes in all; at
// most two are alive at once (64 bytes, the least any placement needs);
// first fit with 64-byte alignment takes 128.
// CHECK: inception-plan-workspace.buffers{{ +}}3
// CHECK: inception-plan-workspace.total-bytes{{ +}}96
// CHECK: inception-plan-workspace.largest-live-bytes{{ +}}64
// CHECK: inception-plan-workspace.workspace-bytes{{ +}}128
func.func @chain(%in: memref<8xf32>, %out: memref<8xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %in, %a : memref<8xf32> to memref<8xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %b, %c : memref<8xf32> to memref<8xf32>
  memref.copy %c, %out : memref<8xf32> to memref<8xf32>
  return
}
