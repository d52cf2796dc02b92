//===- inception-import.cpp - ONNX to a model file and its weights --------===//
//
// inception-import MODEL.onnx [-o MODEL.inception] [--weights-out
// W.safetensors]
//
// Writes the model in the model language and its parameters as safetensors,
// then checks that the two elaborate into the dialect (the check inceptionc
// makes first), so that an importer mistake is reported here rather than
// when the files are compiled. Errors name the ONNX node; exit status 1.
//
//===----------------------------------------------------------------------===//

#include "frontend/DiagnosticWindow.h"
#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SafeTensors.h"
#include "frontend/Weights.h"
#include "frontend/onnx/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace {
/// Only these show in --help: libLLVM's and MLIR's options stay usable but
/// would bury them under a few hundred lines.
cl::OptionCategory importCategory("inception-import options");

cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                               cl::desc("<model.onnx>"),
                               cl::cat(importCategory));
cl::opt<std::string> outputPath("o",
                                cl::desc("The model file to write (default: "
                                         "the ONNX file's name, .inception)"),
                                cl::value_desc("file"),
                                cl::cat(importCategory));
cl::opt<std::string> weightsOut(
    "weights-out",
    cl::desc("The safetensors file of its weights (default: the model "
             "file's name, .safetensors)"),
    cl::value_desc("file"), cl::cat(importCategory));
} // namespace

static int fail(const Twine &message) {
  WithColor::error(errs(), "inception-import") << message << "\n";
  return 1;
}

static std::string withExtension(StringRef path, StringRef extension) {
  SmallString<128> result(path);
  sys::path::replace_extension(result, extension);
  return result.str().str();
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(importCategory);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Imports an ONNX model as a model file and a safetensors file\n");
  std::string modelPath =
      outputPath.getNumOccurrences()
          ? outputPath.getValue()
          : withExtension(sys::path::filename(inputPath), ".inception");
  if (modelPath == "-" && weightsOut.empty())
    return fail("writing the model to standard output: give --weights-out");
  std::string weightsPath = weightsOut.getNumOccurrences()
                                ? weightsOut.getValue()
                                : withExtension(modelPath, ".safetensors");
  if (weightsPath == modelPath)
    return fail("-o and --weights-out name the same file '" + modelPath + "'");

  auto imported = inception::importOnnxFile(inputPath);
  if (!imported)
    return fail(toString(imported.takeError()));

  std::string weightBytes;
  raw_string_ostream weightStream(weightBytes);
  if (Error error = imported->writeWeights(weightStream))
    return fail(toString(std::move(error)));

  // Elaborate what was written before keeping it.
  SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      MemoryBuffer::getMemBufferCopy(imported->source, modelPath), SMLoc());
  mlir::MLIRContext context;
  inception::DiagnosticWindowStream diagnosticStream(errs());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context,
                                               diagnosticStream);
  inception::SourceLocator locator(sourceMgr, bufferId, &context);
  auto weightsFile = inception::SafeTensorsFile::fromBuffer(
      MemoryBuffer::getMemBuffer(weightBytes, weightsPath,
                                 /*RequiresNullTerminator=*/false));
  if (!weightsFile)
    return fail(toString(weightsFile.takeError()));
  inception::SafeTensorsWeights weights(**weightsFile);
  auto model = inception::parseModel(locator);
  if (failed(model) || failed(inception::buildModule(*model, locator, weights)))
    return fail("the imported model does not elaborate (an importer bug: "
                "please report it with the ONNX file)");

  std::string message;
  auto modelFile = mlir::openOutputFile(modelPath, &message);
  if (!modelFile)
    return fail(message);
  auto weightsFileOut = mlir::openOutputFile(weightsPath, &message);
  if (!weightsFileOut)
    return fail(message);
  modelFile->os() << imported->source;
  weightsFileOut->os() << weightBytes;
  modelFile->keep();
  weightsFileOut->keep();
  return 0;
}
