//===- HalideBackend.cpp - The Halide back half ---------------------------===//
//
// Each layer of the linalg on tensors becomes a Halide pipeline, compiled
// ahead of time for the target (HalideLayers.cpp); what is left (the
// concats' copies, the model's reshapes) and everything around the layers
// (the memory plan, the library's ABI, its threads) is the CPU back half's.
// Debian's Halide 14 links LLVM 14 and this compiler LLVM 22: both live in
// one process, because Debian's libLLVM-N.so versions every symbol
// (LLVM_14, LLVM_22), so each library binds its own (docs/halide.md).
//
//===----------------------------------------------------------------------===//

#include "compiler/Backend.h"
#include "compiler/BackendPlan.h"
#include "compiler/Error.h"
#include "compiler/ModelLibrary.h"
#include "passes/Passes.h"
#include "passes/Pipelines.h"
#include "passes/Statistics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#ifdef INCEPTION_HAVE_HALIDE
#include "compiler/Halide/HalideLayers.h"
#endif

extern "C" const char inception_halide_glue_begin[],
    inception_halide_glue_end[];

using namespace mlir;

namespace inception {
namespace {

constexpr llvm::StringLiteral kWithoutHalide =
    "this inceptionc was built without Halide; install libhalide14-0-dev "
    "(tools/setup.sh --halide) and rebuild";

#ifdef INCEPTION_HAVE_HALIDE
/// The layers `selected` picks (all, when null) through Halide, the rest and
/// everything around them through the CPU back half.
llvm::Expected<Artifacts>
compileThroughHalide(ModuleOp module, ModelInterface &model,
                     ArrayRef<std::string> passes,
                     const CompileOptions &options,
                     const halide::LayerSelection &selected) {
  auto layers = halide::compileLayers(module, options, model.name, selected);
  if (!layers)
    return layers.takeError();
  mlir::inception::recordStatistic("halide", "layers", layers->layers);
  mlir::inception::recordStatistic("halide", "convolution-tiles",
                                   layers->convolutionTiles);
  mlir::inception::recordStatistic("halide", "convolution-planes",
                                   layers->convolutionPlanes);
  mlir::inception::recordStatistic("halide", "dense-dots", layers->denseDots);
  mlir::inception::recordStatistic("halide", "windows-unrolled",
                                   layers->windowsUnrolled);
  mlir::inception::recordStatistic("halide", "paddings-materialized",
                                   layers->paddingsMaterialized);
  mlir::inception::recordStatistic("halide", "paddings-inline",
                                   layers->paddingsInline);
  mlir::inception::recordStatistic("halide", "arena-bytes-per-thread",
                                   layers->scratchPerThread);
  model.halideLayers = layers->layers > 0;
  std::vector<std::string> objects = std::move(layers->objects);
  if (model.halideLayers)
    objects.emplace_back(inception_halide_glue_begin,
                         inception_halide_glue_end -
                             inception_halide_glue_begin);
  return compileOnHost(module, model, passes, options, objects);
}
#endif

class HalideBackend final : public Backend {
public:
  llvm::StringRef name() const override { return "halide"; }

  llvm::Expected<Artifacts>
  compile(ModuleOp module, ModelInterface &model, ArrayRef<std::string> passes,
          const CompileOptions &options) const override {
#ifndef INCEPTION_HAVE_HALIDE
    (void)module, (void)model, (void)passes, (void)options;
    return compilerError("--backend=halide: " + kWithoutHalide);
#else
    return compileThroughHalide(module, model, passes, options, nullptr);
#endif
  }
};

/// The layer an op belongs to, by the name the profile knows it by (its
/// location's, inception-profile-layers).
std::string layerName(Operation *op) {
  return mlir::inception::layerName(op->getLoc());
}

/// Per layer, the faster of the CPU and Halide back halves, timed on this
/// machine or read from a plan (BackendPlan.h).
class AutoBackend final : public Backend {
public:
  llvm::StringRef name() const override { return "auto"; }

