//===- ModelInput.cpp - The input a tool runs a model on ------------------===//

#include "tools/inception-run/ModelInput.h"

#include <algorithm>
#include <chrono>
#include <random>

namespace inception {

std::string prepareInput(inception_model *model, const std::string &path,
                         long long seed, NpyArray &input) {
  const inception_model_info *info = inception_model_get_info(model);
  const inception_tensor_info &in = info->inputs[0];
  if (path.empty()) {
    input.shape.assign(in.shape, in.shape + in.rank);
    input.data.resize(inception_model_input_elements(model, 0));
    std::mt19937 generator(static_cast<unsigned>(seed));
    std::normal_distribution<float> normal;
    for (float &v : input.data)
      v = normal(generator);
    return "";
  }
  std::string error = readNpy(path, input);
  if (!error.empty())
    return error;
  if (input.shape != std::vector<int64_t>(in.shape, in.shape + in.rank)) {
    std::string expected, got;
    for (int32_t d = 0; d < in.rank; ++d)
      expected += (d ? ", " : "") + std::to_string(in.shape[d]);
    for (size_t d = 0; d < input.shape.size(); ++d)
      got += (d ? ", " : "") + std::to_string(input.shape[d]);
    return path + ": input '" + in.name + "' of '" + info->name +
           "' has shape [" + expected + "], the file holds [" + got + "]";
  }
  return "";
}

NpyArray outputArray(inception_model *model) {
  const inception_tensor_info &out = inception_model_get_info(model)->outputs[0];
  NpyArray output;
  output.shape.assign(out.shape, out.shape + out.rank);
  output.data.resize(inception_model_output_elements(model, 0));
  return output;
}

std::string checkDevice(inception_model *model, const std::string &library,
                        const std::string &device) {
  if (device.empty())
    return "";
  if (device != "cpu" && device != "cuda")
    return "--device is cpu or cuda, got '" + device + "'";
  bool onGPU =
      inception_model_get_info(model)->device == INCEPTION_DEVICE_CUDA;
  if (onGPU == (device == "cuda"))
    return "";
  return "'" + library + "' runs on the " + (onGPU ? "GPU" : "CPU") +
         "; for --device " + device + " compile it with inceptionc --backend=" +
         (onGPU ? "cpu" : "gpu");
}

std::string loadWeights(inception_model *model, const std::string &library,
                        const std::string &path, inception_weights **weights) {
  *weights = nullptr;
  bool takesWeights = inception_model_takes_weights(model);
  if (!takesWeights && !path.empty())
    return "'" + library + "' has its weights built in; --weights is for " +
           "libraries compiled with inceptionc --weights-at-load";
  if (takesWeights && path.empty())
    return "'" + library + "' takes its weights at load: give --weights " +
           "FILE.safetensors";
  if (takesWeights &&
      inception_model_load_weights(model, path.c_str(), weights) != INCEPTION_OK)
    return inception_last_error();
  return "";
}

std::string withContext(inception_model *model, const inception_weights *weights,
                        int threads,
                        const std::function<std::string(inception_context *)> &body) {
  inception_context *context = nullptr;
  if (inception_context_create(model, &context) != INCEPTION_OK)
    return inception_last_error();
  std::string error;
  if (inception_context_set_num_threads(context, threads) != INCEPTION_OK ||
      inception_context_set_weights(context, weights) != INCEPTION_OK)
    error = inception_last_error();
  else
    error = body(context);
  inception_context_free(context);
  return error;
}

std::string timeRuns(inception_model *model, const inception_weights *weights,
                     int threads, const NpyArray &input, NpyArray &output,
                     long long warmup, long long runs,
                     std::vector<double> &milliseconds) {
  milliseconds.clear();
  std::string error =
      withContext(model, weights, threads, [&](inception_context *context) {
    for (long long r = 0; r < warmup + runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      int status = inception_run(context, input.data.data(), input.data.size(),
                                 output.data.data(), output.data.size());
      auto stop = std::chrono::steady_clock::now();
      if (status != INCEPTION_OK)
        return std::string(inception_last_error());
      if (r >= warmup)
        milliseconds.push_back(
            std::chrono::duration<double, std::milli>(stop - start).count());
    }
    return std::string();
  });
  std::sort(milliseconds.begin(), milliseconds.end());
  return error;
}

} // namespace inception
