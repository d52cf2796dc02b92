//===- inception-run.cpp - Run a compiled model on a .npy input -----------===//
//
// inception-run LIB.so [--input IN.npy | --random-input=SEED] [--output OUT.npy]
//               [--top N] [--repeat N] [--threads N]
//
// Loads the library through the runtime, runs it, and prints the run time;
// --top prints the N highest-scoring classes of each batch item.
//
//===----------------------------------------------------------------------===//

#include "inception/runtime.h"
#include "tools/inception-run/Npy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

using namespace inception;

static int usage(const char *message) {
  std::fprintf(stderr,
               "inception-run: error: %s\n"
               "usage: inception-run LIB.so [--input IN.npy | "
               "--random-input=SEED] [--output OUT.npy] [--top N] "
               "[--repeat N] [--threads N]\n",
               message);
  return 2;
}

/// Parses a whole non-negative decimal number no larger than `max`.
static bool parseCount(const char *text, long max, long &value) {
  char *end = nullptr;
  errno = 0;
  value = std::strtol(text, &end, 10);
  return !errno && end != text && !*end && value >= 0 && value <= max;
}

int main(int argc, char **argv) {
  std::string library, inputPath, outputPath;
  long seed = -1, top = 0, repeat = 1, threads = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      size_t length = std::strlen(flag);
      if (arg.compare(0, length, flag) != 0)
        return nullptr;
      if (arg.size() > length && arg[length] == '=')
        return argv[i] + length + 1;
      if (arg.size() == length && i + 1 < argc)
        return argv[++i];
      return nullptr;
    };
    if (const char *v = value("--input"))
      inputPath = v;
    else if (const char *v = value("--output"))
      outputPath = v;
    else if (const char *v = value("--random-input")) {
      if (!parseCount(v, 1L << 31, seed))
        return usage(("--random-input needs a seed, got '" + std::string(v) + "'").c_str());
    } else if (const char *v = value("--top")) {
      if (!parseCount(v, 1L << 20, top))
        return usage(("--top needs a count, got '" + std::string(v) + "'").c_str());
    } else if (const char *v = value("--repeat")) {
      if (!parseCount(v, 1L << 20, repeat) || repeat < 1)
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
  if (inputPath.empty() == (seed < 0))
    return usage("give exactly one of --input and --random-input");

  inception_model *model = nullptr;
  if (inception_model_load(library.c_str(), &model) != INCEPTION_OK) {
    std::fprintf(stderr, "inception-run: error: %s\n", inception_last_error());
    return 1;
  }
  const inception_model_info *info = inception_model_get_info(model);
  const inception_tensor_info &in = info->inputs[0], &out = info->outputs[0];

  NpyArray input;
  if (!inputPath.empty()) {
    std::string error = readNpy(inputPath, input);
    if (!error.empty()) {
      std::fprintf(stderr, "inception-run: error: %s\n", error.c_str());
      return 1;
    }
    if (input.shape != std::vector<int64_t>(in.shape, in.shape + in.rank)) {
      std::string expected, got;
      for (int32_t d = 0; d < in.rank; ++d)
        expected += (d ? ", " : "") + std::to_string(in.shape[d]);
      for (size_t d = 0; d < input.shape.size(); ++d)
        got += (d ? ", " : "") + std::to_string(input.shape[d]);
      std::fprintf(stderr,
                   "inception-run: error: %s: input '%s' of '%s' has shape "
                   "[%s], the file holds [%s]\n",
                   inputPath.c_str(), in.name, info->name, expected.c_str(),
                   got.c_str());
      return 1;
    }
  } else {
    input.shape.assign(in.shape, in.shape + in.rank);
    input.data.resize(inception_model_input_elements(model, 0));
    std::mt19937 generator(static_cast<unsigned>(seed));
    std::normal_distribution<float> normal;
    for (float &v : input.data)
      v = normal(generator);
  }

  NpyArray output;
  output.shape.assign(out.shape, out.shape + out.rank);
  output.data.resize(inception_model_output_elements(model, 0));
  inception_context *context = nullptr;
  if (inception_context_create(model, &context) != INCEPTION_OK ||
      inception_context_set_num_threads(context, int(threads)) != INCEPTION_OK) {
    std::fprintf(stderr, "inception-run: error: %s\n", inception_last_error());
    return 1;
  }
  std::vector<double> milliseconds;
  for (long r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    int status = inception_run(context, input.data.data(), input.data.size(),
                               output.data.data(), output.data.size());
    auto stop = std::chrono::steady_clock::now();
    if (status != INCEPTION_OK) {
      std::fprintf(stderr, "inception-run: error: %s\n", inception_last_error());
      return 1;
    }
    milliseconds.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  std::printf("model: %s (workspace %.1f MB)\n", info->name,
              info->workspace_size / 1e6);
  std::printf("run time: %.2f ms (median of %ld), min %.2f ms\n",
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
  inception_context_free(context);
  inception_model_free(model);
  return 0;
}
