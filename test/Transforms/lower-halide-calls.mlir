// RUN: %inception-opt %s -split-input-file -inception-lower-ukernels -verify-diagnostics | FileCheck %s

// A Halide layer call on buffers becomes: its user context (the per-thread
// scratch, 100 bytes rounded up to 128, and its size), a halide_buffer_t per
// buffer as an i64 array (host at the layout's offset, 8 floats = 32 bytes
// in; type float32 | 2 dimensions << 32 = 8590008322; Halide's dimension 0 the
// innermost: extent 8 << 32 with stride 1, then extent 2 << 32 with the
// slice's row stride 16), the arenas emptied, the call, and its status kept.
// CHECK-DAG: func.func private @inception_halide_enter(index)
// CHECK-DAG: func.func private @layer(index, index, index) -> i32
// CHECK-DAG: func.func private @inception_halide_status(i32)
// CHECK-LABEL: func.func @slice(
// CHECK-SAME: %[[IN:[^:]*]]: memref<2x8xf32>, %[[OUT:[^:]*]]: memref<2x16xf32>)
// CHECK: %[[CONTEXT:.*]] = memref.alloca() {inception.ukernel_params = "layer"} : memref<2xi64>
// CHECK: %[[INPUT:.*]] = memref.alloca() {inception.ukernel_params = "layer"} : memref<11xi64>
// CHECK: %[[OUTPUT:.*]] = memref.alloca() {inception.ukernel_params = "layer"} : memref<11xi64>
// CHECK: %[[VIEW:.*]] = memref.subview %[[OUT]]
// CHECK: %[[SCRATCH:.*]] = memref.alloc() {inception.thread_scratch} : memref<128xi8>
// CHECK: memref.extract_aligned_pointer_as_index %[[SCRATCH]]
// CHECK: memref.store %c128_i64, %[[CONTEXT]][%c1{{(_[0-9]+)?}}]
// CHECK: memref.extract_aligned_pointer_as_index %[[IN]]
// CHECK: memref.store %{{.*}}, %[[INPUT]][%c2{{(_[0-9]+)?}}]
// CHECK: memref.store %c8590008322_i64{{(_[0-9]+)?}}, %[[INPUT]][%c4{{(_[0-9]+)?}}]
// CHECK: %[[HOST:.*]] = memref.extract_aligned_pointer_as_index %[[VIEW]]
// CHECK: arith.addi %[[HOST]], %c32
// CHECK: memref.store %c8590008322_i64{{(_[0-9]+)?}}, %[[OUTPUT]][%c4{{(_[0-9]+)?}}]
// CHECK: memref.store %c34359738368_i64{{(_[0-9]+)?}}, %[[OUTPUT]][%c7{{(_[0-9]+)?}}]
// CHECK: memref.store %c1_i64{{(_[0-9]+)?}}, %[[OUTPUT]][%c8{{(_[0-9]+)?}}]
// CHECK: memref.store %c8589934592_i64{{(_[0-9]+)?}}, %[[OUTPUT]][%c9{{(_[0-9]+)?}}]
// CHECK: memref.store %c16_i64{{(_[0-9]+)?}}, %[[OUTPUT]][%c10{{(_[0-9]+)?}}]
// CHECK: call @inception_halide_enter(
// CHECK: %[[STATUS:.*]] = call @layer(
// CHECK: call @inception_halide_status(%[[STATUS]])
// CHECK-NOT: inception.halide_call
func.func @slice(%in: memref<2x8xf32>, %out: memref<2x16xf32>) {
  %view = memref.subview %out[0, 8] [2, 8] [1, 1] : memref<2x16xf32> to memref<2x8xf32, strided<[16, 1], offset: 8>>
  inception.halide_call @layer scratch 100 ins(%in : memref<2x8xf32>) outs(%view : memref<2x8xf32, strided<[16, 1], offset: 8>>)
  return
}

// -----

func.func @on_tensors(%x: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'inception.halide_call' op inception-lower-ukernels: runs after bufferization}}
  %0 = inception.halide_call @layer scratch 0 ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_layout(%x: memref<4xf32>, %out: memref<4xf32, strided<[?], offset: ?>>) {
  // expected-error @+1 {{'inception.halide_call' op inception-lower-ukernels: a buffer whose layout is not static: 'memref<4xf32, strided<[?], offset: ?>>'}}
  inception.halide_call @layer scratch 0 ins(%x : memref<4xf32>) outs(%out : memref<4xf32, strided<[?], offset: ?>>)
  return
}
