//===- GPUBackend.cpp - The GPU back half ---------------------------------===//
//
// linalg on tensors -> buffers -> workspace plan -> block-and-thread loop
// nests -> gpu.launch -> kernels in one gpu.module -> NVVM -> a fatbin per
// architecture (ptxas) embedded in the host object, whose run function
// launches the kernels through runtime/gpu_library.c and the CUDA driver it
// opens at run time. docs/gpu.md.
//
//===----------------------------------------------------------------------===//

#include "compiler/Backend.h"
#include "compiler/CPU/MicrokernelObjects.h"
#include "compiler/Error.h"
#include "compiler/ModelLibrary.h"
#include "passes/Codegen/CPU/CPUPipelines.h"
#include "runtime/gpu_library.h"
#include "passes/Codegen/GPU/GPUPipelines.h"
#include "passes/Codegen/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

using namespace mlir;

namespace inception {
namespace {

/// The kernels' binaries, one per architecture, taken out of the module.
struct KernelImage {
  GPUInterface::Image image;
  std::string bytes;
};

llvm::Expected<std::vector<KernelImage>> takeBinaries(ModuleOp module) {
  auto binaries = llvm::to_vector(module.getOps<mlir::gpu::BinaryOp>());
  if (binaries.size() != 1)
    return compilerError("the lowered module has " +
                         std::to_string(binaries.size()) +
                         " kernel binaries; expected one");
  std::vector<KernelImage> images;
  for (Attribute attribute : binaries.front().getObjects()) {
    auto object = cast<mlir::gpu::ObjectAttr>(attribute);
    auto target = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget());
    unsigned capability = 0;
    if (!target || !target.getChip().starts_with("sm_") ||
        target.getChip().drop_front(3).take_while(llvm::isDigit).getAsInteger(
            10, capability))
      return compilerError("a kernel binary is not for an NVIDIA sm_ target");
    KernelImage image;
    image.image.major = capability / 10;
    image.image.minor = capability % 10;
    image.bytes = object.getObject().getValue().str();
    image.image.size = image.bytes.size();
    images.push_back(std::move(image));
  }
  llvm::sort(images, [](const KernelImage &a, const KernelImage &b) {
    return std::make_pair(a.image.major, a.image.minor) <
           std::make_pair(b.image.major, b.image.minor);
  });
  binaries.front().erase();
  return images;
}

/// A constant byte array, hidden, named `name`.
void addBytes(llvm::Module &module, llvm::StringRef name, llvm::StringRef bytes) {
  auto *data = llvm::ConstantDataArray::getRaw(
      bytes, bytes.size(), llvm::Type::getInt8Ty(module.getContext()));
  auto *global = new llvm::GlobalVariable(module, data->getType(),
                                          /*isConstant=*/true,
                                          llvm::GlobalValue::ExternalLinkage,
                                          data, name);
  global->setVisibility(llvm::GlobalValue::HiddenVisibility);
  global->setAlignment(llvm::Align(256));
}

/// The tiled loop nests as a CPU library (CompileOptions::gpuLoopsOnHost):
/// the block loop an OpenMP loop, the thread loop sequential, the weights
/// in a file beside it (as --external-weights) or bound at load.
llvm::Expected<Artifacts> compileLoopsOnHost(ModuleOp module,
                                             ModelInterface &model,
                                             const CompileOptions &options) {
  if (failed(runPipeline(module, [&](OpPassManager &pm) {
        if (failed(parsePassPipeline(
                "func.func(inception-gpu-loops-on-host),scf-forall-to-parallel",
                pm)))
          return failure();
        return mlir::inception::cpu::buildLoopsToLLVMPipeline(pm);
      })))
    return llvm::make_error<ReportedError>();
  auto workspace = kernelWorkspaceSize(module, model);
  if (!workspace)
    return workspace.takeError();
  model.workspaceSize = *workspace;
  std::string packedWeights;
  SmallVector<llvm::StringRef> linked = {ompRuntimeObject()};
  if (options.weightsAtLoad) {
    auto weights = loadTimeWeights(module, model);
    if (!weights)
      return weights.takeError();
    model.loadTimeWeights = std::move(*weights);
    linked.push_back(weightsAtLoadObject());
  } else {
    auto packed = packWeights(module);
    if (!packed)
      return packed.takeError();
    packedWeights = std::move(*packed);
    model.externalWeights = std::make_pair(
        int64_t(packedWeights.size()),
        weightsChecksum(ArrayRef<char>(packedWeights.data(), packedWeights.size())));
  }
  auto built = emitHostCode(module, model, options, linked);
  if (built && !options.weightsAtLoad &&
      (options.emit == EmitKind::SharedLibrary ||
       options.emit == EmitKind::StaticLibrary))
    built->companions.push_back(
        {model.weightsFileName(), std::move(packedWeights)});
  return built;
}

/// The kernels' PTX (--emit=ptx), for the one architecture asked for:
/// what the tests give ptxas to count registers and spills.
llvm::Expected<Artifacts> compilePTX(ModuleOp module,
                                     const CompileOptions &options) {
  if (options.gpuArchs.size() != 1)
    return compilerError("--emit=ptx writes the PTX of one architecture: "
                         "name it with --gpu-arch");
  if (failed(runPipeline(module, [&](OpPassManager &pm) {
        if (failed(mlir::inception::gpu::buildKernelsPipeline(
                pm, options.gpuArchs, /*toBinary=*/false)))
          return failure();
        return parsePassPipeline(
            "gpu-module-to-binary{format=isa toolkit=" +
                mlir::inception::gpu::cudaToolkitPath() + "}",
            pm);
      })))
    return llvm::make_error<ReportedError>();
  auto binaries = llvm::to_vector(module.getOps<mlir::gpu::BinaryOp>());
  if (binaries.size() != 1 || binaries.front().getObjects().size() != 1)
    return compilerError("the lowered module has no PTX");
  Artifacts artifacts;
  artifacts.primary = cast<mlir::gpu::ObjectAttr>(
                          binaries.front().getObjects()[0])
                          .getObject()
                          .getValue()
                          .str();
  return artifacts;
}

class GPUBackend final : public Backend {
public:
  llvm::StringRef name() const override { return "gpu"; }

