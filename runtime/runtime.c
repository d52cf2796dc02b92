/*===- runtime.c - Load and run compiled Inception models -----------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "inception/runtime.h"
#include "large_alloc.h"
#include "weights_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct inception_model {
  void *handle;
  const inception_model_info *info;
};

struct inception_context {
  const inception_model *model;
  const inception_weights *weights;
  void *workspace;
  size_t workspace_size;
  int num_threads;
};

struct inception_weights {
  const inception_model *model;
  void *arena;
};

static _Thread_local char last_error[1024];

/* Records a message for inception_last_error() and returns `status`. */
static int fail(int status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}

const char *inception_last_error(void) { return last_error; }

const char *inception_status_string(int status) {
  switch (status) {
  case INCEPTION_OK: return "success";
  case INCEPTION_ERROR_NULL_ARGUMENT: return "a required pointer is null";
  case INCEPTION_ERROR_OUT_OF_MEMORY: return "out of memory";
  case INCEPTION_ERROR_MISALIGNED_WORKSPACE: return "the workspace is misaligned";
  case INCEPTION_ERROR_SHAPE: return "a tensor has the wrong number of elements";
  case INCEPTION_ERROR_LOAD: return "the model library cannot be loaded";
  case INCEPTION_ERROR_VERSION: return "the model library has another ABI version";
  case INCEPTION_ERROR_INVALID_ARGUMENT: return "an argument is out of range";
  case INCEPTION_ERROR_IO: return "a file cannot be read or written";
  case INCEPTION_ERROR_WEIGHTS: return "the weights file is missing or does not match the library";
  case INCEPTION_ERROR_WORKSPACE_SIZE: return "the workspace is smaller than the run needs";
  case INCEPTION_ERROR_NO_DEVICE: return "no CUDA driver or GPU is available";
  case INCEPTION_ERROR_DEVICE: return "the GPU failed";
  case INCEPTION_ERROR_INTERNAL: return "a layer's generated code failed";
  default: return "unknown status";
  }
}

static size_t elements(const inception_tensor_info *tensor) {
  size_t n = 1;
  for (int32_t d = 0; d < tensor->rank; ++d)
    n *= (size_t)tensor->shape[d];
  return n;
}

/* What is wrong with a library's description of the weights it takes at
   load, or null: the runtime calls what it describes, so a hand-written or
   damaged library must not make it call a null entry. */
static const char *malformed_weights(const inception_model_info *info) {
  if (!info->prepare_weights)
    return info->num_parameters || info->run_weights ||
                   info->run_profiled_weights
               ? "it describes weights taken at load but has no "
                 "prepare_weights"
               : NULL;
  if (!info->run_weights)
    return "it takes its weights at load but has no run_weights";
  if (info->num_layers && !info->run_profiled_weights)
    return "it has a layer profile but no run_profiled_weights";
  if (info->num_parameters < 0 || (info->num_parameters && !info->parameters) ||
      info->num_ignored_keys < 0 ||
      (info->num_ignored_keys && !info->ignored_keys))
    return "its parameter or ignored-key table is missing";
  for (int32_t i = 0; i < info->num_parameters; ++i)
    if (!info->parameters[i].name || info->parameters[i].rank < 0 ||
        (info->parameters[i].rank && !info->parameters[i].shape))
      return "a parameter has no name or shape";
  for (int32_t i = 0; i < info->num_ignored_keys; ++i)
    if (!info->ignored_keys[i])
      return "an ignored key is null";
  size_t alignment = info->weights_alignment;
  if (alignment & (alignment - 1))
    return "its weights alignment is not a power of two";
  return NULL;
}

/* What is wrong with the rest of a library's description, or null: the
   runtime divides by the workspace alignment and calls the entries. */
