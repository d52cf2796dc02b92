// RUN: %inception-opt %s --pass-pipeline='builtin.module(func.func(inception-gpu-map-forall),gpu-kernel-outlining,inception-gpu-merge-modules,nvvm-attach-target{chip=sm_90 features=+ptx80 O=3},gpu.module(lower-affine,convert-scf-to-cf,convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv index-bitwidth=32},canonicalize,cse,reconcile-unrealized-casts))' | FileCheck %s

// The NVVM module of a layer's kernel, as the GPU back half lowers it
// (GPUPipelines.cpp): one gpu.module for sm_90 with PTX 8.0, the kernel
// named after its layer, its buffer a bare pointer, its ids and indices in
// 32 bits.
// CHECK: gpu.launch_func @run_kernel::@relu1 blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%arg0 : memref<1000xf32>)
// CHECK: gpu.module @run_kernel [#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">]
// CHECK: llvm.func @relu1(%[[BUFFER:.*]]: !llvm.ptr)
// CHECK-SAME: gpu.kernel
// CHECK-SAME: nvvm.kernel
// CHECK-SAME: nvvm.maxntid = array<i32: 256, 1, 1>
// CHECK: nvvm.read.ptx.sreg.ctaid.x range <i32, 0, 4> : i32
// CHECK: nvvm.read.ptx.sreg.tid.x range <i32, 0, 256> : i32
// CHECK: %[[ADDRESS:.*]] = llvm.getelementptr {{.*}}%[[BUFFER]][%{{.*}}] : (!llvm.ptr, i32) -> !llvm.ptr, f32
// CHECK: %[[VALUE:.*]] = llvm.load %[[ADDRESS]] : !llvm.ptr -> f32
// CHECK: llvm.intr.maximum(%[[VALUE]], %{{.*}}) : (f32, f32) -> f32
// CHECK: llvm.store %{{.*}}, %[[ADDRESS]] : f32, !llvm.ptr
module {
  func.func @run(%a: memref<1000xf32>) {
    %c256 = arith.constant 256 : index
    %c1000 = arith.constant 1000 : index
    %zero = arith.constant 0.0 : f32
    scf.forall (%b) in (4) {
      scf.forall (%t) in (256) {
        %base = arith.muli %b, %c256 : index
        %i = arith.addi %base, %t : index
        %in = arith.cmpi ult, %i, %c1000 : index
        scf.if %in {
          %v = memref.load %a[%i] : memref<1000xf32>
          %r = arith.maximumf %v, %zero : f32
          memref.store %r, %a[%i] : memref<1000xf32>
        }
      } {mapping = [#gpu.thread<x>]}
    } {mapping = [#gpu.block<x>]} loc("relu1")
    return
  }
}
