//===- SafeTensors.cpp - Memory-mapped safetensors reader -----------------===//

#include "frontend/SafeTensors.h"

#include "runtime/safetensors.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"

using namespace inception;
using llvm::Error;
using llvm::Expected;

llvm::StringRef inception::dtypeName(DType dtype) {
  return inception_st_dtype_name(static_cast<inception_st_dtype>(dtype));
}

size_t inception::dtypeSize(DType dtype) {
  return inception_st_dtype_size(static_cast<inception_st_dtype>(dtype));
}

int64_t TensorView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d; // bounded by the reader: the byte size fits the file
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

Error SafeTensorsFile::parse() {
  // runtime/safetensors.c checks the file, for the runtime's weight loader
  // as for the compiler.
  llvm::StringRef contents = buffer->getBuffer();
  inception_st_file *file = nullptr;
  char message[512];
  if (inception_st_parse(contents.data(), contents.size(), &file, message,
                         sizeof(message)))
    return llvm::createStringError(std::errc::invalid_argument, "%s: %s",
                                   buffer->getBufferIdentifier().str().c_str(),
                                   message);
  for (size_t i = 0, e = inception_st_count(file); i < e; ++i) {
    const inception_st_tensor *tensor = inception_st_at(file, i);
    TensorView view;
    view.name.assign(tensor->name, tensor->name_length);
    view.dtype = static_cast<DType>(tensor->dtype);
    view.shape.assign(tensor->shape, tensor->shape + tensor->rank);
    view.bytes = llvm::ArrayRef<char>(static_cast<const char *>(tensor->data),
                                      tensor->byte_size);
    index[view.name] = views.size();
    views.push_back(std::move(view));
  }
  inception_st_free(file);
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
