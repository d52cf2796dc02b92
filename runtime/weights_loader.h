/*===- weights_loader.h - A safetensors state_dict into a weights arena ---===*
 *
 * The one implementation of loading weights bound at load: the runtime's
 * inception_model_load_weights and the entries a library compiled with
 * --weights-at-load exports for direct linking (<model>_load_weights) both
 * call it. It reads the image with safetensors.c, checks every key, shape
 * and dtype against the model's parameters (tensors it does not take are
 * errors, but for its ignored keys and batch-norm bookkeeping), and runs the
 * library's prepare_weights into a new arena.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_WEIGHTS_LOADER_H
#define INCEPTION_RUNTIME_WEIGHTS_LOADER_H

#include "inception/model_abi.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Prepares the safetensors image `data` (`size` bytes, named `source` in
   messages) for the model `info` describes into a new arena of
   info->weights_size bytes aligned to info->weights_alignment, which the
   caller frees with free(). INCEPTION_OK, or INCEPTION_ERROR_WEIGHTS
   (malformed image, missing, mis-shaped, mis-typed or unused tensor) or
   INCEPTION_ERROR_OUT_OF_MEMORY, with a message in `message`. */
__attribute__((visibility("hidden"))) int
inception_prepare_weight_image(const inception_model_info *info,
                               const char *source, const void *data,
                               size_t size, void **arena, char *message,
                               size_t message_size);

/* The same for the file at `path`, read into memory first (not mapped:
   a file truncated meanwhile is an error, not a SIGBUS);
   INCEPTION_ERROR_IO when it cannot be opened or read. */
__attribute__((visibility("hidden"))) int
inception_prepare_weight_file(const inception_model_info *info,
                              const char *path, void **arena, char *message,
                              size_t message_size);

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_RUNTIME_WEIGHTS_LOADER_H */
