//===- SafeTensors.cpp - Memory-mapped safetensors reader -----------------===//

#include "frontend/SafeTensors.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"
#include <algorithm>
#include <optional>

using namespace inception;
using llvm::Error;
using llvm::Expected;

llvm::StringRef inception::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F64: return "F64";
  case DType::F32: return "F32";
  case DType::F16: return "F16";
  case DType::BF16: return "BF16";
  case DType::F8_E4M3: return "F8_E4M3";
  case DType::F8_E5M2: return "F8_E5M2";
  case DType::I64: return "I64";
  case DType::I32: return "I32";
  case DType::I16: return "I16";
  case DType::I8: return "I8";
  case DType::U64: return "U64";
  case DType::U32: return "U32";
  case DType::U16: return "U16";
  case DType::U8: return "U8";
  case DType::Bool: return "BOOL";
  }
  return "?";
}

size_t inception::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F64: case DType::I64: case DType::U64: return 8;
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::F16: case DType::BF16: case DType::I16: case DType::U16: return 2;
  default: return 1;
  }
}

static std::optional<DType> parseDType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("F64", DType::F64).Case("F32", DType::F32)
      .Case("F16", DType::F16).Case("BF16", DType::BF16)
      .Case("F8_E4M3", DType::F8_E4M3).Case("F8_E5M2", DType::F8_E5M2)
      .Case("I64", DType::I64).Case("I32", DType::I32)
      .Case("I16", DType::I16).Case("I8", DType::I8)
      .Case("U64", DType::U64).Case("U32", DType::U32)
      .Case("U16", DType::U16).Case("U8", DType::U8)
      .Case("BOOL", DType::Bool)
      .Default(std::nullopt);
}

int64_t TensorView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // bounded by parse(): the byte size fits the file
  return n;
}

Expected<std::unique_ptr<SafeTensorsFile>>
SafeTensorsFile::open(llvm::StringRef path) {
  // No null terminator is requested, so large files are mapped, not read.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "%s: cannot open: %s",
                                   path.str().c_str(),
                                   buffer.getError().message().c_str());
  return fromBuffer(std::move(*buffer));
}

Expected<std::unique_ptr<SafeTensorsFile>>
SafeTensorsFile::fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  std::unique_ptr<SafeTensorsFile> file(new SafeTensorsFile(std::move(buffer)));
  if (Error error = file->parse())
    return std::move(error);
  return std::move(file);
}

const TensorView *SafeTensorsFile::lookup(llvm::StringRef name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &views[it->second];
}

namespace {
/// Builds errors that all start with the file name.
struct ErrorPrefix {
  std::string path;
  Error operator()(const llvm::Twine &message) const {
    return llvm::createStringError(std::errc::invalid_argument, "%s: %s",
                                   path.c_str(), message.str().c_str());
  }
};
} // namespace

/// Reads a non-negative JSON integer that fits in int64.
static std::optional<int64_t> getNonNegative(const llvm::json::Value &value) {
  std::optional<int64_t> number = value.getAsInteger();
  if (!number || *number < 0)
    return std::nullopt;
  return number;
}

/// The keys of the top-level object of `header`, which must be valid JSON,
/// decoded. llvm::json keeps one of two equal keys silently; a header that
/// names a tensor twice is ambiguous and must be rejected.
static std::vector<std::string> topLevelKeys(llvm::StringRef header) {
  std::vector<std::string> keys;
  int depth = 0;
  bool expectKey = false;
  for (size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (c == '"') {
      size_t end = i + 1;
      while (end < header.size() && header[end] != '"')
        end += header[end] == '\\' ? 2 : 1;
      if (depth == 1 && expectKey) {
        llvm::Expected<llvm::json::Value> key =
            llvm::json::parse(header.slice(i, end + 1));
        if (key && key->getAsString())
          keys.push_back(key->getAsString()->str());
        else
          llvm::consumeError(key.takeError());
        expectKey = false;
      }
      i = end;
    } else if (c == '{' || c == '[') {
      ++depth;
      expectKey = depth == 1;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expectKey = true;
    }
  }
  return keys;
}

