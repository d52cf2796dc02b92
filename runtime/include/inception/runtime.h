/*===- runtime.h - Load and run compiled Inception models ---------*- C -*-===*
 *
 * A small C library: it loads a library written by `inceptionc --emit=so`
 * with dlopen, describes its inputs and outputs, and runs it in execution
 * contexts. A context owns one workspace, so threads that each use their own
 * context run one model concurrently. It links no MLIR or LLVM.
 *
 *   inception_model *model;
 *   if (inception_model_load("libgooglenet.so", &model) != INCEPTION_OK)
 *     fprintf(stderr, "%s\n", inception_last_error());
 *   inception_context *context;
 *   inception_context_create(model, &context);
 *   inception_run(context, input, input_elements, output, output_elements);
 *   inception_context_free(context);
 *   inception_model_free(model);
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_H
#define INCEPTION_RUNTIME_H

#include "inception/model_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct inception_model inception_model;
typedef struct inception_context inception_context;
typedef struct inception_weights inception_weights;

/* Loads a compiled model. A path without '/' ("libgooglenet.so") names the
   file in the current folder when there is one, else a library on the
   loader's search path (LD_LIBRARY_PATH, the system folders). Fails with
   INCEPTION_ERROR_LOAD when the file is missing, is not a model library
   or describes its load-time weights with entries missing, and
   INCEPTION_ERROR_VERSION when it was built by a compiler with another ABI
   version. */
int inception_model_load(const char *path, inception_model **model);
void inception_model_free(inception_model *model);

/* The description the library exports: name, inputs, outputs, workspace. */
const inception_model_info *inception_model_get_info(const inception_model *model);
/* Elements of input or output `index`, or 0 when there is no such tensor. */
size_t inception_model_input_elements(const inception_model *model, int32_t index);
size_t inception_model_output_elements(const inception_model *model, int32_t index);

/* Whether the model takes its weights at load (inceptionc
   --weights-at-load): its contexts run only with a weight set. */
int inception_model_takes_weights(const inception_model *model);

/* Reads a safetensors file (a state_dict: torchvision's loads as is) and
   prepares the model's weights from it into a new weight set, which owns
   its arena. Every parameter the model takes must be there, f32, of its
   shape; a tensor the model does not take (but for its ignored keys and
   num_batches_tracked) is an error too, as it is to the compiler. Failures
   are INCEPTION_ERROR_IO (the file cannot be read) or
   INCEPTION_ERROR_WEIGHTS, with a message naming the file, the key and
   both shapes; INCEPTION_ERROR_WEIGHTS for a model with its weights built
   in. A model may hold any number of weight sets; loading one takes no
   lock that a run waits on. The file is not needed afterwards. */
int inception_model_load_weights(const inception_model *model,
                                 const char *path, inception_weights **weights);
/* The same from a safetensors image in memory (`size` bytes at `data`);
   messages name it "<memory>". */
int inception_model_load_weights_from_memory(const inception_model *model,
                                             const void *data, size_t size,
                                             inception_weights **weights);
/* Frees a weight set; no context may run with it any more. */
void inception_weights_free(inception_weights *weights);

/* A context owns a workspace of the model's size for its thread count; it
   is not thread-safe, but any number of contexts may run at once. */
int inception_context_create(const inception_model *model,
                             inception_context **context);
void inception_context_free(inception_context *context);

/* The threads runs in this context use; 0 (the default) leaves the
   choice to the library (its --threads, else OMP_NUM_THREADS, else every
   core). The workspace grows to hold the count's per-thread scratch here,
   not in a run. INCEPTION_ERROR_INVALID_ARGUMENT for a negative count. */
int inception_context_set_num_threads(inception_context *context,
                                      int num_threads);

/* The weight set runs in this context read (it must outlive them); null
   for none. INCEPTION_ERROR_INVALID_ARGUMENT for a set loaded for another
   model. */
int inception_context_set_weights(inception_context *context,
                                  const inception_weights *weights);

/* Runs the model. The element counts must match the model's input and
   output (INCEPTION_ERROR_SHAPE otherwise). Nothing is allocated, unless
   the library's default thread count (OMP_NUM_THREADS, or the cores it may
   use) grew since the workspace was sized: it then grows once. A model
   that takes its weights at load runs with the context's weight set
   (INCEPTION_ERROR_WEIGHTS without one). */
int inception_run(inception_context *context, const float *input,
                  size_t input_elements, float *output, size_t output_elements);

/* inception_run, timing each layer: the first `capacity` events into
   `events` (inception_layer_event: the layer's index into the model info's
   layer_names, start and duration in microseconds) and how many the run
   had into *count (if more than `capacity`, run again with more room).
   INCEPTION_ERROR_INVALID_ARGUMENT for a library compiled without
   `inceptionc --profile`. */
int inception_run_profiled(inception_context *context, const float *input,
                           size_t input_elements, float *output,
                           size_t output_elements,
                           inception_layer_event *events, size_t capacity,
                           size_t *count);

/* A fixed description of a status code. */
const char *inception_status_string(int status);
/* The message of the last failure in this thread, with its details
   (the path, the loader's message, both element counts). */
const char *inception_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_RUNTIME_H */
