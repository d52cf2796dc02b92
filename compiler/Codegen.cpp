//===- Codegen.cpp - From the inception dialect to object code ------------===//

#include "compiler/Codegen.h"
#include "passes/Pipelines.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

namespace inception {

/// The pipelines name upstream passes, which need registering once, and the
/// dialects and interface models (bufferization) they create.
static void registerPassesOnce() {
  static const bool registered = [] {
    mlir::registerAllPasses();
    mlir::inception::registerPassesAndPipelines();
    return true;
  }();
  (void)registered;
}

static void prepareContext(MLIRContext *context) {
  registerPassesOnce();
  DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  context->appendDialectRegistry(registry);
}

static LogicalResult
runPipeline(ModuleOp module, function_ref<LogicalResult(OpPassManager &)> build) {
  prepareContext(module.getContext());
  PassManager pm(module.getContext());
  if (failed(build(pm)))
    return module.emitError("cannot build the lowering pipeline");
  return pm.run(module);
}

FailureOr<SmallVector<std::string>>
selectOptimizationPasses(unsigned level, std::optional<StringRef> list,
                         raw_ostream &errors) {
  registerPassesOnce();
  return mlir::inception::parseOptimizationPasses(
      list ? *list
           : StringRef(mlir::inception::optimizationPassesForLevel(level)),
      errors);
}

LogicalResult optimizeGraph(ModuleOp module, ArrayRef<std::string> passes) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildGraphOptimizationPipeline(pm, passes);
  });
}

LogicalResult lowerToLinalg(ModuleOp module) {
  return runPipeline(module, mlir::inception::buildLowerToLinalgPipeline);
}

LogicalResult bufferize(ModuleOp module, ArrayRef<std::string> passes) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildBufferizePipeline(pm, passes);
  });
}

LogicalResult lowerToLLVMDialect(ModuleOp module, bool externalWeights) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildBuffersToLLVMPipeline(pm, externalWeights);
  });
}

static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetOptions &options) {
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(options.triple.empty() ? llvm::sys::getProcessTriple()
                                             : options.triple);
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown target '%s': %s",
                                   triple.str().c_str(), error.c_str());
  std::string cpu = options.cpu;
  std::string features = options.features;
  if (options.triple.empty() && (cpu.empty() || cpu == "native")) {
    cpu = llvm::sys::getHostCPUName().str();
    if (features.empty()) {
      llvm::SubtargetFeatures hostFeatures;
      for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
        hostFeatures.AddFeature(feature, enabled);
      features = hostFeatures.getString();
    }
  }
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, cpu, ""));
  if (!cpu.empty() && cpu != "generic" && !subtarget->isCPUStringValid(cpu))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown CPU '%s' for target '%s'",
                                   cpu.c_str(), triple.str().c_str());
  auto codeGenLevel = std::min(options.optLevel, 3u) == 0
                          ? llvm::CodeGenOptLevel::None
                          : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, codeGenLevel));
  if (!machine)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot create a target machine for '%s'",
                                   triple.str().c_str());
  return std::move(machine);
}

std::optional<std::pair<int64_t, int64_t>>
microkernelTile(const TargetOptions &options) {
  if (!options.triple.empty())
    return std::nullopt;
  auto machine = createTargetMachine(options);
  if (!machine) {
    llvm::consumeError(machine.takeError());
    return std::nullopt;
  }
  const llvm::MCSubtargetInfo *subtarget = (*machine)->getMCSubtargetInfo();
  if (!(*machine)->getTargetTriple().isX86())
    return std::nullopt;
  if (subtarget->checkFeatures("+avx512f"))
    return std::make_pair(int64_t(6), int64_t(64));
  if (subtarget->checkFeatures("+avx2,+fma"))
    return std::make_pair(int64_t(6), int64_t(16));
  return std::nullopt;
}

llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  const TargetOptions &options) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "translation to LLVM IR failed");
  auto machine = createTargetMachine(options);
  if (!machine)
    return machine.takeError();
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  auto optimize = mlir::makeOptimizingTransformer(options.optLevel,
                                                  /*sizeLevel=*/0,
                                                  machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);
  return std::move(llvmModule);
}

llvm::Error emitMachineCode(llvm::Module &module, const TargetOptions &options,
                            OutputFile kind, llvm::raw_pwrite_stream &os) {
  auto machine = createTargetMachine(options);
  if (!machine)
    return machine.takeError();
  llvm::legacy::PassManager passes;
  auto fileType = kind == OutputFile::Object ? llvm::CodeGenFileType::ObjectFile
                                             : llvm::CodeGenFileType::AssemblyFile;
  if ((*machine)->addPassesToEmitFile(passes, os, nullptr, fileType))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the target cannot emit this file type");
  passes.run(module);
  return llvm::Error::success();
}

} // namespace inception
