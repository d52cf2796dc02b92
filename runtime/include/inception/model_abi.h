/*===- model_abi.h - What a compiled model library exports --------*- C -*-===*
 *
 * Every library inceptionc writes exports `inception_model_info_v1()`, which
 * describes the model and points at its run function. The runtime finds it
 * with dlsym; an application that links one model directly can also use the
 * model's own header (<model>.h) and call <model>_run.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_MODEL_ABI_H
#define INCEPTION_MODEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the structures below change (test/unit/AbiTest.cpp pins
   their layout to it). 3: the workspace has a per-thread part, and the run
   entries take the workspace's size. 4: weights bound at load time.
   5: libraries that run on a GPU. 6: the back half of each profiled
   layer. */
#define INCEPTION_ABI_VERSION 6

/* The status codes every entry point returns; 0 is success. */
typedef enum {
  INCEPTION_OK = 0,
  INCEPTION_ERROR_NULL_ARGUMENT = 1,
  INCEPTION_ERROR_OUT_OF_MEMORY = 2,
  INCEPTION_ERROR_MISALIGNED_WORKSPACE = 3,
  INCEPTION_ERROR_SHAPE = 4,
  INCEPTION_ERROR_LOAD = 5,
  INCEPTION_ERROR_VERSION = 6,
  INCEPTION_ERROR_INVALID_ARGUMENT = 7,
  INCEPTION_ERROR_IO = 8,
  INCEPTION_ERROR_WEIGHTS = 9,
  INCEPTION_ERROR_WORKSPACE_SIZE = 10,
  /* A GPU library found no CUDA driver or no device to run on. */
  INCEPTION_ERROR_NO_DEVICE = 11,
  /* The GPU or its driver failed a call (a launch, a copy, an
     allocation): the message says which, with the driver's error. */
  INCEPTION_ERROR_DEVICE = 12,
  /* A layer's generated code failed (a Halide back half layer: its arena
     in the workspace too small, or an internal check). */
  INCEPTION_ERROR_INTERNAL = 13
} inception_status;

typedef struct {
  const char *name;     /* the DSL's input/output name */
  const char *dtype;    /* "f32" */
  int32_t rank;
  const int64_t *shape; /* NCHW at the interface */
} inception_tensor_info;

/* One layer's part of a profiled run: microseconds from the run's start. */
typedef struct inception_layer_event {
  int32_t layer; /* index into inception_model_info.layer_names */
  double start_us;
  double duration_us;
} inception_layer_event;

