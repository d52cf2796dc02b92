//===- Passes.td - The GPU back half's passes --------------*- tablegen -*-===//
//
// The passes of the GPU backend (docs/gpu.md): after bufferization and the
// workspace plan, each layer of the run function becomes a grid of thread
// blocks (scf.forall mapped to #gpu.block and #gpu.thread), then a
// gpu.launch; after outlining and the lowering to NVVM, each launch of the
// host function becomes a call of the library's launcher.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_PASSES_TD
#define INCEPTION_PASSES_CODEGEN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def GPUTileLayers : Pass<"inception-gpu-tile", "mlir::func::FuncOp"> {
  let summary = "Map each layer's loops onto thread blocks and threads";
  let description = [{
    Runs on buffers, on the run function (not on a weight preparation,
    which stays on the host). Each linalg op becomes the loop nest of one
    kernel: its parallel dimensions, outermost in the op's order, are
    linearized onto a one-dimensional grid of `block-size` threads per
    block, an `scf.forall` mapped to `#gpu.block<x>` holding one mapped to
    `#gpu.thread<x>`; each thread computes the output elements of one
    index (the innermost dimension varying fastest, so that a warp's
    stores are contiguous), its reductions as sequential loops that carry
    the outputs' values in registers (one load and one store of each
    output element). Threads past the end of the iteration space do
    nothing.

    A layer with reductions over an activation and a filter (a
    convolution, a dense layer) gives each thread a register tile: up to
    `tile-rows` output channels (a dimension only the filter reads) by
    `tile-columns` output pixels (the innermost dimension, if only the
    activation reads it), each dividing its extent, so that each value
    loaded serves several multiply-adds.

    With `fuse` (the default), a layer with reductions (a convolution, a
    pooling, a dense layer) takes into its kernel the op before it that
    only writes its initial output (the bias broadcast), whose value each
    thread then computes instead of loading, and the elementwise op after
    it that reads its output at the same point (the ReLU, a residual add),
    which each thread applies before storing: one kernel and one pass over
    memory instead of three. They are fused only where the buffers they
    write share no byte with what other threads still read (static views
    of the workspace, compared by their byte ranges). A padded buffer
    that only a later layer with reductions reads, built by a fill of the
    whole buffer and a cheap op writing its interior (a copy, a ReLU), is
    read through by that layer: its threads evaluate the interior's op
    inside and the fill's value outside, and the two kernels go.

    The nest is still loops that run anywhere: `scf-forall-to-parallel`
    and the CPU lowering run it on the host, which is how tests check the
    tiling without a GPU.

    Every other op of the run function must compute addresses only
    (views of the input, output, workspace and weights): anything that
    reads or writes memory on the host is an error.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::affine::AffineDialect"];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block (a multiple of 32)">,
    Option<"registerTileRows", "tile-rows", "int64_t", "4",
           "Output channels a thread computes at once (a power of two)">,
    Option<"registerTileColumns", "tile-columns", "int64_t", "4",
           "Output pixels a thread computes at once (a power of two)">,
    Option<"fuse", "fuse", "bool", "true",
           "Fuse each reduction's initializer and elementwise epilogue "
           "into its kernel">,
  ];
}

def GPUMapForall : Pass<"inception-gpu-map-forall", "mlir::func::FuncOp"> {
  let summary = "Turn each block-and-thread scf.forall nest into a gpu.launch";
  let description = [{
    The nests `inception-gpu-tile` builds, an `scf.forall` mapped to
    `#gpu.block<x>` directly holding one mapped to `#gpu.thread<x>`,
    become `gpu.launch` ops of that grid and block size, their induction
    variables the block and thread ids. A nest of another shape is an
    error.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def GPUMergeModules : Pass<"inception-gpu-merge-modules", "mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` puts each kernel in a gpu.module of its own;
    a model has a hundred or more. One module is one binary for each
    architecture, which a context loads with one cuModuleLoadData. The
    kernels are named after the layer each computes (the DSL name of its
    launch's location; outlining names them all after their function),
    made unique, and the launches refer to them in the merged module,
    named after the first. A kernel no launch uses is an error.
  }];
}

def GPULaunchCalls : Pass<"inception-gpu-launch-calls", "mlir::ModuleOp"> {
  let summary = "Replace each kernel launch by a call of the library's "
                "launcher";
  let description = [{
    Runs on the host code in the LLVM dialect, after `gpu-to-llvm` with
    bare pointers for kernels. Each `gpu.launch_func` becomes a call

      inception_gpu_launch(state, kernel, grid x/y/z, block x/y/z,
                           shared memory bytes, arguments)

    where `state` is a new first argument of the enclosing function (the
    run's launch state, which the generated wrapper passes), `kernel` the
    index of the kernel in the module attribute `inception.gpu_kernels`
    (their names, in order) and `arguments` an array of pointers to each
    argument's value, as cuLaunchKernel takes them. The wrapper loads the
    kernels by those names and replays the launches through the CUDA
    driver it opens at run time, so the library links nothing of CUDA
    (upstream's launch lowering calls mgpu* functions that would load the
    module and make a stream at every launch).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // INCEPTION_PASSES_CODEGEN_GPU_PASSES_TD
