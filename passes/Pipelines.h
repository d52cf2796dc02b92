//===- Pipelines.h - The compiler's pass pipelines --------------*- C++ -*-===//
//
// One definition of each pipeline serves inceptionc and inception-opt (where
// they are registered by name), so lit tests run exactly what the driver runs.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_PIPELINES_H
#define INCEPTION_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::inception {

/// The optimization passes of `-O<level>`, as a comma-separated pass list:
///   -O1: strip-training-ops, fold-batch-norm, fuse-epilogue
///   -O2: and fuse-branches, elide-concat
///   -O3: and factorize-conv (where it is exact), before fuse-epilogue
std::string optimizationPassesForLevel(unsigned level);

/// The optimization passes a user may list (`inceptionc --passes`).
llvm::ArrayRef<llvm::StringRef> optimizationPassNames();

/// Checks a comma-separated list of optimization passes, each with options
/// in braces as in a pass pipeline (`fold-batch-norm,factorize-conv{rank=2}`),
/// and returns its elements. Unknown passes and bad options are errors,
/// reported on `errors`.
FailureOr<SmallVector<std::string>>
parseOptimizationPasses(llvm::StringRef list, llvm::raw_ostream &errors);

/// The listed passes that run on the inception dialect, in list order, and
/// a canonicalization.
LogicalResult buildGraphOptimizationPipeline(OpPassManager &pm,
                                             llvm::ArrayRef<std::string> passes);
/// inception dialect -> linalg on tensors, then the listed optimization
/// passes that run on linalg on tensors (blocked-layout).
LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm,
                                         llvm::ArrayRef<std::string> passes = {});
/// linalg on tensors -> buffers: one-shot bufferization, results as
/// out-params, then the listed optimization passes that run on buffers
/// (elide-concat, microkernels).
LogicalResult buildBufferizePipeline(OpPassManager &pm,
                                     llvm::ArrayRef<std::string> passes = {});
/// buffers -> LLVM dialect: workspace planning, one function per op whose
/// outermost parallel loop is an OpenMP worksharing loop, and the
/// conversion to LLVM with bare-pointer function signatures (the kernel is
/// `void f(in*, out*, workspace*)`). With `externalWeights`, the parameters
/// come from a fourth argument, a packed weights buffer (see
/// inception-externalize-weights). With `profileLayers`, the kernel marks
/// where each layer starts (inception-profile-layers).
LogicalResult buildBuffersToLLVMPipeline(OpPassManager &pm,
                                         bool externalWeights = false,
                                         bool profileLayers = false);

/// Registers them, as `inception-optimize-graph{level}`,
/// `inception-lower-to-linalg` and
/// `inception-linalg-to-llvm{external-weights level}`, and the project's
/// passes.
void registerPassesAndPipelines();

} // namespace mlir::inception

#endif // INCEPTION_PASSES_PIPELINES_H