  llvm::Expected<Artifacts>
  compile(ModuleOp module, ModelInterface &model, ArrayRef<std::string> passes,
          const CompileOptions &options) const override {
#ifndef INCEPTION_HAVE_HALIDE
    (void)module, (void)model, (void)passes, (void)options;
    return compilerError("--backend=auto chooses between the CPU and Halide "
                         "back halves: " +
                         kWithoutHalide);
#else
    auto plan = obtainPlan(module, model, passes, options);
    if (!plan)
      return plan.takeError();
    uint64_t halideLayers = 0;
    for (const BackendPlan::Layer &layer : plan->layers) {
      halideLayers += layer.backend == "halide";
      std::string choice = layer.backend;
      if (layer.cpuMs && layer.halideMs)
        choice += llvm::formatv(" (cpu {0:f3} ms, halide {1:f3} ms)",
                                *layer.cpuMs, *layer.halideMs)
                      .str();
      mlir::inception::recordStatisticText("backend-plan", layer.name, choice);
    }
    mlir::inception::recordStatistic("backend-plan", "halide-layers",
                                     halideLayers);
    mlir::inception::recordStatistic("backend-plan", "cpu-layers",
                                     plan->layers.size() - halideLayers);
    return compileThroughHalide(module, model, passes, options,
                                halideSelection(*plan));
#endif
  }

#ifdef INCEPTION_HAVE_HALIDE
private:
  static halide::LayerSelection halideSelection(const BackendPlan &plan) {
    return [plan](Operation *root) {
      const BackendPlan::Layer *layer = plan.find(layerName(root));
      return layer && layer->backend == "halide";
    };
  }

  /// The plan of --backend-plan=FILE when it exists; else one timed here,
  /// written to FILE when given.
  static llvm::Expected<BackendPlan>
  obtainPlan(ModuleOp module, const ModelInterface &model,
             ArrayRef<std::string> passes, const CompileOptions &options) {
    if (options.backendPlan && llvm::sys::fs::exists(*options.backendPlan)) {
      auto text = llvm::MemoryBuffer::getFile(*options.backendPlan);
      if (!text)
        return compilerError("--backend-plan: cannot read '" +
                             *options.backendPlan +
                             "': " + text.getError().message());
      auto plan = BackendPlan::parse((*text)->getBuffer(), *options.backendPlan);
      if (!plan)
        return plan.takeError();
      llvm::StringSet<> names;
      module.walk([&](Operation *op) {
        if (std::string name = layerName(op); !name.empty())
          names.insert(name);
      });
      for (const BackendPlan::Layer &layer : plan->layers)
        if (!names.contains(layer.name))
          return compilerError("--backend-plan: '" + *options.backendPlan +
                               "' plans layer '" + layer.name +
                               "', which model '" + model.name +
                               "' does not have");
      return plan;
    }
    if (options.backendPlan) {
      // Before minutes of timing, not after.
      llvm::StringRef parent = llvm::sys::path::parent_path(*options.backendPlan);
      if (!parent.empty() && !llvm::sys::fs::is_directory(parent))
        return compilerError("--backend-plan: cannot write '" +
                             *options.backendPlan + "': no directory '" +
                             parent + "'");
    }
    auto plan = timePlan(module, model, passes, options);
    if (!plan)
      return plan.takeError();
    if (options.backendPlan) {
      std::error_code ec;
      llvm::raw_fd_ostream os(*options.backendPlan, ec);
      if (ec)
        return compilerError("--backend-plan: cannot write '" +
                             *options.backendPlan + "': " + ec.message());
      os << plan->print();
    }
    return plan;
  }

