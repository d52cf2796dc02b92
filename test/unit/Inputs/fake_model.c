/* A hand-written model library for the runtime's unit tests: y = 2x over a
 * [1, 4] tensor, with a 64-byte workspace it checks for alignment. */
#include "inception/model_abi.h"

#include <stdint.h>

static const int64_t shape[] = {1, 4};
static const inception_tensor_info inputs[] = {{"x", "f32", 2, shape}};
static const inception_tensor_info outputs[] = {{"y", "f32", 2, shape}};

static int run(const float *input, float *output, void *workspace) {
  if (!input || !output)
    return INCEPTION_ERROR_NULL_ARGUMENT;
  if (!workspace || (uintptr_t)workspace % 64)
    return INCEPTION_ERROR_MISALIGNED_WORKSPACE;
  for (int i = 0; i < 4; ++i)
    output[i] = 2.0f * input[i];
  return INCEPTION_OK;
}

static const char *last_error(void) { return ""; }

/* Records the thread count of the last call, for the tests to read. */
int fake_model_last_threads = -1;
static int run_threads(const float *input, float *output, void *workspace,
                       int num_threads) {
  fake_model_last_threads = num_threads;
  return run(input, output, workspace);
}

static const inception_model_info info = {
    INCEPTION_ABI_VERSION, "test", "doubler", 1, inputs, 1, outputs,
    64, 64, run, last_error, run_threads};

const inception_model_info *inception_model_info_v1(void) { return &info; }
