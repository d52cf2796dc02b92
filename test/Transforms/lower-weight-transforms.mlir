// RUN: %inception-opt %s -split-input-file -inception-lower-ukernels -verify-diagnostics | FileCheck %s

// A weight transform on buffers (a weight preparation's) becomes the call
// of its C function: its inputs and then its output are the struct's
// pointers, in order; its params the integers and, as their bits, the
// reals (1e-3 is 0x3F50624DD2F1A9FC).
// CHECK: func.func private @inception_uk_batch_norm_filter(index)
// CHECK-LABEL: func.func @prepare(
// CHECK-SAME: %[[W:[^:]*]]: memref<2x3x1x1xf32>, %[[G:[^:]*]]: memref<2xf32>, %[[V:[^:]*]]: memref<2xf32>, %[[OUT:[^:]*]]: memref<6xf32>)
// CHECK: %[[P:.*]] = memref.alloca() {inception.ukernel_params = "inception_uk_batch_norm_filter"} : memref<7xi64>
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[W]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[G]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[V]]
// CHECK-DAG: memref.extract_aligned_pointer_as_index %[[OUT]]
// CHECK: memref.store %{{.*}}, %[[P]][%{{.*}}] {inception.ukernel_field = "filter"}
// CHECK: memref.store %{{.*}}, %[[P]][%{{.*}}] {inception.ukernel_field = "gamma"}
// CHECK: memref.store %{{.*}}, %[[P]][%{{.*}}] {inception.ukernel_field = "variance"}
// CHECK: memref.store %{{.*}}, %[[P]][%{{.*}}] {inception.ukernel_field = "output"}
// CHECK: memref.store %c2_i64, %[[P]][%{{.*}}] {inception.ukernel_field = "channels"}
// CHECK: memref.store %c3_i64, %[[P]][%{{.*}}] {inception.ukernel_field = "per_channel"}
// CHECK: memref.store %c4562254508917369340_i64, %[[P]][%{{.*}}] {inception.ukernel_field = "epsilon"}
// CHECK: call @inception_uk_batch_norm_filter(
// CHECK-NOT: inception.weight_transform
func.func @prepare(%w: memref<2x3x1x1xf32>, %g: memref<2xf32>, %v: memref<2xf32>, %out: memref<6xf32>) {
  inception.weight_transform "batch_norm_filter" ins(%w, %g, %v : memref<2x3x1x1xf32>, memref<2xf32>, memref<2xf32>) outs(%out : memref<6xf32>) params {channels = 2 : i64, epsilon = 1.0e-3 : f64, per_channel = 3 : i64}
  return
}

// -----

func.func @on_tensors(%w: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'inception.weight_transform' op inception-lower-ukernels: runs after bufferization}}
  %0 = inception.weight_transform "scale" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {elements = 4 : i64, factor = 2.0 : f64} -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
