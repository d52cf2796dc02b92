//===- inceptionc.cpp - The Inception compiler driver ---------------------===//
//
// inceptionc MODEL.inception (--weights W.safetensors | --random-weights=SEED)
//            [--emit=KIND] [--batch N] [-O0..3] [--passes=LIST] [--pass-stats]
//            [-mcpu=CPU] [-mtriple=T] [-o OUT]
//
// Every error, from the command line to a shape mismatch deep inside a
// block, is printed as `file:line:col: error: ...` with the source line and
// a caret, and makes the tool exit with status 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/Codegen.h"
#include "compiler/GraphExport.h"
#include "compiler/LibraryInterface.h"
#include "compiler/ModelSummary.h"
#include "compiler/ModelWeights.h"
#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"
#include "frontend/ModelBuilder.h"
#include "frontend/Parser.h"
#include "frontend/SafeTensors.h"
#include "frontend/Weights.h"
#include "passes/Analysis/Cost.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/ADT/ScopeExit.h"

using namespace llvm;

namespace {
enum class EmitKind {
  Mlir, Optimized, Summary, Weights, Graph, GraphSvg, Linalg, Buffers, Target,
  LLVMDialect, LLVMIR, Assembly, Object,
  SharedLibrary, StaticLibrary, Header,
};

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.inception>"),
                               cl::Required);
cl::opt<std::string> outputPath("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"));
cl::opt<EmitKind> emitKind(
    "emit", cl::desc("What to produce"), cl::init(EmitKind::Mlir),
    cl::values(clEnumValN(EmitKind::Mlir, "mlir",
                          "the module in the inception dialect"),
               clEnumValN(EmitKind::Optimized, "optimized",
                          "the module in the inception dialect after the "
                          "graph passes of -O (or --passes)"),
               clEnumValN(EmitKind::Graph, "graph",
                          "a Graphviz DOT graph: ops with shapes and MACs, "
                          "grouped by module (after the graph passes at -O1+)"),
               clEnumValN(EmitKind::GraphSvg, "graph-svg",
                          "the graph rendered to SVG by Graphviz's dot"),
               clEnumValN(EmitKind::Linalg, "linalg",
                          "the module lowered to linalg on tensors"),
               clEnumValN(EmitKind::Target, "target",
                          "the target, its caches and the microkernels' "
                          "blocking for them"),
               clEnumValN(EmitKind::Buffers, "buffers",
                          "the module bufferized, after the buffer passes "
                          "(elide-concat), before workspace planning"),
               clEnumValN(EmitKind::LLVMDialect, "llvm-mlir",
                          "the module in the LLVM dialect"),
               clEnumValN(EmitKind::LLVMIR, "llvm", "LLVM IR"),
               clEnumValN(EmitKind::Assembly, "asm", "target assembly"),
               clEnumValN(EmitKind::Object, "obj", "a relocatable object "
                          "holding the kernel and the weights"),
               clEnumValN(EmitKind::SharedLibrary, "so",
                          "a shared library and its C header (default -o "
                          "lib<model>.so)"),
               clEnumValN(EmitKind::StaticLibrary, "static",
                          "a static library (default -o lib<model>.a)"),
               clEnumValN(EmitKind::Header, "header", "the C header"),
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
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level (0-3)"),
                           cl::Prefix, cl::init(3));
cl::opt<std::string> targetCpu("mcpu",
                               cl::desc("Target CPU (default: the host's)"),
                               cl::value_desc("cpu"));
cl::opt<std::string> targetTriple("mtriple",
                                  cl::desc("Target triple (default: the host)"),
                                  cl::value_desc("triple"));
cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Keep the weights out of the library: write <model>.weights "
             "beside it, which the library maps and checks when it first runs"),
    cl::init(false));
cl::opt<bool> profileLayers(
    "profile",
    cl::desc("Time each layer of a run made through the library's "
             "run_profiled (inception-bench --trace); other runs are not "
             "slowed"),
    cl::init(false));
cl::opt<std::string> passList(
    "passes",
    cl::desc("Optimization passes to run instead of those of -O, in order, "
             "comma-separated, options in braces "
             "(\"fold-batch-norm,factorize-conv{rank=4}\"); empty for none"),
    cl::value_desc("list"));
cl::opt<std::string> cacheSizes(
    "cache-sizes",
    cl::desc("L1, L2 and L3 data cache sizes the microkernels are blocked "
             "for (default: the host's), e.g. 48K,2M,32M"),
    cl::value_desc("L1,L2,L3"));
