//===- RuntimeTest.cpp - The runtime's C API ------------------------------===//

#include "inception/runtime.h"
#include "large_alloc.h"

#include "gtest/gtest.h"
#include <atomic>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

/// The hand-written model library built beside this test (fake_model.c).
const char *fakeModelPath() { return INCEPTION_FAKE_MODEL_PATH; }

struct Loaded {
  inception_model *model = nullptr;
  Loaded() { EXPECT_EQ(inception_model_load(fakeModelPath(), &model), INCEPTION_OK)
                 << inception_last_error(); }
  ~Loaded() { inception_model_free(model); }
};

TEST(Runtime, LoadsAndDescribesAModel) {
  Loaded loaded;
  const inception_model_info *info = inception_model_get_info(loaded.model);
  ASSERT_NE(info, nullptr);
  EXPECT_STREQ(info->name, "doubler");
  EXPECT_EQ(inception_model_input_elements(loaded.model, 0), 4u);
  EXPECT_EQ(inception_model_output_elements(loaded.model, 0), 4u);
  EXPECT_EQ(inception_model_input_elements(loaded.model, 1), 0u);
  EXPECT_EQ(inception_model_output_elements(loaded.model, -1), 0u);
}

TEST(Runtime, RunsInAContext) {
  Loaded loaded;
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  float input[4] = {1, 2, 3, 4}, output[4] = {};
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(output[3], 8.0f);
  inception_context_free(context);
}

extern "C" int fake_model_last_threads;