static const char *malformed_interface(const inception_model_info *info) {
  size_t alignment = info->workspace_alignment;
  if (!alignment || (alignment & (alignment - 1)))
    return "its workspace alignment is not a power of two";
  if (!info->workspace_size || !info->run || !info->run_threads ||
      !info->last_error)
    return "an entry (workspace_size, run, run_threads or last_error) is "
           "null";
  if (info->num_inputs < 1 || !info->inputs || info->num_outputs < 1 ||
      !info->outputs)
    return "its input or output table is missing";
  if (info->device != INCEPTION_DEVICE_CPU &&
      info->device != INCEPTION_DEVICE_CUDA)
    return "it names an unknown device";
  if (info->device == INCEPTION_DEVICE_CUDA &&
      (!info->run_device || !info->release_workspace))
    return "it runs on a GPU but has no run_device or release_workspace";
  return NULL;
}

int inception_model_load(const char *path, inception_model **model) {
  if (!path || !model)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "inception_model_load: path and model must not be null");
  *model = NULL;
  /* dlopen looks a name without a '/' up on the library search path only;
     "libgooglenet.so" means the file in the current folder first, as it
     does to every other tool. */
  char local[4096];
  const char *open_path = path;
  if (!strchr(path, '/') && access(path, F_OK) == 0) {
    if ((size_t)snprintf(local, sizeof local, "./%s", path) >= sizeof local)
      return fail(INCEPTION_ERROR_LOAD, "cannot load '%.64s...': the name is "
                  "too long", path);
    open_path = local;
  }
  void *handle = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return fail(INCEPTION_ERROR_LOAD, "cannot load '%s': %s", path, dlerror());
  inception_model_info_fn get_info =
      (inception_model_info_fn)dlsym(handle, INCEPTION_MODEL_INFO_SYMBOL);
  if (!get_info) {
    dlclose(handle);
    return fail(INCEPTION_ERROR_LOAD,
                "'%s' is not an Inception model library (no %s)", path,
                INCEPTION_MODEL_INFO_SYMBOL);
  }
  const inception_model_info *info = get_info();
  if (!info || info->abi_version != INCEPTION_ABI_VERSION) {
    /* The message reads the library's strings: format it before dlclose. */
    int status = fail(INCEPTION_ERROR_VERSION,
                      "'%s' was built for model ABI %u by inceptionc %s; this "
                      "runtime reads ABI %u",
                      path, info ? info->abi_version : 0u,
                      info ? info->compiler_version : "?",
                      (unsigned)INCEPTION_ABI_VERSION);
    dlclose(handle);
    return status;
  }
  const char *why = malformed_interface(info);
  if (!why)
    why = malformed_weights(info);
  if (why) {
    int status = fail(INCEPTION_ERROR_LOAD,
                      "'%s' is a malformed model library: %s", path, why);
    dlclose(handle);
    return status;
  }
  inception_model *result = malloc(sizeof *result);
  if (!result) {
    dlclose(handle);
    return fail(INCEPTION_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  result->handle = handle;
  result->info = info;
  *model = result;
  return INCEPTION_OK;
}

void inception_model_free(inception_model *model) {
  if (!model)
    return;
  dlclose(model->handle);
  free(model);
}

const inception_model_info *inception_model_get_info(const inception_model *model) {
  return model ? model->info : NULL;
}

size_t inception_model_input_elements(const inception_model *model, int32_t index) {
  if (!model || index < 0 || index >= model->info->num_inputs)
    return 0;
  return elements(&model->info->inputs[index]);
}

size_t inception_model_output_elements(const inception_model *model, int32_t index) {
  if (!model || index < 0 || index >= model->info->num_outputs)
    return 0;
  return elements(&model->info->outputs[index]);
}

/* Makes the context's workspace hold a run on `num_threads` threads (0:
   the library's default); allocates only when it grows. */
static int reserve_workspace(inception_context *context, int num_threads) {
  const inception_model_info *info = context->model->info;
  size_t size = info->workspace_size(num_threads);
  if (context->workspace && size <= context->workspace_size)
    return INCEPTION_OK;
  size_t rounded;
  void *workspace =
      inception_allocate_large(size, info->workspace_alignment, &rounded);
  if (!workspace)
    return fail(INCEPTION_ERROR_OUT_OF_MEMORY,
                "cannot allocate a %zu-byte workspace for '%s'", size,
                info->name);
  /* A GPU library's workspace holds its launch state, zeroed before the
     first run and released before it is freed. */
  if (info->release_workspace) {
    memset(workspace, 0, rounded);
    if (context->workspace)
      info->release_workspace(context->workspace);
  }
  free(context->workspace);
  context->workspace = workspace;
  context->workspace_size = rounded;
  return INCEPTION_OK;
}

int inception_context_create(const inception_model *model,
                             inception_context **context) {
  if (!model || !context)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "inception_context_create: model and context must not be null");
  *context = NULL;
  inception_context *result = calloc(1, sizeof *result);
  if (!result)
    return fail(INCEPTION_ERROR_OUT_OF_MEMORY, "out of memory");
  result->model = model;
  int status = reserve_workspace(result, 0);
  if (status != INCEPTION_OK) {
    free(result);
    return status;
  }
  *context = result;
  return INCEPTION_OK;
}