cl::opt<bool> printStats(
    "pass-stats",
    cl::desc("Print what the optimization passes did, op and MAC counts "
             "before and after them, and the kernels the model launches"),
    cl::init(false));
cl::opt<bool> printWeights("print-weights",
                           cl::desc("Print weight data in full instead of "
                                    "eliding large tensors"),
                           cl::init(false));
} // namespace

/// The run-time thread default, --threads. libLLVM already registers an
/// undocumented `--threads=<int>` option, and a second registration of the
/// name aborts; the existing one is reused and documented here.
static cl::opt<int> *threadsOption() {
  static cl::opt<int> *option = [] {
    auto &options = cl::getRegisteredOptions();
    cl::opt<int> *existing = nullptr;
    if (auto it = options.find("threads"); it != options.end())
      existing = static_cast<cl::opt<int> *>(it->second);
    if (!existing)
      existing = new cl::opt<int>("threads", cl::init(0));
    existing->setDescription("Threads a run uses by default (0: "
                             "OMP_NUM_THREADS, else every core); callers can "
                             "still choose per run");
    existing->setValueStr("N");
    return existing;
  }();
  return option;
}

static int fail(const Twine &message) {
  WithColor::error(errs(), "inceptionc") << message << "\n";
  return 1;
}


static mlir::OpPrintingFlags printingFlags() {
  mlir::OpPrintingFlags flags;
  if (!printWeights)
    flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
  return flags;
}

/// Opens the output file, `-o` or `fallback` when -o was not given.
static std::unique_ptr<ToolOutputFile> openOutput(StringRef fallback = "-") {
  std::string path = outputPath.getNumOccurrences() ? outputPath : fallback.str();
  std::string errorMessage;
  auto output = mlir::openOutputFile(path, &errorMessage);
  if (!output)
    fail(errorMessage);
  return output;
}

/// The optimization passes, chosen in main.
static SmallVector<std::string> optimizationPasses;

static inception::TargetOptions targetOptions() {
  inception::TargetOptions target;
  target.triple = targetTriple;
  target.cpu = targetCpu;
  target.optLevel = std::min(optLevel.getValue(), 3u);
  return target;
}

/// The microkernels' blocking for the target, chosen in main.
static std::optional<inception::MicrokernelTiling> tiling;
static inception::CacheSizes caches;

/// Gives microkernels the register tile of the target, and blocked-layout
/// blocks of the target's vector width, or drops both where there is no
/// microkernel for the target.
static void configureMicrokernels(SmallVectorImpl<std::string> &passes) {
  llvm::erase_if(passes, [&](std::string &pass) {
    // Blocks of one vector register, unless the list says otherwise; none
    // without the kernels that read them.
    if (pass == "blocked-layout") {
      if (!tiling)
        return true;
      pass = formatv("blocked-layout{{block={0}}", tiling->vl).str();
      return false;
    }
    if (pass != "microkernels")
      return false;
    if (!tiling)
      return true;
    pass = formatv("microkernels{{mr={0} nr={1} vl={2}}", tiling->mr, tiling->nr,
                   tiling->vl)
               .str();
    return false;
  });
}

static std::string formatBytes(int64_t bytes) {
  if (bytes == 0)
    return "unknown";
  if (bytes % (1 << 20) == 0)
    return std::to_string(bytes >> 20) + "M";
  if (bytes % (1 << 10) == 0)
    return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes);
}

/// --emit=target: what the microkernels are compiled for.
static int emitTarget() {
  auto output = openOutput();
  if (!output)
    return 1;
  raw_ostream &os = output->os();
  inception::TargetOptions target = targetOptions();
  os << "triple: "
     << (target.triple.empty() ? sys::getProcessTriple() : target.triple) << "\n";
  os << "cpu: "
     << (!target.cpu.empty()      ? target.cpu
         : target.triple.empty() ? sys::getHostCPUName().str()
                                 : std::string("generic"))
     << "\n";
  os << "caches: L1 " << formatBytes(caches.l1) << ", L2 "
     << formatBytes(caches.l2) << ", L3 " << formatBytes(caches.l3) << "\n";
  if (tiling)
    os << "microkernel: register tile " << tiling->mr << " x " << tiling->nr
       << " (vectors of " << tiling->vl << " floats), kc " << tiling->kc << ", nc " << tiling->nc
       << ", Winograd task budget " << tiling->l2 / 2 / 1024
       << "K, blocked filter runs " << tiling->l1 / 2 / 1024 << "K\n";
  else
    os << "microkernel: none (convolutions stay loops)\n";
  output->keep();
  return 0;
}

