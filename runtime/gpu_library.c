/*===- gpu_library.c - The run time of a GPU model library ----------------===*
 *
 * See gpu_library.h. Setting a state up (the first run in a workspace)
 * allocates; a run after that only enqueues: its input copy, one graph
 * launch (the second run captures the launches the first made directly,
 * so that a failing kernel is reported by name), its output copy.
 *
 *===----------------------------------------------------------------------===*/

#include "gpu_library.h"
#include "cuda_driver.h"
#include "inception/model_abi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  COMPUTE_CAPABILITY_MAJOR = 75, /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_* */
  COMPUTE_CAPABILITY_MINOR = 76,
  STREAM_NON_BLOCKING = 1,
  CAPTURE_THREAD_LOCAL = 1, /* CU_STREAM_CAPTURE_MODE_THREAD_LOCAL */
};

static const uint64_t kStateMagic = 0x31555047636e49ull; /* "IncGPU1" */

typedef struct {
  uint64_t magic;
  void *self; /* a copied state is not a state */
  const inception_cuda_driver *cu;
  int device;
  void *context, *module, *stream;
  void **functions;
  const inception_gpu_model *model;
  inception_cu_deviceptr memory, input, output, workspace, weights;
  const void *uploaded; /* the host arena `weights` holds a copy of */
  /* The graph of a run's launches and the buffers it was captured with. */
  void *graph;
  inception_cu_deviceptr graph_input, graph_output, graph_workspace;
  int runs;
  /* Where inception_gpu_launch enqueues, and its first failure. */
  void *launch_stream;
  struct kernel_profile *profile; /* during a profiled run */
  inception_cu_result launch_error;
  int failed_kernel;
} gpu_state;

_Static_assert(sizeof(gpu_state) <= INCEPTION_GPU_STATE_SIZE,
               "INCEPTION_GPU_STATE_SIZE is too small");

/* The events around each launch of a profiled run. */
typedef struct kernel_profile {
  void **starts, **ends;
  int *kernels;
  int count, capacity;
  inception_cu_result error;
} kernel_profile;

static _Thread_local char last_error[1024];

const char *inception_gpu_last_error(void) { return last_error; }

static int fail(int status, const char *format, const char *a, const char *b) {
  snprintf(last_error, sizeof last_error, format, a, b);
  return status;
}

static int driver_failure(const gpu_state *state, const char *what,
                          inception_cu_result error) {
  const char *text = NULL;
  if (state->cu->cuGetErrorString(error, &text) != 0 || !text)
    text = "unknown error";
  char detail[256];
  snprintf(detail, sizeof detail, "%s (CUDA error %d)", text, error);
  return fail(INCEPTION_ERROR_DEVICE, "%s failed: %s", what, detail);
}

#define CHECK(state, call, what)                                               \
  do {                                                                         \
    inception_cu_result error_ = (call);                                       \
    if (error_ != 0)                                                           \
      return driver_failure(state, what, error_);                              \
  } while (0)

static size_t align_up(size_t size) {
  return (size + INCEPTION_GPU_DEVICE_ALIGNMENT - 1) /
         INCEPTION_GPU_DEVICE_ALIGNMENT * INCEPTION_GPU_DEVICE_ALIGNMENT;
}

/* The newest image the device runs: the highest architecture at or below
   its compute capability (a fatbin's PTX is compiled for newer ones). */
static const inception_gpu_image *select_image(const inception_gpu_model *model,
                                               int major, int minor) {
  const inception_gpu_image *best = NULL;
  for (int i = 0; i < model->num_images; ++i) {
    const inception_gpu_image *image = &model->images[i];
    if (image->major < major ||
        (image->major == major && image->minor <= minor))
      best = image;
  }
  return best;
}

