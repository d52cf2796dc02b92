//===- WeightsTest.cpp - Weight sets loaded at run time -------------------===//
//
// The runtime's weight loader against the hand-written model that takes its
// weights at load (fake_model.c with FAKE_MODEL_WEIGHTS: y = w x + b over
// four elements, parameters "layer.weight" and "layer.bias"): the checks of
// every key, shape and dtype, the file's own checks (the safetensors
// reader's), several weight sets of one model, and contexts choosing theirs.
//
//===----------------------------------------------------------------------===//

#include "inception/runtime.h"
#include "test/unit/SafeTensorsImage.h"

#include "gtest/gtest.h"
#include <cstdio>
#include <dlfcn.h>
#include <string>
#include <thread>
#include <vector>

using inception::test::floats;
using inception::test::makeFile;

namespace {

struct Loaded {
  inception_model *model = nullptr;
  explicit Loaded(const char *path = INCEPTION_FAKE_MODEL_WEIGHTS_PATH) {
    EXPECT_EQ(inception_model_load(path, &model), INCEPTION_OK)
        << inception_last_error();
  }
  ~Loaded() { inception_model_free(model); }
};

/// A state_dict of the fake model: weight w, bias b, and `extra` entries
/// (already formatted, each followed by a comma) before them.
std::string checkpoint(std::initializer_list<float> w,
                       std::initializer_list<float> b,
                       const std::string &extra = "",
                       const std::string &extraData = "") {
  size_t base = extraData.size();
  std::string header =
      "{" + extra + R"("layer.weight":{"dtype":"F32","shape":[4],"data_offsets":[)" +
      std::to_string(base) + "," + std::to_string(base + 16) +
      R"(]},"layer.bias":{"dtype":"F32","shape":[4],"data_offsets":[)" +
      std::to_string(base + 16) + "," + std::to_string(base + 32) + "]}}";
  return makeFile(header, extraData + floats(w) + floats(b));
}

/// Loads `image` into the model; the runtime's message ("" on success).
std::string loadError(const inception_model *model, const std::string &image,
                      int expected = INCEPTION_ERROR_WEIGHTS) {
  inception_weights *weights = nullptr;
  int status = inception_model_load_weights_from_memory(model, image.data(),
                                                        image.size(), &weights);
  EXPECT_EQ(status, expected) << inception_last_error();
  EXPECT_EQ(weights == nullptr, status != INCEPTION_OK);
  inception_weights_free(weights);
  return status == INCEPTION_OK ? "" : inception_last_error();
}

TEST(Weights, ContextsRunWithTheWeightSetTheyChoose) {
  Loaded loaded;
  ASSERT_TRUE(inception_model_takes_weights(loaded.model));
  std::string first = checkpoint({1, 2, 3, 4}, {0, 0, 0, 1});
  std::string second = checkpoint({-1, -1, -1, -1}, {10, 10, 10, 10});
  inception_weights *a = nullptr, *b = nullptr;
  ASSERT_EQ(inception_model_load_weights_from_memory(
                loaded.model, first.data(), first.size(), &a),
            INCEPTION_OK)
      << inception_last_error();
  ASSERT_EQ(inception_model_load_weights_from_memory(
                loaded.model, second.data(), second.size(), &b),
            INCEPTION_OK)
      << inception_last_error();

  inception_context *context = nullptr, *other = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  ASSERT_EQ(inception_context_create(loaded.model, &other), INCEPTION_OK);
  float input[4] = {1, 1, 2, 2}, output[4] = {};
  // No weight set yet.
  EXPECT_EQ(inception_run(context, input, 4, output, 4),
            INCEPTION_ERROR_WEIGHTS);
  EXPECT_STREQ(inception_last_error(),
               "inception_run: 'affine' takes its weights at load: load a "
               "weights file (inception_model_load_weights) and set it on the "
               "context (inception_context_set_weights)");

  ASSERT_EQ(inception_context_set_weights(context, a), INCEPTION_OK);
  ASSERT_EQ(inception_context_set_weights(other, b), INCEPTION_OK);
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(std::vector<float>(output, output + 4),
            (std::vector<float>{1, 2, 6, 9}));
  ASSERT_EQ(inception_run(other, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(std::vector<float>(output, output + 4),
            (std::vector<float>{9, 9, 8, 8}));
  // A context switches sets between runs.
  ASSERT_EQ(inception_context_set_weights(context, b), INCEPTION_OK);
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(output[0], 9.0f);

  // Threads load and run at once: loading takes no lock a run waits on.
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      inception_context *mine = nullptr;
      if (inception_context_create(loaded.model, &mine) != INCEPTION_OK) {
        failures[t] = 1;
        return;
      }
      for (int i = 0; i < 50; ++i) {
        inception_weights *fresh = nullptr;
        float in[4] = {1, 1, 1, 1}, out[4];
        failures[t] += inception_model_load_weights_from_memory(
                           loaded.model, first.data(), first.size(), &fresh) ||
                       inception_context_set_weights(mine, fresh) ||
                       inception_run(mine, in, 4, out, 4) || out[3] != 5.0f;
        inception_context_set_weights(mine, nullptr);
        inception_weights_free(fresh);
      }
      inception_context_free(mine);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));

  inception_context_free(context);
  inception_context_free(other);
  inception_weights_free(a);
  inception_weights_free(b);
}

TEST(Weights, AGpuLibrarysStateStartsAnewWithAnotherWeightSet) {
  // A GPU library keeps the device copy of the arena it last ran with,
  // known by its address: the runtime zeroes the workspace of a new
  // context, and releases it when the context takes another weight set
  // (which may be allocated where a freed one was) and when it is freed.
  Loaded loaded(INCEPTION_FAKE_MODEL_GPU_PATH);
  void *library = dlopen(INCEPTION_FAKE_MODEL_GPU_PATH, RTLD_NOW);
  ASSERT_NE(library, nullptr);
  auto counts = reinterpret_cast<void (*)(int *, int *)>(
      dlsym(library, "fake_model_gpu_counts"));
  ASSERT_NE(counts, nullptr);
  std::string first = checkpoint({1, 2, 3, 4}, {0, 0, 0, 1});
  std::string second = checkpoint({-1, -1, -1, -1}, {10, 10, 10, 10});
  inception_weights *a = nullptr, *b = nullptr;
  ASSERT_EQ(inception_model_load_weights_from_memory(
                loaded.model, first.data(), first.size(), &a),
            INCEPTION_OK);
  ASSERT_EQ(inception_model_load_weights_from_memory(
                loaded.model, second.data(), second.size(), &b),
            INCEPTION_OK);
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  float input[4] = {1, 1, 2, 2}, output[4] = {};
  int setUp = 0, released = 0;
  ASSERT_EQ(inception_context_set_weights(context, a), INCEPTION_OK);
  for (int run = 0; run < 2; ++run)
    ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  counts(&setUp, &released);
  EXPECT_EQ(setUp, 1);
  EXPECT_EQ(released, 0);
  ASSERT_EQ(inception_context_set_weights(context, b), INCEPTION_OK);
  ASSERT_EQ(inception_context_set_weights(context, b), INCEPTION_OK);
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(output[0], 9.0f);
  counts(&setUp, &released);
  EXPECT_EQ(setUp, 2);
  EXPECT_EQ(released, 1);
  inception_context_free(context);
  counts(&setUp, &released);
  EXPECT_EQ(released, 2);
  inception_weights_free(a);
  inception_weights_free(b);
  dlclose(library);
}

TEST(Weights, FromAFile) {
  Loaded loaded;
  std::string path = testing::TempDir() + "inception_weights_test.safetensors";
  std::string image = checkpoint({1, 1, 1, 1}, {2, 2, 2, 2});
  FILE *file = std::fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  std::fwrite(image.data(), 1, image.size(), file);
  std::fclose(file);
  inception_weights *weights = nullptr;
  ASSERT_EQ(inception_model_load_weights(loaded.model, path.c_str(), &weights),
            INCEPTION_OK)
      << inception_last_error();
  std::remove(path.c_str()); // the set keeps nothing of the file
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  ASSERT_EQ(inception_context_set_weights(context, weights), INCEPTION_OK);
  float input[4] = {1, 2, 3, 4}, output[4];
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(output[3], 6.0f);
  inception_context_free(context);
  inception_weights_free(weights);

  EXPECT_EQ(inception_model_load_weights(loaded.model, path.c_str(), &weights),
            INCEPTION_ERROR_IO);
  EXPECT_EQ(std::string(inception_last_error()),
            "cannot open weights file '" + path +
                "': No such file or directory");
  EXPECT_EQ(weights, nullptr);
  EXPECT_EQ(inception_model_load_weights(loaded.model, testing::TempDir().c_str(),
                                         &weights),
            INCEPTION_ERROR_IO);
}

TEST(Weights, EveryKeyShapeAndDtypeIsChecked) {
  Loaded loaded;
  const inception_model *model = loaded.model;
  // Ignored: the model's ignored keys and batch-norm bookkeeping.
  EXPECT_EQ(loadError(model,
                      checkpoint({1, 1, 1, 1}, {0, 0, 0, 0},
                                 R"("aux.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                 R"("bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[4,12]},)",
                                 floats({7}) + std::string(8, '\0')),
                      INCEPTION_OK),
            "");
  EXPECT_EQ(loadError(model, makeFile(R"({"layer.weight":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                                      floats({1, 2, 3, 4}))),
            "<memory>: weight 'layer.bias' of shape [4] is missing");
  EXPECT_EQ(loadError(model, makeFile(R"({"layer.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                                      R"("layer.bias":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}})",
                                      floats({1, 2, 3, 4, 5, 6, 7, 8}))),
            "<memory>: weight 'layer.weight' has shape [2, 2] but the model "
            "expects [4]");
  EXPECT_EQ(loadError(model, makeFile(R"({"layer.weight":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},)"
                                      R"("layer.bias":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                                      std::string(8, '\0') + floats({1, 2, 3, 4}))),
            "<memory>: weight 'layer.weight' has dtype F16; the model takes F32");
  EXPECT_EQ(loadError(model, checkpoint({1, 1, 1, 1}, {0, 0, 0, 0},
                                        R"("fc.weight":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                        R"("fc.bias":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},)",
                                        floats({1, 2}))),
            "<memory>: tensor 'fc.weight' of shape [1] is not used by the "
            "model (and more)");
  // The reader's own checks, with the source's name.
  std::string good = checkpoint({1, 1, 1, 1}, {0, 0, 0, 0});
  EXPECT_EQ(loadError(model, good.substr(0, good.size() - 1)),
            "<memory>: tensor 'layer.bias': data_offsets [16, 32] run past the "
            "31 bytes of data");
  EXPECT_EQ(loadError(model, makeFile("{oops", "")),
            "<memory>: header is not valid JSON: at byte 1: expected an object "
            "key");
  EXPECT_EQ(loadError(model, std::string(3, '\0')),
            "<memory>: file is 3 bytes, too short for the 8-byte header "
            "length");
  // Misaligned data is copied before the model reads it as floats.
  std::string shifted = checkpoint({1, 1, 1, 1}, {0, 0, 0, 0});
  std::string misaligned = " " + shifted;
  inception_weights *weights = nullptr;
  EXPECT_EQ(inception_model_load_weights_from_memory(
                model, misaligned.data() + 1, shifted.size(), &weights),
            INCEPTION_OK)
      << inception_last_error();
  inception_weights_free(weights);
}

/// Every image the compiler's reader rejects (SafeTensorsTest.cpp's
/// corpus), through the loader: the same message, for "<memory>".
class MalformedWeights
    : public testing::TestWithParam<inception::test::MalformedImage> {};

TEST_P(MalformedWeights, AreRejectedWithTheReadersMessage) {
  Loaded loaded;
  EXPECT_EQ(loadError(loaded.model, GetParam().image),
            std::string("<memory>: ") + GetParam().message)
      << GetParam().what;
}

INSTANTIATE_TEST_SUITE_P(Cases, MalformedWeights,
                         testing::ValuesIn(inception::test::malformedImages()),
                         inception::test::malformedImageName);

TEST(Weights, WrongCallsAreErrors) {
  Loaded loaded;
  Loaded builtIn(INCEPTION_FAKE_MODEL_PATH);
  std::string image = checkpoint({1, 1, 1, 1}, {0, 0, 0, 0});
  inception_weights *weights = nullptr;
  EXPECT_FALSE(inception_model_takes_weights(builtIn.model));
  EXPECT_EQ(inception_model_load_weights_from_memory(
                builtIn.model, image.data(), image.size(), &weights),
            INCEPTION_ERROR_WEIGHTS);
  EXPECT_STREQ(inception_last_error(),
               "inception_model_load_weights_from_memory: 'doubler' has its "
               "weights built in; it takes none at load");
  EXPECT_EQ(inception_model_load_weights_from_memory(nullptr, image.data(),
                                                     image.size(), &weights),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_model_load_weights(loaded.model, nullptr, &weights),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_model_load_weights_from_memory(loaded.model, image.data(),
                                                     image.size(), nullptr),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_context_set_weights(nullptr, nullptr),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_FALSE(inception_model_takes_weights(nullptr));

  // A set belongs to the model it was loaded for.
  ASSERT_EQ(inception_model_load_weights_from_memory(
                loaded.model, image.data(), image.size(), &weights),
            INCEPTION_OK);
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(builtIn.model, &context), INCEPTION_OK);
  EXPECT_EQ(inception_context_set_weights(context, weights),
            INCEPTION_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(inception_last_error(),
               "inception_context_set_weights: the weights were loaded for "
               "'affine', the context runs 'doubler'");
  inception_context_free(context);
  inception_weights_free(weights);
  inception_weights_free(nullptr);
}

} // namespace