/// Runs the optimization passes on the inception dialect, recording op and
/// MAC counts before and after for --stats.
static LogicalResult optimize(mlir::ModuleOp module) {
  auto record = [&](StringRef when) {
    uint64_t ops = 0, convolutions = 0;
    module.walk([&](mlir::Operation *op) {
      ops += isa<mlir::inception::InceptionDialect>(op->getDialect());
      convolutions += isa<mlir::inception::Conv2DOp>(op);
    });
    mlir::inception::recordStatistic("graph", ("ops-" + when).str(), ops);
    mlir::inception::recordStatistic("graph", ("convolutions-" + when).str(),
                                     convolutions);
    mlir::inception::recordStatistic(
        "graph", ("macs-" + when).str(),
        mlir::inception::computeTotalCost(module).macs);
  };
  record("before");
  if (failed(inception::optimizeGraph(module, optimizationPasses)))
    return failure();
  record("after");
  return success();
}

static int emitFrontendOutput(mlir::ModuleOp module) {
  auto output = openOutput();
  if (!output)
    return 1;
  switch (emitKind) {
  case EmitKind::Summary: {
    auto summary = inception::ModelSummary::compute(module);
    if (failed(summary))
      return 1;
    summary->print(output->os());
    break;
  }
  case EmitKind::Weights: {
    auto tensors = inception::collectWeights(module);
    if (failed(tensors))
      return 1;
    if (Error error = inception::writeSafeTensors(output->os(), *tensors))
      return fail(toString(std::move(error)));
    break;
  }
  default:
    module->print(output->os(), printingFlags());
    break;
  }
  output->keep();
  return 0;
}

static int emitGraph(mlir::ModuleOp module) {
  if (failed(optimize(module)))
    return 1;
  std::string dot;
  llvm::raw_string_ostream dotStream(dot);
  if (failed(inception::writeGraph(module, dotStream)))
    return 1;
  auto output = openOutput();
  if (!output)
    return 1;
  if (emitKind == EmitKind::Graph) {
    output->os() << dot;
    output->keep();
    return 0;
  }
  // graph-svg: pipe the DOT text through Graphviz.
  auto dotTool = sys::findProgramByName("dot");
  if (!dotTool)
    return fail("--emit=graph-svg needs Graphviz's 'dot' (apt-get install "
                "graphviz); --emit=graph writes the DOT text");
  SmallString<128> dotPath, svgPath;
  if (sys::fs::createTemporaryFile("inception-graph", "dot", dotPath) ||
      sys::fs::createTemporaryFile("inception-graph", "svg", svgPath))
    return fail("cannot create temporary files for graph-svg");
  llvm::scope_exit cleanup([&] {
    sys::fs::remove(dotPath);
    sys::fs::remove(svgPath);
  });
  {
    std::error_code ec;
    raw_fd_ostream dotFile(dotPath, ec);
    if (ec)
      return fail("cannot write '" + dotPath + "': " + ec.message());
    dotFile << dot;
  }
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(svgPath),
                                          std::nullopt};
  if (sys::ExecuteAndWait(*dotTool, {*dotTool, "-Tsvg", dotPath}, std::nullopt,
                          redirects) != 0)
    return fail("'dot -Tsvg' failed on the model graph");
  auto svg = MemoryBuffer::getFile(svgPath);
  if (!svg)
    return fail("cannot read the rendered SVG");
  output->os() << (*svg)->getBuffer();
  output->keep();
  return 0;
}

