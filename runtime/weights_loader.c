/*===- weights_loader.c - A safetensors state_dict into a weights arena ---===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "weights_loader.h"
#include "large_alloc.h"
#include "safetensors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes the message and returns `status`. */
static int failure(char *message, size_t size, int status, const char *format,
                   ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(message, size, format, args);
  va_end(args);
  return status;
}

/* "[1, 64, 7, 7]" into `text`. */
static const char *format_shape(char *text, size_t size, const int64_t *shape,
                                size_t rank) {
  size_t used = (size_t)snprintf(text, size, "[");
  for (size_t i = 0; i < rank && used < size; ++i)
    used += (size_t)snprintf(text + used, size - used, "%s%lld",
                             i ? ", " : "", (long long)shape[i]);
  if (used < size)
    snprintf(text + used, size - used, "]");
  return text;
}

/* Whether the library's `key` names `tensor` (whose name may hold NULs). */
static int names(const char *key, const inception_st_tensor *tensor) {
  return strlen(key) == tensor->name_length &&
         !memcmp(key, tensor->name, tensor->name_length);
}

/* Whether the model takes `tensor`, or lets a file hold it unread. */
static int is_known_key(const inception_model_info *info,
                        const inception_st_tensor *tensor) {
  if (inception_st_is_bookkeeping_key(tensor->name, tensor->name_length))
    return 1;
  for (int32_t i = 0; i < info->num_parameters; ++i)
    if (names(info->parameters[i].name, tensor))
      return 1;
  for (int32_t i = 0; i < info->num_ignored_keys; ++i)
    if (names(info->ignored_keys[i], tensor))
      return 1;
  return 0;
}

/* Checks `file` (named `source`) against the model's parameters and
   prepares them into a new arena. */
static int prepare(const inception_model_info *info, const char *source,
                   const inception_st_file *file, void **out, char *message,
                   size_t message_size) {
  char expected[256], found[256];
  size_t count = (size_t)info->num_parameters;
  const float **parameters = calloc(count ? count : 1, sizeof(float *));
  /* Copies of the tensors whose data is not aligned for floats. */
  float **copies = calloc(count ? count : 1, sizeof(float *));
  void *arena = NULL;
  int status = INCEPTION_OK;
  if (!parameters || !copies)
    status = failure(message, message_size, INCEPTION_ERROR_OUT_OF_MEMORY,
                     "out of memory");
  for (size_t i = 0; status == INCEPTION_OK && i < count; ++i) {
    const inception_tensor_info *parameter = &info->parameters[i];
    const inception_st_tensor *tensor =
        inception_st_find(file, parameter->name, strlen(parameter->name));
    format_shape(expected, sizeof expected, parameter->shape,
                 (size_t)parameter->rank);
    if (!tensor) {
      status = failure(message, message_size, INCEPTION_ERROR_WEIGHTS,
                       "%s: weight '%s' of shape %s is missing", source,
                       parameter->name, expected);
      break;
    }
    format_shape(found, sizeof found, tensor->shape, tensor->rank);
    if (tensor->rank != (size_t)parameter->rank ||
        (tensor->rank && memcmp(tensor->shape, parameter->shape,
                                tensor->rank * sizeof(int64_t)))) {
      status = failure(message, message_size, INCEPTION_ERROR_WEIGHTS,
                       "%s: weight '%s' has shape %s but the model expects %s",
                       source, parameter->name, found, expected);
      break;
    }
    if (tensor->dtype != INCEPTION_ST_F32) {
      status = failure(message, message_size, INCEPTION_ERROR_WEIGHTS,
                       "%s: weight '%s' has dtype %s; the model takes F32",
                       source, parameter->name,
                       inception_st_dtype_name(tensor->dtype));
      break;
    }
    if ((uintptr_t)tensor->data % _Alignof(float)) {
      copies[i] = malloc(tensor->byte_size ? tensor->byte_size : 1);
      if (!copies[i]) {
        status = failure(message, message_size, INCEPTION_ERROR_OUT_OF_MEMORY,
                         "out of memory");
        break;
      }
      memcpy(copies[i], tensor->data, tensor->byte_size);
      parameters[i] = copies[i];
    } else {
      parameters[i] = tensor->data;
    }
  }
  /* What the model does not take, as the compiler's reader says it. */
  size_t unused = 0;
  const inception_st_tensor *first_unused = NULL;
  for (size_t i = 0; status == INCEPTION_OK && i < inception_st_count(file);
       ++i) {
    const inception_st_tensor *tensor = inception_st_at(file, i);
    if (is_known_key(info, tensor))
      continue;
    if (!unused++)
      first_unused = tensor;
  }
  if (unused)
    status = failure(message, message_size, INCEPTION_ERROR_WEIGHTS,
                     "%s: tensor '%s' of shape %s is not used by the model%s",
                     source, first_unused->name,
                     format_shape(found, sizeof found, first_unused->shape,
                                  first_unused->rank),
                     unused > 1 ? " (and more)" : "");
  if (status == INCEPTION_OK) {
    /* The preparation writes every byte once: in huge pages, a few dozen
       page faults instead of one per 4 KB (GoogLeNet's arena is 69 MB; its
       load took 330 ms, 120 ms in them), and each run reads them back. */
    size_t alignment = info->weights_alignment ? info->weights_alignment : 64;
    size_t rounded;
    arena = inception_allocate_large(info->weights_size, alignment, &rounded);
    if (!arena)
      status = failure(message, message_size, INCEPTION_ERROR_OUT_OF_MEMORY,
                       "cannot allocate the %zu-byte weights of '%s'",
                       info->weights_size, info->name);
  }
  if (status == INCEPTION_OK) {
    status = info->prepare_weights(parameters, arena);
    if (status != INCEPTION_OK)
      failure(message, message_size, status,
              "%s: preparing the weights of '%s' failed (status %d)", source,
              info->name, status);
  }
  for (size_t i = 0; copies && i < count; ++i)
    free(copies[i]);
  free(copies);
  free((void *)parameters);
  if (status != INCEPTION_OK) {
    free(arena);
    return status;
  }
  *out = arena;
  return INCEPTION_OK;
}

