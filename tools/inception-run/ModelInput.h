//===- ModelInput.h - The input a tool runs a model on ----------*- C++ -*-===//

#ifndef INCEPTION_TOOLS_MODELINPUT_H
#define INCEPTION_TOOLS_MODELINPUT_H

#include "inception/runtime.h"
#include "tools/inception-run/Npy.h"

#include <functional>
#include <string>

namespace inception {

/// The model's first input: read from the .npy file `path` (whose shape must
/// be the input's), or, when `path` is empty, drawn from N(0, 1) with
/// `seed`. Returns an empty string on success, else the error message.
std::string prepareInput(inception_model *model, const std::string &path,
                         long long seed, NpyArray &input);

/// An array of the model's first output's shape.
NpyArray outputArray(inception_model *model);

/// The weight set of `--weights PATH` (empty: none given) for the model of
/// `library`: loaded for a model that takes its weights at load, which
/// needs one; refused for a model with its weights built in. *weights stays
/// null when the model needs none. Returns an empty string on success,
/// else the error a tool prints.
/// Empty when `model` runs on `device` ("cpu" or "cuda"; empty: wherever
/// it was compiled for), else what is wrong.
std::string checkDevice(inception_model *model, const std::string &library,
                        const std::string &device);

std::string loadWeights(inception_model *model, const std::string &library,
                        const std::string &path, inception_weights **weights);

/// Calls `body` with a new context of the model that runs with `weights`
/// (null for a model with its weights built in) on `threads` threads (0:
/// the library's default), then frees it. Returns the runtime's error or
/// `body`'s, empty on success.
std::string withContext(inception_model *model, const inception_weights *weights,
                        int threads,
                        const std::function<std::string(inception_context *)> &body);

/// Runs the model `warmup + runs` times with `weights` on `threads`
/// threads (0: the library's default) through one context, and returns the
/// wall time of the last `runs`, sorted, in milliseconds, in
/// `milliseconds`. Returns an empty string on success, else the runtime's
/// error.
std::string timeRuns(inception_model *model, const inception_weights *weights,
                     int threads, const NpyArray &input, NpyArray &output,
                     long long warmup, long long runs,
                     std::vector<double> &milliseconds);

} // namespace inception

#endif // INCEPTION_TOOLS_MODELINPUT_H
