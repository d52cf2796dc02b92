//===- Npy.cpp - NumPy .npy files of float32 tensors ----------------------===//

#include "tools/inception-run/Npy.h"

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

namespace inception {

static const char kMagic[] = "\x93NUMPY";

/// The value of `key` in the header's Python dict literal, as text.
static bool dictValue(const std::string &header, const std::string &key,
                      std::string &value) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return false;
  at = header.find(':', at);
  if (at == std::string::npos)
    return false;
  ++at;
  while (at < header.size() && std::isspace(static_cast<unsigned char>(header[at])))
    ++at;
  size_t end = at;
  if (at < header.size() && header[at] == '(') {
    end = header.find(')', at);
    if (end == std::string::npos)
      return false;
    ++end;
  } else {
    while (end < header.size() && header[end] != ',' && header[end] != '}')
      ++end;
  }
  value = header.substr(at, end - at);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.pop_back();
  return true;
}

std::string readNpy(const std::string &path, NpyArray &array) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return path + ": cannot open: " + std::strerror(errno);
  std::string bytes((std::istreambuf_iterator<char>(file)),
                    std::istreambuf_iterator<char>());
  return parseNpy(bytes, path, array);
}

std::string parseNpy(const std::string &bytes, const std::string &path,
                     NpyArray &array) {
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0)
    return path + ": not a .npy file (bad magic)";
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerStart = major == 1 ? 10 : 12;
  if (major < 1 || major > 3 || bytes.size() < headerStart)
    return path + ": unsupported .npy format version " + std::to_string(major);
  size_t headerLength = static_cast<unsigned char>(bytes[8]) |
                        static_cast<unsigned char>(bytes[9]) << 8;
  if (major > 1)
    headerLength |= size_t(static_cast<unsigned char>(bytes[10])) << 16 |
                    size_t(static_cast<unsigned char>(bytes[11])) << 24;
  // NumPy itself reads no header over 10000 bytes (max_header_size): a
  // longer one is not an array's description.
  constexpr size_t kMaxHeaderLength = 10000;
  if (headerLength > kMaxHeaderLength)
    return path + ": header of " + std::to_string(headerLength) +
           " bytes is longer than " + std::to_string(kMaxHeaderLength) +
           " (NumPy's own limit)";
  if (headerLength > bytes.size() - headerStart)
    return path + ": header length " + std::to_string(headerLength) +
           " runs past the end of the file";
  std::string header = bytes.substr(headerStart, headerLength);
  std::string descr, fortran, shape;
  if (!dictValue(header, "descr", descr) ||
      !dictValue(header, "fortran_order", fortran) ||
      !dictValue(header, "shape", shape))
    return path + ": malformed header '" + header + "'";
  if (descr != "'<f4'" && descr != "'float32'")
    return path + ": dtype " + descr + " is not float32 ('<f4')";
  if (fortran != "False")
    return path + ": Fortran-order arrays are not supported";
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')')
    return path + ": shape '" + shape + "' is not a tuple";
  array.shape.clear();
  std::string dims = shape.substr(1, shape.size() - 2);
  std::stringstream stream(dims);
  std::string dim;
  uint64_t count = 1;
  while (std::getline(stream, dim, ',')) {
    size_t first = dim.find_first_not_of(" ");
    if (first == std::string::npos)
      continue;
    dim = dim.substr(first);
    char *end = nullptr;
    errno = 0;
    long long extent = std::strtoll(dim.c_str(), &end, 10);
    if (errno || extent < 0 || (*end && !std::isspace(static_cast<unsigned char>(*end))))
      return path + ": bad shape " + shape;
    if (extent && count > (uint64_t(1) << 40) / uint64_t(extent))
      return path + ": shape " + shape + " is too large";
    count *= uint64_t(extent);
    array.shape.push_back(extent);
  }
  size_t dataStart = headerStart + headerLength;
  if (bytes.size() - dataStart != count * sizeof(float))
    return path + ": shape " + shape + " needs " +
           std::to_string(count * sizeof(float)) + " bytes of data, the file has " +
           std::to_string(bytes.size() - dataStart);
  array.data.resize(count);
  if (count) // an empty vector's data() may be null, which memcpy may not take
    std::memcpy(array.data.data(), bytes.data() + dataStart,
                count * sizeof(float));
  return "";
}

std::string writeNpy(const std::string &path, const NpyArray &array) {
  std::string shape = "(";
  for (int64_t d : array.shape)
    shape += std::to_string(d) + ", ";
  if (array.shape.size() > 1)
    shape.resize(shape.size() - 2);
  else if (array.shape.size() == 1)
    shape.resize(shape.size() - 1);
  shape += ")";
  std::string header =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so that the data starts 64-byte aligned.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::ofstream file(path, std::ios::binary);
  if (!file)
    return path + ": cannot write: " + std::strerror(errno);
  file.write(kMagic, 6);
  char version[2] = {1, 0};
  file.write(version, 2);
  char length[2] = {char(header.size() & 0xff), char(header.size() >> 8)};
  file.write(length, 2);
  file << header;
  file.write(reinterpret_cast<const char *>(array.data.data()),
             array.data.size() * sizeof(float));
  if (!file)
    return path + ": write failed";
  return "";
}

} // namespace inception
