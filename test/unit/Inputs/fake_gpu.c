/* A CUDA driver that simulates a GPU in host memory, for the tests of
   runtime/gpu_library.c: device memory is malloc'd, copies are memcpy,
   streams run synchronously, and a kernel is a host function found by its
   name in this file's table (a "module" is the kernel table). Graph
   capture records the launches and a graph launch replays them; events
   read a simulated clock on which each kernel takes 0.5 ms. It counts
   what the library asks for (fake_gpu_counters), so that the tests can
   check that a run allocates nothing and that a workspace's release frees
   everything. $FAKE_GPU_CAPABILITY (e.g. "75") sets the device's compute
   capability (default 9.0); $FAKE_GPU_FAIL_KERNEL names a kernel whose
   launch fails. */
#include "cuda_driver.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { kInvalidValue = 1, kNotFound = 500, kLaunchFailed = 719 };

typedef void (*kernel_fn)(void **arguments, unsigned grid, unsigned block);

/* out[i] = 2 * in[i] over grid * block threads (arguments: in, out, n). */
static void twice(void **arguments, unsigned grid, unsigned block) {
  const float *in = *(const float **)arguments[0];
  float *out = *(float **)arguments[1];
  int64_t n = *(int64_t *)arguments[2];
  for (unsigned id = 0; id < grid * block; ++id)
    if ((int64_t)id < n)
      out[id] = 2 * in[id];
}

/* out[i] += weights[i] (arguments: weights, out, n). */
static void add_weights(void **arguments, unsigned grid, unsigned block) {
  const float *weights = *(const float **)arguments[0];
  float *out = *(float **)arguments[1];
  int64_t n = *(int64_t *)arguments[2];
  for (unsigned id = 0; id < grid * block; ++id)
    if ((int64_t)id < n)
      out[id] += weights[id];
}

typedef struct {
  const char *name;
  kernel_fn function;
} kernel_entry;

static const kernel_entry kernels[] = {{"twice", twice}, {"add_weights", add_weights}};

typedef struct {
  kernel_fn function;
  unsigned grid, block;
  void *arguments[3];
  unsigned char values[3][8];
} launch_record;

typedef struct {
  launch_record launches[16];
  int count;
} graph;

typedef struct {
  int allocations, frees, modules, unloads, streams, stream_destroys;
  int launches, graph_launches, captures, contexts, context_releases;
  const void *loaded_image;
  int events, event_destroys;
  /* The streams of the last direct launch and the last graph launch. */
  void *launch_stream, *graph_stream;
} fake_gpu_counters;

/* The simulated clock, in milliseconds: each kernel takes 0.5. */
static float clock_ms;

static fake_gpu_counters counters;
static graph *capturing;
static void *capture_stream;

__attribute__((visibility("default"))) fake_gpu_counters *fake_gpu_state(void) {
  return &counters;
}

inception_cu_result cuInit(unsigned int flags) { return flags ? kInvalidValue : 0; }

inception_cu_result cuGetErrorString(inception_cu_result error,
                                     const char **text) {
  *text = error == kLaunchFailed ? "CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure"
          : error == kNotFound   ? "CUDA_ERROR_NOT_FOUND: named symbol not found"
                                 : "CUDA_ERROR_INVALID_VALUE: invalid argument";
  return 0;
}

inception_cu_result cuDeviceGetCount(int *count) { *count = 1; return 0; }
inception_cu_result cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal ? kInvalidValue : 0;
}

inception_cu_result cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  const char *text = getenv("FAKE_GPU_CAPABILITY");
  int capability = text ? atoi(text) : 90;
  *value = attribute == 75 ? capability / 10 : capability % 10;
  return 0;
}

static int context_token;
inception_cu_result cuDevicePrimaryCtxRetain(void **context, int device) {
  (void)device;
  ++counters.contexts;
  *context = &context_token;
  return 0;
}
inception_cu_result cuDevicePrimaryCtxRelease_v2(int device) {
  (void)device;
  ++counters.context_releases;
  return 0;
}
static void *current_context;
inception_cu_result cuCtxGetCurrent(void **context) {
  *context = current_context;
  return 0;
}
inception_cu_result cuCtxSetCurrent(void *context) {
  current_context = context;
  return 0;
}

/* The image the library embeds is the module: any bytes will do. */
inception_cu_result cuModuleLoadData(void **module, const void *image) {
  if (!image)
    return kInvalidValue;
  ++counters.modules;
  counters.loaded_image = image;
  *module = (void *)kernels;
  return 0;
}
inception_cu_result cuModuleUnload(void *module) {
  (void)module;
  ++counters.unloads;
  return 0;
}
inception_cu_result cuModuleGetFunction(void **function, void *module,
                                        const char *name) {
  (void)module;
  for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; ++i)
    if (!strcmp(kernels[i].name, name)) {
      *function = (void *)&kernels[i];
      return 0;
    }
  return kNotFound;
}

