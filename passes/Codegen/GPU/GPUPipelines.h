//===- GPUPipelines.h - The GPU back half's pipelines -----------*- C++ -*-===//
//
// From linalg on tensors (the front half's output) to host code in the
// LLVM dialect that launches kernels compiled to a gpu.binary: buffers,
// the workspace plan, block-and-thread loop nests, gpu.launch, outlined
// kernels in one gpu.module, NVVM, binaries through ptxas, launch calls.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_GPUPIPELINES_H
#define INCEPTION_PASSES_CODEGEN_GPU_GPUPIPELINES_H

#include "passes/Pipelines.h"

namespace mlir::inception::gpu {

/// The GPU back half's optimization passes and their -O levels.
llvm::ArrayRef<OptimizationPass> optimizationPasses();

/// linalg on tensors -> block-and-thread loop nests on buffers: the shared
/// bufferization and the listed buffer passes (elide-concat), the
/// workspace plan, the weights in one buffer argument (an arena the
/// preparation fills with `weightsAtLoad`, else the packed built-in
/// weights), and each layer tiled (inception-gpu-tile).
LogicalResult buildTilePipeline(OpPassManager &pm,
                                llvm::ArrayRef<std::string> passes,
                                bool weightsAtLoad);

/// The tiled nests -> host code in the LLVM dialect and a gpu.binary with
/// a cubin and PTX for each of `chips` (sm_80, ...): gpu.launch, outlining
/// into one gpu.module, NVVM, gpu-module-to-binary (ptxas), and each
/// launch a call of inception_gpu_launch. The weight preparation, if any,
/// is lowered for the host as on the CPU.
LogicalResult buildKernelsPipeline(OpPassManager &pm,
                                   llvm::ArrayRef<std::string> chips,
                                   bool toBinary = true);

/// The CUDA toolkit whose ptxas and libdevice build the kernels:
/// $CUDA_HOME, else $CUDA_PATH, else $CUDA_ROOT, else /usr/local/cuda.
std::string cudaToolkitPath();

/// The PTX version the kernels are compiled with: sm_90 needs 8.0, and
/// PTX 6.0, NVPTX's default, rejects it.
inline constexpr llvm::StringLiteral kPTXFeatures = "+ptx80";

/// Registers the GPU passes and `inception-gpu-lower{chips weights-at-load
/// level}`.
void registerPassesAndPipelines();

} // namespace mlir::inception::gpu

#endif // INCEPTION_PASSES_CODEGEN_GPU_GPUPIPELINES_H
