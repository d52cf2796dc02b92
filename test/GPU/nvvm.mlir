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

// A kernel in phases (a GEMM's): its shared buffer a workgroup global
// (address space 3), the thread's accumulator a stack slot (registers once
// LLVM promotes it), a barrier after each phase but the last.
// CHECK: llvm.mlir.global internal @__wg_gemm1_0() {addr_space = 3 : i32} : !llvm.array<64 x f32>
// CHECK: llvm.func @gemm1(%[[A:.*]]: !llvm.ptr, %[[B:.*]]: !llvm.ptr)
// CHECK: %[[SHARED:.*]] = llvm.mlir.addressof @__wg_gemm1_0 : !llvm.ptr<3>
// CHECK: %[[OWN:.*]] = llvm.alloca %{{.*}} x f32 : (i32) -> !llvm.ptr
// CHECK-NEXT: llvm.store %{{.*}}, %[[OWN]] : f32, !llvm.ptr
// CHECK-NEXT: nvvm.barrier0
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr<3>
// CHECK-NEXT: nvvm.barrier0
// CHECK: llvm.load %{{.*}} : !llvm.ptr<3> -> f32
// CHECK: llvm.call @__nv_fmaf
// CHECK: llvm.store %{{.*}}, %[[OWN]] : f32, !llvm.ptr
// CHECK-NEXT: nvvm.barrier0
// CHECK: llvm.load %[[OWN]]
// CHECK-NOT: nvvm.barrier0
// CHECK: llvm.return
// CHECK: gpu.launch_func @run_kernel::@gemm1 blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%arg0 : memref<256xf32>, %arg1 : memref<256xf32>)
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

  func.func @gemm(%a: memref<256xf32>, %b: memref<256xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c63 = arith.constant 63 : index
    %zero = arith.constant 0.0 : f32
    scf.forall (%block) in (4) {
      %shared = memref.alloca() : memref<64xf32, #gpu.address_space<workgroup>>
      %acc = memref.alloca() : memref<64x1xf32, #gpu.address_space<private>>
      scf.forall (%t) in (64) {
        memref.store %zero, %acc[%t, %c0] : memref<64x1xf32, #gpu.address_space<private>>
      } {mapping = [#gpu.thread<x>]}
      scf.for %i = %c0 to %c4 step %c1 {
        scf.forall (%t) in (64) {
          %v = memref.load %a[%t] : memref<256xf32>
          memref.store %v, %shared[%t] : memref<64xf32, #gpu.address_space<workgroup>>
        } {mapping = [#gpu.thread<x>]}
        scf.forall (%t) in (64) {
          %j = arith.subi %c63, %t : index
          %v = memref.load %shared[%j] : memref<64xf32, #gpu.address_space<workgroup>>
          %s = memref.load %acc[%t, %c0] : memref<64x1xf32, #gpu.address_space<private>>
          %n = math.fma %v, %v, %s : f32
          memref.store %n, %acc[%t, %c0] : memref<64x1xf32, #gpu.address_space<private>>
        } {mapping = [#gpu.thread<x>]}
      }
      scf.forall (%t) in (64) {
        %s = memref.load %acc[%t, %c0] : memref<64x1xf32, #gpu.address_space<private>>
        memref.store %s, %b[%t] : memref<256xf32>
      } {mapping = [#gpu.thread<x>]}
    } {mapping = [#gpu.block<x>]} loc("gemm1")
    return
  }
}