inception_cu_result cuLaunchKernel(void *function, unsigned grid_x,
                                   unsigned grid_y, unsigned grid_z,
                                   unsigned block_x, unsigned block_y,
                                   unsigned block_z, unsigned shared,
                                   void *stream, void **arguments,
                                   void **extra) {
  (void)extra, (void)shared;
  /* As CUDA's thread-local capture: while a stream captures, a launch
     on another stream is an error (the legacy default stream's always). */
  if (capturing && stream != capture_stream)
    return kInvalidValue;
  if (grid_y != 1 || grid_z != 1 || block_y != 1 || block_z != 1)
    return kInvalidValue;
  const char *fail = getenv("FAKE_GPU_FAIL_KERNEL");
  const kernel_entry *kernel = function;
  if (fail && !strcmp(fail, kernel->name))
    return kLaunchFailed;
  ++counters.launches;
  clock_ms += 0.5f;
  if (capturing) {
    /* A graph keeps the arguments' values, as CUDA's does. */
    launch_record *record = &capturing->launches[capturing->count++];
    record->function = kernel->function;
    record->grid = grid_x;
    record->block = block_x;
    for (int i = 0; i < 3; ++i) {
      memcpy(record->values[i], arguments[i], 8);
      record->arguments[i] = record->values[i];
    }
    return 0;
  }
  counters.launch_stream = stream;
  kernel->function(arguments, grid_x, block_x);
  return 0;
}

inception_cu_result cuMemAlloc_v2(inception_cu_deviceptr *pointer, size_t bytes) {
  void *memory = aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!memory)
    return 2;
  ++counters.allocations;
  *pointer = (inception_cu_deviceptr)(uintptr_t)memory;
  return 0;
}
inception_cu_result cuMemFree_v2(inception_cu_deviceptr pointer) {
  ++counters.frees;
  free((void *)(uintptr_t)pointer);
  return 0;
}
inception_cu_result cuMemcpyHtoDAsync_v2(inception_cu_deviceptr to,
                                         const void *from, size_t bytes,
                                         void *stream) {
  (void)stream;
  memcpy((void *)(uintptr_t)to, from, bytes);
  return 0;
}
inception_cu_result cuMemcpyDtoHAsync_v2(void *to, inception_cu_deviceptr from,
                                         size_t bytes, void *stream) {
  (void)stream;
  memcpy(to, (const void *)(uintptr_t)from, bytes);
  return 0;
}

static int stream_token;
inception_cu_result cuStreamCreate(void **stream, unsigned int flags) {
  (void)flags;
  ++counters.streams;
  *stream = &stream_token;
  return 0;
}
inception_cu_result cuStreamDestroy_v2(void *stream) {
  (void)stream;
  ++counters.stream_destroys;
  return 0;
}
inception_cu_result cuStreamSynchronize(void *stream) {
  (void)stream;
  return 0;
}
inception_cu_result cuStreamBeginCapture_v2(void *stream, int mode) {
  (void)mode;
  if (!stream) /* CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED */
    return 900;
  capture_stream = stream;
  capturing = calloc(1, sizeof *capturing);
  ++counters.captures;
  return capturing ? 0 : 2;
}
inception_cu_result cuStreamEndCapture(void *stream, void **graph_out) {
  if (stream != capture_stream)
    return kInvalidValue;
  capture_stream = NULL;
  *graph_out = capturing;
  capturing = NULL;
  return 0;
}
inception_cu_result cuGraphInstantiateWithFlags(void **executable,
                                                void *captured,
                                                unsigned long long flags) {
  (void)flags;
  void *copy = malloc(sizeof(graph));
  if (!copy)
    return 2;
  memcpy(copy, captured, sizeof(graph));
  *executable = copy;
  return 0;
}
inception_cu_result cuGraphLaunch(void *executable, void *stream) {
  graph *replayed = executable;
  ++counters.graph_launches;
  counters.graph_stream = stream;
  for (int i = 0; i < replayed->count; ++i) {
    launch_record *record = &replayed->launches[i];
    void *arguments[3] = {record->values[0], record->values[1],
                          record->values[2]};
    record->function(arguments, record->grid, record->block);
  }
  return 0;
}
inception_cu_result cuGraphExecDestroy(void *executable) {
  free(executable);
  return 0;
}
inception_cu_result cuGraphDestroy(void *graph_in) {
  free(graph_in);
  return 0;
}
inception_cu_result cuEventCreate(void **event, unsigned int flags) {
  (void)flags;
  *event = malloc(sizeof(float));
  if (!*event)
    return 2;
  ++counters.events;
  return 0;
}
inception_cu_result cuEventRecord(void *event, void *stream) {
  (void)stream;
  *(float *)event = clock_ms;
  return 0;
}
inception_cu_result cuEventElapsedTime(float *ms, void *start, void *end) {
  *ms = *(float *)end - *(float *)start;
  return 0;
}
inception_cu_result cuEventDestroy_v2(void *event) {
  ++counters.event_destroys;
  free(event);
  return 0;
}
