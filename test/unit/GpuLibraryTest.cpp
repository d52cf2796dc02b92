//===- GpuLibraryTest.cpp - A GPU library's launch state, without a GPU ---===//
//
// runtime/gpu_library.c against a driver that simulates a GPU in host
// memory (Inputs/fake_gpu.c): a model whose host function launches two
// kernels runs through the same state machine as a compiled GPU library.
// The first run in a workspace sets it up (one device allocation) and
// launches directly, the second captures a graph, the third replays it;
// release frees what set up took. No GPU or CUDA installation is needed.
//
//===----------------------------------------------------------------------===//

#include "gpu_library.h"
#include "inception/model_abi.h"

#include "gtest/gtest.h"
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>

namespace {

// The process opens the driver once: the fake, before any test.
const bool driverChosen =
    setenv("INCEPTION_CUDA_DRIVER", INCEPTION_FAKE_GPU_PATH, 1) == 0;

struct Counters {
  int allocations, frees, modules, unloads, streams, stream_destroys;
  int launches, graph_launches, captures, contexts, context_releases;
  const void *loaded_image;
  int events, event_destroys;
  void *launch_stream, *graph_stream;
};

Counters &counters() {
  void *driver = dlopen(INCEPTION_FAKE_GPU_PATH, RTLD_NOW);
  auto state = reinterpret_cast<Counters *(*)()>(dlsym(driver, "fake_gpu_state"));
  return *state();
}

constexpr int64_t kElements = 4;

// What a compiled library's host function does: out = 2 * in, then
// out += weights, each one launch with its arguments' addresses.
void host(void *state, const float *input, float *output, void *workspace,
          const void *weights) {
  (void)workspace;
  int64_t n = kElements;
  void *twice[] = {&input, &output, &n};
  inception_gpu_launch(state, 0, 1, 1, 1, 32, 1, 1, 0, twice);
  void *add[] = {&weights, &output, &n};
  inception_gpu_launch(state, 1, 1, 1, 1, 32, 1, 1, 0, add);
}

const char *const kernelNames[] = {"twice", "add_weights"};
const unsigned char sm80[] = "sm_80 image", sm90[] = "sm_90 image";
const inception_gpu_image images[] = {{8, 0, sm80, sizeof sm80},
                                      {9, 0, sm90, sizeof sm90}};
const float builtin[kElements] = {1, 2, 3, 4};

inception_gpu_model model(const void *weights) {
  return {"fake", host, 2, images, 2, kernelNames,
          kElements * sizeof(float), kElements * sizeof(float),
          1024, kElements * sizeof(float), weights};
}

struct Workspace {
  alignas(INCEPTION_GPU_STATE_ALIGNMENT) unsigned char bytes[INCEPTION_GPU_STATE_SIZE] = {};
};

const float input[kElements] = {1, -1, 0.5f, 10};

TEST(GpuLibrary, RunsDirectlyThenCapturesThenReplaysAGraph) {
  ASSERT_TRUE(driverChosen);
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  Counters before = counters();
  float output[kElements];
  for (int run = 0; run < 3; ++run) {
    std::memset(output, 0, sizeof output);
    ASSERT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                                nullptr, input, output),
              INCEPTION_OK)
        << inception_gpu_last_error();
    EXPECT_EQ(output[0], 3.0f);
    EXPECT_EQ(output[1], 0.0f);
    EXPECT_EQ(output[2], 4.0f);
    EXPECT_EQ(output[3], 24.0f);
  }
  Counters after = counters();
  // Set up once: one context, module, stream and device allocation.
  EXPECT_EQ(after.contexts - before.contexts, 1);
  EXPECT_EQ(after.modules - before.modules, 1);
  EXPECT_EQ(after.streams - before.streams, 1);
  EXPECT_EQ(after.allocations - before.allocations, 1);
  EXPECT_EQ(after.loaded_image, sm90);
  // Run 1 launches; run 2 captures (its launches recorded) and replays;
  // run 3 only replays.
  EXPECT_EQ(after.launches - before.launches, 4);
  EXPECT_EQ(after.captures - before.captures, 1);
  EXPECT_EQ(after.graph_launches - before.graph_launches, 2);

  inception_gpu_release(&fake, workspace.bytes);
  Counters released = counters();
  EXPECT_EQ(released.frees - before.frees, 1);
  EXPECT_EQ(released.unloads - before.unloads, 1);
  EXPECT_EQ(released.stream_destroys - before.stream_destroys, 1);
  EXPECT_EQ(released.context_releases - before.context_releases, 1);
  for (unsigned char byte : workspace.bytes)
    ASSERT_EQ(byte, 0) << "a released workspace is zeroed";
  // Releasing again, or a workspace never run, does nothing.
  inception_gpu_release(&fake, workspace.bytes);
  EXPECT_EQ(counters().frees, released.frees);
}

