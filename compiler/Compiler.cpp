//===- Compiler.cpp - Compile a model module into its artifacts -----------===//

#include "compiler/Compiler.h"
#include "compiler/Error.h"
#include "compiler/Backend.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "compiler/GraphExport.h"
#include "compiler/ModelSummary.h"
#include "compiler/ModelWeights.h"
#include "dialect/InceptionOps.h"
#include "frontend/SafeTensors.h"
#include "passes/Analysis/Cost.h"
#include "passes/Pipelines.h"
#include "passes/Statistics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace inception {

char ReportedError::ID = 0;
void ReportedError::log(llvm::raw_ostream &os) const {
  os << "reported through diagnostics";
}
std::error_code ReportedError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

static llvm::Error reported() { return llvm::make_error<ReportedError>(); }

llvm::ArrayRef<EmitKindInfo> emitKinds() {
  static const EmitKindInfo kinds[] = {
      {EmitKind::Mlir, "mlir", "the module in the inception dialect"},
      {EmitKind::Optimized, "optimized",
       "the inception dialect after the graph passes"},
      {EmitKind::Graph, "graph",
       "a Graphviz DOT graph: ops with shapes and MACs, grouped by module "
       "(after the graph passes at -O1+)"},
      {EmitKind::GraphSvg, "graph-svg",
       "the graph rendered to SVG by Graphviz's dot"},
      {EmitKind::Linalg, "linalg",
       "linalg on tensors, after the backend's linalg passes"},
      {EmitKind::Target, "target",
       "the target, its caches and the microkernels' blocking"},
      {EmitKind::Buffers, "buffers",
       "bufferized, after the buffer passes, before workspace planning"},
      {EmitKind::LLVMDialect, "llvm-mlir", "the LLVM dialect"},
      {EmitKind::LLVMIR, "llvm", "LLVM IR"},
      {EmitKind::Assembly, "asm", "target assembly"},
      {EmitKind::Object, "obj",
       "a relocatable object holding the kernel and the weights"},
      {EmitKind::SharedLibrary, "so",
       "a shared library and its C header (lib<model>.so)"},
      {EmitKind::StaticLibrary, "static",
       "a static library and its C header (lib<model>.a)"},
      {EmitKind::Header, "header", "the C header (<model>.h)"},
      {EmitKind::Summary, "summary",
       "inputs, outputs, op, convolution and parameter counts"},
      {EmitKind::Weights, "weights",
       "the bound parameters as safetensors, keyed by name path"},
      {EmitKind::PTX, "ptx",
       "with --backend=gpu: the kernels' PTX for the one --gpu-arch"},
  };
  return kinds;
}

llvm::StringRef emitKindName(EmitKind kind) {
  for (const EmitKindInfo &info : emitKinds())
    if (info.kind == kind)
      return info.name;
  llvm_unreachable("every kind is in the table");
}

/// Kinds whose output is one MLIR module as text: any may go to `.mlir`.
static bool isMlirText(EmitKind kind) {
  return kind == EmitKind::Mlir || kind == EmitKind::Optimized ||
         kind == EmitKind::Linalg || kind == EmitKind::Buffers ||
         kind == EmitKind::LLVMDialect;
}

llvm::Expected<EmitKind> resolveEmitKind(std::optional<EmitKind> emit,
                                         std::optional<StringRef> outputPath) {
  std::optional<EmitKind> implied;
  if (outputPath && *outputPath != "-")
    implied = emitKindForPath(*outputPath);
  if (!emit) {
    if (!implied && outputPath && *outputPath != "-")
      return compilerError(
          "cannot tell what to write to '" + *outputPath +
          "' from its extension: give --emit, or -o a file ending in .so, "
          ".a, .h, .o, .s, .ll, .mlir, .dot, .svg, .safetensors or .ptx");
    return implied.value_or(EmitKind::SharedLibrary);
  }
  if (implied && *implied != *emit &&
      !(isMlirText(*implied) && isMlirText(*emit)))
    return compilerError("--emit=" + emitKindName(*emit) +
                        " contradicts the extension of -o '" + *outputPath +
                        "', which names --emit=" + emitKindName(*implied));
  return *emit;
}

