//===- FuzzSafeTensors.cpp - libFuzzer target: the safetensors readers ----===//
//
// The runtime's reader (runtime/safetensors.c) and the compiler's view over
// it (frontend/SafeTensors.cpp) on any bytes: a file they accept must have
// every tensor inside the data, of the size its shape and dtype say.
//
//===----------------------------------------------------------------------===//

#include "frontend/SafeTensors.h"
#include "runtime/safetensors.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  inception_st_file *file = nullptr;
  char message[256] = {0};
  if (inception_st_parse(data, size, &file, message, sizeof(message)) == 0) {
    for (size_t i = 0; i < inception_st_count(file); ++i) {
      const inception_st_tensor *tensor = inception_st_at(file, i);
      // Touch every byte the reader vouches for: ASan checks the bounds.
      const uint8_t *bytes = static_cast<const uint8_t *>(tensor->data);
      volatile uint8_t sum = 0;
      for (uint64_t b = 0; b < tensor->byte_size; ++b)
        sum += bytes[b];
      (void)sum;
      if (inception_st_find(file, tensor->name, tensor->name_length) != tensor)
        std::abort();
    }
    inception_st_free(file);
  } else if (!message[0]) {
    std::abort();
  }

  auto parsed = inception::SafeTensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.safetensors"));
  if (!parsed) {
    if (llvm::toString(parsed.takeError()).empty())
      std::abort();
    return 0;
  }
  for (const inception::TensorView &tensor : (*parsed)->tensors()) {
    if (int64_t(tensor.bytes.size()) !=
        tensor.numElements() * int64_t(inception::dtypeSize(tensor.dtype)))
      std::abort();
    if ((*parsed)->lookup(tensor.name) != &tensor)
      std::abort();
  }
  return 0;
}