TEST(GpuLibrary, AnOlderGpuGetsTheNewestImageItRuns) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  setenv("FAKE_GPU_CAPABILITY", "86", 1);
  float output[kElements];
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_OK);
  EXPECT_EQ(counters().loaded_image, sm80);
  inception_gpu_release(&fake, workspace.bytes);
  unsetenv("FAKE_GPU_CAPABILITY");
}

TEST(GpuLibrary, AGpuOlderThanEveryImageIsNoDevice) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  setenv("FAKE_GPU_CAPABILITY", "75", 1);
  Counters before = counters();
  float output[kElements];
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_ERROR_NO_DEVICE);
  EXPECT_STREQ(inception_gpu_last_error(),
               "the GPU has compute capability 7.5; the library has kernels "
               "for sm_80, sm_90 (inceptionc --gpu-arch)");
  unsetenv("FAKE_GPU_CAPABILITY");
  Counters after = counters();
  EXPECT_EQ(after.allocations - before.allocations,
            after.frees - before.frees);
  for (unsigned char byte : workspace.bytes)
    ASSERT_EQ(byte, 0) << "a failed set-up leaves the workspace zeroed";
}

TEST(GpuLibrary, WeightsBoundAtLoadAreUploadedWhenTheArenaChanges) {
  inception_gpu_model fake = model(nullptr);
  Workspace workspace;
  const float first[kElements] = {0, 0, 0, 100};
  const float second[kElements] = {5, 5, 5, 5};
  float output[kElements];
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_ERROR_WEIGHTS);
  for (const float *arena : {first, first, second, first}) {
    ASSERT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                                arena, input, output),
              INCEPTION_OK);
    for (int i = 0; i < kElements; ++i)
      EXPECT_EQ(output[i], 2 * input[i] + arena[i]);
  }
  inception_gpu_release(&fake, workspace.bytes);
}

TEST(GpuLibrary, DevicePointerRunsCaptureAgainForNewBuffers) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  // The fake's device memory is host memory.
  float first[kElements], second[kElements];
  Counters before = counters();
  for (float *output : {first, first, first, second, second}) {
    ASSERT_EQ(inception_gpu_run_device(&fake, workspace.bytes,
                                       sizeof workspace.bytes, nullptr, input,
                                       output, nullptr, nullptr),
              INCEPTION_OK);
    EXPECT_EQ(output[3], 24.0f);
  }
  Counters after = counters();
  // Direct, capture, replay, capture for `second`, replay.
  EXPECT_EQ(after.captures - before.captures, 2);
  EXPECT_EQ(after.graph_launches - before.graph_launches, 4);
  EXPECT_EQ(after.allocations - before.allocations, 1);
  inception_gpu_release(&fake, workspace.bytes);
}

// A null stream is CUDA's default stream, as everywhere in CUDA (PyTorch's
// default stream is null): the runs go there, and the graph, which that
// stream cannot capture, is captured on the workspace's own and replayed
// on whichever stream a run names.
TEST(GpuLibrary, DevicePointerRunsGoOnTheCallersStream) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  float output[kElements];
  int callers;
  void *streams[] = {nullptr, nullptr, nullptr, &callers, nullptr};
  Counters before = counters();
  for (void *stream : streams) {
    ASSERT_EQ(inception_gpu_run_device(&fake, workspace.bytes,
                                       sizeof workspace.bytes, nullptr, input,
                                       output, nullptr, stream),
              INCEPTION_OK)
        << inception_gpu_last_error();
    EXPECT_EQ(output[3], 24.0f);
    if (counters().graph_launches == before.graph_launches)
      EXPECT_EQ(counters().launch_stream, stream);
    else
      EXPECT_EQ(counters().graph_stream, stream);
  }
  Counters after = counters();
  // Direct, capture, replay, replay on another stream, replay.
  EXPECT_EQ(after.captures - before.captures, 1);
  EXPECT_EQ(after.graph_launches - before.graph_launches, 4);
  inception_gpu_release(&fake, workspace.bytes);
}

