//===- Pipelines.cpp - The compiler's pass pipelines ----------------------===//

#include "passes/Pipelines.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception {

// The pipelines are spelled as pipeline text: the option names are the
// upstream passes' public, tested interface.
static constexpr llvm::StringLiteral kOptimizeGraph =
    "func.func(strip-training-ops,fold-batch-norm,fuse-epilogue,"
    "fuse-branches),canonicalize";

static constexpr llvm::StringLiteral kLowerToLinalg =
    "convert-inception-to-linalg,canonicalize";

static constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "canonicalize,"
    "func.func(inception-plan-workspace,inception-lower-copies),"
    "inception-flatten-globals,";
static constexpr llvm::StringLiteral kExternalizeWeights =
    "inception-externalize-weights,";
static constexpr llvm::StringLiteral kToLLVM =
    "inception-outline-kernels,"
    "convert-linalg-to-parallel-loops,"
    "func.func(inception-sequentialize-inner-loops),convert-scf-to-openmp,"
    "func.func(inception-inline-alloca-scopes),"
    "lower-affine,convert-scf-to-cf,"
    "expand-strided-metadata,finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-cf-to-llvm,convert-openmp-to-llvm,reconcile-unrealized-casts";

LogicalResult buildGraphOptimizationPipeline(OpPassManager &pm) {
  return parsePassPipeline(kOptimizeGraph, pm);
}

LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerToLinalg, pm);
}

LogicalResult buildLinalgToLLVMPipeline(OpPassManager &pm,
                                        bool externalWeights) {
  std::string pipeline = kBufferize.str();
  if (externalWeights)
    pipeline += kExternalizeWeights;
  pipeline += kToLLVM;
  return parsePassPipeline(pipeline, pm);
}

namespace {
struct LinalgToLLVMOptions : PassPipelineOptions<LinalgToLLVMOptions> {
  Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Read the parameters from a weights buffer argument"),
      llvm::cl::init(false)};
};
} // namespace

void registerPassesAndPipelines() {
  registerInceptionPasses();
  PassPipelineRegistration<>(
      "inception-optimize-graph",
      "Graph optimizations of -O1 and above on the inception dialect",
      [](OpPassManager &pm) { (void)buildGraphOptimizationPipeline(pm); });
  PassPipelineRegistration<>(
      "inception-lower-to-linalg", "Lower the inception dialect to linalg",
      [](OpPassManager &pm) { (void)buildLowerToLinalgPipeline(pm); });
  PassPipelineRegistration<LinalgToLLVMOptions>(
      "inception-linalg-to-llvm",
      "Bufferize, plan the workspace and lower linalg to the LLVM dialect",
      [](OpPassManager &pm, const LinalgToLLVMOptions &options) {
        (void)buildLinalgToLLVMPipeline(pm, options.externalWeights);
      });
}

} // namespace mlir::inception