static int set_up(gpu_state *state, const inception_gpu_model *model) {
  char message[512];
  memset(state, 0, sizeof *state);
  int status = inception_cuda_open(&state->cu, message, sizeof message);
  if (status != INCEPTION_OK)
    return fail(status, "%s%s", message, "");
  const inception_cuda_driver *cu = state->cu;
  state->model = model;
  CHECK(state, cu->cuDeviceGet(&state->device, 0), "cuDeviceGet");
  int major = 0, minor = 0;
  CHECK(state,
        cu->cuDeviceGetAttribute(&major, COMPUTE_CAPABILITY_MAJOR, state->device),
        "cuDeviceGetAttribute");
  CHECK(state,
        cu->cuDeviceGetAttribute(&minor, COMPUTE_CAPABILITY_MINOR, state->device),
        "cuDeviceGetAttribute");
  const inception_gpu_image *image = select_image(model, major, minor);
  if (!image) {
    char built[128] = "", capability[32];
    for (int i = 0; i < model->num_images; ++i) {
      size_t used = strlen(built);
      snprintf(built + used, sizeof built - used, "%ssm_%d%d", i ? ", " : "",
               model->images[i].major, model->images[i].minor);
    }
    snprintf(capability, sizeof capability, "%d.%d", major, minor);
    return fail(INCEPTION_ERROR_NO_DEVICE,
                "the GPU has compute capability %s; the library has kernels "
                "for %s (inceptionc --gpu-arch)",
                capability, built);
  }
  CHECK(state, cu->cuDevicePrimaryCtxRetain(&state->context, state->device),
        "cuDevicePrimaryCtxRetain");
  CHECK(state, cu->cuCtxSetCurrent(state->context), "cuCtxSetCurrent");
  CHECK(state, cu->cuModuleLoadData(&state->module, image->data),
        "cuModuleLoadData");
  state->functions = calloc((size_t)model->num_kernels + 1, sizeof(void *));
  if (!state->functions)
    return fail(INCEPTION_ERROR_OUT_OF_MEMORY, "%s%s",
                "cannot allocate the kernel table", "");
  for (int i = 0; i < model->num_kernels; ++i) {
    inception_cu_result error = cu->cuModuleGetFunction(
        &state->functions[i], state->module, model->kernel_names[i]);
    if (error != 0)
      return driver_failure(state, model->kernel_names[i], error);
  }
  CHECK(state, cu->cuStreamCreate(&state->stream, STREAM_NON_BLOCKING),
        "cuStreamCreate");
  /* One allocation: the workspace plan, the input, the output, the
     weights. */
  size_t workspace = align_up(model->device_workspace_size);
  size_t input = align_up(model->input_bytes);
  size_t output = align_up(model->output_bytes);
  size_t weights = align_up(model->weights_size);
  CHECK(state,
        cu->cuMemAlloc(&state->memory,
                       workspace + input + output + weights
                           ? workspace + input + output + weights
                           : INCEPTION_GPU_DEVICE_ALIGNMENT),
        "cuMemAlloc");
  state->workspace = state->memory;
  state->input = state->workspace + workspace;
  state->output = state->input + input;
  state->weights = state->output + output;
  if (model->builtin_weights && model->weights_size) {
    CHECK(state,
          cu->cuMemcpyHtoDAsync(state->weights, model->builtin_weights,
                                model->weights_size, state->stream),
          "uploading the weights");
    CHECK(state, cu->cuStreamSynchronize(state->stream), "uploading the weights");
  }
  state->self = state;
  state->magic = kStateMagic;
  return INCEPTION_OK;
}

static void tear_down(gpu_state *state) {
  const inception_cuda_driver *cu = state->cu;
  if (cu) {
    if (state->context)
      cu->cuCtxSetCurrent(state->context);
    if (state->stream)
      cu->cuStreamSynchronize(state->stream);
    if (state->graph)
      cu->cuGraphExecDestroy(state->graph);
    if (state->memory)
      cu->cuMemFree(state->memory);
    if (state->stream)
      cu->cuStreamDestroy(state->stream);
    if (state->module)
      cu->cuModuleUnload(state->module);
    if (state->context)
      cu->cuDevicePrimaryCtxRelease(state->device);
  }
  free(state->functions);
  memset(state, 0, sizeof *state);
}

void inception_gpu_release(const inception_gpu_model *model, void *workspace) {
  (void)model;
  gpu_state *state = workspace;
  if (state && state->magic == kStateMagic && state->self == state)
    tear_down(state);
}

/* Records an event pair around the next launch of a profiled run (which
   may allocate, unlike a run). */
