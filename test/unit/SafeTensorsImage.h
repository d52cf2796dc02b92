//===- SafeTensorsImage.h - safetensors images for the tests ----*- C++ -*-===//

#ifndef INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H
#define INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>

namespace inception::test {

/// A safetensors image: the header's length (or `declaredLength`, to lie
/// about it), the header, the data.
inline std::string makeFile(const std::string &header, const std::string &data,
                            std::optional<uint64_t> declaredLength = {}) {
  uint64_t length = declaredLength.value_or(header.size());
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i)
    bytes[i] = char((length >> (8 * i)) & 0xff);
  return bytes + header + data;
}

/// The bytes of `values`, as f32.
inline std::string floats(std::initializer_list<float> values) {
  std::string bytes(values.size() * 4, '\0');
  std::memcpy(bytes.data(), values.begin(), bytes.size());
  return bytes;
}

} // namespace inception::test

#endif // INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H
