/*===- FuzzWeights.c - libFuzzer target: the runtime's weight loader -----===*
 *
 * Any bytes as the safetensors state_dict of a model that takes three
 * parameters and ignores one key: the loader must accept exactly the
 * images that give every parameter its shape (then prepare_weights reads
 * each whole) or fail with a message.
 *
 *===----------------------------------------------------------------------===*/

#include "inception/model_abi.h"
#include "weights_loader.h"

#include <stdint.h>
#include <stdlib.h>

static const int64_t kConvWeight[] = {4, 3, 3, 3};
static const int64_t kConvBias[] = {4};
static const int64_t kDenseWeight[] = {10, 36};
static const inception_tensor_info kParameters[] = {
    {"conv.weight", "f32", 4, kConvWeight},
    {"conv.bias", "f32", 1, kConvBias},
    {"fc.weight", "f32", 2, kDenseWeight},
};
static const char *const kIgnored[] = {"unused.weight"};

/* Sums each parameter into the arena: reads every element (ASan checks). */
static int prepare(const float *const *parameters, void *weights) {
  float *sums = weights;
  const size_t counts[] = {4 * 3 * 3 * 3, 4, 10 * 36};
  for (int p = 0; p < 3; ++p) {
    sums[p] = 0;
    for (size_t i = 0; i < counts[p]; ++i)
      sums[p] += parameters[p][i];
  }
  return INCEPTION_OK;
}

static inception_model_info model(void) {
  inception_model_info info = {0};
  info.abi_version = INCEPTION_ABI_VERSION;
  info.name = "fuzz";
  info.num_parameters = 3;
  info.parameters = kParameters;
  info.num_ignored_keys = 1;
  info.ignored_keys = kIgnored;
  info.weights_size = 3 * sizeof(float);
  info.weights_alignment = 64;
  info.prepare_weights = prepare;
  return info;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  inception_model_info info = model();
  void *arena = NULL;
  char message[512] = {0};
  int status = inception_prepare_weight_image(
      &info, "fuzz.safetensors", data, size, &arena, message, sizeof(message));
  if (status == INCEPTION_OK)
    free(arena);
  else if (!message[0] || arena)
    abort();
  return 0;
}
