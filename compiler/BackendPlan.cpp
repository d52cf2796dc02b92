//===- BackendPlan.cpp - Which back half computes each layer --------------===//

#include "compiler/BackendPlan.h"
#include "compiler/Error.h"

#include "inception/model_abi.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <random>
#include <thread>

namespace inception {

llvm::ArrayRef<llvm::StringRef> plannedBackends() {
  static const llvm::StringRef names[] = {"cpu", "halide"};
  return names;
}

const BackendPlan::Layer *BackendPlan::find(llvm::StringRef name) const {
  for (const Layer &layer : layers)
    if (layer.name == name)
      return &layer;
  return nullptr;
}

std::string BackendPlan::print() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (const std::string &note : notes)
    os << "# " << note << "\n";
  os << "# layer backend [cpu-ms halide-ms]\n";
  for (const Layer &layer : layers) {
    os << layer.name << " " << layer.backend;
    if (layer.cpuMs && layer.halideMs)
      os << llvm::format(" %.4f %.4f", *layer.cpuMs, *layer.halideMs);
    os << "\n";
  }
  return text;
}

llvm::Expected<BackendPlan> BackendPlan::parse(llvm::StringRef text,
                                               llvm::StringRef path) {
  BackendPlan plan;
  llvm::StringSet<> seen;
  unsigned number = 0;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    ++number;
    auto where = [&] { return (path + ":" + llvm::Twine(number) + ": ").str(); };
    line = line.trim();
    if (line.empty())
      continue;
    if (line.consume_front("#")) {
      plan.notes.push_back(line.trim().str());
      continue;
    }
    llvm::SmallVector<llvm::StringRef> fields;
    line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    if (fields.size() != 2 && fields.size() != 4)
      return compilerError(where() + "expected '<layer> <backend>' or "
                                     "'<layer> <backend> <cpu-ms> <halide-ms>', "
                                     "not '" +
                           line + "'");
    if (!llvm::is_contained(plannedBackends(), fields[1]))
      return compilerError(where() + "unknown back half '" + fields[1] +
                           "' for layer '" + fields[0] + "'; a plan chooses " +
                           llvm::join(plannedBackends(), " or "));
    if (!seen.insert(fields[0]).second)
      return compilerError(where() + "layer '" + fields[0] +
                           "' is planned twice");
    Layer layer{fields[0].str(), fields[1].str(), std::nullopt, std::nullopt};
    if (fields.size() == 4) {
      double cpu, halide;
      if (fields[2].getAsDouble(cpu) || fields[3].getAsDouble(halide) ||
          !(cpu >= 0) || !(halide >= 0))
        return compilerError(where() + "the timings of layer '" + fields[0] +
                             "' are not two non-negative numbers");
      layer.cpuMs = cpu;
      layer.halideMs = halide;
    }
    plan.layers.push_back(std::move(layer));
  }
  return plan;
}

namespace {

struct AlignedFree {
  void operator()(void *p) const { std::free(p); }
};
using AlignedBuffer = std::unique_ptr<void, AlignedFree>;

llvm::Expected<AlignedBuffer> allocate(size_t bytes, size_t alignment,
                                       llvm::StringRef what) {
  alignment = std::max<size_t>(alignment, alignof(std::max_align_t));
  size_t rounded = (std::max<size_t>(bytes, 1) + alignment - 1) / alignment *
                   alignment;
  void *memory = std::aligned_alloc(alignment, rounded);
  if (!memory)
    return compilerError("timing the layers: cannot allocate " +
                         llvm::Twine(rounded) + " bytes for " + what);
  return AlignedBuffer(memory);
}

size_t elements(const inception_tensor_info &tensor) {
  size_t count = 1;
  for (int32_t d = 0; d < tensor.rank; ++d)
    count *= size_t(tensor.shape[d]);
  return count;
}

/// One library loaded for timing, with everything a run needs.
class TimedLibrary {
public:
  static llvm::Expected<std::unique_ptr<TimedLibrary>>
  load(const std::string &path, int threads, std::mt19937 &random) {
    auto library = std::unique_ptr<TimedLibrary>(new TimedLibrary);
    library->path = path;
    library->threads = threads;
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      return library->error(std::string("cannot load it: ") + dlerror());
    auto entry = reinterpret_cast<inception_model_info_fn>(
        dlsym(handle, INCEPTION_MODEL_INFO_SYMBOL));
    const inception_model_info *info = entry ? entry() : nullptr;
    if (!info || info->abi_version != INCEPTION_ABI_VERSION ||
        info->device != INCEPTION_DEVICE_CPU || info->num_inputs != 1 ||
        info->num_outputs != 1)
      return library->error("not a CPU model library of this compiler");
    if (info->num_layers == 0)
      return library->error("it has no per-layer profile");
    library->info = info;
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    library->input.resize(elements(info->inputs[0]));
    for (float &value : library->input)
      value = uniform(random);
    library->output.resize(elements(info->outputs[0]));
    library->workspaceSize = info->workspace_size(threads);
    auto workspace = allocate(library->workspaceSize,
                              info->workspace_alignment, "a workspace");
    if (!workspace)
      return workspace.takeError();
    library->workspace = std::move(*workspace);
    if (info->weights_size) {
      // Weights of about a unit's gain per layer (1 / sqrt(fan-in)), and
      // vectors (biases, batch statistics) near 1, so that activations
      // neither vanish into denormals nor overflow.
      std::vector<std::vector<float>> parameters(info->num_parameters);
      std::vector<const float *> pointers;
      for (int32_t i = 0; i < info->num_parameters; ++i) {
        const inception_tensor_info &tensor = info->parameters[i];
        size_t count = elements(tensor);
        double scale = tensor.rank >= 2 && tensor.shape[0] > 0
                           ? 1.0 / std::sqrt(double(count / tensor.shape[0]))
                           : 0.5;
        float offset = tensor.rank >= 2 ? 0.0f : 1.0f;
        parameters[i].resize(count);
        for (float &value : parameters[i])
          value = offset + float(scale) * uniform(random);
        pointers.push_back(parameters[i].data());
      }
      auto weights = allocate(info->weights_size, info->weights_alignment,
                              "the weights");
      if (!weights)
        return weights.takeError();
      library->weights = std::move(*weights);
      if (int status =
              info->prepare_weights(pointers.data(), library->weights.get()))
        return library->error("preparing random weights failed with status " +
                              std::to_string(status));
    }
    library->events.resize(size_t(info->num_layers) * 4);
    library->layerMs.resize(info->num_layers);
    return library;
  }

