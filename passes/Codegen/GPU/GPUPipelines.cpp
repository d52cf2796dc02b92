//===- GPUPipelines.cpp - The GPU back half's pipelines -------------------===//

#include "passes/Codegen/GPU/GPUPipelines.h"
#include "passes/Codegen/GPU/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception::gpu {

// elide-concat is the GPU's too: a branch's kernel stores straight into its
// slice of the concatenation.
static constexpr OptimizationPass kGPUPasses[] = {
    {"elide-concat", 2, Stage::Buffers},
};

ArrayRef<OptimizationPass> optimizationPasses() { return kGPUPasses; }

LogicalResult buildTilePipeline(OpPassManager &pm, ArrayRef<std::string> passes,
                                bool weightsAtLoad) {
  // The kernels read weights from device memory: one buffer, either the
  // arena a preparation fills or the built-in weights packed (uploaded
  // once per context).
  std::string pipeline = bufferizationPipeline(passes, "gpu", weightsAtLoad) +
                         "," + memoryPlanPipeline() + "," +
                         (weightsAtLoad ? "inception-weights-arena"
                                        : "inception-externalize-weights") +
                         ",func.func(inception-gpu-tile),canonicalize";
  return parsePassPipeline(pipeline, pm);
}

// The kernels' bodies are loops, arithmetic and loads and stores of static
// memrefs, passed as bare pointers (one device address per buffer).
static constexpr llvm::StringLiteral kToNVVM =
    "gpu.module(expand-strided-metadata,lower-affine,convert-scf-to-cf,"
    "convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv index-bitwidth=32},canonicalize,cse,"
    "reconcile-unrealized-casts)";

// The host: the run function computes addresses and launches; a weight
// preparation runs its loops and transform calls sequentially (at load,
// no OpenMP in a GPU library).
static constexpr llvm::StringLiteral kHostToLLVM =
    "convert-linalg-to-loops,lower-affine,convert-scf-to-cf,"
    "expand-strided-metadata,finalize-memref-to-llvm,convert-math-to-llvm,"
    "convert-arith-to-llvm,convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
    "convert-cf-to-llvm,"
    "gpu-to-llvm{use-bare-pointers-for-host use-bare-pointers-for-kernels},"
    "reconcile-unrealized-casts,inception-gpu-launch-calls";

std::string cudaToolkitPath() {
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH", "CUDA_ROOT"})
    if (const char *path = std::getenv(variable); path && *path)
      return path;
  return "/usr/local/cuda";
}

LogicalResult buildKernelsPipeline(OpPassManager &pm, ArrayRef<std::string> chips,
                                   bool toBinary) {
  std::string pipeline = "func.func(inception-gpu-map-forall),"
                         "gpu-kernel-outlining,inception-gpu-merge-modules";
  for (const std::string &chip : chips)
    pipeline += ",nvvm-attach-target{chip=" + chip +
                " features=" + kPTXFeatures.str() + " O=3}";
  pipeline += "," + kToNVVM.str();
  // The toolkit's libdevice provides the math functions (powf for LRN).
  if (toBinary)
    pipeline += ",gpu-module-to-binary{format=fatbin toolkit=" +
                cudaToolkitPath() + "}," + kHostToLLVM.str();
  return parsePassPipeline(pipeline, pm);
}

namespace {
struct GPULowerOptions : PassPipelineOptions<GPULowerOptions> {
  ListOption<std::string> chips{
      *this, "chips",
      llvm::cl::desc("The GPU architectures to compile for (sm_80, ...)")};
  Option<unsigned> level{*this, "level",
                         llvm::cl::desc("The -O level whose buffer passes run"),
                         llvm::cl::init(3)};
  Option<bool> weightsAtLoad{
      *this, "weights-at-load",
      llvm::cl::desc("Move the computations on parameters into a weight "
                     "preparation that fills an arena the runs read"),
      llvm::cl::init(false)};
};
} // namespace

void registerPassesAndPipelines() {
  registerInceptionGPUPasses();
  PassPipelineRegistration<GPULowerOptions>(
      "inception-gpu-lower",
      "Bufferize, plan the workspace, tile each layer for blocks and "
      "threads, outline the kernels, lower them to NVVM and a gpu.binary "
      "for each chip, and the host to LLVM calls of the launcher",
      [](OpPassManager &pm, const GPULowerOptions &options) {
        // The level lists are well formed by construction.
        auto passes = *parseOptimizationPasses(
            optimizationPassesForLevel(options.level, "gpu"), llvm::errs(),
            "gpu");
        SmallVector<std::string> chips(options.chips.begin(),
                                       options.chips.end());
        if (chips.empty())
          chips = {"sm_80", "sm_90"};
        (void)buildTilePipeline(pm, passes, options.weightsAtLoad);
        (void)buildKernelsPipeline(pm, chips);
      });
}

} // namespace mlir::inception::gpu
