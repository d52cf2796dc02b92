//===- inception-run.cpp - Run a compiled model on a .npy input -----------===//
//
// inception-run LIB.so [--input IN.npy | --random-input=SEED] [--output OUT.npy]
//               [--weights W.safetensors] [--top N] [--repeat N] [--threads N]
//               [--device cpu|cuda]
//
// Loads the library through the runtime, runs it, and prints the run time;
// --top prints the N highest-scoring classes of each batch item.
//
//===----------------------------------------------------------------------===//

#include "inception/runtime.h"
#include "tools/inception-run/ModelInput.h"
#include "tools/inception-run/ToolArguments.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace inception;

static const char usageText[] =
    "usage: inception-run LIB.so [--input IN.npy | --random-input=SEED] "
    "[--output OUT.npy] [--weights W.safetensors] [--top N] [--repeat N] "
    "[--threads N] [--device cpu|cuda]\n";

static const char ownFlagsHelp[] =
    "  --output OUT.npy      writes the output\n"
    "  --top N               prints each batch item's N highest scores\n"
    "  --repeat N            runs N times (default 1)\n";

static int usage(const char *message) {
  std::fprintf(stderr, "inception-run: error: %s\n%s", message, usageText);
  return 2;
}

int main(int argc, char **argv) {
  std::string library, inputPath, outputPath, weightsPath, device;
  long long seed = -1, top = 0, repeat = 1, threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("%s\nRuns a compiled model on an input and prints the run "
                  "time.\n\n%s%s%s",
                  usageText, kInputFlagsHelp, ownFlagsHelp, kRunFlagsHelp);
      return 0;
    }
    auto value = [&](const char *flag) { return flagValue(argc, argv, i, flag); };
    if (const char *v = value("--input"))
      inputPath = v;
    else if (const char *v = value("--output"))
      outputPath = v;
    else if (const char *v = value("--weights"))
      weightsPath = v;
    else if (const char *v = value("--device"))
      device = v;
    else if (const char *v = value("--random-input")) {
      if (!parseCount(v, 1LL << 31, seed))
        return usage(("--random-input needs a seed, got '" + std::string(v) + "'").c_str());
    } else if (const char *v = value("--top")) {
      if (!parseCount(v, 1LL << 20, top))
        return usage(("--top needs a count, got '" + std::string(v) + "'").c_str());
    } else if (const char *v = value("--repeat")) {
      if (!parseCount(v, 1LL << 20, repeat) || repeat < 1)
        return usage(("--repeat needs a positive count, got '" + std::string(v) + "'").c_str());
    } else if (const char *v = value("--threads")) {
      if (!parseCount(v, 4096, threads))
        return usage(("--threads needs a count in [0, 4096], got '" + std::string(v) + "'").c_str());
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(("unknown option '" + arg + "'").c_str());
    } else if (library.empty()) {
      library = arg;
    } else {
      return usage(("unexpected argument '" + arg + "'").c_str());
    }
  }
  if (library.empty())
    return usage("no model library given");
  if (!device.empty() && device != "cpu" && device != "cuda")
    return usage(("--device is cpu or cuda, got '" + device + "'").c_str());
  if (inputPath.empty() == (seed < 0))
    return usage("give exactly one of --input and --random-input");

  inception_model *model = nullptr;
  if (inception_model_load(library.c_str(), &model) != INCEPTION_OK) {
    std::fprintf(stderr, "inception-run: error: %s\n", inception_last_error());
    return 1;
  }
  const inception_model_info *info = inception_model_get_info(model);
  const inception_tensor_info &out = info->outputs[0];

  inception_weights *weights = nullptr;
  std::string error = checkDevice(model, library, device);
  if (error.empty())
    error = loadWeights(model, library, weightsPath, &weights);
  NpyArray input;
  if (error.empty())
    error = prepareInput(model, inputPath, seed, input);
  if (!error.empty()) {
    std::fprintf(stderr, "inception-run: error: %s\n", error.c_str());
    return 1;
  }
  NpyArray output = outputArray(model);
  std::vector<double> milliseconds;
  error = timeRuns(model, weights, int(threads), input, output, /*warmup=*/0,
                   repeat, milliseconds);
  if (!error.empty()) {
    std::fprintf(stderr, "inception-run: error: %s\n", error.c_str());
    return 1;
  }
  if (info->device == INCEPTION_DEVICE_CUDA)
    std::printf("model: %s (on the GPU, device workspace %.1f MB)\n",
                info->name, info->device_workspace_size / 1e6);
  else
    std::printf("model: %s (workspace %.1f MB)\n", info->name,
                info->workspace_size(int(threads)) / 1e6);
  std::printf("run time: %.2f ms (median of %lld), min %.2f ms\n",
              milliseconds[milliseconds.size() / 2], repeat, milliseconds[0]);

  if (top > 0) {
    int64_t batch = out.shape[0];
    int64_t classes = int64_t(output.data.size()) / std::max<int64_t>(batch, 1);
    for (int64_t b = 0; b < batch; ++b) {
      const float *scores = output.data.data() + b * classes;
      std::vector<int64_t> order(classes);
      for (int64_t c = 0; c < classes; ++c)
        order[c] = c;
      int64_t shown = std::min<int64_t>(top, classes);
      std::partial_sort(order.begin(), order.begin() + shown, order.end(),
                        [&](int64_t a, int64_t c) { return scores[a] > scores[c]; });
      std::printf("top %lld of batch item %lld:\n", (long long)shown, (long long)b);
      for (int64_t k = 0; k < shown; ++k)
        std::printf("  class %5lld  score %.4f\n", (long long)order[k],
                    scores[order[k]]);
    }
  }
  if (!outputPath.empty()) {
    std::string error = writeNpy(outputPath, output);
    if (!error.empty()) {
      std::fprintf(stderr, "inception-run: error: %s\n", error.c_str());
      return 1;
    }
  }
  inception_weights_free(weights);
  inception_model_free(model);
  return 0;
}