Error SafeTensorsFile::parse() {
  ErrorPrefix fail{buffer->getBufferIdentifier().str()};
  llvm::StringRef contents = buffer->getBuffer();
  if (contents.size() < 8)
    return fail("file is " + llvm::Twine(contents.size()) +
                " bytes, too short for the 8-byte header length");
  uint64_t headerSize =
      llvm::support::endian::read64le(contents.data());
  if (headerSize > kMaxHeaderSize)
    return fail("header length " + llvm::Twine(headerSize) +
                " exceeds the limit of " + llvm::Twine(kMaxHeaderSize) +
                " bytes");
  if (headerSize > contents.size() - 8)
    return fail("header length " + llvm::Twine(headerSize) +
                " runs past the end of the file (" +
                llvm::Twine(contents.size()) + " bytes)");
  llvm::StringRef header = contents.substr(8, headerSize);
  llvm::StringRef data = contents.substr(8 + headerSize);

  Expected<llvm::json::Value> json = llvm::json::parse(header);
  if (!json)
    return fail("header is not valid JSON: " + toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return fail("header is not a JSON object");
  std::vector<std::string> keys = topLevelKeys(header);
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i)
    if (keys[i] == keys[i - 1])
      return fail("tensor '" + keys[i] + "' is declared twice");

  // (begin, end, view index) of every tensor, to find overlaps.
  std::vector<std::tuple<uint64_t, uint64_t, size_t>> ranges;
  for (const auto &[key, value] : *root) {
    llvm::StringRef name = key;
    if (name == "__metadata__") {
      const llvm::json::Object *metadata = value.getAsObject();
      if (!metadata)
        return fail("'__metadata__' is not an object");
      for (const auto &[metaKey, metaValue] : *metadata)
        if (!metaValue.getAsString())
          return fail("'__metadata__' entry '" + llvm::StringRef(metaKey) +
                      "' is not a string");
      continue;
    }
    auto tensorError = [&](const llvm::Twine &what) {
      return fail("tensor '" + name + "': " + what);
    };
    const llvm::json::Object *entry = value.getAsObject();
    if (!entry)
      return tensorError("entry is not an object");
    std::optional<llvm::StringRef> dtypeText = entry->getString("dtype");
    if (!dtypeText)
      return tensorError("missing string 'dtype'");
    std::optional<DType> dtype = parseDType(*dtypeText);
    if (!dtype)
      return tensorError("unknown dtype '" + *dtypeText + "'");
    const llvm::json::Array *shapeJson = entry->getArray("shape");
    if (!shapeJson)
      return tensorError("missing array 'shape'");
    const llvm::json::Array *offsetsJson = entry->getArray("data_offsets");
    if (!offsetsJson || offsetsJson->size() != 2)
      return tensorError("'data_offsets' must be an array of two integers");

    TensorView view;
    view.name = name.str();
    view.dtype = *dtype;
    // The byte size is computed with overflow checks: a shape may claim more
    // elements than any file could hold.
    uint64_t byteSize = dtypeSize(*dtype);
    for (const llvm::json::Value &dim : *shapeJson) {
      std::optional<int64_t> extent = getNonNegative(dim);
      if (!extent)
        return tensorError("shape entries must be non-negative integers");
      uint64_t product;
      if (__builtin_mul_overflow(byteSize, uint64_t(*extent), &product))
        return tensorError("declared shape overflows 64-bit byte size");
      byteSize = product;
      view.shape.push_back(*extent);
    }
    std::optional<int64_t> begin = getNonNegative((*offsetsJson)[0]);
    std::optional<int64_t> end = getNonNegative((*offsetsJson)[1]);
    if (!begin || !end)
      return tensorError("'data_offsets' must be non-negative integers");
    if (*begin > *end)
      return tensorError("data_offsets [" + llvm::Twine(*begin) + ", " +
                         llvm::Twine(*end) + "] are reversed");
    if (uint64_t(*end) > data.size())
      return tensorError("data_offsets [" + llvm::Twine(*begin) + ", " +
                         llvm::Twine(*end) + "] run past the " +
                         llvm::Twine(data.size()) + " bytes of data");
    if (uint64_t(*end - *begin) != byteSize)
      return tensorError("data_offsets [" + llvm::Twine(*begin) + ", " +
                         llvm::Twine(*end) + "] hold " +
                         llvm::Twine(*end - *begin) + " bytes but dtype " +
                         dtypeName(*dtype) + " and the shape need " +
                         llvm::Twine(byteSize));
    view.bytes = llvm::ArrayRef<char>(data.data() + *begin, byteSize);
    ranges.emplace_back(*begin, *end, views.size());
    index[view.name] = views.size();
    views.push_back(std::move(view));
  }

  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    auto [prevBegin, prevEnd, prevIndex] = ranges[i - 1];
    auto [begin, end, viewIndex] = ranges[i];
    if (begin < prevEnd && begin != end && prevBegin != prevEnd)
      return fail("tensors '" + views[prevIndex].name + "' and '" +
                  views[viewIndex].name + "' have overlapping data ([" +
                  llvm::Twine(prevBegin) + ", " + llvm::Twine(prevEnd) +
                  ") and [" + llvm::Twine(begin) + ", " + llvm::Twine(end) +
                  "))");
  }
  // Keep the views in file order and the index pointing at them.
  std::vector<TensorView> ordered;
  ordered.reserve(views.size());
  for (auto &[begin, end, viewIndex] : ranges)
    ordered.push_back(std::move(views[viewIndex]));
  views = std::move(ordered);
  index.clear();
  for (size_t i = 0; i < views.size(); ++i)
    index[views[i].name] = i;
  return Error::success();
}

llvm::Error inception::writeSafeTensors(llvm::raw_ostream &os,
                                       llvm::ArrayRef<TensorToWrite> tensors) {
  llvm::json::Object header;
  uint64_t offset = 0;
  for (const TensorToWrite &tensor : tensors) {
    uint64_t expected = dtypeSize(tensor.dtype);
    for (int64_t extent : tensor.shape)
      expected *= uint64_t(extent);
    if (expected != tensor.bytes.size())
      return llvm::createStringError(
          std::errc::invalid_argument,
          "tensor '%s' has %zu bytes but its shape needs %llu",
          tensor.name.c_str(), tensor.bytes.size(),
          static_cast<unsigned long long>(expected));
    if (header.find(tensor.name) != header.end())
      return llvm::createStringError(std::errc::invalid_argument,
                                     "tensor '%s' is written twice",
                                     tensor.name.c_str());
    llvm::json::Array shape;
    for (int64_t extent : tensor.shape)
      shape.push_back(extent);
    header[tensor.name] = llvm::json::Object{
        {"dtype", dtypeName(tensor.dtype)},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{int64_t(offset),
                                           int64_t(offset + expected)}}};
    offset += expected;
  }
  std::string text;
  llvm::raw_string_ostream(text) << llvm::json::Value(std::move(header));
  text.append((8 - text.size() % 8) % 8, ' ');
  char length[8];
  llvm::support::endian::write64le(length, text.size());
  os.write(length, 8);
  os << text;
  for (const TensorToWrite &tensor : tensors)
    os.write(tensor.bytes.data(), tensor.bytes.size());
  return llvm::Error::success();
}
