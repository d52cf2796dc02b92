/* A hand-written model library for the runtime's unit tests: y = 2x over a
 * [1, 4] tensor, with a workspace of 64 bytes and 32 more per thread, which
 * it checks for alignment and size. Built with FAKE_MODEL_WEIGHTS, it takes
 * its weights at load instead: y = w x + b, per element, from the
 * parameters "layer.weight" and "layer.bias" ([4] each), which it prepares
 * into an arena as [2 w, b] (the factor 2 stands for the transforms a
 * compiled model performs) and reads back halved. */
#include "inception/model_abi.h"

#include <stdint.h>

static const int64_t shape[] = {1, 4};
static const inception_tensor_info inputs[] = {{"x", "f32", 2, shape}};
static const inception_tensor_info outputs[] = {{"y", "f32", 2, shape}};

/* 4 threads unless a run or the context asks for others. */
static size_t workspace_size(int num_threads) {
  return 64 + 32 * (size_t)(num_threads ? num_threads : 4);
}

/* Records the thread count of the last call, for the tests to read. The
   tests link the built-in variant and load the other: each has its own
   name, so that the two libraries define no symbol twice (AddressSanitizer
   reports that as an ODR violation). */
#ifdef FAKE_MODEL_WEIGHTS
#define fake_model_last_threads fake_model_weights_last_threads
#endif
int fake_model_last_threads = -1;
static int run_threads(const float *input, float *output, void *workspace,
                       size_t size, int num_threads) {
  /* Atomic: contexts on several threads run at once (ThreadSanitizer). */
  __atomic_store_n(&fake_model_last_threads, num_threads, __ATOMIC_RELAXED);
  if (!input || !output)
    return INCEPTION_ERROR_NULL_ARGUMENT;
  if (!workspace || (uintptr_t)workspace % 64)
    return INCEPTION_ERROR_MISALIGNED_WORKSPACE;
  if (size < workspace_size(num_threads))
    return INCEPTION_ERROR_WORKSPACE_SIZE;
  for (int i = 0; i < 4; ++i)
    output[i] = 2.0f * input[i];
  return INCEPTION_OK;
}

static int run(const float *input, float *output, void *workspace,
               size_t size) {
  return run_threads(input, output, workspace, size, 0);
}

static const char *last_error(void) { return ""; }

#ifndef FAKE_MODEL_WEIGHTS
/* FAKE_MODEL_ALIGNMENT: a workspace alignment that is not a power of two
   (0 here), which the runtime refuses to load rather than divide by. */
#ifndef FAKE_MODEL_ALIGNMENT
#define FAKE_MODEL_ALIGNMENT 64
#endif
/* FAKE_MODEL_DEVICE: a library that says it runs on that device (a GPU,
   or an unknown one) without the entries a GPU library has, which the
   runtime refuses to load rather than call null. */
#ifndef FAKE_MODEL_DEVICE
#define FAKE_MODEL_DEVICE INCEPTION_DEVICE_CPU
#endif
static const inception_model_info info = {
    INCEPTION_ABI_VERSION, "test", "doubler", 1, inputs, 1, outputs,
    64, 32, FAKE_MODEL_ALIGNMENT, workspace_size, run, last_error, run_threads,
    0, NULL, NULL, 0, NULL, 0, NULL, 0, 0, NULL, NULL, NULL,
    FAKE_MODEL_DEVICE};
#else
static const int64_t vector_shape[] = {4};
static const inception_tensor_info parameters[] = {
    {"layer.weight", "f32", 1, vector_shape},
    {"layer.bias", "f32", 1, vector_shape}};
static const char *const ignored_keys[] = {"aux.weight"};

static int prepare_weights(const float *const *values, void *weights) {
  if (!values || !values[0] || !values[1] || !weights)
    return INCEPTION_ERROR_NULL_ARGUMENT;
  float *arena = weights;
  for (int i = 0; i < 4; ++i) {
    arena[i] = 2.0f * values[0][i];
    arena[4 + i] = values[1][i];
  }
  return INCEPTION_OK;
}

static int run_weights(const void *weights, const float *input, float *output,
                       void *workspace, size_t size, int num_threads) {
  if (!weights)
    return INCEPTION_ERROR_WEIGHTS;
  int status = run_threads(input, output, workspace, size, num_threads);
  const float *arena = weights;
  for (int i = 0; status == INCEPTION_OK && i < 4; ++i)
    output[i] = 0.5f * arena[i] * input[i] + arena[4 + i];
  return status;
}

static int no_weights(const float *input, float *output, void *workspace,
                      size_t size) {
  (void)input, (void)output, (void)workspace, (void)size;
  return INCEPTION_ERROR_WEIGHTS;
}

static int no_weights_threads(const float *input, float *output,
                              void *workspace, size_t size, int num_threads) {
  (void)num_threads;
  return no_weights(input, output, workspace, size);
}

/* FAKE_MODEL_BROKEN: a damaged description, which the runtime refuses to
   load rather than call a null entry. */
#ifdef FAKE_MODEL_BROKEN
#define RUN_WEIGHTS NULL
#else
#define RUN_WEIGHTS run_weights
#endif
/* FAKE_MODEL_GPU: the same as a GPU library would describe itself, with
   the workspace as its launch state: a run on a zeroed workspace sets it
   up, release_workspace zeroes it; both counted (fake_model_gpu_counts). */
#ifdef FAKE_MODEL_GPU
static int setups, releases;

__attribute__((visibility("default"))) void fake_model_gpu_counts(int *set_up,
                                                                   int *released) {
  *set_up = setups;
  *released = releases;
}

static int gpu_run_weights(const void *weights, const float *input,
                           float *output, void *workspace, size_t size,
                           int num_threads) {
  unsigned char *state = workspace;
  if (state && !state[0]) {
    state[0] = 1;
    ++setups;
  }
  return run_weights(weights, input, output, workspace, size, num_threads);
}

static int run_device(void *workspace, size_t size, const void *weights,
                      const float *input, float *output, void *device_workspace,
                      void *stream) {
  (void)workspace, (void)size, (void)weights, (void)input, (void)output;
  (void)device_workspace, (void)stream;
  return INCEPTION_ERROR_NO_DEVICE;
}

static void release_workspace(void *workspace) {
  ++releases;
  ((unsigned char *)workspace)[0] = 0;
}
#undef RUN_WEIGHTS
#define RUN_WEIGHTS gpu_run_weights
#endif

static const inception_model_info info = {
    INCEPTION_ABI_VERSION, "test", "affine", 1, inputs, 1, outputs,
    64, 32, 64, workspace_size, no_weights, last_error, no_weights_threads,
    0, NULL, NULL, 2, parameters, 1, ignored_keys, 8 * sizeof(float), 64,
    prepare_weights, RUN_WEIGHTS, NULL
#ifdef FAKE_MODEL_GPU
    , INCEPTION_DEVICE_CUDA, 256, run_device, release_workspace
#endif
};
#endif

const inception_model_info *inception_model_info_v1(void) { return &info; }
