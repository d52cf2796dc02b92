//===- inceptionc.cpp - The Inception compiler driver ---------------------===//
//
// inceptionc MODEL.inception (--weights W.safetensors | --random-weights=SEED)
//            [--emit=mlir|summary|weights] [--batch N] [-o OUT]
//
// Every error, from the command line to a shape mismatch deep inside a
// block, is printed as `file:line:col: error: ...` with the source line and
// a caret, and makes the tool exit with status 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelSummary.h"
#include "compiler/ModelWeights.h"
#include "dialect/ShapeInference.h"
#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SafeTensors.h"
#include "frontend/Weights.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace llvm;

namespace {
enum class EmitKind { Mlir, Summary, Weights };

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.inception>"),
                               cl::Required);
cl::opt<std::string> outputPath("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::Mlir),
    cl::values(clEnumValN(EmitKind::Mlir, "mlir",
                          "the module in the inception dialect"),
               clEnumValN(EmitKind::Summary, "summary",
                          "inputs, outputs, op, convolution and parameter "
                          "counts"),
               clEnumValN(EmitKind::Weights, "weights",
                          "the bound parameters as safetensors, keyed by "
                          "name path")));
cl::opt<std::string> weightsPath("weights",
                                 cl::desc("safetensors file with the model's "
                                          "parameters, keyed by name path"),
                                 cl::value_desc("file"));
cl::opt<uint64_t> randomWeights(
    "random-weights",
    cl::desc("Use deterministic pseudo-random parameters from this seed"),
    cl::value_desc("seed"));
cl::opt<int64_t> batch("batch", cl::desc("Batch size of every input"),
                       cl::value_desc("N"), cl::init(0));
cl::opt<bool> printWeights("print-weights",
                           cl::desc("Print weight data in full instead of "
                                    "eliding large tensors"),
                           cl::init(false));
} // namespace

static int fail(const Twine &message) {
  WithColor::error(errs(), "inceptionc") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "Inception model compiler\n");

  bool useRandom = randomWeights.getNumOccurrences() > 0;
  if (useRandom == !weightsPath.empty())
    return fail("give exactly one of --weights=FILE and --random-weights=SEED");
  if (batch.getNumOccurrences() &&
      (batch < 1 || batch > mlir::inception::kMaxExtent))
    return fail("--batch must be a positive integer, got " + Twine(batch));

  auto source = MemoryBuffer::getFileOrSTDIN(inputPath, /*IsText=*/true);
  if (!source)
    return fail("cannot open '" + inputPath + "': " +
                source.getError().message());
  SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(std::move(*source), SMLoc());

  mlir::MLIRContext context;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  inception::SourceLocator locator(sourceMgr, bufferId, &context);

  std::unique_ptr<inception::SafeTensorsFile> weightsFile;
  std::unique_ptr<inception::WeightProvider> weights;
  if (useRandom) {
    weights = std::make_unique<inception::RandomWeights>(randomWeights);
  } else {
    auto file = inception::SafeTensorsFile::open(weightsPath);
    if (!file)
      return fail(toString(file.takeError()));
    weightsFile = std::move(*file);
    weights = std::make_unique<inception::SafeTensorsWeights>(*weightsFile);
  }

  mlir::FailureOr<inception::ast::Model> model = inception::parseModel(locator);
  if (failed(model))
    return 1;
  inception::BuildOptions options;
  if (batch.getNumOccurrences())
    options.batch = batch;
  auto module = inception::buildModule(*model, locator, *weights, options);
  if (failed(module))
    return 1;

  std::string errorMessage;
  auto output = mlir::openOutputFile(outputPath, &errorMessage);
  if (!output)
    return fail(errorMessage);
  switch (emitKind) {
  case EmitKind::Mlir: {
    mlir::OpPrintingFlags flags;
    if (!printWeights)
      flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
    (*module)->print(output->os(), flags);
    break;
  }
  case EmitKind::Summary: {
    auto summary = inception::ModelSummary::compute(**module);
    if (failed(summary))
      return 1;
    summary->print(output->os());
    break;
  }
  case EmitKind::Weights: {
    auto tensors = inception::collectWeights(**module);
    if (failed(tensors))
      return 1;
    if (Error error = inception::writeSafeTensors(output->os(), *tensors))
      return fail(toString(std::move(error)));
    break;
  }
  }
  output->keep();
  return 0;
}
