//===- inception-bench.cpp - Latency and throughput of a compiled model ---===//
//
// inception-bench LIB.so [--input IN.npy | --random-input=SEED] [--runs N]
//                 [--warmup N] [--threads N] [--macs N] [--output OUT.npy]
//                 [--trace TRACE.json] [--weights W.safetensors]
//                 [--device cpu|cuda]
//
// Runs the model through the runtime N times after a warmup and prints the
// minimum and median latency; with --macs (the count `inceptionc
// --emit=summary` prints), the GFLOP/s that is, and its share of the FMA
// peak that the same number of threads reaches on this machine, which the
// tool measures. The last line repeats the numbers as JSON for scripts.
//
// With --trace (a library compiled with `inceptionc --profile`, or any GPU
// library: its kernels, timed with CUDA events), N more runs are timed per
// layer: the layers are printed by their median time
// per run, and the last run is written as Chrome trace JSON (chrome://tracing,
// Perfetto), one complete event per layer part.
//
//===----------------------------------------------------------------------===//

#include "inception/runtime.h"
#include "tools/inception-bench/FmaPeak.h"
#include "tools/inception-run/ModelInput.h"
#include "tools/inception-run/ToolArguments.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace inception;

/// `text` as a JSON string literal.
static std::string jsonString(const std::string &text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += char(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", unsigned(c));
      quoted += escaped;
    } else {
      quoted += char(c);
    }
  }
  return quoted + "\"";
}

/// `runs` profiled runs: each run's events, in order.
static std::string profileRuns(inception_model *model,
                               const inception_weights *weights, int threads,
                               const NpyArray &input, NpyArray &output,
                               long long runs,
                               std::vector<std::vector<inception_layer_event>> &all) {
  const inception_model_info *info = inception_model_get_info(model);
  return withContext(model, weights, threads, [&](inception_context *context) {
    std::vector<inception_layer_event> events(4 * size_t(info->num_layers) + 16);
    for (long long r = 0; r < runs; ++r) {
      size_t count = 0;
      int status = inception_run_profiled(
          context, input.data.data(), input.data.size(), output.data.data(),
          output.data.size(), events.data(), events.size(), &count);
      if (status != INCEPTION_OK)
        return std::string(inception_last_error());
      if (count > events.size()) {
        events.resize(count); // the run had more parts than room: again
        --r;
        continue;
      }
      all.emplace_back(events.begin(), events.begin() + count);
    }
    return std::string();
  });
}

/// Prints the layers by median time per run, and writes the last run as
/// Chrome trace JSON to `path`.
static std::string reportProfile(
    const inception_model_info *info, int threads,
    const std::vector<std::vector<inception_layer_event>> &all,
    const std::string &path) {
  std::vector<std::vector<double>> perLayer(info->num_layers);
  for (const auto &run : all) {
    std::vector<double> total(info->num_layers, 0.0);
    for (const inception_layer_event &event : run)
      total[event.layer] += event.duration_us;
    for (int32_t layer = 0; layer < info->num_layers; ++layer)
      perLayer[layer].push_back(total[layer]);
  }
  std::vector<std::pair<double, int32_t>> medians;
  double sum = 0;
  for (int32_t layer = 0; layer < info->num_layers; ++layer) {
    std::vector<double> &times = perLayer[layer];
    std::sort(times.begin(), times.end());
    medians.push_back({times[times.size() / 2], layer});
    sum += medians.back().first;
  }
  std::sort(medians.rbegin(), medians.rend());
  std::printf("layers: %d, median per run (ms, share of their sum %.2f ms):\n",
              info->num_layers, sum / 1e3);
  // A layer's back half, where the library mixes them (--backend=auto).
  auto backend = [&](int32_t layer) -> const char * {
    return info->layer_backends ? info->layer_backends[layer] : "cpu";
  };
  for (size_t i = 0; i < medians.size() && i < 15; ++i)
    std::printf("  %-40s %8.3f  %5.1f%%  %s\n",
                info->layer_names[medians[i].second], medians[i].first / 1e3,
                100.0 * medians[i].first / sum,
                info->device == INCEPTION_DEVICE_CPU
                    ? backend(medians[i].second)
                    : "gpu");

  std::ofstream out(path);
  if (!out)
    return "cannot write the trace '" + path + "'";
  out << "{\"displayTimeUnit\": \"ms\", \"otherData\": {\"model\": "
      << jsonString(info->name) << ", \"threads\": " << threads
      << "}, \"traceEvents\": [\n";
  const std::vector<inception_layer_event> &last = all.back();
  for (size_t i = 0; i < last.size(); ++i) {
    const inception_layer_event &event = last[i];
    char timing[96];
    std::snprintf(timing, sizeof timing, "\"ts\": %.3f, \"dur\": %.3f",
                  event.start_us, event.duration_us);
    out << "  {\"name\": " << jsonString(info->layer_names[event.layer])
        << ", \"cat\": \""
        << (info->device == INCEPTION_DEVICE_CPU ? backend(event.layer) : "gpu")
        << "\", \"ph\": \"X\", " << timing
        << ", \"pid\": 1, \"tid\": 1}" << (i + 1 < last.size() ? ",\n" : "\n");
  }
  out << "]}\n";
  out.close();
  if (!out)
    return "cannot write the trace '" + path + "'";
  std::printf("trace: %s (%zu events)\n", path.c_str(), last.size());
  return "";
}

