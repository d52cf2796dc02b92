// RUN: %inception-opt %s --split-input-file --inception-gpu-merge-modules --verify-diagnostics | FileCheck %s

// Outlining's modules, one kernel each, all named after the function: one
// module, each kernel named after the layer its launch computes, made
// unique; a kernel without a layer name keeps its own.
// CHECK: gpu.launch_func @run_kernel::@conv1 blocks
// CHECK: gpu.launch_func @run_kernel::@conv1_0 blocks
// CHECK: gpu.launch_func @run_kernel::@run_kernel_1 blocks
// CHECK: gpu.module @run_kernel {
// CHECK-DAG: gpu.func @conv1()
// CHECK-DAG: gpu.func @conv1_0()
// CHECK-DAG: gpu.func @run_kernel_1()
// CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  func.func @run() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @run_kernel::@run_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) loc("conv1")
    gpu.launch_func @run_kernel_0::@run_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) loc("conv1")
    gpu.launch_func @run_kernel_1::@run_kernel_1 blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
  gpu.module @run_kernel {
    gpu.func @run_kernel() kernel { gpu.return }
  }
  gpu.module @run_kernel_0 {
    gpu.func @run_kernel() kernel { gpu.return }
  }
  gpu.module @run_kernel_1 {
    gpu.func @run_kernel_1() kernel { gpu.return }
  }
}

// -----

// Outlining copied each kernel's compile-time tables into its module: the
// merged module holds one copy of each.
// CHECK-LABEL: gpu.module @pool_kernel {
// CHECK-COUNT-1: memref.global "private" constant @divisors
// CHECK-NOT: memref.global
// CHECK-NOT: gpu.module
module attributes {gpu.container_module} {
  func.func @run() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @pool_kernel::@pool_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) loc("pool1")
    gpu.launch_func @pool_kernel_0::@pool_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) loc("pool2")
    return
  }
  gpu.module @pool_kernel {
    memref.global "private" constant @divisors : memref<4xf32> = dense<9.0>
    gpu.func @pool_kernel() kernel {
      %t = memref.get_global @divisors : memref<4xf32>
      gpu.return
    }
  }
  gpu.module @pool_kernel_0 {
    memref.global "private" constant @divisors : memref<4xf32> = dense<9.0>
    gpu.func @pool_kernel() kernel {
      %t = memref.get_global @divisors : memref<4xf32>
      gpu.return
    }
  }
}

// -----

// A module holding what no launch uses is an error: merging would drop it.
module attributes {gpu.container_module} {
  func.func @run() {
    %c1 = arith.constant 1 : index
    gpu.launch_func @first::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1)
    return
  }
  gpu.module @first {
    gpu.func @k() kernel { gpu.return }
  }
  // expected-error @+1 {{holds what no launch uses}}
  gpu.module @second {
    gpu.func @unused() kernel { gpu.return }
  }
}
