// RUN: %inception-opt %s --split-input-file --inception-gpu-launch-calls --verify-diagnostics | FileCheck %s

// Each launch becomes a call of the launcher: the run's state is a new
// first argument, the kernel its index in inception.gpu_kernels (one index
// per kernel however often it is launched), the grid and block sizes i32,
// and the arguments an array of pointers to their values, whose slots are
// in the entry block.
// CHECK: module attributes {gpu.container_module, inception.gpu_kernels = ["scale", "relu"]}
// CHECK: llvm.func @run(%[[STATE:.*]]: !llvm.ptr, %[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr)
// CHECK-DAG: %[[ARRAY:.*]] = llvm.alloca %{{.*}} x !llvm.array<2 x ptr>
// CHECK-DAG: %[[SLOT0:.*]] = llvm.alloca %{{.*}} x !llvm.ptr
// CHECK-DAG: %[[SLOT1:.*]] = llvm.alloca %{{.*}} x i64
// CHECK: llvm.store %[[IN]], %[[SLOT0]]
// CHECK: %[[FIRST:.*]] = llvm.getelementptr %[[ARRAY]][0]
// CHECK: llvm.store %[[SLOT0]], %[[FIRST]]
// CHECK: llvm.store %{{.*}}, %[[SLOT1]]
// CHECK: %[[KERNEL:.*]] = llvm.mlir.constant(0 : i32)
// CHECK: llvm.trunc %{{.*}} : i64 to i32
// CHECK: llvm.call @inception_gpu_launch(%[[STATE]], %[[KERNEL]], {{.*}}, %[[ARRAY]])
// CHECK: llvm.mlir.constant(1 : i32)
// CHECK: llvm.call @inception_gpu_launch(%[[STATE]]
// CHECK: llvm.mlir.constant(0 : i32)
// CHECK: llvm.call @inception_gpu_launch(%[[STATE]]
// CHECK-NOT: gpu.launch_func
// CHECK: llvm.func @inception_gpu_launch(!llvm.ptr, i32, i32, i32, i32, i32, i32, i32, i32, !llvm.ptr)
module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "not a real binary">]
  llvm.func @run(%in: !llvm.ptr, %out: !llvm.ptr) {
    %one = llvm.mlir.constant(1 : i64) : i64
    %grid = llvm.mlir.constant(8 : i64) : i64
    %block = llvm.mlir.constant(256 : i64) : i64
    %n = llvm.mlir.constant(2048 : i64) : i64
    gpu.launch_func @kernels::@scale blocks in (%grid, %one, %one) threads in (%block, %one, %one) : i64 args(%in : !llvm.ptr, %n : i64)
    gpu.launch_func @kernels::@relu blocks in (%grid, %one, %one) threads in (%block, %one, %one) : i64 args(%out : !llvm.ptr)
    gpu.launch_func @kernels::@scale blocks in (%grid, %one, %one) threads in (%block, %one, %one) : i64 args(%out : !llvm.ptr, %n : i64)
    llvm.return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "not a real binary">]
  llvm.func @run(%in: !llvm.ptr) {
    %one = llvm.mlir.constant(1 : i64) : i64
    %token = gpu.wait async
    // expected-error @+1 {{expected a synchronous launch without clusters in a function lowered to LLVM}}
    %done = gpu.launch_func async [%token] @kernels::@scale blocks in (%one, %one, %one) threads in (%one, %one, %one) : i64 args(%in : !llvm.ptr)
    llvm.return
  }
}

// -----

// A kernel cannot read the host's copy of a compile-time table.
module attributes {gpu.container_module} {
  gpu.binary @kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "not a real binary">]
  llvm.mlir.global private constant @divisors(dense<9.0> : tensor<4xf32>) : !llvm.array<4 x f32>
  llvm.func @run() {
    %one = llvm.mlir.constant(1 : i64) : i64
    %table = llvm.mlir.addressof @divisors : !llvm.ptr
    %row = llvm.getelementptr %table[2] : (!llvm.ptr) -> !llvm.ptr, f32
    // expected-error @+1 {{kernel argument 0 is the host address of @divisors: a kernel reads device memory, so a compile-time table must be the kernel module's own global}}
    gpu.launch_func @kernels::@scale blocks in (%one, %one, %one) threads in (%one, %one, %one) : i64 args(%row : !llvm.ptr)
    llvm.return
  }
}