void inception_context_free(inception_context *context) {
  if (!context)
    return;
  if (context->workspace && context->model->info->release_workspace)
    context->model->info->release_workspace(context->workspace);
  free(context->workspace);
  free(context);
}

int inception_context_set_num_threads(inception_context *context,
                                      int num_threads) {
  if (!context)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "inception_context_set_num_threads: context must not be null");
  if (num_threads < 0)
    return fail(INCEPTION_ERROR_INVALID_ARGUMENT,
                "the thread count must not be negative, got %d", num_threads);
  int status = reserve_workspace(context, num_threads);
  if (status != INCEPTION_OK)
    return status;
  context->num_threads = num_threads;
  return INCEPTION_OK;
}

/* The checks both entry points make before running. */
static int check_run(const char *entry, inception_context *context,
                     const float *input, size_t input_elements, float *output,
                     size_t output_elements) {
  if (!context || !input || !output)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "%s: context, input and output must not be null", entry);
  const inception_model *model = context->model;
  size_t expected_in = inception_model_input_elements(model, 0);
  size_t expected_out = inception_model_output_elements(model, 0);
  if (input_elements != expected_in)
    return fail(INCEPTION_ERROR_SHAPE,
                "input '%s' of '%s' has %zu elements, got %zu",
                model->info->inputs[0].name, model->info->name, expected_in,
                input_elements);
  if (output_elements != expected_out)
    return fail(INCEPTION_ERROR_SHAPE,
                "output '%s' of '%s' has %zu elements, got %zu",
                model->info->outputs[0].name, model->info->name, expected_out,
                output_elements);
  if (inception_model_takes_weights(model) && !context->weights)
    return fail(INCEPTION_ERROR_WEIGHTS,
                "%s: '%s' takes its weights at load: load a weights file "
                "(inception_model_load_weights) and set it on the context "
                "(inception_context_set_weights)",
                entry, model->info->name);
  /* The default thread count (OMP_NUM_THREADS, or every core) may have
     grown since the workspace was sized. */
  return reserve_workspace(context, context->num_threads);
}

static int run_failed(const inception_model *model, int status) {
  const char *detail = model->info->last_error ? model->info->last_error() : "";
  return fail(status, "running '%s' failed: %s%s%s", model->info->name,
              inception_status_string(status), *detail ? ": " : "", detail);
}

int inception_run(inception_context *context, const float *input,
                  size_t input_elements, float *output, size_t output_elements) {
  int status = check_run("inception_run", context, input, input_elements,
                         output, output_elements);
  if (status != INCEPTION_OK)
    return status;
  const inception_model_info *info = context->model->info;
  status = context->weights
               ? info->run_weights(context->weights->arena, input, output,
                                   context->workspace, context->workspace_size,
                                   context->num_threads)
               : info->run_threads(input, output, context->workspace,
                                   context->workspace_size,
                                   context->num_threads);
  return status == INCEPTION_OK ? status : run_failed(context->model, status);
}