static const char usageText[] =
    "usage: inception-bench LIB.so [--input IN.npy | --random-input=SEED] "
    "[--runs N] [--warmup N] [--threads N] [--macs N] [--output OUT.npy] "
    "[--trace TRACE.json] [--weights W.safetensors] [--device cpu|cuda]\n";

static const char ownFlagsHelp[] =
    "  --runs N              timed runs (default 20)\n"
    "  --warmup N            untimed runs first (default 3)\n"
    "  --macs N              multiply-adds a run (inceptionc "
    "--emit=summary): prints GFLOP/s and the share of the FMA peak\n"
    "  --output OUT.npy      writes the last run's output\n"
    "  --trace TRACE.json    times N more runs per layer (a library "
    "compiled with --profile, or a GPU library) and writes the last as "
    "Chrome trace JSON\n";

static int usage(const std::string &message) {
  std::fprintf(stderr, "inception-bench: error: %s\n%s", message.c_str(),
               usageText);
  return 2;
}

int main(int argc, char **argv) {
  std::string library, inputPath, outputPath, tracePath, weightsPath, device;
  long long seed = -1, runs = 20, warmup = 3, threads = 0, macs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\nTimes a compiled model's runs: the minimum and median "
                  "latency, then the same as JSON.\n\n%s%s%s",
                  usageText, kInputFlagsHelp, ownFlagsHelp, kRunFlagsHelp);
      return 0;
    }
    auto value = [&](const char *flag) { return flagValue(argc, argv, i, flag); };
    auto count = [&](const char *flag, const char *v, long long max,
                     long long &out) -> bool {
      if (parseCount(v, max, out))
        return true;
      usage(std::string(flag) + " needs a count in [0, " + std::to_string(max) +
            "], got '" + v + "'");
      return false;
    };
    if (const char *v = value("--input"))
      inputPath = v;
    else if (const char *v = value("--output"))
      outputPath = v;
    else if (const char *v = value("--trace"))
      tracePath = v;
    else if (const char *v = value("--weights"))
      weightsPath = v;
    else if (const char *v = value("--device"))
      device = v;
    else if (const char *v = value("--random-input")) {
      if (!count("--random-input", v, 1LL << 31, seed))
        return 2;
    } else if (const char *v = value("--runs")) {
      if (!count("--runs", v, 1 << 20, runs))
        return 2;
      if (runs < 1)
        return usage("--runs must be at least 1");
    } else if (const char *v = value("--warmup")) {
      if (!count("--warmup", v, 1 << 20, warmup))
        return 2;
    } else if (const char *v = value("--threads")) {
      if (!count("--threads", v, 4096, threads))
        return 2;
    } else if (const char *v = value("--macs")) {
      if (!count("--macs", v, 1LL << 50, macs))
        return 2;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage("unknown option '" + arg + "'");
    } else if (library.empty()) {
      library = arg;
    } else {
      return usage("unexpected argument '" + arg + "'");
    }
  }
  if (library.empty())
    return usage("no model library given");
  if (!device.empty() && device != "cpu" && device != "cuda")
    return usage("--device is cpu or cuda, got '" + device + "'");
  if (inputPath.empty() == (seed < 0))
    return usage("give exactly one of --input and --random-input");

  inception_model *model = nullptr;
  if (inception_model_load(library.c_str(), &model) != INCEPTION_OK) {
    std::fprintf(stderr, "inception-bench: error: %s\n", inception_last_error());
    return 1;
  }
  const inception_model_info *info = inception_model_get_info(model);
  if (!tracePath.empty() && info->num_layers == 0) {
    std::fprintf(stderr,
                 "inception-bench: error: --trace needs a library compiled "
                 "with inceptionc --profile (or --backend=gpu); '%s' has no "
                 "layer profile\n",
                 library.c_str());
    inception_model_free(model);
    return 1;
  }
  inception_weights *weights = nullptr;
  std::string error = checkDevice(model, library, device);
  if (error.empty())
    error = loadWeights(model, library, weightsPath, &weights);
  NpyArray input;
  if (error.empty())
    error = prepareInput(model, inputPath, seed, input);
  if (!error.empty()) {
    std::fprintf(stderr, "inception-bench: error: %s\n", error.c_str());
    return 1;
  }
  NpyArray output = outputArray(model);

  std::vector<double> milliseconds;
  error = timeRuns(model, weights, int(threads), input, output, warmup, runs,
                   milliseconds);
  if (!error.empty()) {
    std::fprintf(stderr, "inception-bench: error: %s\n", error.c_str());
    return 1;
  }
  if (!outputPath.empty()) {
    error = writeNpy(outputPath, output);
    if (!error.empty()) {
      std::fprintf(stderr, "inception-bench: error: %s\n", error.c_str());
      return 1;
    }
  }
  double median = milliseconds[milliseconds.size() / 2], best = milliseconds[0];
  int peakThreads = threads > 0 ? int(threads)
                                : int(std::max(1u, std::thread::hardware_concurrency()));
  bool onGPU = info->device == INCEPTION_DEVICE_CUDA;
  std::printf("model: %s, %lld runs after %lld warmup, %s\n", info->name, runs,
              warmup,
              onGPU     ? "on the GPU (device cuda)"
              : threads ? ("threads " + std::to_string(threads)).c_str()
                        : "threads default");
  std::printf("latency: median %.2f ms, min %.2f ms\n", median, best);
  double gflops = 0, peak = 0;
  if (macs > 0 && onGPU) {
    gflops = 2.0 * double(macs) / (median * 1e-3) / 1e9;
    std::printf("throughput: %.1f GFLOP/s (%lld MACs)\n", gflops, macs);
  } else if (macs > 0) {
    peak = measureFmaPeak(peakThreads);
    gflops = 2.0 * double(macs) / (median * 1e-3) / 1e9;
    std::printf("throughput: %.1f GFLOP/s (%lld MACs), %.1f%% of the %.1f "
                "GFLOP/s %s FMA peak of %d thread%s\n",
                gflops, macs, 100.0 * gflops / peak, peak, fmaPeakIsa(),
                peakThreads, peakThreads == 1 ? "" : "s");
  }
  if (!tracePath.empty()) {
    std::vector<std::vector<inception_layer_event>> events;
    error = profileRuns(model, weights, int(threads), input, output, runs,
                        events);
    if (error.empty())
      error = reportProfile(info, int(threads), events, tracePath);
    if (!error.empty()) {
      std::fprintf(stderr, "inception-bench: error: %s\n", error.c_str());
      inception_model_free(model);
      return 1;
    }
  }
  std::printf("json: {\"median_ms\": %.4f, \"min_ms\": %.4f, \"gflops\": %.2f, "
              "\"peak_gflops\": %.2f}\n",
              median, best, gflops, peak);
  inception_weights_free(weights);
  inception_model_free(model);
  return 0;
}
