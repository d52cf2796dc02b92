//===- inceptionc.cpp - The Inception compiler driver ---------------------===//
//
// inceptionc MODEL.inception (--weights W.safetensors | --random-weights=SEED |
//                             --weights-at-load)
// inceptionc MODEL.onnx [--random-weights=SEED | --weights-at-load]
//            [--emit=KIND] [-o OUT] [--backend=cpu|gpu|halide|auto] [-O0..3]
//            [--passes=LIST] [--halide-scheduler=NAME]
//            [--batch N] [-mcpu=CPU] [-mtriple=T] [--cache-sizes=L1,L2,L3]
//
// The driver parses options, reads the model and its weights, and writes
// what compileModel (compiler/Compiler.h) returns. The output kind is
// --emit's, else the -o file's extension's, else a shared library beside
// the model. Every error is printed as `file:line:col: error: ...` with the
// source line and a caret, or `inceptionc: error: ...`, and exits with 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/Compiler.h"
#include "dialect/ShapeInference.h"
#include "frontend/DiagnosticWindow.h"
#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SafeTensors.h"
#include "frontend/Weights.h"
#include "frontend/onnx/OnnxImporter.h"
#include "passes/Statistics.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using inception::EmitKind;

namespace {
/// Only these show in --help: libLLVM's and MLIR's options stay usable but
/// would bury them under a few hundred lines.
cl::OptionCategory driverCategory("inceptionc options");

cl::opt<std::string> inputPath(cl::Positional,
                               cl::desc("<model.inception | model.onnx>"),
                               cl::Required, cl::cat(driverCategory));
cl::opt<std::string> outputPath(
    "o",
    cl::desc("Output file; its extension (.so .a .h .o .s .ll .mlir .dot .svg "
             ".safetensors) names the output kind when --emit does not. "
             "Default: a shared library beside the model, or standard "
             "output for text kinds"),
    cl::value_desc("file"), cl::cat(driverCategory));
// Its values come from compiler's table (inception::emitKinds), in main.
cl::opt<EmitKind> emitKind("emit", cl::desc("What to produce"),
                           cl::cat(driverCategory));
cl::opt<std::string> backend("backend",
                             cl::desc("The back half that generates code: cpu, "
                                      "gpu (NVIDIA, docs/gpu.md), halide, or "
                                      "auto: per layer the faster of cpu and "
                                      "halide, timed here (docs/halide.md)"),
                             cl::init("cpu"), cl::cat(driverCategory));
cl::opt<std::string> halideScheduler(
    "halide-scheduler",
    cl::desc("With --backend=halide or auto: hand (the schedule templates), "
             "or a Halide 14 autoscheduler: Adams2019, Li2018, Mullapudi2016"),
    cl::init("hand"), cl::value_desc("name"), cl::cat(driverCategory));
cl::opt<int64_t> halideArenaBytes(
    "halide-arena-bytes",
    cl::desc("With --backend=halide or auto: the Halide layers' per-thread "
             "arena instead of the compiler's bound (for tests of a layer "
             "that runs out of it)"),
    cl::value_desc("bytes"), cl::Hidden, cl::cat(driverCategory));
cl::opt<bool> halideRowContractions(
    "halide-row-contractions",
    cl::desc("With --backend=halide or auto: the plane template's 1x1 "
             "convolutions always take their row form, as on activations "
             "whose rows are not dense (for tests of that form)"),
    cl::Hidden, cl::cat(driverCategory));
cl::opt<std::string> backendPlan(
    "backend-plan",
    cl::desc("With --backend=auto: the per-layer choices to follow, from a "
             "file that exists; else the file to write the choices timed "
             "here to"),
    cl::value_desc("file"), cl::cat(driverCategory));
cl::opt<bool> gpuLoopsOnHost(
    "gpu-loops-on-host",
    cl::desc("With --backend=gpu: a CPU library of the kernels' loop nests "
             "before they are mapped to the GPU, to check the tiling "
             "without one (the weights beside it, or bound at load)"),
    cl::init(false), cl::Hidden, cl::cat(driverCategory));
cl::list<std::string> gpuArchs(
    "gpu-arch",
    cl::desc("With --backend=gpu: the architectures to compile kernels for "
             "(default sm_80,sm_90; each also as PTX for newer GPUs)"),
    cl::CommaSeparated, cl::value_desc("sm_NN,..."), cl::cat(driverCategory));
cl::opt<std::string> weightsPath(
    "weights",
    cl::desc(
        "safetensors file with the model's parameters, keyed by name path"),
    cl::value_desc("file"), cl::cat(driverCategory));
cl::opt<uint64_t> randomWeights(
    "random-weights",
    cl::desc("Use deterministic pseudo-random parameters from this seed"),
    cl::value_desc("seed"), cl::cat(driverCategory));
cl::opt<int64_t> batch("batch", cl::desc("Batch size of every input"),
                       cl::value_desc("N"), cl::init(0),
                       cl::cat(driverCategory));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level (0-3)"),
                           cl::Prefix, cl::init(3), cl::cat(driverCategory));