int inception_prepare_weight_image(const inception_model_info *info,
                                   const char *source, const void *data,
                                   size_t size, void **arena, char *message,
                                   size_t message_size) {
  inception_st_file *file = NULL;
  char reason[512];
  *arena = NULL;
  if (inception_st_parse(data, size, &file, reason, sizeof reason))
    return failure(message, message_size, INCEPTION_ERROR_WEIGHTS, "%s: %s",
                   source, reason);
  int status = prepare(info, source, file, arena, message, message_size);
  inception_st_free(file);
  return status;
}

int inception_prepare_weight_file(const inception_model_info *info,
                                  const char *path, void **arena,
                                  char *message, size_t message_size) {
  *arena = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return failure(message, message_size, INCEPTION_ERROR_IO,
                   "cannot open weights file '%s': %s", path, strerror(errno));
  struct stat stat_info;
  if (fstat(fd, &stat_info) || !S_ISREG(stat_info.st_mode)) {
    close(fd);
    return failure(message, message_size, INCEPTION_ERROR_IO,
                   "weights file '%s' is not a regular file", path);
  }
  /* Read, not mapped: a file truncated by another process while it is
     read is an error here, where a mapped page past its new end would be
     a SIGBUS in the caller's process. */
  size_t size = (size_t)stat_info.st_size;
  unsigned char *image = malloc(size ? size : 1);
  if (!image) {
    close(fd);
    return failure(message, message_size, INCEPTION_ERROR_OUT_OF_MEMORY,
                   "cannot allocate %zu bytes to read weights file '%s'", size,
                   path);
  }
  size_t done = 0;
  while (done < size) {
    ssize_t got = read(fd, image + done, size - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      int error = errno;
      close(fd);
      free(image);
      return failure(message, message_size, INCEPTION_ERROR_IO,
                     "cannot read weights file '%s': %s", path,
                     got < 0 ? strerror(error)
                             : "it was truncated while being read");
    }
    done += (size_t)got;
  }
  close(fd);
  int status = inception_prepare_weight_image(info, path, image, size, arena,
                                              message, message_size);
  free(image);
  return status;
}