std::optional<EmitKind> emitKindForPath(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return llvm::StringSwitch<std::optional<EmitKind>>(extension)
      .Case(".so", EmitKind::SharedLibrary)
      .Case(".a", EmitKind::StaticLibrary)
      .Case(".h", EmitKind::Header)
      .Case(".o", EmitKind::Object)
      .Case(".s", EmitKind::Assembly)
      .Case(".ll", EmitKind::LLVMIR)
      .Case(".mlir", EmitKind::Mlir)
      .Case(".dot", EmitKind::Graph)
      .Case(".svg", EmitKind::GraphSvg)
      .Case(".safetensors", EmitKind::Weights)
      .Case(".ptx", EmitKind::PTX)
      .Default(std::nullopt);
}

bool isFileOnlyKind(EmitKind kind) {
  return kind == EmitKind::SharedLibrary || kind == EmitKind::StaticLibrary ||
         kind == EmitKind::Object;
}

std::string defaultOutputName(EmitKind kind, llvm::StringRef model) {
  switch (kind) {
  case EmitKind::SharedLibrary:
    return ("lib" + model + ".so").str();
  case EmitKind::StaticLibrary:
    return ("lib" + model + ".a").str();
  case EmitKind::Header:
    return (model + ".h").str();
  case EmitKind::Object:
    return (model + ".o").str();
  default:
    return "";
  }
}

llvm::ArrayRef<llvm::StringRef> registeredBackends() {
  static const llvm::StringRef names[] = {"cpu", "gpu", "halide", "auto"};
  return names;
}

const Backend *lookupBackend(llvm::StringRef name) {
  if (name == "cpu")
    return &cpuBackend();
  if (name == "gpu")
    return &gpuBackend();
  if (name == "halide")
    return &halideBackend();
  if (name == "auto")
    return &autoBackend();
  return nullptr;
}

/// The pipelines name upstream passes, which need registering once, and the
/// dialects and interface models (bufferization) they create.
static void prepareContext(MLIRContext *context) {
  static const bool registered = [] {
    mlir::registerAllPasses();
    mlir::inception::registerPassesAndPipelines();
    return true;
  }();
  (void)registered;
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates the kernels' module to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  context->appendDialectRegistry(registry);
  // A diagnostic says what and where; the IR of the op it is about is for
  // compiler developers (inception-opt prints it), not for users.
  context->printOpOnDiagnostic(false);
}

LogicalResult runPipeline(ModuleOp module,
                          function_ref<LogicalResult(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  if (failed(build(pm)))
    return module.emitError("cannot build the lowering pipeline");
  return pm.run(module);
}

std::string printModule(ModuleOp module, bool printWeights) {
  OpPrintingFlags flags;
  if (!printWeights)
    flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, flags);
  return text;
}

/// Runs the front half's graph passes, recording op and MAC counts before
/// and after for --pass-stats.
static LogicalResult optimizeGraph(ModuleOp module,
                                   ArrayRef<std::string> passes) {
  auto record = [&](StringRef when) {
    uint64_t ops = 0, convolutions = 0;
    module.walk([&](Operation *op) {
      ops += isa<mlir::inception::InceptionDialect>(op->getDialect());
      convolutions += isa<mlir::inception::Conv2DOp>(op);
    });
    mlir::inception::recordStatistic("graph", ("ops-" + when).str(), ops);
    mlir::inception::recordStatistic("graph", ("convolutions-" + when).str(),
                               convolutions);
    mlir::inception::recordStatistic("graph", ("macs-" + when).str(),
                               mlir::inception::computeTotalCost(module).macs);
  };
  record("before");
  if (failed(runPipeline(module, [&](OpPassManager &pm) {
        return mlir::inception::buildGraphOptimizationPipeline(pm, passes);
      })))
    return failure();
  record("after");
  return success();
}

