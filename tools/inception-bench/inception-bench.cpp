//===- inception-bench.cpp - Latency and throughput of a compiled model ---===//
//
// inception-bench LIB.so [--input IN.npy | --random-input=SEED] [--runs N]
//                 [--warmup N] [--threads N] [--macs N] [--output OUT.npy]
//
// Runs the model through the runtime N times after a warmup and prints the
// minimum and median latency; with --macs (the count `inceptionc
// --emit=summary` prints), the GFLOP/s that is, and its share of the FMA
// peak that the same number of threads reaches on this machine, which the
// tool measures. The last line repeats the numbers as JSON for scripts.
//
//===----------------------------------------------------------------------===//

#include "inception/runtime.h"
#include "tools/inception-bench/FmaPeak.h"
#include "tools/inception-run/ModelInput.h"
#include "tools/inception-run/ToolArguments.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

using namespace inception;

static int usage(const std::string &message) {
  std::fprintf(stderr,
               "inception-bench: error: %s\n"
               "usage: inception-bench LIB.so [--input IN.npy | "
               "--random-input=SEED] [--runs N] [--warmup N] [--threads N] "
               "[--macs N] [--output OUT.npy]\n",
               message.c_str());
  return 2;
}

int main(int argc, char **argv) {
  std::string library, inputPath, outputPath;
  long long seed = -1, runs = 20, warmup = 3, threads = 0, macs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
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
  if (inputPath.empty() == (seed < 0))
    return usage("give exactly one of --input and --random-input");

  inception_model *model = nullptr;
  if (inception_model_load(library.c_str(), &model) != INCEPTION_OK) {
    std::fprintf(stderr, "inception-bench: error: %s\n", inception_last_error());
    return 1;
  }
  const inception_model_info *info = inception_model_get_info(model);
  NpyArray input;
  std::string error = prepareInput(model, inputPath, seed, input);
  if (!error.empty()) {
    std::fprintf(stderr, "inception-bench: error: %s\n", error.c_str());
    return 1;
  }
  NpyArray output = outputArray(model);

  std::vector<double> milliseconds;
  error = timeRuns(model, int(threads), input, output, warmup, runs, milliseconds);
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
  std::printf("model: %s, %lld runs after %lld warmup, threads %s\n", info->name,
              runs, warmup, threads ? std::to_string(threads).c_str() : "default");
  std::printf("latency: median %.2f ms, min %.2f ms\n", median, best);
  double gflops = 0, peak = 0;
  if (macs > 0) {
    peak = measureFmaPeak(peakThreads);
    gflops = 2.0 * double(macs) / (median * 1e-3) / 1e9;
    std::printf("throughput: %.1f GFLOP/s (%lld MACs), %.1f%% of the %.1f "
                "GFLOP/s %s FMA peak of %d thread%s\n",
                gflops, macs, 100.0 * gflops / peak, peak, fmaPeakIsa(),
                peakThreads, peakThreads == 1 ? "" : "s");
  }
  std::printf("json: {\"median_ms\": %.4f, \"min_ms\": %.4f, \"gflops\": %.2f, "
              "\"peak_gflops\": %.2f}\n",
              median, best, gflops, peak);
  inception_model_free(model);
  return 0;
}