TEST(GpuLibrary, AFailingLaunchNamesTheKernel) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  setenv("FAKE_GPU_FAIL_KERNEL", "add_weights", 1);
  float output[kElements];
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_ERROR_DEVICE);
  EXPECT_STREQ(inception_gpu_last_error(),
               "launching kernel add_weights failed: CUDA_ERROR_LAUNCH_FAILED: "
               "unspecified launch failure (CUDA error 719)");
  unsetenv("FAKE_GPU_FAIL_KERNEL");
  // The state is still usable.
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_OK);
  inception_gpu_release(&fake, workspace.bytes);
}

TEST(GpuLibrary, AProfiledRunTimesEachKernelWithEvents) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  float output[kElements];
  inception_layer_event events[4];
  size_t count = 0;
  Counters before = counters();
  // Twice: on a new state, and on one whose launches are a graph already.
  for (int run = 0; run < 3; ++run) {
    if (run == 1) {
      ASSERT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                                  nullptr, input, output),
                INCEPTION_OK);
      continue;
    }
    ASSERT_EQ(inception_gpu_run_profiled(&fake, workspace.bytes,
                                         sizeof workspace.bytes, nullptr, input,
                                         output, events, 4, &count),
              INCEPTION_OK)
        << inception_gpu_last_error();
    ASSERT_EQ(count, 2u);
    EXPECT_EQ(output[3], 24.0f);
    EXPECT_EQ(events[0].layer, 0);
    EXPECT_DOUBLE_EQ(events[0].start_us, 0.0);
    EXPECT_DOUBLE_EQ(events[0].duration_us, 500.0);
    EXPECT_EQ(events[1].layer, 1);
    EXPECT_DOUBLE_EQ(events[1].start_us, 500.0);
    EXPECT_DOUBLE_EQ(events[1].duration_us, 500.0);
  }
  // Fewer places than kernels: the first ones, and the count of all.
  ASSERT_EQ(inception_gpu_run_profiled(&fake, workspace.bytes,
                                       sizeof workspace.bytes, nullptr, input,
                                       output, events, 1, &count),
            INCEPTION_OK);
  EXPECT_EQ(count, 2u);
  EXPECT_EQ(events[0].layer, 0);
  Counters after = counters();
  EXPECT_EQ(after.events - before.events,
            after.event_destroys - before.event_destroys);
  EXPECT_EQ(after.events - before.events, 3 * 5);
  EXPECT_EQ(inception_gpu_run_profiled(&fake, workspace.bytes,
                                       sizeof workspace.bytes, nullptr, input,
                                       output, nullptr, 4, &count),
            INCEPTION_ERROR_NULL_ARGUMENT);
  inception_gpu_release(&fake, workspace.bytes);
}

TEST(GpuLibrary, BadArgumentsAreStatusesNotCrashes) {
  inception_gpu_model fake = model(builtin);
  Workspace workspace;
  float output[kElements];
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, nullptr, output),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes + 8,
                              sizeof workspace.bytes - 8, nullptr, input, output),
            INCEPTION_ERROR_MISALIGNED_WORKSPACE);
  EXPECT_EQ(inception_gpu_run(&fake, workspace.bytes, 64, nullptr, input, output),
            INCEPTION_ERROR_WORKSPACE_SIZE);
  EXPECT_EQ(inception_gpu_run_device(&fake, nullptr, 0, nullptr, input, output,
                                     nullptr, nullptr),
            INCEPTION_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(inception_gpu_run_device(&fake, workspace.bytes,
                                     sizeof workspace.bytes, nullptr, input,
                                     output, workspace.bytes + 4, nullptr),
            INCEPTION_ERROR_MISALIGNED_WORKSPACE);
  // A null workspace: a state for one run, released after it.
  Counters before = counters();
  EXPECT_EQ(inception_gpu_run(&fake, nullptr, 0, nullptr, input, output),
            INCEPTION_OK);
  EXPECT_EQ(output[3], 24.0f);
  EXPECT_EQ(counters().frees - before.frees, 1);
  // A workspace set up for another model.
  ASSERT_EQ(inception_gpu_run(&fake, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_OK);
  inception_gpu_model other = model(builtin);
  EXPECT_EQ(inception_gpu_run(&other, workspace.bytes, sizeof workspace.bytes,
                              nullptr, input, output),
            INCEPTION_ERROR_INVALID_ARGUMENT);
  inception_gpu_release(&fake, workspace.bytes);
}

} // namespace
