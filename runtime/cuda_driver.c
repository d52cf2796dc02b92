/*===- cuda_driver.c - The CUDA driver, opened at run time ----------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cuda_driver.h"
#include "inception/model_abi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int no_device(char *message, size_t size, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(message, size, format, args);
  va_end(args);
  return INCEPTION_ERROR_NO_DEVICE;
}

/* The driver's text for `error`, or its number. */
static const char *error_text(const inception_cuda_driver *driver,
                              inception_cu_result error, char *buffer,
                              size_t size) {
  const char *text = NULL;
  if (driver->cuGetErrorString(error, &text) == 0 && text)
    return text;
  snprintf(buffer, size, "CUDA error %d", error);
  return buffer;
}

int inception_cuda_open_library(const char *path, inception_cuda_driver *driver,
                                void **handle, char *message,
                                size_t message_size) {
  *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!*handle)
    return no_device(message, message_size,
                     "cannot open the CUDA driver: %s", dlerror());
#define INCEPTION_CUDA_ENTRY(name, symbol, parameters)                         \
  *(void **)&driver->name = dlsym(*handle, symbol);                            \
  if (!driver->name) {                                                         \
    inception_cuda_close(*handle);                                             \
    *handle = NULL;                                                            \
    return no_device(message, message_size,                                    \
                     "the CUDA driver '%s' has no %s: it is older than the "   \
                     "library needs",                                          \
                     path, symbol);                                            \
  }
#include "cuda_driver.def"
  char buffer[32];
  inception_cu_result error = driver->cuInit(0);
  int count = 0;
  if (!error)
    error = driver->cuDeviceGetCount(&count);
  if (error || count < 1) {
    int status =
        error ? no_device(message, message_size,
                          "the CUDA driver '%s' failed to start: %s", path,
                          error_text(driver, error, buffer, sizeof buffer))
              : no_device(message, message_size,
                          "the CUDA driver '%s' finds no GPU", path);
    inception_cuda_close(*handle);
    *handle = NULL;
    return status;
  }
  return INCEPTION_OK;
}

void inception_cuda_close(void *handle) {
  if (handle)
    dlclose(handle);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static inception_cuda_driver process_driver;
static int process_status;
static char process_message[512];

static void open_process_driver(void) {
  const char *path = getenv("INCEPTION_CUDA_DRIVER");
  void *handle;
  process_status = inception_cuda_open_library(
      path && *path ? path : "libcuda.so.1", &process_driver, &handle,
      process_message, sizeof process_message);
  /* The handle stays open for the process's life: the driver is shared. */
}

int inception_cuda_open(const inception_cuda_driver **driver, char *message,
                        size_t message_size) {
  pthread_once(&once, open_process_driver);
  if (process_status != INCEPTION_OK) {
    snprintf(message, message_size, "%s", process_message);
    *driver = NULL;
    return process_status;
  }
  *driver = &process_driver;
  return INCEPTION_OK;
}
