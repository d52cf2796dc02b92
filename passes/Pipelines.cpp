//===- Pipelines.cpp - The compiler's pass pipelines ----------------------===//

#include "passes/Pipelines.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception {

// The pipelines are spelled as pipeline text: the option names are the
// upstream passes' public, tested interface.
static constexpr llvm::StringLiteral kLowerToLinalg =
    "convert-inception-to-linalg,canonicalize";

static constexpr llvm::StringLiteral kLinalgToLLVM =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "canonicalize,"
    "func.func(inception-plan-workspace,inception-lower-copies),"
    "inception-flatten-globals,inception-outline-kernels,"
    "convert-linalg-to-loops,lower-affine,convert-scf-to-cf,"
    "expand-strided-metadata,finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-cf-to-llvm,reconcile-unrealized-casts";

LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLowerToLinalg, pm);
}

LogicalResult buildLinalgToLLVMPipeline(OpPassManager &pm) {
  return parsePassPipeline(kLinalgToLLVM, pm);
}

void registerPassesAndPipelines() {
  registerInceptionPasses();
  PassPipelineRegistration<>(
      "inception-lower-to-linalg", "Lower the inception dialect to linalg",
      [](OpPassManager &pm) { (void)buildLowerToLinalgPipeline(pm); });
  PassPipelineRegistration<>(
      "inception-linalg-to-llvm",
      "Bufferize, plan the workspace and lower linalg to the LLVM dialect",
      [](OpPassManager &pm) { (void)buildLinalgToLLVMPipeline(pm); });
}

} // namespace mlir::inception