cl::opt<std::string> targetCpu("mcpu",
                               cl::desc("Target CPU (default: the host's)"),
                               cl::value_desc("cpu"), cl::cat(driverCategory));
cl::opt<std::string> targetTriple("mtriple",
                                  cl::desc("Target triple (default: the host)"),
                                  cl::value_desc("triple"),
                                  cl::cat(driverCategory));
cl::opt<std::string> cacheSizes(
    "cache-sizes",
    cl::desc("L1, L2 and L3 data cache sizes to block for (default: the "
             "host's, from sysfs), e.g. 48K,2M,32M"),
    cl::value_desc("L1,L2,L3"), cl::cat(driverCategory));
cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Keep the weights out of the library: write <model>.weights "
             "beside it, which the library maps and checks when it first runs"),
    cl::cat(driverCategory));
cl::opt<bool> weightsAtLoad(
    "weights-at-load",
    cl::desc("Build no weights into the library: it takes a safetensors "
             "state_dict when it loads (inception_model_load_weights, "
             "inception-run --weights) and prepares it there"),
    cl::cat(driverCategory));
cl::opt<bool> profileLayers(
    "profile",
    cl::desc("Time each layer of a run made through the library's "
             "run_profiled (inception-bench --trace); other runs "
             "are not slowed"),
    cl::cat(driverCategory));
cl::opt<std::string> passList(
    "passes",
    cl::desc("Optimization passes to run instead of those of -O, in order, "
             "comma-separated, options in braces "
             "(\"fold-batch-norm,factorize-conv{rank=4}\"); empty for none"),
    cl::value_desc("list"), cl::cat(driverCategory));
cl::opt<bool>
    printStats("pass-stats",
               cl::desc("Print what the optimization passes did, op and "
                        "MAC counts before and after them, and the "
                        "kernels the model launches"),
               cl::cat(driverCategory));
cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("Print weight data in full instead of eliding large tensors"),
    cl::cat(driverCategory));
} // namespace

/// The run-time thread default, --threads. libLLVM already registers an
/// undocumented `--threads=<int>` option, and a second registration of the
/// name aborts; the existing one is reused and documented here.
static cl::opt<int> &threadsOption() {
  static cl::opt<int> *option = [] {
    auto &options = cl::getRegisteredOptions();
    auto it = options.find("threads");
    auto *existing = it != options.end()
                         ? static_cast<cl::opt<int> *>(it->second)
                         : new cl::opt<int>("threads", cl::init(0));
    existing->setDescription("Threads a run uses by default (0: "
                             "OMP_NUM_THREADS, else every core); callers can "
                             "still choose per run");
    existing->setValueStr("N");
    existing->addCategory(driverCategory);
    return existing;
  }();
  return *option;
}

static int fail(const Twine &message) {
  WithColor::error(errs(), "inceptionc") << message << "\n";
  return 1;
}

