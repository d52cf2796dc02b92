//===- Pipelines.cpp - The compiler's pass pipelines ----------------------===//

#include "passes/Pipelines.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception {

// The pipelines are spelled as pipeline text: the option names are the
// upstream passes' public, tested interface.

/// What an optimization pass runs on: the inception dialect, linalg on
/// tensors right after the lowering, or buffers right after
/// bufferization.
enum class Stage { Graph, Linalg, Buffers };

/// Where each optimization pass runs, and on what op.
struct OptimizationPass {
  llvm::StringLiteral name;
  unsigned level;
  Stage stage;
  bool onModule = false;
};
// In the order -O3 runs them: weights are final (batch norm folded) before
// they are factorized, and factorized before epilogues attach to the last
// convolution of a factorization. blocked-layout needs the microkernels
// (its layout is for them), so both are -O3's.
static constexpr OptimizationPass kOptimizationPasses[] = {
    {"strip-training-ops", 1, Stage::Graph},
    {"fold-batch-norm", 1, Stage::Graph},
    {"factorize-conv", 3, Stage::Graph},
    {"fuse-epilogue", 1, Stage::Graph},
    {"fuse-branches", 2, Stage::Graph},
    {"blocked-layout", 3, Stage::Linalg},
    {"elide-concat", 2, Stage::Buffers},
    {"microkernels", 3, Stage::Buffers, /*onModule=*/true},
};

static const OptimizationPass *findOptimizationPass(StringRef element) {
  StringRef name = element.take_until([](char c) { return c == '{'; }).trim();
  for (const OptimizationPass &pass : kOptimizationPasses)
    if (pass.name == name)
      return &pass;
  return nullptr;
}

std::string optimizationPassesForLevel(unsigned level) {
  std::string list;
  for (const OptimizationPass &pass : kOptimizationPasses)
    if (pass.level <= level)
      list += (list.empty() ? "" : ",") + pass.name.str();
  return list;
}

ArrayRef<StringRef> optimizationPassNames() {
  static const SmallVector<StringRef> names = [] {
    SmallVector<StringRef> result;
    for (const OptimizationPass &pass : kOptimizationPasses)
      result.push_back(pass.name);
    return result;
  }();
  return names;
}

FailureOr<SmallVector<std::string>>
parseOptimizationPasses(StringRef list, raw_ostream &errors) {
  // Split at the commas outside braces.
  SmallVector<std::string> elements;
  int depth = 0;
  std::string current;
  for (char c : list) {
    depth += c == '{';
    depth -= c == '}';
    if (c == ',' && depth == 0) {
      elements.push_back(StringRef(current).trim().str());
      current.clear();
    } else {
      current += c;
    }
  }
  if (!StringRef(current).trim().empty() || !elements.empty())
    elements.push_back(StringRef(current).trim().str());
  for (const std::string &element : elements) {
    if (!findOptimizationPass(element)) {
      errors << "unknown optimization pass '" << element
             << "'; the passes are "
             << llvm::join(optimizationPassNames(), ", ") << "\n";
      return failure();
    }
    // Let the pass parse its options now, so that a typo is reported here
    // with the pass's own message rather than in the middle of compiling.
    OpPassManager check(findOptimizationPass(element)->onModule
                            ? "builtin.module"
                            : "func.func");
    if (failed(parsePassPipeline(element, check, errors)))
      return failure();
  }
  return elements;
}

/// The listed passes of one kind as module-level pipeline text, runs of
/// function passes nested in func.func().
static std::string nestedPasses(ArrayRef<std::string> passes, Stage stage) {
  std::string text, functionPasses;
  auto flush = [&] {
    if (!functionPasses.empty())
      text += (text.empty() ? "" : ",") + ("func.func(" + functionPasses + ")");
    functionPasses.clear();
  };
  for (const std::string &element : passes) {
    const OptimizationPass *pass = findOptimizationPass(element);
    if (!pass || pass->stage != stage)
      continue;
    if (pass->onModule) {
      flush();
      text += (text.empty() ? "" : ",") + element;
    } else {
      functionPasses += (functionPasses.empty() ? "" : ",") + element;
    }
  }
  flush();
  return text;
}

LogicalResult buildGraphOptimizationPipeline(OpPassManager &pm,
                                             ArrayRef<std::string> passes) {
  std::string text = nestedPasses(passes, Stage::Graph);
  return parsePassPipeline(text.empty() ? "canonicalize" : text + ",canonicalize",
                           pm);
}

LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm,
                                         ArrayRef<std::string> passes) {
  std::string text = "convert-inception-to-linalg,canonicalize";
  if (std::string linalgPasses = nestedPasses(passes, Stage::Linalg);
      !linalgPasses.empty())
    text += "," + linalgPasses + ",canonicalize";
  return parsePassPipeline(text, pm);
}

static constexpr llvm::StringLiteral kBufferize =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions},"
    "canonicalize";
static constexpr llvm::StringLiteral kPlanMemory =
    "func.func(inception-plan-workspace,inception-lower-copies),"
    "inception-flatten-globals,";
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
                                    ArrayRef<std::string> passes) {
  std::string pipeline = kBufferize.str();
  if (std::string bufferPasses = nestedPasses(passes, Stage::Buffers);
      !bufferPasses.empty())
    pipeline += "," + bufferPasses;
  return parsePassPipeline(pipeline, pm);
}

LogicalResult buildBuffersToLLVMPipeline(OpPassManager &pm,
                                         bool externalWeights,
                                         bool profileLayers) {
  std::string pipeline = kPlanMemory.str();
  if (externalWeights)
    pipeline += kExternalizeWeights;
  pipeline += kOutline;
  if (profileLayers)
    pipeline += kProfileLayers;
  pipeline += kToLLVM;
  return parsePassPipeline(pipeline, pm);
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
};

struct OptimizationLevelOptions
    : PassPipelineOptions<OptimizationLevelOptions> {
  Option<unsigned> level{*this, "level",
                         llvm::cl::desc("The -O level whose passes run"),
                         llvm::cl::init(3)};
};

SmallVector<std::string> passesForLevel(unsigned level) {
  // The level lists are well formed by construction.
  return *parseOptimizationPasses(optimizationPassesForLevel(level),
                                  llvm::errs());
}
} // namespace

void registerPassesAndPipelines() {
  registerInceptionPasses();
  PassPipelineRegistration<OptimizationLevelOptions>(
      "inception-optimize-graph",
      "The graph passes of -O<level> on the inception dialect",
      [](OpPassManager &pm, const OptimizationLevelOptions &options) {
        (void)buildGraphOptimizationPipeline(pm, passesForLevel(options.level));
      });
  PassPipelineRegistration<>(
      "inception-lower-to-linalg", "Lower the inception dialect to linalg",
      [](OpPassManager &pm) { (void)buildLowerToLinalgPipeline(pm, {}); });
  PassPipelineRegistration<LinalgToLLVMOptions>(
      "inception-linalg-to-llvm",
      "Bufferize, run the buffer passes of -O<level>, plan the workspace and "
      "lower linalg to the LLVM dialect",
      [](OpPassManager &pm, const LinalgToLLVMOptions &options) {
        (void)buildBufferizePipeline(pm, passesForLevel(options.level));
        (void)buildBuffersToLLVMPipeline(pm, options.externalWeights,
                                         options.profile);
      });
}

} // namespace mlir::inception