  /// One profiled run: its layers' times appended to layerMs.
  llvm::Error run() {
    size_t count = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto start = std::chrono::steady_clock::now();
      int status =
          weights ? info->run_profiled_weights(
                        weights.get(), input.data(), output.data(),
                        workspace.get(), workspaceSize, threads, events.data(),
                        events.size(), &count)
                  : info->run_profiled(input.data(), output.data(),
                                       workspace.get(), workspaceSize, threads,
                                       events.data(), events.size(), &count);
      auto end = std::chrono::steady_clock::now();
      if (status)
        return error("a run failed with status " + std::to_string(status) +
                     ": " + info->last_error());
      if (count > events.size()) { // more parts than room: once more
        events.resize(count);
        continue;
      }
      std::vector<double> sums(info->num_layers, 0.0);
      for (size_t i = 0; i < count; ++i)
        sums[events[i].layer] += events[i].duration_us / 1000.0;
      for (int32_t layer = 0; layer < info->num_layers; ++layer)
        layerMs[layer].push_back(sums[layer]);
      runMs.push_back(
          std::chrono::duration<double, std::milli>(end - start).count());
      return llvm::Error::success();
    }
    return error("its profile has more events than it says");
  }

  /// Forgets the last run (a warm-up).
  void dropLast() {
    for (auto &times : layerMs)
      times.pop_back();
    runMs.pop_back();
  }

  void clear() {
    for (auto &times : layerMs)
      times.clear();
    runMs.clear();
  }

  LibraryTimes medians() const {
    LibraryTimes times;
    for (int32_t layer = 0; layer < info->num_layers; ++layer) {
      times.layers.push_back(info->layer_names[layer]);
      times.layerMs.push_back(median(layerMs[layer]));
    }
    times.runMs = median(runMs);
    return times;
  }

private:
  TimedLibrary() = default;

  llvm::Error error(const std::string &message) const {
    return compilerError("timing the layers of " + path + ": " + message);
  }

  static double median(std::vector<double> values) {
    if (values.empty())
      return 0;
    std::sort(values.begin(), values.end());
    size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle]
                              : (values[middle - 1] + values[middle]) / 2;
  }

  std::string path;
  int threads = 0;
  const inception_model_info *info = nullptr;
  std::vector<float> input, output;
  AlignedBuffer workspace, weights;
  size_t workspaceSize = 0;
  std::vector<inception_layer_event> events;
  std::vector<std::vector<double>> layerMs;
  std::vector<double> runMs;
};

} // namespace

llvm::Expected<std::vector<LibraryTimes>>
timeLibraries(llvm::ArrayRef<std::string> paths, int threads, int rounds) {
  std::mt19937 random(20261128);
  std::vector<std::unique_ptr<TimedLibrary>> libraries;
  for (const std::string &path : paths) {
    auto library = TimedLibrary::load(path, threads, random);
    if (!library)
      return library.takeError();
    libraries.push_back(std::move(*library));
  }
  // Interleaved, so that a machine's drift (frequency, another process)
  // falls on every library alike; the first two rounds warm caches up.
  // Each library has its own OpenMP team, whose workers spin for the block
  // time (KMP_BLOCKTIME, 200 ms) after a run: a library runs only once the
  // last one's team sleeps, and after an untimed run that wakes its own.
  const char *blockTime = std::getenv("KMP_BLOCKTIME");
  long blockMs = blockTime ? std::strtol(blockTime, nullptr, 10) : 200;
  auto settle = std::chrono::milliseconds(std::clamp(blockMs, 0L, 1000L) + 20);
  for (int round = 0; round < rounds + 2; ++round) {
    for (auto &library : libraries) {
      if (libraries.size() > 1)
        std::this_thread::sleep_for(settle);
      if (llvm::Error error = library->run())
        return std::move(error);
      library->dropLast();
      if (llvm::Error error = library->run())
        return std::move(error);
      if (round < 2)
        library->clear();
    }
  }
  std::vector<LibraryTimes> times;
  for (auto &library : libraries)
    times.push_back(library->medians());
  return times;
}

} // namespace inception