/// The stages before code generation.
static llvm::Expected<Artifacts> emitFrontHalf(ModuleOp module,
                                               ArrayRef<std::string> passes,
                                               const CompileOptions &options) {
  Artifacts artifacts;
  switch (options.emit) {
  case EmitKind::Target: {
    llvm::raw_string_ostream os(artifacts.primary);
    options.target.print(os);
    return artifacts;
  }
  case EmitKind::Summary: {
    auto summary = ModelSummary::compute(module);
    if (failed(summary))
      return reported();
    llvm::raw_string_ostream os(artifacts.primary);
    summary->print(os);
    return artifacts;
  }
  case EmitKind::Weights: {
    auto tensors = collectWeights(module);
    if (failed(tensors))
      return reported();
    llvm::raw_string_ostream os(artifacts.primary);
    if (llvm::Error error = writeSafeTensors(os, *tensors))
      return std::move(error);
    return artifacts;
  }
  case EmitKind::Mlir:
    artifacts.primary = printModule(module, options.printWeights);
    return artifacts;
  default:
    break;
  }
  if (failed(optimizeGraph(module, passes)))
    return reported();
  if (options.emit == EmitKind::Optimized) {
    artifacts.primary = printModule(module, options.printWeights);
    return artifacts;
  }
  std::string dot;
  llvm::raw_string_ostream dotStream(dot);
  if (failed(writeGraph(module, dotStream)))
    return reported();
  if (options.emit == EmitKind::Graph) {
    artifacts.primary = std::move(dot);
    return artifacts;
  }
  auto svg = renderGraphSvg(dot);
  if (!svg)
    return svg.takeError();
  artifacts.primary = std::move(*svg);
  return artifacts;
}

llvm::Expected<Artifacts> compileModel(ModuleOp module,
                                       const CompileOptions &options) {
  prepareContext(module.getContext());
  const Backend *backend = lookupBackend(options.backend);
  if (!backend)
    return compilerError("unknown backend '" + options.backend +
                        "'; the backends are " +
                        llvm::join(registeredBackends(), ", "));
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  auto passes = mlir::inception::parseOptimizationPasses(
      options.passes ? StringRef(*options.passes)
                     : StringRef(mlir::inception::optimizationPassesForLevel(
                           options.optLevel, backend->name())),
      errorStream, backend->name());
  if (failed(passes))
    return compilerError("--passes: " + StringRef(errors).trim());
  switch (options.emit) {
  case EmitKind::Target:
  case EmitKind::Summary:
  case EmitKind::Weights:
  case EmitKind::Mlir:
  case EmitKind::Optimized:
  case EmitKind::Graph:
  case EmitKind::GraphSvg:
    return emitFrontHalf(module, *passes, options);
  default:
    break;
  }

  auto model = ModelInterface::fromModule(module);
  if (failed(model))
    return reported();
  // The kernel gets its own symbol; <model>_run is the C wrapper's.
  auto function = *module.getOps<func::FuncOp>().begin();
  if (failed(SymbolTable::replaceAllSymbolUses(
          function, StringAttr::get(module.getContext(), model->kernelSymbol()),
          module)))
    return reported();
  function.setName(model->kernelSymbol());
  // The names now live in the interface; LLVM has no use for them.
  function.removeArgAttrsAttr();
  function.removeResAttrsAttr();
  model->defaultThreads = options.target.threads;

  if (failed(optimizeGraph(module, *passes)) ||
      failed(runPipeline(module, [&](OpPassManager &pm) {
        return mlir::inception::buildLowerToLinalgPipeline(pm);
      })))
    return reported();
  // Every pass and emitter of the back half reads the target from here.
  module->setAttr(mlir::inception::InceptionDialect::kTargetAttrName,
                  options.target.toAttr(module.getContext()));
  return backend->compile(module, *model, *passes, options);
}

} // namespace inception
