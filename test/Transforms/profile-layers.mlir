// RUN: %inception-opt %s -inception-profile-layers --inception-stats 2> %t.stats | FileCheck %s
// RUN: FileCheck %s --check-prefix=STATS < %t.stats

// A mark goes before each op that does work where the layer changes (the
// DSL name of its location, the producer's for a fused op), -1 before the
// return; views and constants get none; private functions are not
// touched. The module records the names by index, and each layer's back
// half: "cpu", or its calls' inception.backend (a Halide layer's).

// CHECK: module attributes {inception.profile_backends = ["cpu", "halide", "cpu"], inception.profile_layers = ["conv1", "pool1", "memref.copy"]}
// CHECK: func.func private @inception_profile_layer(i64)

func.func private @uk(%a: index)

// The outlined kernels themselves stay as they are.
// CHECK-LABEL: func.func private @kernel_op0
// CHECK-NOT: inception_profile_layer
// CHECK: return
func.func private @kernel_op0(%in: memref<8xf32>) attributes {no_inline} {
  %c = arith.constant 1.0 : f32
  linalg.fill ins(%c : f32) outs(%in : memref<8xf32>) loc("conv1")
  return
}

// CHECK-LABEL: func.func @kernel
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : i64
// CHECK-NEXT: call @inception_profile_layer(%[[C0]])
// CHECK-NEXT: call @kernel_op0
// Same layer (a fused op whose first name is conv1): no new mark.
// CHECK-NEXT: %[[ADDR:.*]] = memref.extract_aligned_pointer_as_index
// CHECK-NEXT: call @uk(%[[ADDR]])
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : i64
// CHECK-NEXT: call @inception_profile_layer(%[[C1]])
// CHECK-NEXT: call @uk
// An op without a name is reported under its op name.
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : i64
// CHECK-NEXT: call @inception_profile_layer(%[[C2]])
// CHECK-NEXT: memref.copy
// Back to conv1: a second part of the same layer.
// CHECK-NEXT: %[[C0B:.*]] = arith.constant 0 : i64
// CHECK-NEXT: call @inception_profile_layer(%[[C0B]])
// CHECK-NEXT: call @kernel_op0
// CHECK-NEXT: %[[END:.*]] = arith.constant -1 : i64
// CHECK-NEXT: call @inception_profile_layer(%[[END]])
// CHECK-NEXT: return
func.func @kernel(%in: memref<8xf32>, %out: memref<8xf32>) {
  call @kernel_op0(%in) : (memref<8xf32>) -> () loc("conv1")
  %p = memref.extract_aligned_pointer_as_index %in : memref<8xf32> -> index
  call @uk(%p) : (index) -> () loc(fused["conv1", "relu1"])
  call @uk(%p) {inception.backend = "halide"} : (index) -> () loc("pool1")
  memref.copy %in, %out : memref<8xf32> to memref<8xf32>
  call @kernel_op0(%in) : (memref<8xf32>) -> () loc("conv1")
  return
}

// The vector kernels (vector-kernels.mlir) are the C kernels' inner loops,
// not layers of the model: no marks.
// CHECK-LABEL: func.func @inception_uk_gemm_1x1v4
// CHECK-NOT: inception_profile_layer
// CHECK: return
func.func @inception_uk_gemm_1x1v4(%in: memref<8xf32>, %out: memref<8xf32>) attributes {inception.vector_kernel} {
  memref.copy %in, %out : memref<8xf32> to memref<8xf32>
  return
}

// STATS: inception-profile-layers.layers{{ +}}3
// STATS: inception-profile-layers.marks{{ +}}5
