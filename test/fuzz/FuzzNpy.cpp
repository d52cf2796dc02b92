//===- FuzzNpy.cpp - libFuzzer target: the .npy reader --------------------===//

#include "tools/inception-run/Npy.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  inception::NpyArray array;
  std::string error = inception::parseNpy(
      std::string(reinterpret_cast<const char *>(data), size), "fuzz.npy",
      array);
  if (!error.empty())
    return 0;
  // Accepted: the shape must account for every element read.
  uint64_t count = 1;
  for (int64_t extent : array.shape) {
    if (extent < 0)
      std::abort();
    count *= uint64_t(extent);
  }
  if (count != array.data.size())
    std::abort();
  return 0;
}