  llvm::Expected<Artifacts> compile(ModuleOp module, ModelInterface &model,
                                    ArrayRef<std::string> passes,
                                    const CompileOptions &options) const override {
    EmitKind emit = options.emit;
    if (options.externalWeights)
      return compilerError("--external-weights: a GPU library has its "
                           "weights built in or takes them at load "
                           "(--weights-at-load)");
    for (const std::string &chip : options.gpuArchs) {
      unsigned capability = 0;
      if (!llvm::StringRef(chip).starts_with("sm_") ||
          llvm::StringRef(chip).drop_front(3).getAsInteger(10, capability) ||
          capability < 80)
        return compilerError("--gpu-arch: '" + chip +
                             "' is not an NVIDIA architecture from sm_80 on "
                             "(sm_80, sm_86, sm_89, sm_90, ...)");
    }
    Artifacts artifacts;
    if (emit == EmitKind::Linalg) {
      artifacts.primary = printModule(module, options.printWeights);
      return artifacts;
    }
    if (failed(runPipeline(module, [&](OpPassManager &pm) {
          return mlir::inception::gpu::buildTilePipeline(pm, passes,
                                                         options.weightsAtLoad);
        })))
      return llvm::make_error<ReportedError>();
    if (emit == EmitKind::Buffers) {
      artifacts.primary = printModule(module, options.printWeights);
      return artifacts;
    }
    if (options.gpuLoopsOnHost)
      return compileLoopsOnHost(module, model, options);
    // The kernels go through the toolkit's ptxas (and libdevice).
    std::string toolkit = mlir::inception::gpu::cudaToolkitPath();
    if (!llvm::sys::fs::can_execute(toolkit + "/bin/ptxas"))
      return compilerError(
          "--backend=gpu needs the CUDA toolkit's ptxas, and '" + toolkit +
          "/bin/ptxas' is not there (set CUDA_HOME to the toolkit)");
    if (emit == EmitKind::PTX)
      return compilePTX(module, options);
    if (failed(runPipeline(module, [&](OpPassManager &pm) {
          return mlir::inception::gpu::buildKernelsPipeline(pm,
                                                            options.gpuArchs);
        })))
      return llvm::make_error<ReportedError>();

    GPUInterface gpu;
    auto kernelNames =
        module->getAttrOfType<ArrayAttr>(mlir::inception::kGPUKernelsAttr);
    if (!kernelNames)
      return compilerError("the lowered module has no kernel table");
    for (auto name : kernelNames.getAsRange<StringAttr>())
      gpu.kernelNames.push_back(name.str());
    // Its profile's layers are the kernels (named after their layers).
    model.layerNames = gpu.kernelNames;
    auto workspace = kernelWorkspaceSize(module, model);
    if (!workspace)
      return workspace.takeError();
    gpu.deviceWorkspaceSize = *workspace;
    // The host workspace holds the launch state.
    model.workspaceSize = INCEPTION_GPU_STATE_SIZE;
    model.workspacePerThread = 0;
    std::string packedWeights;
    if (options.weightsAtLoad) {
      auto weights = loadTimeWeights(module, model);
      if (!weights)
        return weights.takeError();
      gpu.weightsSize = weights->arenaSize;
      model.loadTimeWeights = std::move(*weights);
    } else {
      auto packed = packWeights(module);
      if (!packed)
        return packed.takeError();
      packedWeights = std::move(*packed);
      gpu.weightsSize = packedWeights.size();
      gpu.builtinWeights = true;
    }
    if (emit == EmitKind::LLVMDialect) {
      artifacts.primary = printModule(module, options.printWeights);
      return artifacts;
    }
    auto images = takeBinaries(module);
    if (!images)
      return images.takeError();
    for (const KernelImage &image : *images)
      gpu.images.push_back(image.image);
    model.gpu = std::move(gpu);
    if (emit == EmitKind::Header) {
      artifacts.primary = generateHeader(model);
      return artifacts;
    }
    SmallVector<llvm::StringRef> linked = {gpuLibraryObject()};
    if (options.weightsAtLoad)
      linked.push_back(weightsAtLoadObject());
    return emitHostCode(module, model, options, linked,
                        [&](llvm::Module &host) {
                          for (auto [index, image] : llvm::enumerate(*images))
                            addBytes(host,
                                     "inception_gpu_image_" +
                                         std::to_string(index),
                                     image.bytes);
                          if (!options.weightsAtLoad)
                            addBytes(host, "inception_gpu_weights",
                                     packedWeights);
                        });
  }
};

} // namespace

const Backend &gpuBackend() {
  static const GPUBackend backend;
  return backend;
}

} // namespace inception
