//===- Npy.h - NumPy .npy files of float32 tensors --------------*- C++ -*-===//

#ifndef INCEPTION_TOOLS_NPY_H
#define INCEPTION_TOOLS_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace inception {

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

/// Reads a little-endian float32, C-order .npy file (format 1.0, 2.0 or
/// 3.0). Returns an empty string on success, else what is wrong and where.
std::string readNpy(const std::string &path, NpyArray &array);
/// The same for the file's bytes, `path` naming it in messages.
std::string parseNpy(const std::string &bytes, const std::string &path,
                     NpyArray &array);
/// Writes `array` as a format 1.0 .npy file.
std::string writeNpy(const std::string &path, const NpyArray &array);

} // namespace inception

#endif // INCEPTION_TOOLS_NPY_H
