//===- CPUPipelines.cpp - The CPU back half's pipelines -------------------===//

#include "passes/Codegen/CPU/CPUPipelines.h"
#include "passes/Codegen/CPU/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception::cpu {

// inception-blocked-layout needs the microkernels (its layout is for them),
// so both are -O3's. The kernels' calls are built after bufferization by
// inception-lower-ukernels, which always runs: it has nothing to do unless
// inception-microkernels ran.
static constexpr OptimizationPass kCPUPasses[] = {
    {"inception-blocked-layout", 3, Stage::Linalg},
    {"inception-microkernels", 3, Stage::Linalg, /*onModule=*/true},
    {"elide-concat", 2, Stage::Buffers},
};

ArrayRef<OptimizationPass> optimizationPasses() { return kCPUPasses; }

LogicalResult buildLinalgPipeline(OpPassManager &pm,
                                  ArrayRef<std::string> passes) {
  std::string text = nestedPasses(passes, Stage::Linalg, "cpu");
  return text.empty() ? success()
                      : parsePassPipeline(text + ",canonicalize", pm);
}

static constexpr llvm::StringLiteral kExternalizeWeights =
    "inception-externalize-weights,";
static constexpr llvm::StringLiteral kOutline = "inception-outline-kernels,";
static constexpr llvm::StringLiteral kProfileLayers = "inception-profile-layers,";
static constexpr llvm::StringLiteral kToLLVM =
    "convert-linalg-to-parallel-loops,"
    "func.func(inception-sequentialize-inner-loops),convert-scf-to-openmp,"
    "func.func(inception-inline-alloca-scopes),"
    "lower-affine,convert-vector-to-llvm,convert-scf-to-cf,"
    "expand-strided-metadata,finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-cf-to-llvm,convert-openmp-to-llvm,reconcile-unrealized-casts";

LogicalResult buildBufferizePipeline(OpPassManager &pm,
                                     ArrayRef<std::string> passes,
                                     bool weightsAtLoad) {
  return parsePassPipeline(bufferizationPipeline(passes, "cpu", weightsAtLoad),
                           pm);
}

LogicalResult buildBuffersToLLVMPipeline(OpPassManager &pm,
                                         bool externalWeights,
                                         bool profileLayers,
                                         bool weightsAtLoad) {
  std::string pipeline = memoryPlanPipeline() + ",";
  if (externalWeights)
    pipeline += kExternalizeWeights;
  if (weightsAtLoad)
    pipeline += "inception-weights-arena,";
  pipeline += kOutline;
  if (profileLayers)
    pipeline += kProfileLayers;
  pipeline += kToLLVM;
  return parsePassPipeline(pipeline, pm);
}

LogicalResult buildLoopsToLLVMPipeline(OpPassManager &pm) {
  return parsePassPipeline(kToLLVM, pm);
}

namespace {
struct LinalgToLLVMOptions : PassPipelineOptions<LinalgToLLVMOptions> {
  Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Read the parameters from a weights buffer argument"),
      llvm::cl::init(false)};
  Option<unsigned> level{*this, "level",
                         llvm::cl::desc("The -O level whose buffer passes run"),
                         llvm::cl::init(3)};
  Option<bool> profile{*this, "profile",
                       llvm::cl::desc("Mark each layer's start for profiling"),
                       llvm::cl::init(false)};
  Option<bool> weightsAtLoad{
      *this, "weights-at-load",
      llvm::cl::desc("Move the computations on parameters into a weight "
                     "preparation that fills an arena the runs read"),
      llvm::cl::init(false)};
};
} // namespace

void registerPassesAndPipelines() {
  registerInceptionCPUPasses();
  PassPipelineRegistration<LinalgToLLVMOptions>(
      "inception-linalg-to-llvm",
      "Bufferize, run the CPU buffer passes of -O<level>, plan the workspace "
      "and lower linalg to the LLVM dialect",
      [](OpPassManager &pm, const LinalgToLLVMOptions &options) {
        // The level lists are well formed by construction.
        auto passes = *parseOptimizationPasses(
            optimizationPassesForLevel(options.level, "cpu"), llvm::errs(),
            "cpu");
        (void)buildBufferizePipeline(pm, passes, options.weightsAtLoad);
        (void)buildBuffersToLLVMPipeline(pm, options.externalWeights,
                                         options.profile,
                                         options.weightsAtLoad);
      });
}

} // namespace mlir::inception::cpu
