/*===- gpu_library.h - The run time of a GPU model library --------*- C -*-===*
 *
 * Linked, hidden, into every library `inceptionc --backend=gpu` writes: its
 * generated wrapper describes the model (its host function, the kernels'
 * binaries and names, the device buffers' sizes) and its entry points call
 * these. The host workspace of a GPU library holds the launch state of one
 * context: the CUDA context, the module (loaded once), one stream, one
 * device allocation (the workspace plan, input, output and weights), and
 * the CUDA graph that replays a run's launches. It must be zeroed before
 * its first run, and its GPU resources released with
 * inception_gpu_release (the model info's release_workspace).
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_GPU_LIBRARY_H
#define INCEPTION_RUNTIME_GPU_LIBRARY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One binary of the kernels: a fatbin (cubin and PTX) for sm_<major><minor>. */
typedef struct {
  int major, minor;
  const void *data;
  size_t size;
} inception_gpu_image;

/* The generated host function: launches every kernel of a run on the
   state's stream, through inception_gpu_launch. All pointers are device
   addresses. */
typedef void (*inception_gpu_host_fn)(void *state, const float *input,
                                      float *output, void *workspace,
                                      const void *weights);

typedef struct {
  const char *name;
  inception_gpu_host_fn host;
  int num_images;
  const inception_gpu_image *images; /* ascending architectures */
  int num_kernels;
  const char *const *kernel_names;
  size_t input_bytes, output_bytes;
  size_t device_workspace_size, weights_size;
  /* The packed weights of a library with its weights built in; null when
     they bind at load (each run then passes a prepared arena). */
  const void *builtin_weights;
} inception_gpu_model;

/* The host workspace a GPU library needs, and its alignment. */
#define INCEPTION_GPU_STATE_SIZE 512
#define INCEPTION_GPU_STATE_ALIGNMENT 64
/* The alignment of every device buffer the library allocates or takes. */
#define INCEPTION_GPU_DEVICE_ALIGNMENT 256

/* A run from host memory: the input copied in, the output out. `weights`
   is the host arena of a library whose weights bind at load (copied to
   the device when it differs from the last run's), else ignored. A null
   `workspace` makes a state for this run alone. */
__attribute__((visibility("hidden"))) int
inception_gpu_run(const inception_gpu_model *model, void *workspace,
                  size_t workspace_size, const void *weights,
                  const float *input, float *output);

/* A run on device memory, enqueued on `stream` (null: the state's own),
   not waited for. `d_workspace` has the model's device_workspace_size
   bytes (null: the state's own). */
__attribute__((visibility("hidden"))) int
inception_gpu_run_device(const inception_gpu_model *model, void *workspace,
                         size_t workspace_size, const void *weights,
                         const float *d_input, float *d_output,
                         void *d_workspace, void *stream);

/* inception_gpu_run, its launches one by one (no graph) between CUDA
   events: the first `capacity` kernels' times (the layer of an event is
   the kernel's index), and how many there were into *count. Profiling
   allocates; a run does not. */
struct inception_layer_event;
__attribute__((visibility("hidden"))) int
inception_gpu_run_profiled(const inception_gpu_model *model, void *workspace,
                           size_t workspace_size, const void *weights,
                           const float *input, float *output,
                           struct inception_layer_event *events,
                           size_t capacity, size_t *count);

/* Releases what a state holds on the GPU and zeroes it. */
__attribute__((visibility("hidden"))) void
inception_gpu_release(const inception_gpu_model *model, void *workspace);

/* The calling thread's last failure, or "". */
__attribute__((visibility("hidden"))) const char *inception_gpu_last_error(void);

/* What the host function calls for each kernel: `arguments` points at each
   argument's value, as cuLaunchKernel takes them. The first failure is
   kept in the state and the launches after it are skipped. */
__attribute__((visibility("hidden"))) void
inception_gpu_launch(void *state, int kernel, int grid_x, int grid_y,
                     int grid_z, int block_x, int block_y, int block_z,
                     int shared_bytes, void **arguments);

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_RUNTIME_GPU_LIBRARY_H */
