//===- OnnxImporter.h - ONNX files as model files and weights ---*- C++ -*-===//
//
// Translates an ONNX model into the model language (a readable `.inception`
// file) and its parameters (safetensors). `inception-import` writes both;
// `inceptionc model.onnx` compiles the same text and weights directly, so the
// two paths build the same module. An ONNX graph the language cannot state
// exactly is an error naming the node, never an approximation.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_ONNX_ONNXIMPORTER_H
#define INCEPTION_FRONTEND_ONNX_ONNXIMPORTER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <string>
#include <vector>

namespace inception {

/// One parameter of the imported model, float32 in row-major order.
struct ImportedTensor {
  std::string key;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

struct ImportedModel {
  /// The model in the model language.
  std::string source;
  /// Its parameters, keyed as the source's ops name them.
  std::vector<ImportedTensor> weights;

  /// Writes `weights` as a safetensors file.
  llvm::Error writeWeights(llvm::raw_ostream &os) const;
};

/// The largest ONNX file the importer reads (protobuf's own limit is 2 GiB).
constexpr uint64_t kMaxOnnxFileBytes = uint64_t(2) << 30;

/// Imports the serialized ONNX ModelProto `bytes`; `fileName` names it in
/// the generated source and in errors.
llvm::Expected<ImportedModel> importOnnx(llvm::StringRef bytes,
                                         llvm::StringRef fileName);

/// Reads and imports the ONNX file at `path`.
llvm::Expected<ImportedModel> importOnnxFile(llvm::StringRef path);

/// Whether `path` names an ONNX file (by its extension, `.onnx`).
bool isOnnxPath(llvm::StringRef path);

/// Whether the importer was built (Debian's libonnx-dev was found).
bool onnxImportAvailable();

} // namespace inception

#endif // INCEPTION_FRONTEND_ONNX_ONNXIMPORTER_H
