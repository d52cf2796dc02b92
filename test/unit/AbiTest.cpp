//===- AbiTest.cpp - The model ABI's layout is pinned to its version -------===//
//
// inception_model_info is read by runtimes built separately from the
// libraries they load: a change to its layout or to an entry point's
// signature without a new INCEPTION_ABI_VERSION (or the reverse) fails
// here. Update the table together with the version.
//
//===----------------------------------------------------------------------===//

#include "inception/model_abi.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>

namespace {

static_assert(INCEPTION_ABI_VERSION == 6,
              "the layout below is version 6's: update it with the version");

using RunFn = int (*)(const float *, float *, void *, size_t);
using RunThreadsFn = int (*)(const float *, float *, void *, size_t, int);
using RunProfiledFn = int (*)(const float *, float *, void *, size_t, int,
                              inception_layer_event *, size_t, size_t *);
static_assert(std::is_same_v<decltype(inception_model_info::run), RunFn>);
static_assert(
    std::is_same_v<decltype(inception_model_info::run_threads), RunThreadsFn>);
static_assert(std::is_same_v<decltype(inception_model_info::run_profiled),
                             RunProfiledFn>);
using PrepareFn = int (*)(const float *const *, void *);
using RunWeightsFn = int (*)(const void *, const float *, float *, void *,
                             size_t, int);
using RunProfiledWeightsFn = int (*)(const void *, const float *, float *,
                                     void *, size_t, int,
                                     inception_layer_event *, size_t, size_t *);
static_assert(std::is_same_v<decltype(inception_model_info::prepare_weights),
                             PrepareFn>);
static_assert(
    std::is_same_v<decltype(inception_model_info::run_weights), RunWeightsFn>);
static_assert(
    std::is_same_v<decltype(inception_model_info::run_profiled_weights),
                   RunProfiledWeightsFn>);
using RunDeviceFn = int (*)(void *, size_t, const void *, const float *,
                            float *, void *, void *);
static_assert(
    std::is_same_v<decltype(inception_model_info::run_device), RunDeviceFn>);
static_assert(std::is_same_v<decltype(inception_model_info::release_workspace),
                             void (*)(void *)>);
static_assert(std::is_same_v<decltype(inception_model_info::workspace_size),
                             size_t (*)(int)>);
static_assert(std::is_same_v<decltype(inception_model_info::last_error),
                             const char *(*)(void)>);

TEST(ModelAbi, ModelInfoLayoutIsVersion5) {
  ASSERT_EQ(sizeof(void *), 8u) << "the table is for LP64 targets";
  EXPECT_EQ(offsetof(inception_model_info, abi_version), 0u);
  EXPECT_EQ(offsetof(inception_model_info, compiler_version), 8u);
  EXPECT_EQ(offsetof(inception_model_info, name), 16u);
  EXPECT_EQ(offsetof(inception_model_info, num_inputs), 24u);
  EXPECT_EQ(offsetof(inception_model_info, inputs), 32u);
  EXPECT_EQ(offsetof(inception_model_info, num_outputs), 40u);
  EXPECT_EQ(offsetof(inception_model_info, outputs), 48u);
  EXPECT_EQ(offsetof(inception_model_info, workspace_base_size), 56u);
  EXPECT_EQ(offsetof(inception_model_info, workspace_per_thread), 64u);
  EXPECT_EQ(offsetof(inception_model_info, workspace_alignment), 72u);
  EXPECT_EQ(offsetof(inception_model_info, workspace_size), 80u);
  EXPECT_EQ(offsetof(inception_model_info, run), 88u);
  EXPECT_EQ(offsetof(inception_model_info, last_error), 96u);
  EXPECT_EQ(offsetof(inception_model_info, run_threads), 104u);
  EXPECT_EQ(offsetof(inception_model_info, num_layers), 112u);
  EXPECT_EQ(offsetof(inception_model_info, layer_names), 120u);
  EXPECT_EQ(offsetof(inception_model_info, run_profiled), 128u);
  EXPECT_EQ(offsetof(inception_model_info, num_parameters), 136u);
  EXPECT_EQ(offsetof(inception_model_info, parameters), 144u);
  EXPECT_EQ(offsetof(inception_model_info, num_ignored_keys), 152u);
  EXPECT_EQ(offsetof(inception_model_info, ignored_keys), 160u);
  EXPECT_EQ(offsetof(inception_model_info, weights_size), 168u);
  EXPECT_EQ(offsetof(inception_model_info, weights_alignment), 176u);
  EXPECT_EQ(offsetof(inception_model_info, prepare_weights), 184u);
  EXPECT_EQ(offsetof(inception_model_info, run_weights), 192u);
  EXPECT_EQ(offsetof(inception_model_info, run_profiled_weights), 200u);
  EXPECT_EQ(offsetof(inception_model_info, device), 208u);
  EXPECT_EQ(offsetof(inception_model_info, device_workspace_size), 216u);
  EXPECT_EQ(offsetof(inception_model_info, run_device), 224u);
  EXPECT_EQ(offsetof(inception_model_info, release_workspace), 232u);
  EXPECT_EQ(offsetof(inception_model_info, layer_backends), 240u);
  EXPECT_EQ(sizeof(inception_model_info), 248u);
  EXPECT_EQ(INCEPTION_DEVICE_CPU, 0);
  EXPECT_EQ(INCEPTION_DEVICE_CUDA, 1);
}

TEST(ModelAbi, TensorAndEventLayouts) {
  EXPECT_EQ(offsetof(inception_tensor_info, name), 0u);
  EXPECT_EQ(offsetof(inception_tensor_info, dtype), 8u);
  EXPECT_EQ(offsetof(inception_tensor_info, rank), 16u);
  EXPECT_EQ(offsetof(inception_tensor_info, shape), 24u);
  EXPECT_EQ(sizeof(inception_tensor_info), 32u);
  EXPECT_EQ(offsetof(inception_layer_event, layer), 0u);
  EXPECT_EQ(offsetof(inception_layer_event, start_us), 8u);
  EXPECT_EQ(offsetof(inception_layer_event, duration_us), 16u);
  EXPECT_EQ(sizeof(inception_layer_event), 24u);
}

TEST(ModelAbi, StatusCodesAreStable) {
  EXPECT_EQ(INCEPTION_OK, 0);
  EXPECT_EQ(INCEPTION_ERROR_NULL_ARGUMENT, 1);
  EXPECT_EQ(INCEPTION_ERROR_OUT_OF_MEMORY, 2);
  EXPECT_EQ(INCEPTION_ERROR_MISALIGNED_WORKSPACE, 3);
  EXPECT_EQ(INCEPTION_ERROR_SHAPE, 4);
  EXPECT_EQ(INCEPTION_ERROR_LOAD, 5);
  EXPECT_EQ(INCEPTION_ERROR_VERSION, 6);
  EXPECT_EQ(INCEPTION_ERROR_INVALID_ARGUMENT, 7);
  EXPECT_EQ(INCEPTION_ERROR_IO, 8);
  EXPECT_EQ(INCEPTION_ERROR_WEIGHTS, 9);
  EXPECT_EQ(INCEPTION_ERROR_WORKSPACE_SIZE, 10);
  EXPECT_EQ(INCEPTION_ERROR_NO_DEVICE, 11);
  EXPECT_EQ(INCEPTION_ERROR_DEVICE, 12);
  EXPECT_EQ(INCEPTION_ERROR_INTERNAL, 13);
}

} // namespace
