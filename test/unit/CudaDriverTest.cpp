//===- CudaDriverTest.cpp - The CUDA driver, opened at run time -----------===//
//
// runtime/cuda_driver.c against fake drivers (Inputs/fake_cuda.c): every
// way of having no usable GPU is INCEPTION_ERROR_NO_DEVICE with a message
// that says which, and a driver with a device resolves every entry point.
// No GPU or CUDA installation is needed.
//
//===----------------------------------------------------------------------===//

#include "cuda_driver.h"
#include "inception/model_abi.h"

#include "gtest/gtest.h"
#include <cstdlib>
#include <string>

namespace {

struct Opened {
  inception_cuda_driver driver = {};
  void *handle = nullptr;
  int status;
  std::string message;
  explicit Opened(const char *path) {
    char text[512] = "";
    status = inception_cuda_open_library(path, &driver, &handle, text,
                                         sizeof text);
    message = text;
  }
  ~Opened() { inception_cuda_close(handle); }
};

TEST(CudaDriver, NoDriverIsNoDevice) {
  Opened opened("/nonexistent/libcuda.so.1");
  EXPECT_EQ(opened.status, INCEPTION_ERROR_NO_DEVICE);
  EXPECT_EQ(opened.handle, nullptr);
  EXPECT_EQ(opened.message,
            "cannot open the CUDA driver: /nonexistent/libcuda.so.1: cannot "
            "open shared object file: No such file or directory");
}

TEST(CudaDriver, AnOldDriverNamesTheMissingEntry) {
  Opened opened(INCEPTION_FAKE_CUDA_OLD_PATH);
  EXPECT_EQ(opened.status, INCEPTION_ERROR_NO_DEVICE);
  EXPECT_EQ(opened.message, std::string("the CUDA driver '") +
                                INCEPTION_FAKE_CUDA_OLD_PATH +
                                "' has no cuGraphLaunch: it is older than "
                                "the library needs");
}

TEST(CudaDriver, NoGpuIsNoDevice) {
  unsetenv("FAKE_CUDA_DEVICES");
  unsetenv("FAKE_CUDA_INIT_ERROR");
  Opened opened(INCEPTION_FAKE_CUDA_PATH);
  EXPECT_EQ(opened.status, INCEPTION_ERROR_NO_DEVICE);
  EXPECT_EQ(opened.message, std::string("the CUDA driver '") +
                                INCEPTION_FAKE_CUDA_PATH + "' finds no GPU");
}

TEST(CudaDriver, AFailedInitIsNoDeviceWithTheDriversReason) {
  setenv("FAKE_CUDA_INIT_ERROR", "100", 1);
  Opened known(INCEPTION_FAKE_CUDA_PATH);
  setenv("FAKE_CUDA_INIT_ERROR", "999", 1);
  Opened unknown(INCEPTION_FAKE_CUDA_PATH);
  unsetenv("FAKE_CUDA_INIT_ERROR");
  EXPECT_EQ(known.status, INCEPTION_ERROR_NO_DEVICE);
  EXPECT_EQ(known.message,
            std::string("the CUDA driver '") + INCEPTION_FAKE_CUDA_PATH +
                "' failed to start: CUDA_ERROR_NO_DEVICE: no CUDA-capable "
                "device is detected");
  EXPECT_EQ(unknown.message, std::string("the CUDA driver '") +
                                 INCEPTION_FAKE_CUDA_PATH +
                                 "' failed to start: CUDA error 999");
}

TEST(CudaDriver, ADeviceResolvesEveryEntry) {
  setenv("FAKE_CUDA_DEVICES", "1", 1);
  Opened opened(INCEPTION_FAKE_CUDA_PATH);
  unsetenv("FAKE_CUDA_DEVICES");
  ASSERT_EQ(opened.status, INCEPTION_OK) << opened.message;
#define INCEPTION_CUDA_ENTRY(name, symbol, parameters)                         \
  EXPECT_NE(reinterpret_cast<void *>(opened.driver.name), nullptr) << symbol;
#include "cuda_driver.def"
  // The fake's stubs answer CUDA_ERROR_NOT_SUPPORTED: the calls reach it.
  int device = -1;
  EXPECT_EQ(opened.driver.cuDeviceGet(&device, 0), 801);
}

// The process's driver, once: $INCEPTION_CUDA_DRIVER chooses the library
// (a path that does not exist here), and the first answer is kept.
TEST(CudaDriver, TheProcessDriverIsOpenedOnce) {
  setenv("INCEPTION_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  const inception_cuda_driver *driver = nullptr;
  char first[512], second[512];
  EXPECT_EQ(inception_cuda_open(&driver, first, sizeof first),
            INCEPTION_ERROR_NO_DEVICE);
  EXPECT_EQ(driver, nullptr);
  setenv("INCEPTION_CUDA_DRIVER", INCEPTION_FAKE_CUDA_PATH, 1);
  EXPECT_EQ(inception_cuda_open(&driver, second, sizeof second),
            INCEPTION_ERROR_NO_DEVICE);
  EXPECT_STREQ(first, second);
  EXPECT_STREQ(first, "cannot open the CUDA driver: /nonexistent/libcuda.so.1: "
                      "cannot open shared object file: No such file or "
                      "directory");
  unsetenv("INCEPTION_CUDA_DRIVER");
}

} // namespace