static int profile_launch(gpu_state *state, int kernel, int end) {
  kernel_profile *profile = state->profile;
  if (profile->error)
    return 0;
  if (!end && profile->count == profile->capacity) {
    int capacity = profile->capacity ? 2 * profile->capacity : 256;
    void **starts = realloc(profile->starts, capacity * sizeof(void *));
    if (starts)
      profile->starts = starts;
    void **ends = realloc(profile->ends, capacity * sizeof(void *));
    if (ends)
      profile->ends = ends;
    int *kernels = realloc(profile->kernels, capacity * sizeof(int));
    if (kernels)
      profile->kernels = kernels;
    if (!starts || !ends || !kernels) {
      profile->error = 2; /* CUDA_ERROR_OUT_OF_MEMORY */
      return 0;
    }
    profile->capacity = capacity;
  }
  void **event = end ? &profile->ends[profile->count - 1]
                     : &profile->starts[profile->count];
  inception_cu_result error = state->cu->cuEventCreate(event, 0);
  if (!error)
    error = state->cu->cuEventRecord(*event, state->launch_stream);
  if (error) {
    if (!end)
      *event = NULL;
    profile->error = error;
    return 0;
  }
  if (!end) {
    profile->ends[profile->count] = NULL;
    profile->kernels[profile->count++] = kernel;
  }
  return 1;
}

void inception_gpu_launch(void *opaque, int kernel, int grid_x, int grid_y,
                          int grid_z, int block_x, int block_y, int block_z,
                          int shared_bytes, void **arguments) {
  gpu_state *state = opaque;
  if (state->launch_error)
    return;
  int profiled = state->profile && profile_launch(state, kernel, 0);
  inception_cu_result error = state->cu->cuLaunchKernel(
      state->functions[kernel], (unsigned)grid_x, (unsigned)grid_y,
      (unsigned)grid_z, (unsigned)block_x, (unsigned)block_y,
      (unsigned)block_z, (unsigned)shared_bytes, state->launch_stream,
      arguments, NULL);
  if (error) {
    state->launch_error = error;
    state->failed_kernel = kernel;
  }
  if (profiled)
    profile_launch(state, kernel, 1);
}

/* set_up, leaving a zeroed state and the message of its failure. */
static int set_up_or_clean(gpu_state *state, const inception_gpu_model *model) {
  int status = set_up(state, model);
  if (status != INCEPTION_OK) {
    char message[sizeof last_error];
    memcpy(message, last_error, sizeof message);
    tear_down(state);
    memcpy(last_error, message, sizeof message);
  }
  return status;
}

/* The state in `workspace`, set up on its first run. */
static int get_state(const inception_gpu_model *model, void *workspace,
                     size_t workspace_size, gpu_state **state) {
  if ((uintptr_t)workspace % INCEPTION_GPU_STATE_ALIGNMENT)
    return INCEPTION_ERROR_MISALIGNED_WORKSPACE;
  if (workspace_size < INCEPTION_GPU_STATE_SIZE)
    return INCEPTION_ERROR_WORKSPACE_SIZE;
  gpu_state *candidate = workspace;
  if (candidate->magic == kStateMagic && candidate->self == candidate) {
    if (candidate->model != model)
      return fail(INCEPTION_ERROR_INVALID_ARGUMENT, "%s%s",
                  "the workspace holds the state of another model", "");
    *state = candidate;
    return INCEPTION_OK;
  }
  int status = set_up_or_clean(candidate, model);
  if (status == INCEPTION_OK)
    *state = candidate;
  return status;
}

static int launch_failure(gpu_state *state) {
  inception_cu_result error = state->launch_error;
  state->launch_error = 0;
  char what[300];
  snprintf(what, sizeof what, "launching kernel %s",
           state->model->kernel_names[state->failed_kernel]);
  return driver_failure(state, what, error);
}

/* A run's launches on the state's launch stream, through the host
   function, on these device buffers and the state's weights. */
static void launch_run(gpu_state *state, inception_cu_deviceptr input,
                       inception_cu_deviceptr output,
                       inception_cu_deviceptr workspace) {
  state->model->host(state, (const float *)(uintptr_t)input,
                     (float *)(uintptr_t)output, (void *)(uintptr_t)workspace,
                     (const void *)(uintptr_t)state->weights);
}

/* Enqueues a run's launches on `stream` (null: CUDA's default stream): the
   first run directly, then as a graph, captured again when the buffers
   change. The capture runs on the state's own stream, so that any stream,
   the legacy default one included (which cannot capture), replays it. */