/// Writes `contents` to `path` ("-": standard output), kept only whole.
static int writeFile(StringRef path, StringRef contents) {
  std::string message;
  auto output = mlir::openOutputFile(path, &message);
  if (!output)
    return fail(message);
  output->os() << contents;
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  threadsOption();
  for (const inception::EmitKindInfo &kind : inception::emitKinds())
    emitKind.getParser().addLiteralOption(kind.name, kind.kind,
                                          kind.description);
  cl::HideUnrelatedOptions(driverCategory);
  cl::ParseCommandLineOptions(argc, argv, "Inception model compiler\n");

  bool useRandom = randomWeights.getNumOccurrences() > 0;
  // An ONNX file carries its weights (its initializers); the other two
  // choices still apply to it.
  bool fromOnnx = inception::isOnnxPath(inputPath);
  if (fromOnnx && !weightsPath.empty())
    return fail("an ONNX file carries its weights: --weights is for model "
                "files (--random-weights and --weights-at-load still apply)");
  int weightChoices =
      int(useRandom) + int(!weightsPath.empty()) + int(weightsAtLoad);
  if (weightChoices > 1 || (weightChoices == 0 && !fromOnnx))
    return fail("give exactly one of --weights=FILE, --random-weights=SEED "
                "and --weights-at-load");
  if (weightsAtLoad && externalWeights)
    return fail("--weights-at-load and --external-weights exclude each "
                "other: a library that takes its weights at load has none "
                "to keep beside it");
  if (batch.getNumOccurrences() &&
      (batch < 1 || batch > mlir::inception::kMaxExtent))
    return fail("--batch must be a positive integer, got " + Twine(batch));
  inception::CompileOptions options;
  auto emit = inception::resolveEmitKind(
      emitKind.getNumOccurrences() ? std::optional(emitKind.getValue())
                                   : std::nullopt,
      outputPath.getNumOccurrences() ? std::optional<StringRef>(outputPath)
                                     : std::nullopt);
  if (!emit)
    return fail(toString(emit.takeError()));
  options.emit = *emit;
  options.backend = backend;
  if (gpuLoopsOnHost && backend != "gpu")
    return fail("--gpu-loops-on-host is for --backend=gpu");
  options.gpuLoopsOnHost = gpuLoopsOnHost;
  if (halideScheduler.getNumOccurrences() && backend != "halide" &&
      backend != "auto")
    return fail("--halide-scheduler is for --backend=halide or auto");
  options.halideScheduler = halideScheduler;
  if (halideArenaBytes.getNumOccurrences()) {
    if (backend != "halide" && backend != "auto")
      return fail("--halide-arena-bytes is for --backend=halide or auto");
    if (halideArenaBytes < 0)
      return fail("--halide-arena-bytes must not be negative");
    options.halideArenaBytes = halideArenaBytes;
  }
  if (halideRowContractions.getNumOccurrences()) {
    if (backend != "halide" && backend != "auto")
      return fail("--halide-row-contractions is for --backend=halide or auto");
    options.halideRowContractions = halideRowContractions;
  }
  if (backendPlan.getNumOccurrences()) {
    if (backend != "auto")
      return fail("--backend-plan is for --backend=auto");
    if (backendPlan.empty())
      return fail("--backend-plan needs a file name");
    options.backendPlan = backendPlan;
  }
  if (gpuArchs.getNumOccurrences()) {
    if (backend != "gpu")
      return fail("--gpu-arch is for --backend=gpu");
    options.gpuArchs.assign(gpuArchs.begin(), gpuArchs.end());
  }
  options.optLevel = std::min(optLevel.getValue(), 3u);
  if (passList.getNumOccurrences())
    options.passes = passList;
  options.externalWeights = externalWeights;
  options.weightsAtLoad = weightsAtLoad;
  options.profileLayers = profileLayers;
  options.printWeights = printWeights;
  auto target = inception::TargetDescription::create(
      {targetTriple, targetCpu, cacheSizes, threadsOption().getValue()});
  if (!target)
    return fail(toString(target.takeError()));
  options.target = std::move(*target);

  // An ONNX file compiles through the model text inception-import writes,
  // named `<file>.onnx.inception` in diagnostics.
  std::unique_ptr<MemoryBuffer> source;
  std::string onnxWeights;
  if (fromOnnx) {
    auto imported = inception::importOnnxFile(inputPath);
    if (!imported)
      return fail(toString(imported.takeError()));
    raw_string_ostream weightStream(onnxWeights);
    if (Error error = imported->writeWeights(weightStream))
      return fail(toString(std::move(error)));
    source = MemoryBuffer::getMemBufferCopy(imported->source,
                                            inputPath + ".inception");
  } else {
    auto file = MemoryBuffer::getFileOrSTDIN(inputPath, /*IsText=*/true);
    if (!file)
      return fail("cannot open '" + inputPath +
                  "': " + file.getError().message());
    source = std::move(*file);
  }
  SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(std::move(source), SMLoc());
  mlir::MLIRContext context;
  inception::DiagnosticWindowStream diagnosticStream(errs());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context,
                                               diagnosticStream);
  inception::SourceLocator locator(sourceMgr, bufferId, &context);

  std::unique_ptr<inception::SafeTensorsFile> weightsFile;
  std::unique_ptr<inception::WeightProvider> weights;
  if (weightsAtLoad) {
    weights = std::make_unique<inception::LoadTimeWeights>();
  } else if (useRandom) {
    weights = std::make_unique<inception::RandomWeights>(randomWeights);
  } else if (fromOnnx) {
    auto file = inception::SafeTensorsFile::fromBuffer(
        MemoryBuffer::getMemBuffer(onnxWeights, inputPath,
                                   /*RequiresNullTerminator=*/false));
    if (!file)
      return fail(toString(file.takeError()));
    weightsFile = std::move(*file);
    weights = std::make_unique<inception::SafeTensorsWeights>(*weightsFile);
  } else {
    auto file = inception::SafeTensorsFile::open(weightsPath);
    if (!file)
      return fail(toString(file.takeError()));
    weightsFile = std::move(*file);
    weights = std::make_unique<inception::SafeTensorsWeights>(*weightsFile);
  }
  auto model = inception::parseModel(locator);
  if (failed(model))
    return 1;
  inception::BuildOptions buildOptions;
  if (batch.getNumOccurrences())
    buildOptions.batch = batch;
  auto module = inception::buildModule(*model, locator, *weights, buildOptions);
  if (failed(module))
    return 1;

  // Files go beside the model unless -o says where.
  std::string path = outputPath.getNumOccurrences() ? outputPath.getValue() : "-";
  if (std::string name = inception::defaultOutputName(
          options.emit, (*module)->getName().value_or("model"));
      !outputPath.getNumOccurrences() && !name.empty()) {
    SmallString<128> beside(
        inputPath == "-" ? StringRef() : sys::path::parent_path(inputPath));
    sys::path::append(beside, name);
    path = beside.str().str();
  }
  if (path == "-" && inception::isFileOnlyKind(options.emit))
    return fail("cannot write --emit=" + inception::emitKindName(options.emit) +
                " to standard output: give -o FILE");
  // Said here, before compiling, rather than by the linker afterwards.
  StringRef directory = sys::path::parent_path(path);
  if (path != "-" && !directory.empty() && !sys::fs::is_directory(directory))
    return fail("cannot write '" + path + "': no directory '" + directory + "'");

  auto artifacts = inception::compileModel(**module, options);
  if (!artifacts) {
    bool diagnosed = artifacts.errorIsA<inception::ReportedError>();
    std::string message = toString(artifacts.takeError());
    return diagnosed ? 1 : fail(message);
  }
  if (int status = writeFile(path, artifacts->primary))
    return status;
  for (const inception::Artifact &companion : artifacts->companions) {
    SmallString<128> beside(sys::path::parent_path(path));
    sys::path::append(beside, companion.fileName);
    if (int status = writeFile(beside, companion.contents))
      return status;
  }
  if (printStats)
    mlir::inception::printStatistics(errs());
  return 0;
}
