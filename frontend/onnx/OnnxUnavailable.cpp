//===- OnnxUnavailable.cpp - The importer where ONNX was not found --------===//
//
// Built instead of OnnxImporter.cpp where libonnx-dev is missing, so that
// the tools still build and say what to install.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxImporter.h"
#include "llvm/Support/Path.h"

namespace inception {

bool onnxImportAvailable() { return false; }

llvm::Error ImportedModel::writeWeights(llvm::raw_ostream &) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "built without ONNX import");
}

bool isOnnxPath(llvm::StringRef path) {
  return llvm::sys::path::extension(path).equals_insensitive(".onnx");
}

llvm::Expected<ImportedModel> importOnnxFile(llvm::StringRef path) {
  return importOnnx({}, path);
}

llvm::Expected<ImportedModel> importOnnx(llvm::StringRef,
                                         llvm::StringRef fileName) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fileName + ": this build has no ONNX import (it needs libonnx-dev and "
                 "libprotobuf-dev: run tools/setup.sh, then rebuild)");
}

} // namespace inception