static int enqueue(gpu_state *state, void *stream, inception_cu_deviceptr input,
                   inception_cu_deviceptr output,
                   inception_cu_deviceptr workspace) {
  const inception_cuda_driver *cu = state->cu;
  if (state->graph && state->graph_input == input &&
      state->graph_output == output && state->graph_workspace == workspace) {
    CHECK(state, cu->cuGraphLaunch(state->graph, stream), "cuGraphLaunch");
    return INCEPTION_OK;
  }
  if (state->runs++ == 0) {
    state->launch_stream = stream;
    launch_run(state, input, output, workspace);
    return state->launch_error ? launch_failure(state) : INCEPTION_OK;
  }
  if (state->graph) {
    cu->cuGraphExecDestroy(state->graph);
    state->graph = NULL;
  }
  state->launch_stream = state->stream;
  CHECK(state, cu->cuStreamBeginCapture(state->stream, CAPTURE_THREAD_LOCAL),
        "cuStreamBeginCapture");
  launch_run(state, input, output, workspace);
  void *graph = NULL;
  inception_cu_result ended = cu->cuStreamEndCapture(state->stream, &graph);
  if (state->launch_error) {
    if (graph)
      cu->cuGraphDestroy(graph);
    return launch_failure(state);
  }
  if (ended != 0)
    return driver_failure(state, "cuStreamEndCapture", ended);
  inception_cu_result error = cu->cuGraphInstantiate(&state->graph, graph, 0);
  cu->cuGraphDestroy(graph);
  if (error != 0) {
    state->graph = NULL;
    return driver_failure(state, "cuGraphInstantiate", error);
  }
  state->graph_input = input;
  state->graph_output = output;
  state->graph_workspace = workspace;
  CHECK(state, cu->cuGraphLaunch(state->graph, stream), "cuGraphLaunch");
  return INCEPTION_OK;
}

/* Makes the state's context the calling thread's; returns the one it had,
   for the caller to restore. */
static void *make_current(const gpu_state *state) {
  void *previous = NULL;
  state->cu->cuCtxGetCurrent(&previous);
  state->cu->cuCtxSetCurrent(state->context);
  return previous;
}

/* Copies a host weights arena to the device unless it is the last one. */
static int bind_weights(gpu_state *state, const void *weights, void *stream) {
  const inception_gpu_model *model = state->model;
  if (model->builtin_weights || !model->weights_size)
    return INCEPTION_OK;
  if (!weights)
    return INCEPTION_ERROR_WEIGHTS;
  if (weights == state->uploaded)
    return INCEPTION_OK;
  CHECK(state,
        state->cu->cuMemcpyHtoDAsync(state->weights, weights,
                                     model->weights_size, stream),
        "uploading the weights");
  state->uploaded = weights;
  return INCEPTION_OK;
}

int inception_gpu_run(const inception_gpu_model *model, void *workspace,
                      size_t workspace_size, const void *weights,
                      const float *input, float *output) {
  if (!model || !input || !output)
    return INCEPTION_ERROR_NULL_ARGUMENT;
  last_error[0] = 0;
  /* Without a workspace, a state for this run alone. */
  gpu_state owned;
  int temporary = workspace == NULL;
  gpu_state *state = temporary ? &owned : NULL;
  int status = temporary
                   ? set_up_or_clean(&owned, model)
                   : get_state(model, workspace, workspace_size, &state);
  if (status != INCEPTION_OK)
    return status;
  const inception_cuda_driver *cu = state->cu;
  void *previous = make_current(state);
  status = bind_weights(state, weights, state->stream);
  if (status == INCEPTION_OK) {
    inception_cu_result error = cu->cuMemcpyHtoDAsync(
        state->input, input, model->input_bytes, state->stream);
    status = error ? driver_failure(state, "copying the input", error)
                   : enqueue(state, state->stream, state->input, state->output,
                             state->workspace);
  }
  if (status == INCEPTION_OK) {
    inception_cu_result error = cu->cuMemcpyDtoHAsync(
        output, state->output, model->output_bytes, state->stream);
    if (error)
      status = driver_failure(state, "copying the output", error);
  }
  inception_cu_result synced = cu->cuStreamSynchronize(state->stream);
  if (status == INCEPTION_OK && synced)
    status = driver_failure(state, "the run", synced);
  cu->cuCtxSetCurrent(previous);
  if (temporary)
    tear_down(&owned);
  return status;
}

