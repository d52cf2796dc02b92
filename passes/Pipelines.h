//===- Pipelines.h - The compiler's pass pipelines --------------*- C++ -*-===//
//
// One definition of each pipeline serves inceptionc and inception-opt (where
// they are registered by name), so lit tests run exactly what the driver runs.
//
// The pipeline has a shared front half (graph passes on the inception
// dialect, then the lowering to linalg on tensors) and a back half per
// backend (passes/Codegen/<backend>/). Each half has its own table of the
// optimization passes -O<level> runs; a backend adds its table to
// backHalfPasses().
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_PIPELINES_H
#define INCEPTION_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::inception {

/// What an optimization pass runs on: the inception dialect (the front
/// half), or in a back half linalg on tensors right after the lowering, or
/// buffers right after bufferization.
enum class Stage { Graph, Linalg, Buffers };

/// An optimization pass a user may list (`inceptionc --passes`), the lowest
/// -O level that runs it, and where it runs.
struct OptimizationPass {
  llvm::StringLiteral name;
  unsigned level;
  Stage stage;
  bool onModule = false;
};

/// The front half's optimization passes: target-independent graph passes.
llvm::ArrayRef<OptimizationPass> frontHalfPasses();

/// A backend's back-half optimization passes; failure for an unknown
/// backend.
FailureOr<llvm::ArrayRef<OptimizationPass>>
backHalfPasses(llvm::StringRef backend);

/// The optimization passes of `-O<level>` for `backend`, as a
/// comma-separated pass list, front half first:
///   -O1: strip-training-ops, fold-batch-norm, fuse-epilogue
///   -O2: and fuse-branches, elide-concat
///   -O3: and factorize-conv (where it is exact), before fuse-epilogue; and
///        the CPU's inception-blocked-layout and inception-microkernels
std::string optimizationPassesForLevel(unsigned level,
                                       llvm::StringRef backend = "cpu");

/// The optimization passes a user may list for `backend`.
llvm::SmallVector<llvm::StringRef>
optimizationPassNames(llvm::StringRef backend = "cpu");

/// Checks a comma-separated list of optimization passes, each with options
/// in braces as in a pass pipeline (`fold-batch-norm,factorize-conv{rank=2}`),
/// and returns its elements. Unknown passes and bad options are errors,
/// reported on `errors`.
FailureOr<SmallVector<std::string>>
parseOptimizationPasses(llvm::StringRef list, llvm::raw_ostream &errors,
                        llvm::StringRef backend = "cpu");

/// The listed passes of one stage as module-level pipeline text, runs of
/// function passes nested in func.func(); empty when none is listed.
std::string nestedPasses(llvm::ArrayRef<std::string> passes, Stage stage,
                         llvm::StringRef backend = "cpu");

/// The front half, 1: the listed passes that run on the inception dialect,
/// in list order, and a canonicalization.
LogicalResult buildGraphOptimizationPipeline(OpPassManager &pm,
                                             llvm::ArrayRef<std::string> passes);
/// The front half, 2: inception dialect -> linalg on tensors.
LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm);

/// linalg on tensors -> buffers, as every back half starts: with
/// `weightsAtLoad`, what computes from parameters alone first moves into
/// the weight preparation (inception-hoist-weights); one-shot
/// bufferization with results as out-params; the listed optimization
/// passes of `backend` that run on buffers; and the kernel and weight
/// transform calls (inception-lower-ukernels, nothing to do unless the
/// back half selected microkernels or weights bind at load). Pipeline text.
std::string bufferizationPipeline(llvm::ArrayRef<std::string> passes,
                                  llvm::StringRef backend, bool weightsAtLoad);

/// The workspace plan: every buffer of a function a view of its workspace
/// argument (inception-plan-workspace), copies as linalg.copy, weights'
/// globals flattened. Pipeline text.
std::string memoryPlanPipeline();

/// Registers the front half's pipelines, `inception-optimize-graph{level}`
/// and `inception-lower-to-linalg`, every backend's, and the project's
/// passes.
void registerPassesAndPipelines();

} // namespace mlir::inception

#endif // INCEPTION_PASSES_PIPELINES_H
