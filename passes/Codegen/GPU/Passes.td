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

    A convolution or a dense layer (a multiply-accumulate of two buffers
    in f32 where every parallel dimension is read by one of them: output
    channels by the filter, the rows; output pixels by the activation,
    the columns; with at least 16 of each and 16 reductions) is an
    implicit GEMM instead (with `gemm`, the default): each block computes
    a tile of `block-size / 16` x `tile-rows` rows by 16 x `tile-columns`
    columns, staging `slice-depth` reductions of both inputs at a time in
    `#gpu.address_space<workgroup>` buffers (zeros past the ends, the
    padding read through), and each thread accumulates its register tile
    from there with FMAs. The register tile halves until the layer has
    `min-blocks` blocks. Its phases (initial values, staging, multiply-
    accumulate, stores) are `scf.forall` loops over the block's threads,
    one after another in the block's body, whose accumulators live in a
    `#gpu.address_space<private>` buffer indexed by the thread:
    `inception-gpu-map-forall` makes them the thread's own and puts
    barriers between the phases.

    The nest is still loops that run anywhere: `scf-forall-to-parallel`
    and the CPU lowering run it on the host, which is how tests check the
    tiling without a GPU.

    Every other op of the run function must compute addresses only
    (views of the input, output, workspace and weights): anything that
    reads or writes memory on the host is an error.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::gpu::GPUDialect",
                           "mlir::arith::ArithDialect", "mlir::math::MathDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::memref::MemRefDialect"];
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
    Option<"gemm", "gemm", "bool", "true",
           "Compute convolutions and dense layers as implicit GEMMs with "
           "shared-memory tiles">,
    Option<"sliceDepth", "slice-depth", "int64_t", "16",
           "Reductions a GEMM kernel stages in shared memory at once">,
    Option<"minBlocks", "min-blocks", "int64_t", "256",
           "Blocks a GEMM kernel's register tiles shrink to reach (two "
           "per multiprocessor of the largest GPUs)">,
  ];
}

def GPUMapForall : Pass<"inception-gpu-map-forall", "mlir::func::FuncOp"> {
  let summary = "Turn each block-and-thread scf.forall nest into a gpu.launch";
  let description = [{
    The nests `inception-gpu-tile` builds, an `scf.forall` mapped to
    `#gpu.block<x>` holding static ones mapped to `#gpu.thread<x>` of one
    count (directly in its body or in its loops: the phases of a kernel),
    become `gpu.launch` ops of that grid and block size, their induction
    variables the block and thread ids. Each phase runs in every thread,
    followed by a `gpu.barrier` unless it is the last at the top of the
    kernel: what one phase writes to shared memory, the next reads. A
    static `memref.alloca` in `#gpu.address_space<workgroup>` at the top of
    the block becomes a workgroup buffer of the launch; one in
    `#gpu.address_space<private>` whose first dimension is the thread, and
    which every access indexes by the thread, becomes each thread's own
    buffer without that dimension (registers, at constant offsets). A nest
    of another shape is an error.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def GPULoopsOnHost : Pass<"inception-gpu-loops-on-host", "mlir::func::FuncOp"> {
  let summary = "Make the tiled nests' GPU buffers plain host buffers";
  let description = [{
    For the tiled nests to run on the CPU (inceptionc --gpu-loops-on-host,
    the tests' way to check the tiling without a GPU): a `memref.alloca`
    in a `#gpu.address_space` (shared memory, a private buffer) becomes
    one without, which the CPU lowering knows. Such a buffer may only be
    loaded and stored. On the host, the threads of a block run one after
    the other, each phase of the block for all of them before the next:
    what the barriers between phases guarantee on the GPU.
  }];
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