int inception_run_profiled(inception_context *context, const float *input,
                           size_t input_elements, float *output,
                           size_t output_elements,
                           inception_layer_event *events, size_t capacity,
                           size_t *count) {
  int status = check_run("inception_run_profiled", context, input,
                         input_elements, output, output_elements);
  if (status != INCEPTION_OK)
    return status;
  if (!count || (!events && capacity))
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "inception_run_profiled: events (with a capacity) and count "
                "must not be null");
  const inception_model_info *info = context->model->info;
  if (info->num_layers == 0)
    return fail(INCEPTION_ERROR_INVALID_ARGUMENT,
                "'%s' has no layer profile: compile it with inceptionc --profile",
                info->name);
  status = context->weights
               ? info->run_profiled_weights(
                     context->weights->arena, input, output,
                     context->workspace, context->workspace_size,
                     context->num_threads, events, capacity, count)
               : info->run_profiled(input, output, context->workspace,
                                    context->workspace_size,
                                    context->num_threads, events, capacity,
                                    count);
  return status == INCEPTION_OK ? status : run_failed(context->model, status);
}

int inception_context_set_weights(inception_context *context,
                                  const inception_weights *weights) {
  if (!context)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "inception_context_set_weights: context must not be null");
  if (weights && weights->model != context->model)
    return fail(INCEPTION_ERROR_INVALID_ARGUMENT,
                "inception_context_set_weights: the weights were loaded for "
                "'%s', the context runs '%s'",
                weights->model->info->name, context->model->info->name);
  /* A GPU library keeps the device copy of the last arena it ran with,
     known by its address; another set (which may live where a freed one
     was) starts the launch state anew. */
  const inception_model_info *info = context->model->info;
  if (context->weights && weights != context->weights &&
      info->release_workspace && context->workspace)
    info->release_workspace(context->workspace);
  context->weights = weights;
  return INCEPTION_OK;
}

int inception_model_takes_weights(const inception_model *model) {
  return model && model->info->prepare_weights != NULL;
}

/* The checks both loaders make first. */
static int check_load(const char *entry, const inception_model *model,
                      const void *source, inception_weights **weights) {
  if (!model || !source || !weights)
    return fail(INCEPTION_ERROR_NULL_ARGUMENT,
                "%s: model, the weights' source and weights must not be null",
                entry);
  *weights = NULL;
  if (!inception_model_takes_weights(model))
    return fail(INCEPTION_ERROR_WEIGHTS,
                "%s: '%s' has its weights built in; it takes none at load",
                entry, model->info->name);
  return INCEPTION_OK;
}

/* A new weight set holding `arena`, or the status of the load. */
static int adopt(const inception_model *model, int status, void *arena,
                 const char *message, inception_weights **weights) {
  if (status != INCEPTION_OK)
    return fail(status, "%s", message);
  inception_weights *set = calloc(1, sizeof *set);
  if (!set) {
    free(arena);
    return fail(INCEPTION_ERROR_OUT_OF_MEMORY, "out of memory");
  }
  set->model = model;
  set->arena = arena;
  *weights = set;
  return INCEPTION_OK;
}

int inception_model_load_weights_from_memory(const inception_model *model,
                                             const void *data, size_t size,
                                             inception_weights **weights) {
  int status = check_load("inception_model_load_weights_from_memory", model,
                          data, weights);
  if (status != INCEPTION_OK)
    return status;
  void *arena = NULL;
  char message[sizeof last_error];
  status = inception_prepare_weight_image(model->info, "<memory>", data, size,
                                          &arena, message, sizeof message);
  return adopt(model, status, arena, message, weights);
}

int inception_model_load_weights(const inception_model *model,
                                 const char *path,
                                 inception_weights **weights) {
  int status = check_load("inception_model_load_weights", model, path, weights);
  if (status != INCEPTION_OK)
    return status;
  void *arena = NULL;
  char message[sizeof last_error];
  status = inception_prepare_weight_file(model->info, path, &arena, message,
                                         sizeof message);
  return adopt(model, status, arena, message, weights);
}

void inception_weights_free(inception_weights *weights) {
  if (!weights)
    return;
  free(weights->arena);
  free(weights);
}