/// Lowers the model step by step, stopping at the requested stage.
static int emitCompiledOutput(mlir::ModuleOp module) {
  auto interface = inception::ModelInterface::fromModule(module);
  if (failed(interface))
    return 1;
  // The kernel gets its own symbol; <model>_run is the C wrapper's.
  auto function = *module.getOps<mlir::func::FuncOp>().begin();
  if (failed(mlir::SymbolTable::replaceAllSymbolUses(
          function, mlir::StringAttr::get(module.getContext(),
                                          interface->kernelSymbol()),
          module)))
    return 1;
  function.setName(interface->kernelSymbol());
  // The names now live in the interface; LLVM has no use for them.
  function.removeArgAttrsAttr();
  function.removeResAttrsAttr();

  if (failed(optimize(module)))
    return 1;
  if (failed(inception::lowerToLinalg(module, optimizationPasses)))
    return 1;
  if (emitKind != EmitKind::Linalg &&
      failed(inception::bufferize(module, optimizationPasses)))
    return 1;
  if (emitKind == EmitKind::Linalg || emitKind == EmitKind::Buffers) {
    auto output = openOutput();
    if (!output)
      return 1;
    module->print(output->os(), printingFlags());
    output->keep();
    return 0;
  }
  if (failed(inception::lowerToLLVMDialect(module, externalWeights,
                                          profileLayers)))
    return 1;
  if (auto layers = module->getAttrOfType<mlir::ArrayAttr>(
          mlir::inception::kProfileLayersAttr))
    for (mlir::Attribute layer : layers)
      interface->layerNames.push_back(
          cast<mlir::StringAttr>(layer).getValue().str());
  std::vector<char> packedWeights;
  if (externalWeights) {
    auto layout = module->getAttrOfType<mlir::ArrayAttr>("inception.weights");
    auto size = module->getAttrOfType<mlir::IntegerAttr>("inception.weights_size");
    if (!layout || !size)
      return fail("the lowered module has no weights layout");
    packedWeights.assign(size.getInt(), 0);
    for (mlir::Attribute entry : layout) {
      auto fields = cast<mlir::ArrayAttr>(entry);
      StringRef key = cast<mlir::StringAttr>(fields[0]).getValue();
      int64_t offset = cast<mlir::IntegerAttr>(fields[1]).getInt();
      // Every parameter, the passes' derived and packed ones included, is a
      // resource blob of the context, which outlives the globals.
      auto *blob = mlir::DenseResourceElementsHandle::getManagerInterface(
                       module.getContext())
                       .getBlobManager()
                       .lookup(key);
      ArrayRef<char> bytes =
          blob && blob->getBlob() ? blob->getBlob()->getData() : ArrayRef<char>();
      if (int64_t(bytes.size()) != cast<mlir::IntegerAttr>(fields[2]).getInt())
        return fail("weight '" + key + "' has no data of the expected size");
      std::copy(bytes.begin(), bytes.end(), packedWeights.begin() + offset);
    }
    interface->externalWeights = std::make_pair(
        size.getInt(), inception::weightsChecksum(packedWeights));
  }
  auto kernel = module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(
      interface->kernelSymbol());
  auto workspace = kernel ? kernel->getAttrOfType<mlir::IntegerAttr>(
                                "inception.workspace_size")
                          : nullptr;
  if (!workspace)
    return fail("the lowered module has no kernel with a workspace size");
  interface->workspaceSize = workspace.getInt();
  interface->defaultThreads = threadsOption()->getValue();

  if (emitKind == EmitKind::LLVMDialect || emitKind == EmitKind::Header) {
    auto output = openOutput(emitKind == EmitKind::Header
                                 ? interface->name + ".h"
                                 : std::string("-"));
    if (!output)
      return 1;
    if (emitKind == EmitKind::Header)
      output->os() << inception::generateHeader(*interface);
    else
      module->print(output->os(), printingFlags());
    output->keep();
    return 0;
  }

  inception::TargetOptions target = targetOptions();
  llvm::LLVMContext llvmContext;
  auto llvmModule = inception::translateToLLVMIR(module, llvmContext, target);
  if (!llvmModule)
    return fail(toString(llvmModule.takeError()));
  switch (emitKind) {
  case EmitKind::LLVMIR:
  case EmitKind::Assembly:
  case EmitKind::Object: {
    auto output = openOutput(emitKind == EmitKind::Object
                                 ? interface->name + ".o"
                                 : std::string("-"));
    if (!output)
      return 1;
    if (emitKind == EmitKind::LLVMIR)
      (*llvmModule)->print(output->os(), nullptr);
    else if (Error error = inception::emitMachineCode(
                 **llvmModule, target,
                 emitKind == EmitKind::Object ? inception::OutputFile::Object
                                              : inception::OutputFile::Assembly,
                 output->os()))
      return fail(toString(std::move(error)));
    output->keep();
    return 0;
  }
  default:
    break;
  }

  // A library: the object in a temporary file, linked with the wrapper.
  bool isStatic = emitKind == EmitKind::StaticLibrary;
  std::string libraryPath =
      outputPath.getNumOccurrences()
          ? outputPath.getValue()
          : "lib" + interface->name + (isStatic ? ".a" : ".so");
  // Said here, before the linker would say it less plainly.
  StringRef outputDirectory = sys::path::parent_path(libraryPath);
  if (!outputDirectory.empty() && !sys::fs::is_directory(outputDirectory))
    return fail("cannot write '" + libraryPath + "': no directory '" +
                outputDirectory + "'");
  SmallString<128> objectPath;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("inception-model", "o", objectPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::scope_exit removeObject([&] { sys::fs::remove(objectPath); });
  {
    std::error_code ec;
    raw_fd_ostream os(objectPath, ec);
    if (ec)
      return fail("cannot write '" + objectPath + "': " + ec.message());
    if (Error error = inception::emitMachineCode(
            **llvmModule, target, inception::OutputFile::Object, os))
      return fail(toString(std::move(error)));
  }
  std::optional<inception::MicrokernelBuild> microkernel;
  if (auto tile = module->getAttrOfType<mlir::DenseI64ArrayAttr>(
          mlir::inception::kMicrokernelAttr)) {
    std::string cpu = target.cpu.empty() ? "native" : target.cpu;
    // The pass's tile, and the blocking for the target's caches.
    int64_t kc = tiling ? tiling->kc : 256, nc = tiling ? tiling->nc : tile[1] * 8;
    int64_t l2 = tiling ? tiling->l2 : 1 << 20;
    int64_t l1 = tiling ? tiling->l1 : 48 << 10;
    microkernel = inception::MicrokernelBuild{
        {tile[0], tile[1], tile[2], kc, nc, l2, l1}, cpu};
  }
  if (Error error = inception::linkLibrary(
          objectPath, inception::generateWrapper(*interface), libraryPath,
          isStatic, microkernel))
    return fail(toString(std::move(error)));
  if (externalWeights) {
    SmallString<128> weightsPath(sys::path::parent_path(libraryPath));
    sys::path::append(weightsPath, interface->weightsFileName());
    std::error_code ec;
    raw_fd_ostream weightsFile(weightsPath, ec);
    if (ec)
      return fail("cannot write '" + weightsPath + "': " + ec.message());
    weightsFile.write(packedWeights.data(), packedWeights.size());
  }
  // The header goes beside the library.
  SmallString<128> headerPath(sys::path::parent_path(libraryPath));
  sys::path::append(headerPath, interface->name + ".h");
  std::error_code ec;
  raw_fd_ostream header(headerPath, ec);
  if (ec)
    return fail("cannot write '" + headerPath + "': " + ec.message());
  header << inception::generateHeader(*interface);
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  threadsOption();
  cl::ParseCommandLineOptions(argc, argv, "Inception model compiler\n");

  bool useRandom = randomWeights.getNumOccurrences() > 0;
  if (useRandom == !weightsPath.empty())
    return fail("give exactly one of --weights=FILE and --random-weights=SEED");
  int threads = threadsOption()->getValue();
  if (threads < 0 || threads > 4096)
    return fail("--threads must be in [0, 4096], got " + Twine(threads));
  if (batch.getNumOccurrences() &&
      (batch < 1 || batch > mlir::inception::kMaxExtent))
    return fail("--batch must be a positive integer, got " + Twine(batch));

  {
    std::string errors;
    raw_string_ostream errorStream(errors);
    auto passes = inception::selectOptimizationPasses(
        optLevel,
        passList.getNumOccurrences() ? std::optional<StringRef>(passList)
                                     : std::nullopt,
        errorStream);
    if (failed(passes))
      return fail("--passes: " + StringRef(errors).trim());
    optimizationPasses = std::move(*passes);
    caches = inception::hostCacheSizes();
    if (cacheSizes.getNumOccurrences()) {
      auto parsed = inception::parseCacheSizes(cacheSizes);
      if (!parsed)
        return fail(toString(parsed.takeError()));
      caches = *parsed;
    }
    tiling = inception::microkernelTiling(targetOptions(), caches);
    configureMicrokernels(optimizationPasses);
  }

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

  int status;
  switch (emitKind) {
  case EmitKind::Target:
    status = emitTarget();
    break;
  case EmitKind::Optimized:
    status = succeeded(optimize(**module)) ? emitFrontendOutput(**module) : 1;
    break;
  case EmitKind::Mlir:
  case EmitKind::Summary:
  case EmitKind::Weights:
    status = emitFrontendOutput(**module);
    break;
  case EmitKind::Graph:
  case EmitKind::GraphSvg:
    status = emitGraph(**module);
    break;
  default:
    status = emitCompiledOutput(**module);
    break;
  }
  if (printStats && status == 0)
    mlir::inception::printStatistics(errs());
  return status;
}
