//===- FuzzModel.cpp - libFuzzer target: the model language ---------------===//
//
// Built twice. fuzz-parse: the lexer and parser alone on any bytes.
// fuzz-model: also elaboration into the dialect (blocks, repeats, shape
// inference, every op's verifier), with parameters bound at load so that no
// weight data is made. Either way the input must give a module or
// diagnostics, never a crash, a leak or undefined behavior.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SourceLocator.h"
#include "frontend/Weights.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

/// One context for many inputs (making one, with its dialects, costs more
/// than parsing most inputs), renewed now and then so that what it uniques
/// (types, attributes, locations) does not grow without bound.
static mlir::MLIRContext &sharedContext() {
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 2000 == 0) {
    context = std::make_unique<mlir::MLIRContext>(
        mlir::MLIRContext::Threading::DISABLED);
  }
  return *context;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.inception"),
      llvm::SMLoc());
  mlir::MLIRContext &context = sharedContext();
  bool reported = false;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    reported |= d.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  inception::SourceLocator locator(sourceMgr, bufferId, &context);
  auto model = inception::parseModel(locator);
  // A failure without a diagnostic would leave the user guessing.
  if (mlir::failed(model)) {
    if (!reported)
      std::abort();
    return 0;
  }
#ifdef FUZZ_ELABORATE
  inception::LoadTimeWeights weights;
  inception::BuildOptions options;
  options.maxOps = 20000; // the limit's path without a million-op input
  auto module = inception::buildModule(*model, locator, weights, options);
  if (mlir::failed(module)) {
    if (!reported)
      std::abort();
    return 0;
  }
  // What elaboration returns must be a valid module.
  if (mlir::failed(mlir::verify(**module)))
    std::abort();
#endif
  return 0;
}
