/* A hand-written model library for the runtime's unit tests: y = 2x over a
 * [1, 4] tensor, with a workspace of 64 bytes and 32 more per thread, which
 * it checks for alignment and size. */
#include "inception/model_abi.h"

#include <stdint.h>

static const int64_t shape[] = {1, 4};
static const inception_tensor_info inputs[] = {{"x", "f32", 2, shape}};
static const inception_tensor_info outputs[] = {{"y", "f32", 2, shape}};

/* 4 threads unless a run or the context asks for others. */
static size_t workspace_size(int num_threads) {
  return 64 + 32 * (size_t)(num_threads ? num_threads : 4);
}

/* Records the thread count of the last call, for the tests to read. */
int fake_model_last_threads = -1;
static int run_threads(const float *input, float *output, void *workspace,
                       size_t size, int num_threads) {
  fake_model_last_threads = num_threads;
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

static const inception_model_info info = {
    INCEPTION_ABI_VERSION, "test", "doubler", 1, inputs, 1, outputs,
    64, 32, 64, workspace_size, run, last_error, run_threads};

const inception_model_info *inception_model_info_v1(void) { return &info; }
