//===- SafeTensors.h - Memory-mapped safetensors reader ---------*- C++ -*-===//
//
// Reads the safetensors format (an 8-byte little-endian header length, a
// JSON header, then the raw tensor bytes) without copying: tensors are views
// into the mapped file. The checks are runtime/safetensors.c's, the one
// reader the runtime's weight loader shares: every declared offset, size and
// shape is checked before it is trusted, so a truncated or lying file is an
// error, never an out-of-bounds read.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_SAFETENSORS_H
#define INCEPTION_FRONTEND_SAFETENSORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <string>
#include <vector>

namespace inception {

/// runtime/safetensors.h's inception_st_dtype, in its order.
enum class DType { F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8,
                   U64, U32, U16, U8, Bool };

llvm::StringRef dtypeName(DType dtype);
size_t dtypeSize(DType dtype);

struct TensorView {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  llvm::ArrayRef<char> bytes; // points into the mapped file

  int64_t numElements() const;
};

class SafeTensorsFile {
public:
  /// Maps `path` and validates its header.
  static llvm::Expected<std::unique_ptr<SafeTensorsFile>>
  open(llvm::StringRef path);
  /// Validates an in-memory file; `buffer` is kept alive by the result.
  static llvm::Expected<std::unique_ptr<SafeTensorsFile>>
  fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer);

  /// The tensor named `name`, or null.
  const TensorView *lookup(llvm::StringRef name) const;
  /// All tensors, in the order of their data offsets.
  llvm::ArrayRef<TensorView> tensors() const { return views; }
  llvm::StringRef path() const { return buffer->getBufferIdentifier(); }

private:
  explicit SafeTensorsFile(std::unique_ptr<llvm::MemoryBuffer> buffer)
      : buffer(std::move(buffer)) {}
  llvm::Error parse();

  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::vector<TensorView> views;
  llvm::StringMap<size_t> index;
};

/// One tensor to write: `bytes` must hold `shape`'s elements of `dtype`.
struct TensorToWrite {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  llvm::ArrayRef<char> bytes;
};

/// Writes `tensors` in the safetensors format, the header padded so that the
/// data starts 8-byte aligned. Fails if a tensor's byte size disagrees with
/// its shape or a name repeats.
llvm::Error writeSafeTensors(llvm::raw_ostream &os,
                             llvm::ArrayRef<TensorToWrite> tensors);

} // namespace inception

#endif // INCEPTION_FRONTEND_SAFETENSORS_H
