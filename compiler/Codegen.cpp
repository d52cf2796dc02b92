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

#include <algorithm>
#include <unistd.h>

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

LogicalResult lowerToLinalg(ModuleOp module, ArrayRef<std::string> passes) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildLowerToLinalgPipeline(pm, passes);
  });
}

LogicalResult bufferize(ModuleOp module, ArrayRef<std::string> passes) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildBufferizePipeline(pm, passes);
  });
}

LogicalResult lowerToLLVMDialect(ModuleOp module, bool externalWeights,
                                 bool profileLayers) {
  return runPipeline(module, [&](OpPassManager &pm) {
    return mlir::inception::buildBuffersToLLVMPipeline(pm, externalWeights,
                                                       profileLayers);
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

CacheSizes hostCacheSizes() {
  CacheSizes caches;
  caches.l1 = std::max<long>(sysconf(_SC_LEVEL1_DCACHE_SIZE), 0);
  caches.l2 = std::max<long>(sysconf(_SC_LEVEL2_CACHE_SIZE), 0);
  caches.l3 = std::max<long>(sysconf(_SC_LEVEL3_CACHE_SIZE), 0);
  return caches;
}

llvm::Expected<CacheSizes> parseCacheSizes(StringRef text) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  auto bad = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--cache-sizes='" + text + "': " + why);
  };
  if (parts.size() != 3)
    return bad("give the L1, L2 and L3 data cache sizes, as in 48K,2M,32M");
  int64_t sizes[3];
  for (auto [index, part] : llvm::enumerate(parts)) {
    StringRef digits = part.trim();
    int64_t scale = 1;
    if (digits.consume_back("K") || digits.consume_back("k"))
      scale = 1 << 10;
    else if (digits.consume_back("M") || digits.consume_back("m"))
      scale = 1 << 20;
    else if (digits.consume_back("G") || digits.consume_back("g"))
      scale = 1 << 30;
    uint64_t value;
    if (digits.getAsInteger(10, value) || value == 0 || value > (1ull << 20))
      return bad("'" + part + "' is not a size such as 48K or 2M");
    sizes[index] = int64_t(value) * scale;
  }
  return CacheSizes{sizes[0], sizes[1], sizes[2]};
}

std::optional<MicrokernelTiling> microkernelTiling(const TargetOptions &options,
                                                   const CacheSizes &caches) {
  if (!options.triple.empty())
    return std::nullopt;
  auto machine = createTargetMachine(options);
  if (!machine) {
    llvm::consumeError(machine.takeError());
    return std::nullopt;
  }
  if (!(*machine)->getTargetTriple().isX86())
    return std::nullopt;
  const llvm::MCSubtargetInfo *subtarget = (*machine)->getMCSubtargetInfo();
  MicrokernelTiling tiling;
  if (subtarget->checkFeatures("+avx512f"))
    tiling = {6, 64, 16, 0, 0, 0, 0};
  else if (subtarget->checkFeatures("+avx2,+fma"))
    tiling = {6, 16, 8, 0, 0, 0, 0};
  else
    return std::nullopt;
  // Unknown caches: those of a common core (48K L1, 2M L2).
  int64_t l1 = caches.l1 ? caches.l1 : 48 << 10;
  int64_t l2 = caches.l2 ? caches.l2 : 2 << 20;
  int64_t floats = sizeof(float);
  tiling.kc = std::clamp<int64_t>(l1 / 2 / (tiling.nr * floats) / 16 * 16, 64, 512);
  tiling.nc = std::clamp<int64_t>(l2 / 4 / (tiling.kc * floats) / tiling.nr,
                                  1, 8) * tiling.nr;
  tiling.l2 = l2;
  tiling.l1 = l1;
  return tiling;
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
