/*===- cuda_driver.h - The CUDA driver, opened at run time ----------------===*
 *
 * GPU libraries and the runtime link no CUDA library: the driver
 * (libcuda.so.1, or the file $INCEPTION_CUDA_DRIVER names) is opened with
 * dlopen on first use and its entry points looked up by name, so a GPU
 * library loads on a machine without one and its runs return
 * INCEPTION_ERROR_NO_DEVICE with a message. The driver's types are
 * declared here by their ABI (no cuda.h needed to build).
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_CUDA_DRIVER_H
#define INCEPTION_RUNTIME_CUDA_DRIVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CUresult and CUdeviceptr; handles (contexts, modules, functions,
   streams, graphs, events) are opaque pointers. */
typedef int inception_cu_result;
typedef unsigned long long inception_cu_deviceptr;

/* The driver's entry points (cuda_driver.def), all resolved. */
typedef struct {
#define INCEPTION_CUDA_ENTRY(name, symbol, parameters)                         \
  inception_cu_result(*name) parameters;
#include "cuda_driver.def"
} inception_cuda_driver;

/* The driver, opened, initialized and with at least one device, once per
   process (thread-safe; later calls return the first call's result). On
   failure, INCEPTION_ERROR_NO_DEVICE and a message saying why: no driver
   library, an entry point missing from it, cuInit's error, or no device. */
__attribute__((visibility("hidden"))) int
inception_cuda_open(const inception_cuda_driver **driver, char *message,
                    size_t message_size);

/* The same for the driver library at `path`, opened anew on every call
   (the tests' fake drivers); `*handle` is its dlopen handle, for
   inception_cuda_close. */
__attribute__((visibility("hidden"))) int
inception_cuda_open_library(const char *path, inception_cuda_driver *driver,
                            void **handle, char *message, size_t message_size);
__attribute__((visibility("hidden"))) void inception_cuda_close(void *handle);

#ifdef __cplusplus
}
#endif

#endif /* INCEPTION_RUNTIME_CUDA_DRIVER_H */