typedef struct {
  uint32_t abi_version;           /* INCEPTION_ABI_VERSION of the compiler */
  const char *compiler_version;
  const char *name;               /* the model's name */
  int32_t num_inputs;
  const inception_tensor_info *inputs;
  int32_t num_outputs;
  const inception_tensor_info *outputs;
  /* A run on n threads needs a workspace of workspace_base_size +
     n * workspace_per_thread bytes (the kernels' per-thread scratch),
     aligned to workspace_alignment. */
  size_t workspace_base_size;
  size_t workspace_per_thread;
  size_t workspace_alignment;
  /* That size for `num_threads` threads; 0 means the library's default
     count (inceptionc --threads, else OpenMP's: OMP_NUM_THREADS, else
     every core, as the calling thread sees it now). */
  size_t (*workspace_size)(int num_threads);
  /* Reentrant: no global mutable state. `workspace_size` is the
     workspace's size in bytes: smaller than the run needs is
     INCEPTION_ERROR_WORKSPACE_SIZE. A null workspace makes the call
     allocate (and free) one itself; otherwise a run allocates nothing. */
  int (*run)(const float *input, float *output, void *workspace,
             size_t workspace_size);
  /* Details of the last failure of `run` (the weights file of a library
     compiled with --external-weights), or "". */
  const char *(*last_error)(void);
  /* `run` on `num_threads` threads; 0 means the library's default. The
     calling thread's OpenMP setting is restored afterwards. */
  int (*run_threads)(const float *input, float *output, void *workspace,
                     size_t workspace_size, int num_threads);
  /* The layers of a library compiled with `inceptionc --profile` (their
     DSL names); 0 and null otherwise. */
  int32_t num_layers;
  const char *const *layer_names;
  /* `run_threads`, recording the time of each layer as it runs: the first
     `capacity` events, in order, into `events`, and how many the run had
     into *count (more than `capacity`: the rest were not recorded; a
     layer whose work is split appears once per part). Returns
     INCEPTION_ERROR_INVALID_ARGUMENT for a library without a profile. */
  int (*run_profiled)(const float *input, float *output, void *workspace,
                      size_t workspace_size, int num_threads,
                      struct inception_layer_event *events, size_t capacity,
                      size_t *count);

  /* Weights bound at load time (`inceptionc --weights-at-load`): such a
     library carries no weight data. It lists the parameters it takes, by
     their state_dict keys (f32, row-major), and `prepare_weights` computes
     from them (parameters[i] holding parameter i) the weights arena that
     its runs read: weights_size bytes aligned to weights_alignment, which
     the caller owns and may share among any number of concurrent runs.
     `run_weights` and `run_profiled_weights` are `run_threads` and
     `run_profiled` over an arena; the entries without one return
     INCEPTION_ERROR_WEIGHTS. A weights file may also hold the
     `ignored_keys`: parameters the model file declares that the compiled
     model does not read (layers the graph passes removed). All 0 and null
     in a library with its weights built in. */
  int32_t num_parameters;
  const inception_tensor_info *parameters;
  int32_t num_ignored_keys;
  const char *const *ignored_keys;
  size_t weights_size;
  size_t weights_alignment;
  int (*prepare_weights)(const float *const *parameters, void *weights);
  int (*run_weights)(const void *weights, const float *input, float *output,
                     void *workspace, size_t workspace_size, int num_threads);
  int (*run_profiled_weights)(const void *weights, const float *input,
                              float *output, void *workspace,
                              size_t workspace_size, int num_threads,
                              struct inception_layer_event *events,
                              size_t capacity, size_t *count);
  /* Where the library runs: INCEPTION_DEVICE_CPU, or INCEPTION_DEVICE_CUDA
     for `inceptionc --backend=gpu`. A GPU library's workspace (of
     workspace_base_size bytes, zeroed before its first run) holds one
     context's launch state: the first run in it loads the kernels and
     allocates the device memory, which release_workspace frees; `run`
     copies the input to the device and the output back. Its runs need no
     threads (num_threads is ignored) and have no per-layer profile. */
  int32_t device;
  /* Bytes of device memory run_device's `d_workspace` needs, aligned to
     256; 0 on the CPU. */
  size_t device_workspace_size;
  /* A run on device memory, enqueued on `stream` (a CUstream; null: CUDA's
     default stream) and not waited for: `d_input` and `d_output` are
     device addresses, `d_workspace` device_workspace_size bytes (null:
     the workspace's own). `weights` is the host arena of a library whose
     weights bind at load, copied to the device when it is not the one the
     last run used (so an arena changed in place needs a new workspace),
     else null. Null on the CPU. */
  int (*run_device)(void *workspace, size_t workspace_size,
                    const void *weights, const float *d_input,
                    float *d_output, void *d_workspace, void *stream);
  /* Releases what the workspace holds on the GPU and zeroes it; null on
     the CPU. */
  void (*release_workspace)(void *workspace);
  /* With --profile: the back half that computes each layer of layer_names,
     "cpu" or "halide" (`inceptionc --backend=auto` mixes them per layer);
     null without a profile and on the GPU. */
  const char *const *layer_backends;
} inception_model_info;

enum { INCEPTION_DEVICE_CPU = 0, INCEPTION_DEVICE_CUDA = 1 };

typedef const inception_model_info *(*inception_model_info_fn)(void);
#define INCEPTION_MODEL_INFO_SYMBOL "inception_model_info_v1"

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_MODEL_ABI_H */