  /// Compiles the module three ways (all CPU, all Halide, then the faster
  /// of the two per layer) into profiled libraries in a temporary folder,
  /// times them here, and keeps the per-layer choice only if its whole run
  /// is the fastest of the three: a Halide layer amid CPU ones costs
  /// layout conversions that no single layer's time shows.
  static llvm::Expected<BackendPlan>
  timePlan(ModuleOp module, const ModelInterface &model,
           ArrayRef<std::string> passes, const CompileOptions &options) {
    llvm::SmallString<128> folder;
    if (std::error_code ec =
            llvm::sys::fs::createUniqueDirectory("inception-auto", folder))
      return compilerError("--backend=auto: cannot create a temporary folder: " +
                           ec.message());
    // The trial compiles' statistics are not the library's.
    std::vector<mlir::inception::StatisticTotal> statistics =
        mlir::inception::statisticTotals();
    llvm::scope_exit cleanup([&] {
      llvm::sys::fs::remove_directories(folder);
      mlir::inception::setStatisticTotals(statistics);
    });
    // Each trial is a library of its own, in a folder of its own (its
    // weights file, if any, beside it).
    auto trial = [&](llvm::StringRef name,
                     const halide::LayerSelection &selected,
                     bool allCPU) -> llvm::Expected<std::string> {
      llvm::SmallString<128> dir(folder);
      llvm::sys::path::append(dir, name);
      if (std::error_code ec = llvm::sys::fs::create_directory(dir))
        return compilerError("--backend=auto: " + ec.message());
      OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
      ModelInterface trialModel = model;
      CompileOptions trialOptions = options;
      trialOptions.emit = EmitKind::SharedLibrary;
      trialOptions.profileLayers = true;
      auto built = allCPU ? cpuBackend().compile(*copy, trialModel, passes,
                                                 trialOptions)
                          : compileThroughHalide(*copy, trialModel, passes,
                                                 trialOptions, selected);
      if (!built)
        return built.takeError();
      llvm::SmallString<128> path(dir);
      llvm::sys::path::append(path, "lib" + model.name + ".so");
      std::vector<Artifact> files = built->companions;
      files.push_back({std::string(llvm::sys::path::filename(path)),
                       std::move(built->primary)});
      for (const Artifact &file : files) {
        llvm::SmallString<128> at(dir);
        llvm::sys::path::append(at, file.fileName);
        std::error_code ec;
        llvm::raw_fd_ostream os(at, ec);
        if (ec)
          return compilerError("--backend=auto: cannot write '" + at +
                               "': " + ec.message());
        os << file.contents;
      }
      return std::string(path);
    };
    int threads = int(options.target.threads);
    constexpr int kRounds = 7;
    auto cpu = trial("cpu", nullptr, /*allCPU=*/true);
    if (!cpu)
      return cpu.takeError();
    auto all = trial("halide", nullptr, /*allCPU=*/false);
    if (!all)
      return all.takeError();
    auto times = timeLibraries({*cpu, *all}, threads, kRounds);
    if (!times)
      return times.takeError();
    const LibraryTimes &cpuTimes = (*times)[0], &halideTimes = (*times)[1];

    BackendPlan plan;
    plan.notes.push_back("inceptionc --backend=auto plan of model '" +
                         model.name + "' for " + options.target.cpu + ", " +
                         (threads == 1 ? std::string("1 thread")
                          : threads    ? std::to_string(threads) + " threads"
                                       : std::string("the default threads")));
    for (auto [index, name] : llvm::enumerate(cpuTimes.layers)) {
      double cpuMs = cpuTimes.layerMs[index], halideMs = -1;
      for (auto [other, otherName] : llvm::enumerate(halideTimes.layers))
        if (otherName == name)
          halideMs = halideTimes.layerMs[other];
      if (halideMs < 0)
        continue; // a layer only the CPU back half has stays there
      // Halide only where it is ahead by more than the timing's noise: a
      // tie keeps the layer in the CPU back half's blocked layout.
      bool faster = halideMs < 0.95 * cpuMs;
      plan.layers.push_back(
          {name, faster ? "halide" : "cpu", cpuMs, halideMs});
    }
    auto allOn = [&](llvm::StringRef backend) {
      for (BackendPlan::Layer &layer : plan.layers)
        layer.backend = backend.str();
    };
    size_t chosen = llvm::count_if(plan.layers, [](const auto &layer) {
      return layer.backend == "halide";
    });
    std::string summary = llvm::formatv("whole runs: cpu {0:f3} ms, halide "
                                        "{1:f3} ms",
                                        cpuTimes.runMs, halideTimes.runMs);
    if (chosen == 0 || chosen == plan.layers.size()) {
      plan.notes.push_back(summary);
      return plan;
    }
    auto mixed = trial("mixed", halideSelection(plan), /*allCPU=*/false);
    if (!mixed)
      return mixed.takeError();
    auto again = timeLibraries({*cpu, *all, *mixed}, threads, kRounds);
    if (!again)
      return again.takeError();
    double cpuRun = (*again)[0].runMs, halideRun = (*again)[1].runMs,
           mixedRun = (*again)[2].runMs;
    plan.notes.push_back(llvm::formatv("whole runs: cpu {0:f3} ms, halide "
                                       "{1:f3} ms, per layer {2:f3} ms",
                                       cpuRun, halideRun, mixedRun));
    // The mix must win by more than the timing's noise, as a layer must.
    if (mixedRun > 0.97 * std::min(cpuRun, halideRun)) {
      plan.notes.push_back("the per-layer choice is not 3% faster than one back "
                           "half for all: " +
                           std::string(cpuRun <= halideRun ? "cpu" : "halide") +
                           " for every layer");
      allOn(cpuRun <= halideRun ? "cpu" : "halide");
    }
    return plan;
  }
#endif
};

} // namespace

const Backend &halideBackend() {
  static const HalideBackend backend;
  return backend;
}

const Backend &autoBackend() {
  static const AutoBackend backend;
  return backend;
}

} // namespace inception