int inception_gpu_run_device(const inception_gpu_model *model, void *workspace,
                             size_t workspace_size, const void *weights,
                             const float *d_input, float *d_output,
                             void *d_workspace, void *stream) {
  if (!model || !workspace || !d_input || !d_output)
    return INCEPTION_ERROR_NULL_ARGUMENT;
  if ((uintptr_t)d_workspace % INCEPTION_GPU_DEVICE_ALIGNMENT)
    return INCEPTION_ERROR_MISALIGNED_WORKSPACE;
  last_error[0] = 0;
  gpu_state *state = NULL;
  int status = get_state(model, workspace, workspace_size, &state);
  if (status != INCEPTION_OK)
    return status;
  const inception_cuda_driver *cu = state->cu;
  void *previous = make_current(state);
  status = bind_weights(state, weights, stream);
  if (status == INCEPTION_OK)
    status = enqueue(state, stream, (inception_cu_deviceptr)(uintptr_t)d_input,
                     (inception_cu_deviceptr)(uintptr_t)d_output,
                     d_workspace ? (inception_cu_deviceptr)(uintptr_t)d_workspace
                                 : state->workspace);
  cu->cuCtxSetCurrent(previous);
  return status;
}

int inception_gpu_run_profiled(const inception_gpu_model *model,
                               void *workspace, size_t workspace_size,
                               const void *weights, const float *input,
                               float *output, inception_layer_event *events,
                               size_t capacity, size_t *count) {
  if (!model || !input || !output || !workspace || !count ||
      (!events && capacity))
    return INCEPTION_ERROR_NULL_ARGUMENT;
  *count = 0;
  last_error[0] = 0;
  gpu_state *state = NULL;
  int status = get_state(model, workspace, workspace_size, &state);
  if (status != INCEPTION_OK)
    return status;
  const inception_cuda_driver *cu = state->cu;
  void *previous = make_current(state);
  kernel_profile profile = {0};
  void *origin = NULL;
  status = bind_weights(state, weights, state->stream);
  if (status == INCEPTION_OK) {
    inception_cu_result error = cu->cuMemcpyHtoDAsync(
        state->input, input, model->input_bytes, state->stream);
    if (!error)
      error = cu->cuEventCreate(&origin, 0);
    if (!error)
      error = cu->cuEventRecord(origin, state->stream);
    status = error ? driver_failure(state, "starting a profiled run", error)
                   : INCEPTION_OK;
  }
  if (status == INCEPTION_OK) {
    /* The launches one by one (no graph), each between two events. */
    state->launch_stream = state->stream;
    state->profile = &profile;
    launch_run(state, state->input, state->output, state->workspace);
    state->profile = NULL;
    if (state->launch_error)
      status = launch_failure(state);
    else if (profile.error)
      status = driver_failure(state, "recording a kernel's events",
                              profile.error);
  }
  if (status == INCEPTION_OK) {
    inception_cu_result error = cu->cuMemcpyDtoHAsync(
        output, state->output, model->output_bytes, state->stream);
    if (!error)
      error = cu->cuStreamSynchronize(state->stream);
    status = error ? driver_failure(state, "the profiled run", error)
                   : INCEPTION_OK;
  }
  for (int i = 0; status == INCEPTION_OK && i < profile.count; ++i) {
    float start = 0, duration = 0;
    inception_cu_result error =
        cu->cuEventElapsedTime(&start, origin, profile.starts[i]);
    if (!error)
      error = cu->cuEventElapsedTime(&duration, profile.starts[i],
                                     profile.ends[i]);
    if (error)
      status = driver_failure(state, "reading a kernel's time", error);
    else if ((size_t)i < capacity)
      events[i] = (inception_layer_event){profile.kernels[i], 1e3 * start,
                                          1e3 * duration};
  }
  if (status == INCEPTION_OK)
    *count = (size_t)profile.count;
  cu->cuStreamSynchronize(state->stream);
  for (int i = 0; i < profile.count; ++i) {
    if (profile.starts[i])
      cu->cuEventDestroy(profile.starts[i]);
    if (profile.ends[i])
      cu->cuEventDestroy(profile.ends[i]);
  }
  if (origin)
    cu->cuEventDestroy(origin);
  free(profile.starts);
  free(profile.ends);
  free(profile.kernels);
  cu->cuCtxSetCurrent(previous);
  return status;
}
