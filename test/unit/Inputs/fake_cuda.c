/* A CUDA driver for the shim's tests: every entry point of
   runtime/cuda_driver.def, with cuInit failing when $FAKE_CUDA_INIT_ERROR
   is set, $FAKE_CUDA_DEVICES devices, and the rest answering
   CUDA_ERROR_NOT_SUPPORTED. Built without FAKE_CUDA_COMPLETE it lacks
   cuGraphLaunch, as an old driver would. */
#include "cuda_driver.h"

#include <stdlib.h>

enum { kNotSupported = 801 };

inception_cu_result cuInit(unsigned int flags) {
  (void)flags;
  const char *error = getenv("FAKE_CUDA_INIT_ERROR");
  return error ? atoi(error) : 0;
}

inception_cu_result cuGetErrorString(inception_cu_result error,
                                     const char **text) {
  *text = error == 100 ? "CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected"
                       : NULL;
  return *text ? 0 : 1;
}

inception_cu_result cuDeviceGetCount(int *count) {
  const char *devices = getenv("FAKE_CUDA_DEVICES");
  *count = devices ? atoi(devices) : 0;
  return 0;
}

/* The others, by their exported names. */
#define STUB(symbol)                                                           \
  inception_cu_result symbol(void) { return kNotSupported; }
STUB(cuDeviceGet)
STUB(cuDeviceGetAttribute)
STUB(cuDevicePrimaryCtxRetain)
STUB(cuDevicePrimaryCtxRelease_v2)
STUB(cuCtxGetCurrent)
STUB(cuCtxSetCurrent)
STUB(cuModuleLoadData)
STUB(cuModuleUnload)
STUB(cuModuleGetFunction)
STUB(cuLaunchKernel)
STUB(cuMemAlloc_v2)
STUB(cuMemFree_v2)
STUB(cuMemcpyHtoDAsync_v2)
STUB(cuMemcpyDtoHAsync_v2)
STUB(cuStreamCreate)
STUB(cuStreamDestroy_v2)
STUB(cuStreamSynchronize)
STUB(cuStreamBeginCapture_v2)
STUB(cuStreamEndCapture)
STUB(cuGraphInstantiateWithFlags)
STUB(cuGraphExecDestroy)
STUB(cuGraphDestroy)
STUB(cuEventCreate)
STUB(cuEventRecord)
STUB(cuEventElapsedTime)
STUB(cuEventDestroy_v2)
#ifdef FAKE_CUDA_COMPLETE
STUB(cuGraphLaunch)
#endif
