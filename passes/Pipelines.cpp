//===- Pipelines.cpp - The compiler's pass pipelines ----------------------===//

#include "passes/Pipelines.h"
#include "passes/Codegen/CPU/CPUPipelines.h"
#include "passes/Codegen/GPU/GPUPipelines.h"
#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"

namespace mlir::inception {

// The pipelines are spelled as pipeline text: the option names are the
// upstream passes' public, tested interface.

// In the order -O3 runs them: weights are final (batch norm folded) before
// they are factorized, and factorized before epilogues attach to the last
// convolution of a factorization.
static constexpr OptimizationPass kFrontHalfPasses[] = {
    {"strip-training-ops", 1, Stage::Graph},
    {"fold-batch-norm", 1, Stage::Graph},
    {"factorize-conv", 3, Stage::Graph},
    {"fuse-epilogue", 1, Stage::Graph},
    {"fuse-branches", 2, Stage::Graph},
};

ArrayRef<OptimizationPass> frontHalfPasses() { return kFrontHalfPasses; }

FailureOr<ArrayRef<OptimizationPass>> backHalfPasses(StringRef backend) {
  // --backend=auto's layers left to the CPU back half get all of its
  // passes, which leave the Halide layers' calls alone.
  if (backend == "cpu" || backend == "auto")
    return cpu::optimizationPasses();
  if (backend == "gpu")
    return gpu::optimizationPasses();
  if (backend == "halide") {
    // Its layers are Halide's; the CPU back half's buffer passes run on
    // what is around them.
    static constexpr OptimizationPass kHalidePasses[] = {
        {"elide-concat", 2, Stage::Buffers}};
    return ArrayRef<OptimizationPass>(kHalidePasses);
  }
  return failure();
}

/// Both halves' passes for `backend`, front half first.
static SmallVector<OptimizationPass> allPasses(StringRef backend) {
  SmallVector<OptimizationPass> passes(frontHalfPasses());
  if (auto back = backHalfPasses(backend); succeeded(back))
    passes.append(back->begin(), back->end());
  return passes;
}

static std::optional<OptimizationPass> findOptimizationPass(StringRef element,
                                                            StringRef backend) {
  StringRef name = element.take_until([](char c) { return c == '{'; }).trim();
  for (const OptimizationPass &pass : allPasses(backend))
    if (pass.name == name)
      return pass;
  return std::nullopt;
}

std::string optimizationPassesForLevel(unsigned level, StringRef backend) {
  std::string list;
  for (const OptimizationPass &pass : allPasses(backend))
    if (pass.level <= level)
      list += (list.empty() ? "" : ",") + pass.name.str();
  return list;
}

SmallVector<StringRef> optimizationPassNames(StringRef backend) {
  SmallVector<StringRef> names;
  for (const OptimizationPass &pass : allPasses(backend))
    names.push_back(pass.name);
  return names;
}

FailureOr<SmallVector<std::string>>
parseOptimizationPasses(StringRef list, raw_ostream &errors, StringRef backend) {
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
    std::optional<OptimizationPass> pass = findOptimizationPass(element, backend);
    if (!pass) {
      errors << "unknown optimization pass '" << element
             << "'; the passes are "
             << llvm::join(optimizationPassNames(backend), ", ") << "\n";
      return failure();
    }
    // Let the pass parse its options now, so that a typo is reported here
    // with the pass's own message rather than in the middle of compiling.
    OpPassManager check(pass->onModule ? "builtin.module" : "func.func");
    if (failed(parsePassPipeline(element, check, errors)))
      return failure();
  }
  return elements;
}

std::string nestedPasses(ArrayRef<std::string> passes, Stage stage,
                         StringRef backend) {
  std::string text, functionPasses;
  auto flush = [&] {
    if (!functionPasses.empty())
      text += (text.empty() ? "" : ",") + ("func.func(" + functionPasses + ")");
    functionPasses.clear();
  };
  for (const std::string &element : passes) {
    std::optional<OptimizationPass> pass = findOptimizationPass(element, backend);
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

LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm) {
  return parsePassPipeline("convert-inception-to-linalg,canonicalize", pm);
}

std::string bufferizationPipeline(ArrayRef<std::string> passes,
                                  StringRef backend, bool weightsAtLoad) {
  std::string pipeline =
      weightsAtLoad ? "inception-hoist-weights,canonicalize," : "";
  pipeline += "one-shot-bufferize{bufferize-function-boundaries "
              "function-boundary-type-conversion=identity-layout-map},"
              "buffer-results-to-out-params{hoist-static-allocs "
              "modify-public-functions},canonicalize";
  if (std::string bufferPasses = nestedPasses(passes, Stage::Buffers, backend);
      !bufferPasses.empty())
    pipeline += "," + bufferPasses;
  return pipeline + ",inception-lower-ukernels";
}

std::string memoryPlanPipeline() {
  return "func.func(inception-plan-workspace,inception-lower-copies),"
         "inception-flatten-globals";
}

namespace {
struct OptimizationLevelOptions
    : PassPipelineOptions<OptimizationLevelOptions> {
  Option<unsigned> level{*this, "level",
                         llvm::cl::desc("The -O level whose passes run"),
                         llvm::cl::init(3)};
};
} // namespace

void registerPassesAndPipelines() {
  registerInceptionPasses();
  PassPipelineRegistration<OptimizationLevelOptions>(
      "inception-optimize-graph",
      "The graph passes of -O<level> on the inception dialect",
      [](OpPassManager &pm, const OptimizationLevelOptions &options) {
        // The level lists are well formed by construction.
        (void)buildGraphOptimizationPipeline(
            pm, *parseOptimizationPasses(
                    optimizationPassesForLevel(options.level), llvm::errs()));
      });
  PassPipelineRegistration<>(
      "inception-lower-to-linalg", "Lower the inception dialect to linalg",
      [](OpPassManager &pm) { (void)buildLowerToLinalgPipeline(pm); });
  cpu::registerPassesAndPipelines();
  gpu::registerPassesAndPipelines();
}

} // namespace mlir::inception
