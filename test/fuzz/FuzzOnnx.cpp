//===- FuzzOnnx.cpp - libFuzzer target: the ONNX importer -----------------===//
//
// Any bytes through importOnnx; what it accepts must elaborate into the
// dialect with its own weights (the importer's output is a valid model
// file), or the importer has a bug.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SafeTensors.h"
#include "frontend/SourceLocator.h"
#include "frontend/Weights.h"
#include "frontend/onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto imported = inception::importOnnx(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx");
  if (!imported) {
    if (llvm::toString(imported.takeError()).empty())
      std::abort();
    return 0;
  }
  std::string weightBytes;
  llvm::raw_string_ostream stream(weightBytes);
  if (llvm::Error error = imported->writeWeights(stream)) {
    llvm::consumeError(std::move(error));
    std::abort();
  }
  auto weightsFile = inception::SafeTensorsFile::fromBuffer(
      llvm::MemoryBuffer::getMemBuffer(weightBytes, "fuzz.safetensors", false));
  if (!weightsFile) {
    llvm::consumeError(weightsFile.takeError());
    std::abort();
  }
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(imported->source, "fuzz.inception"),
      llvm::SMLoc());
  mlir::MLIRContext context;
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  inception::SourceLocator locator(sourceMgr, bufferId, &context);
  inception::SafeTensorsWeights weights(**weightsFile);
  auto model = inception::parseModel(locator);
  if (mlir::failed(model) ||
      mlir::failed(inception::buildModule(*model, locator, weights)))
    std::abort();
  return 0;
}
