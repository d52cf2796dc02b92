//===- CPUPipelines.h - The CPU back half's pipelines -----------*- C++ -*-===//
//
// From linalg on tensors (the front half's output) to the LLVM dialect:
// blocked layout, bufferization, buffer passes (elide-concat, the
// microkernels), workspace planning, OpenMP loops, LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_CPUPIPELINES_H
#define INCEPTION_PASSES_CODEGEN_CPU_CPUPIPELINES_H

#include "passes/Pipelines.h"

namespace mlir::inception::cpu {

/// The CPU back half's optimization passes and their -O levels.
llvm::ArrayRef<OptimizationPass> optimizationPasses();

/// The listed optimization passes that run on linalg on tensors
/// (inception-blocked-layout), and a canonicalization; nothing when none is
/// listed.
LogicalResult buildLinalgPipeline(OpPassManager &pm,
                                  llvm::ArrayRef<std::string> passes);
/// linalg on tensors -> buffers: one-shot bufferization, results as
/// out-params, then the listed optimization passes that run on buffers
/// (elide-concat, inception-microkernels). With `weightsAtLoad`, what
/// computes from parameters alone first moves into the weight preparation
/// (inception-hoist-weights).
LogicalResult buildBufferizePipeline(OpPassManager &pm,
                                     llvm::ArrayRef<std::string> passes = {},
                                     bool weightsAtLoad = false);
/// buffers -> LLVM dialect: workspace planning, one function per op whose
/// outermost parallel loop is an OpenMP worksharing loop, and the
/// conversion to LLVM with bare-pointer function signatures (the kernel is
/// `void f(in*, out*, workspace*)`). With `externalWeights`, the parameters
/// come from a fourth argument, a packed weights buffer (see
/// inception-externalize-weights). With `profileLayers`, the kernel marks
/// where each layer starts (inception-profile-layers). With
/// `weightsAtLoad`, the prepared weights are read from an arena, a fourth
/// argument that the preparation fills (inception-weights-arena).
LogicalResult buildBuffersToLLVMPipeline(OpPassManager &pm,
                                         bool externalWeights = false,
                                         bool profileLayers = false,
                                         bool weightsAtLoad = false);

/// Planned buffers -> LLVM dialect, the last part of the above: each
/// function's outermost parallel loops an OpenMP worksharing loop, the
/// loops inside sequential, bare-pointer signatures.
LogicalResult buildLoopsToLLVMPipeline(OpPassManager &pm);

/// Registers the CPU passes and `inception-linalg-to-llvm{external-weights
/// level profile}`.
void registerPassesAndPipelines();

} // namespace mlir::inception::cpu

#endif // INCEPTION_PASSES_CODEGEN_CPU_CPUPIPELINES_H
