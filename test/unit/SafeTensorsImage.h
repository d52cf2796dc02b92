//===- SafeTensorsImage.h - safetensors images for the tests ----*- C++ -*-===//

#ifndef INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H
#define INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H

#include <cctype>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <gtest/gtest.h>
#include <string>
#include <vector>

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

/// A safetensors image the reader rejects, and the message after the
/// source's name: the compiler's reader (SafeTensorsTest.cpp) and the
/// runtime's weight loader (WeightsTest.cpp) run every one.
struct MalformedImage {
  const char *what;
  std::string image;
  const char *message;
};

inline std::vector<MalformedImage> malformedImages() {
  const char *kOne = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  return {
        MalformedImage{"empty", "", "file is 0 bytes, too short for the 8-byte header length"},
        MalformedImage{"truncated length", std::string(5, '\0'), "file is 5 bytes, too short for the 8-byte header length"},
        MalformedImage{"header past end", makeFile("{}", "", 1000), "header length 1000 runs past the end of the file (10 bytes)"},
        MalformedImage{"huge header length", makeFile("{}", "", uint64_t(1) << 62), "header length 4611686018427387904 exceeds the limit of 104857600 bytes"},
        MalformedImage{"max u64 header length", makeFile("{}", "", UINT64_MAX), "header length 18446744073709551615 exceeds the limit of 104857600 bytes"},
        MalformedImage{"truncated header", makeFile(kOne, floats({1, 2})).substr(0, 30), "header length 54 runs past the end of the file (30 bytes)"},
        MalformedImage{"truncated data", makeFile(kOne, floats({1})), "tensor 'w': data_offsets [0, 8] run past the 4 bytes of data"},
        MalformedImage{"not json", makeFile("{oops", ""), "header is not valid JSON: at byte 1: expected an object key"},
        MalformedImage{"not an object", makeFile("[1, 2]", ""), "header is not a JSON object"},
        MalformedImage{"entry not object", makeFile(R"({"w": 3})", ""), "tensor 'w': entry is not an object"},
        MalformedImage{"no dtype", makeFile(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': missing string 'dtype'"},
        MalformedImage{"unknown dtype", makeFile(R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': unknown dtype 'Q4'"},
        MalformedImage{"no shape", makeFile(R"({"w":{"dtype":"F32","data_offsets":[0,4]}})", floats({1})), "tensor 'w': missing array 'shape'"},
        MalformedImage{"negative extent", makeFile(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': shape entries must be non-negative integers"},
        MalformedImage{"fractional extent", makeFile(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': shape entries must be non-negative integers"},
        MalformedImage{"overflowing shape", makeFile(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': declared shape overflows 64-bit byte size"},
        MalformedImage{"huge declared size", makeFile(R"({"w":{"dtype":"F32","shape":[1099511627776],"data_offsets":[0,4398046511104]}})", floats({1})), "tensor 'w': data_offsets [0, 4398046511104] run past the 4 bytes of data"},
        MalformedImage{"one offset", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", floats({1})), "tensor 'w': 'data_offsets' must be an array of two integers"},
        MalformedImage{"negative offset", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", floats({1})), "tensor 'w': 'data_offsets' must be non-negative integers"},
        MalformedImage{"reversed offsets", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", floats({1})), "tensor 'w': data_offsets [4, 0] are reversed"},
        MalformedImage{"size lies", makeFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", floats({1, 2})), "tensor 'w': data_offsets [0, 8] hold 8 bytes but dtype F32 and the shape need 12"},
        MalformedImage{"overlap", makeFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", floats({1, 2, 3})), "tensors 'a' and 'b' have overlapping data ([0, 8) and [4, 12))"},
        MalformedImage{"duplicate key", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", floats({1, 2})), "tensor 'w' is declared twice"},
        MalformedImage{"duplicate escaped key", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", floats({1, 2})), "tensor 'w' is declared twice"},
        MalformedImage{"metadata not object", makeFile(R"({"__metadata__": 1})", ""), "'__metadata__' is not an object"},
        MalformedImage{"metadata not string", makeFile(R"({"__metadata__": {"k": 1}})", ""), "'__metadata__' entry 'k' is not a string"},
        // JSON the reader checks itself (runtime/safetensors.c).
        MalformedImage{"unterminated string", makeFile(R"({"w)", ""), "header is not valid JSON: at byte 3: unterminated string"},
        MalformedImage{"bad escape", makeFile(R"({"\q": 1})", ""), "header is not valid JSON: at byte 4: invalid escape in a string"},
        MalformedImage{"lone surrogate", makeFile(R"({"\udc00": 1})", ""), "header is not valid JSON: at byte 8: invalid escape in a string"},
        MalformedImage{"control character", makeFile("{\"w\n\": 1}", ""), "header is not valid JSON: at byte 3: control character in a string"},
        MalformedImage{"leading zero", makeFile(R"({"w": 01})", ""), "header is not valid JSON: at byte 7: expected ',' or '}'"},
        MalformedImage{"text after", makeFile(R"({} {})", ""), "header is not valid JSON: at byte 3: text after the header's object"},
        MalformedImage{"deep nesting", makeFile("{\"w\":" + std::string(40, '[') + std::string(40, ']') + "}", ""), "header nests deeper than 32 levels"},
        MalformedImage{"exponent extent", makeFile(R"({"w":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': shape entries must be non-negative integers"},
        MalformedImage{"extent past int64", makeFile(R"({"w":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': shape entries must be non-negative integers"},
        MalformedImage{"string offset", makeFile(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":["0",4]}})", floats({1})), "tensor 'w': 'data_offsets' must be non-negative integers"},
        MalformedImage{"field name with a NUL", makeFile(R"({"w":{"dtype\u0000x":"F32","shape":[1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': missing string 'dtype'"},
        MalformedImage{"dtype with a NUL", makeFile(R"({"w":{"dtype":"F32\u0000","shape":[1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': unknown dtype 'F32'"},
        MalformedImage{"repeated field", makeFile(R"({"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})", floats({1})), "tensor 'w': key 'dtype' appears twice"}
  };
}

/// A test name from `what`.
inline std::string malformedImageName(
    const testing::TestParamInfo<MalformedImage> &info) {
  std::string name = info.param.what;
  for (char &c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return name;
}

} // namespace inception::test

#endif // INCEPTION_TEST_UNIT_SAFETENSORSIMAGE_H