TEST(Runtime, ContextsCarryAThreadCount) {
  Loaded loaded;
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  float input[4] = {}, output[4];
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(fake_model_last_threads, 0); // the library's default
  ASSERT_EQ(inception_context_set_num_threads(context, 3), INCEPTION_OK);
  ASSERT_EQ(inception_run(context, input, 4, output, 4), INCEPTION_OK);
  EXPECT_EQ(fake_model_last_threads, 3);
  EXPECT_EQ(inception_context_set_num_threads(context, -1),
            INCEPTION_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(inception_last_error(),
               "the thread count must not be negative, got -1");
  EXPECT_EQ(inception_context_set_num_threads(nullptr, 1),
            INCEPTION_ERROR_NULL_ARGUMENT);
  inception_context_free(context);
}

TEST(Runtime, ContextsRunConcurrently) {
  Loaded loaded;
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      inception_context *context = nullptr;
      if (inception_context_create(loaded.model, &context) != INCEPTION_OK) {
        failures[t] = 1;
        return;
      }
      for (int i = 0; i < 1000; ++i) {
        float input[4] = {float(t), 1, 2, float(i)}, output[4];
        if (inception_run(context, input, 4, output, 4) != INCEPTION_OK ||
            output[0] != 2.0f * t || output[3] != 2.0f * i)
          failures[t] = 1;
      }
      inception_context_free(context);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(Runtime, LoadsAndFreesWhileOthersRun) {
  // Two threads run the model while a third loads, runs and frees it again
  // and again (the same library: dlopen counts the references).
  Loaded loaded;
  std::atomic<bool> done{false};
  std::vector<int> failures(3, 0);
  std::vector<std::thread> runners;
  for (int t = 0; t < 2; ++t)
    runners.emplace_back([&, t] {
      inception_context *context = nullptr;
      if (inception_context_create(loaded.model, &context) != INCEPTION_OK) {
        failures[t] = 1;
        return;
      }
      for (int i = 0; !done.load(); ++i) {
        float input[4] = {float(t), 0, 0, float(i % 100)}, output[4];
        if (inception_run(context, input, 4, output, 4) != INCEPTION_OK ||
            output[0] != 2.0f * t || output[3] != 2.0f * (i % 100))
          failures[t] = 1;
      }
      inception_context_free(context);
    });
  std::thread loader([&] {
    for (int i = 0; i < 200; ++i) {
      inception_model *model = nullptr;
      inception_context *context = nullptr;
      float input[4] = {1, 2, 3, 4}, output[4];
      if (inception_model_load(fakeModelPath(), &model) != INCEPTION_OK ||
          inception_context_create(model, &context) != INCEPTION_OK ||
          inception_run(context, input, 4, output, 4) != INCEPTION_OK ||
          output[3] != 8.0f)
        failures[2] = 1;
      inception_context_free(context);
      inception_model_free(model);
    }
    done = true;
  });
  loader.join();
  for (std::thread &runner : runners)
    runner.join();
  EXPECT_EQ(failures, std::vector<int>(3, 0));
}

TEST(Runtime, WrongShapesAreErrors) {
  Loaded loaded;
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  float input[5] = {}, output[5] = {};
  EXPECT_EQ(inception_run(context, input, 5, output, 4), INCEPTION_ERROR_SHAPE);
  EXPECT_STREQ(inception_last_error(),
               "input 'x' of 'doubler' has 4 elements, got 5");
  EXPECT_EQ(inception_run(context, input, 4, output, 3), INCEPTION_ERROR_SHAPE);
  EXPECT_STREQ(inception_last_error(),
               "output 'y' of 'doubler' has 4 elements, got 3");
  inception_context_free(context);
}

TEST(Runtime, NullPointersAreErrors) {
  EXPECT_EQ(inception_model_load(nullptr, nullptr), INCEPTION_ERROR_NULL_ARGUMENT);
  inception_model *model = nullptr;
  EXPECT_EQ(inception_model_load(nullptr, &model), INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_context_create(nullptr, nullptr), INCEPTION_ERROR_NULL_ARGUMENT);
  float data[4] = {};
  EXPECT_EQ(inception_run(nullptr, data, 4, data, 4), INCEPTION_ERROR_NULL_ARGUMENT);
  Loaded loaded;
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  EXPECT_EQ(inception_run(context, nullptr, 4, data, 4), INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_run(context, data, 4, nullptr, 4), INCEPTION_ERROR_NULL_ARGUMENT);
  inception_context_free(context);
  // Freeing null is a no-op, as with free().
  inception_context_free(nullptr);
  inception_model_free(nullptr);
  EXPECT_EQ(inception_model_get_info(nullptr), nullptr);
}

TEST(Runtime, LoadErrorsNameTheFile) {
  inception_model *model = reinterpret_cast<inception_model *>(1);
  EXPECT_EQ(inception_model_load("/nonexistent/libmodel.so", &model),
            INCEPTION_ERROR_LOAD);
  EXPECT_EQ(model, nullptr);
  EXPECT_NE(std::string(inception_last_error()).find("/nonexistent/libmodel.so"),
            std::string::npos);
}

TEST(Runtime, ProfiledRunsNeedAProfileAndTheirPointers) {
  Loaded loaded;
  inception_context *context = nullptr;
  ASSERT_EQ(inception_context_create(loaded.model, &context), INCEPTION_OK);
  float input[4] = {}, output[4];
  inception_layer_event events[4];
  size_t count = 7;
  // The fake library was not compiled with a profile.
  EXPECT_EQ(inception_run_profiled(context, input, 4, output, 4, events, 4,
                                   &count),
            INCEPTION_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(inception_last_error(),
               "'doubler' has no layer profile: compile it with inceptionc "
               "--profile");
  EXPECT_EQ(inception_run_profiled(context, input, 4, output, 4, events, 4,
                                   nullptr),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_run_profiled(context, input, 4, output, 4, nullptr, 4,
                                   &count),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_run_profiled(context, input, 3, output, 4, events, 4,
                                   &count),
            INCEPTION_ERROR_SHAPE);
  EXPECT_EQ(inception_run_profiled(nullptr, input, 4, output, 4, events, 4,
                                   &count),
            INCEPTION_ERROR_NULL_ARGUMENT);
  inception_context_free(context);
}

/// The VmFlags of the mapping of this process that holds `address`
/// (/proc/self/smaps), or "" if none does.
std::string mappingFlags(const void *address) {
  std::ifstream smaps("/proc/self/smaps");
  auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    unsigned long long start, end;
    char dash;
    std::istringstream fields(line);
    if (line.rfind("VmFlags:", 0) == 0) {
      if (inside)
        return line;
    } else if (fields >> std::hex >> start >> dash >> end && dash == '-') {
      inside = start <= at && at < end;
    }
  }
  return "";
}

TEST(Runtime, LargeBuffersAskForHugePages) {
  // A workspace or weights arena of two huge pages or more: aligned and
  // rounded to them, its mapping advised (VmFlags "hg").
  size_t rounded = 0;
  void *large = inception_allocate_large(5 << 20, 64, &rounded);
  ASSERT_NE(large, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large) % (2 << 20), 0u);
  EXPECT_EQ(rounded, size_t(6) << 20);
  // (A kernel built without transparent huge pages has no such advice.)
  if (std::ifstream("/sys/kernel/mm/transparent_hugepage/enabled"))
    EXPECT_NE(mappingFlags(large).find(" hg"), std::string::npos)
        << mappingFlags(large);
  free(large);
  // Smaller ones keep the alignment asked for, no rounding past it.
  void *small = inception_allocate_large(100000, 64, &rounded);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small) % 64, 0u);
  EXPECT_EQ(rounded, 100032u);
  free(small);
  void *empty = inception_allocate_large(0, 128, &rounded);
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(rounded, 128u);
  free(empty);
}

TEST(Runtime, StatusStrings) {
  EXPECT_STREQ(inception_status_string(INCEPTION_OK), "success");
  EXPECT_STREQ(inception_status_string(INCEPTION_ERROR_SHAPE),
               "a tensor has the wrong number of elements");
  EXPECT_STREQ(inception_status_string(12345), "unknown status");
}

} // namespace
