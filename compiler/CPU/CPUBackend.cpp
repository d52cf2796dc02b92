//===- CPUBackend.cpp - The CPU back half ---------------------------------===//
//
// linalg on tensors -> blocked layout -> buffers -> microkernel calls ->
// workspace plan -> OpenMP loops -> LLVM -> object, linked with the C
// wrapper and the microkernels into a shared or static library.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backend.h"
#include "compiler/CPU/MicrokernelObjects.h"
#include "compiler/Error.h"
#include "compiler/ModelLibrary.h"
#include "passes/Codegen/CPU/CPUPipelines.h"
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace inception {
namespace {

class CPUBackend final : public Backend {
public:
  llvm::StringRef name() const override { return "cpu"; }

  llvm::Expected<Artifacts>
  compile(ModuleOp module, ModelInterface &model, ArrayRef<std::string> passes,
          const CompileOptions &options) const override {
    return compileOnHost(module, model, passes, options, {});
  }
};

} // namespace

llvm::Expected<Artifacts> compileOnHost(ModuleOp module, ModelInterface &model,
                                        ArrayRef<std::string> passes,
                                        const CompileOptions &options,
                                        ArrayRef<std::string> extraObjects) {
  EmitKind emit = options.emit;
  if (emit == EmitKind::PTX)
    return compilerError(llvm::Twine("--emit=ptx: the ") +
                         (options.backend == "halide" ? "Halide"
                          : options.backend == "auto" ? "CPU and Halide"
                                                      : "CPU") +
                         " back half has no PTX; compile with --backend=gpu");
  Artifacts artifacts;
  if (failed(runPipeline(module, [&](OpPassManager &pm) {
        return mlir::inception::cpu::buildLinalgPipeline(pm, passes);
      })))
    return llvm::make_error<ReportedError>();
  if (emit != EmitKind::Linalg &&
      failed(runPipeline(module, [&](OpPassManager &pm) {
        return mlir::inception::cpu::buildBufferizePipeline(
            pm, passes, options.weightsAtLoad);
      })))
    return llvm::make_error<ReportedError>();
  if (emit == EmitKind::Linalg || emit == EmitKind::Buffers) {
    artifacts.primary = printModule(module, options.printWeights);
    return artifacts;
  }
  if (failed(runPipeline(module, [&](OpPassManager &pm) {
        return mlir::inception::cpu::buildBuffersToLLVMPipeline(
            pm, options.externalWeights, options.profileLayers,
            options.weightsAtLoad);
      })))
    return llvm::make_error<ReportedError>();
  if (auto layers =
          module->getAttrOfType<ArrayAttr>(mlir::inception::kProfileLayersAttr))
    for (Attribute layer : layers)
      model.layerNames.push_back(cast<StringAttr>(layer).getValue().str());
  if (auto backends = module->getAttrOfType<ArrayAttr>(
          mlir::inception::kProfileBackendsAttr))
    for (Attribute backend : backends)
      model.layerBackends.push_back(cast<StringAttr>(backend).getValue().str());
  std::string packedWeights;
  if (options.externalWeights) {
    auto packed = packWeights(module);
    if (!packed)
      return packed.takeError();
    packedWeights = std::move(*packed);
    model.externalWeights =
        std::make_pair(int64_t(packedWeights.size()),
                       weightsChecksum(ArrayRef<char>(packedWeights.data(),
                                                      packedWeights.size())));
  }
  if (options.weightsAtLoad) {
    auto weights = loadTimeWeights(module, model);
    if (!weights)
      return weights.takeError();
    model.loadTimeWeights = std::move(*weights);
  }
  auto workspace = kernelWorkspaceSize(module, model);
  if (!workspace)
    return workspace.takeError();
  model.workspaceSize = *workspace;
  auto kernel = module.lookupSymbol<LLVM::LLVMFuncOp>(model.kernelSymbol());
  if (auto perThread = kernel->getAttrOfType<IntegerAttr>(
          mlir::inception::kWorkspacePerThreadAttr))
    model.workspacePerThread = perThread.getInt();

  if (emit == EmitKind::LLVMDialect) {
    artifacts.primary = printModule(module, options.printWeights);
    return artifacts;
  }
  if (emit == EmitKind::Header) {
    artifacts.primary = generateHeader(model);
    return artifacts;
  }

  // The OpenMP runtime, and the microkernels for the module's tile.
  SmallVector<llvm::StringRef> linked = {ompRuntimeObject()};
  if (options.weightsAtLoad)
    linked.push_back(weightsAtLoadObject());
  if (auto tile = module->getAttrOfType<DenseI64ArrayAttr>(
          mlir::inception::kMicrokernelAttr)) {
    const MicrokernelObject *object =
        tile.size() == 3 ? findMicrokernelObject(tile[0], tile[1], tile[2])
                         : nullptr;
    if (!object) {
      std::string built;
      for (const MicrokernelObject &level : microkernelObjects())
        built += (built.empty() ? "" : ", ") + std::to_string(level.mr) + "x" +
                 std::to_string(level.nr) + " (vectors of " +
                 std::to_string(level.vl) + ", " + level.isa.str() + ")";
      return compilerError("the module calls microkernels for a register "
                           "tile none were built for; built: " +
                           built);
    }
    linked.push_back(object->bytes);
  }
  for (const std::string &object : extraObjects)
    linked.push_back(object);
  auto built = emitHostCode(module, model, options, linked);
  if (!built)
    return built.takeError();
  if (options.externalWeights &&
      (emit == EmitKind::SharedLibrary || emit == EmitKind::StaticLibrary))
    built->companions.push_back(
        {model.weightsFileName(), std::move(packedWeights)});
  return built;
}

const Backend &cpuBackend() {
  static const CPUBackend backend;
  return backend;
}

} // namespace inception
