//===- ModelLibrary.cpp - What every backend's library is made of ---------===//

#include "compiler/ModelLibrary.h"
#include "compiler/Codegen.h"
#include "compiler/Error.h"
#include "passes/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;

namespace inception {

llvm::Expected<std::string> packWeights(ModuleOp module) {
  auto layout = module->getAttrOfType<ArrayAttr>("inception.weights");
  auto size = module->getAttrOfType<IntegerAttr>("inception.weights_size");
  if (!layout || !size)
    return compilerError("the lowered module has no weights layout");
  std::string packed(size.getInt(), '\0');
  for (Attribute entry : layout) {
    auto fields = cast<ArrayAttr>(entry);
    StringRef key = cast<StringAttr>(fields[0]).getValue();
    int64_t offset = cast<IntegerAttr>(fields[1]).getInt();
    // Every parameter, the passes' derived and packed ones included, is a
    // resource blob of the context, which outlives the globals.
    auto *blob = DenseResourceElementsHandle::getManagerInterface(
                     module.getContext())
                     .getBlobManager()
                     .lookup(key);
    ArrayRef<char> bytes =
        blob && blob->getBlob() ? blob->getBlob()->getData() : ArrayRef<char>();
    if (int64_t(bytes.size()) != cast<IntegerAttr>(fields[2]).getInt())
      return compilerError("weight '" + key + "' has no data of the expected size");
    std::copy(bytes.begin(), bytes.end(), packed.begin() + offset);
  }
  return packed;
}

/// What a module lowered with its weights bound at load takes: its
/// parameters and ignored keys (inception-hoist-weights'), its arena
/// (inception-weights-arena's) and its preparation's scratch.
llvm::Expected<LoadTimeWeights> loadTimeWeights(ModuleOp module,
                                                const ModelInterface &model) {
  LoadTimeWeights weights;
  auto parameters =
      module->getAttrOfType<ArrayAttr>(mlir::inception::kParametersAttr);
  auto arena =
      module->getAttrOfType<IntegerAttr>(mlir::inception::kArenaSizeAttr);
  auto prepare = module.lookupSymbol<LLVM::LLVMFuncOp>(model.prepareSymbol());
  auto workspace = prepare ? prepare->getAttrOfType<IntegerAttr>(
                                 mlir::inception::kWorkspaceSizeAttr)
                           : nullptr;
  if (!parameters || !arena || !workspace)
    return compilerError("--weights-at-load: the model reads no parameters "
                         "(the lowered module has no weight preparation)");
  if (auto perThread = prepare->getAttrOfType<IntegerAttr>(
          mlir::inception::kWorkspacePerThreadAttr);
      perThread && perThread.getInt())
    return compilerError("--weights-at-load: the weight preparation needs "
                         "per-thread scratch, which it does not get");
  for (Attribute entry : parameters) {
    auto fields = cast<ArrayAttr>(entry);
    TensorInterface parameter;
    parameter.name = cast<StringAttr>(fields[0]).getValue().str();
    for (Attribute extent : cast<ArrayAttr>(fields[1]))
      parameter.shape.push_back(cast<IntegerAttr>(extent).getInt());
    weights.parameters.push_back(std::move(parameter));
  }
  if (auto ignored =
          module->getAttrOfType<ArrayAttr>(mlir::inception::kIgnoredKeysAttr))
    for (auto key : ignored.getAsRange<StringAttr>())
      weights.ignoredKeys.push_back(key.getValue().str());
  weights.arenaSize = arena.getInt();
  weights.prepareWorkspaceSize = workspace.getInt();
  return weights;
}

llvm::Expected<int64_t> kernelWorkspaceSize(ModuleOp module,
                                            const ModelInterface &model) {
  auto kernel = module.lookupSymbol<LLVM::LLVMFuncOp>(model.kernelSymbol());
  auto workspace = kernel ? kernel->getAttrOfType<IntegerAttr>(
                                mlir::inception::kWorkspaceSizeAttr)
                          : nullptr;
  if (!workspace)
    return compilerError("the lowered module has no kernel with a workspace size");
  return workspace.getInt();
}

llvm::Expected<Artifacts>
emitHostCode(ModuleOp module, const ModelInterface &model,
             const CompileOptions &options,
             llvm::ArrayRef<llvm::StringRef> linked,
             llvm::function_ref<void(llvm::Module &)> addData) {
  EmitKind emit = options.emit;
  Artifacts artifacts;
  const TargetDescription &target = options.target;
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      translateToLLVMIR(module, llvmContext, target, options.optLevel);
  if (!llvmModule)
    return llvmModule.takeError();
  // Everything but the kernel stays inside the library: the vector
  // kernels and helpers of two libraries built for different CPUs must
  // not resolve to one another's in an application that links both.
  for (llvm::Function &function : **llvmModule)
    if (!function.isDeclaration() && !function.hasLocalLinkage() &&
        function.getName() != model.kernelSymbol())
      function.setVisibility(llvm::GlobalValue::HiddenVisibility);
  if (addData)
    addData(**llvmModule);
  if (emit == EmitKind::LLVMIR) {
    llvm::raw_string_ostream os(artifacts.primary);
    (*llvmModule)->print(os, nullptr);
    return artifacts;
  }
  if (emit == EmitKind::Assembly || emit == EmitKind::Object) {
    llvm::SmallString<0> code;
    llvm::raw_svector_ostream os(code);
    if (llvm::Error error = emitMachineCode(
            **llvmModule, target, options.optLevel,
            emit == EmitKind::Object ? OutputFile::Object
                                     : OutputFile::Assembly,
            os))
      return std::move(error);
    artifacts.primary = code.str().str();
    return artifacts;
  }

  // A library: the object and the library in temporary files, linked with
  // the wrapper and the `linked` objects.
  bool isStatic = emit == EmitKind::StaticLibrary;
  llvm::SmallString<128> objectPath, libraryPath;
  llvm::scope_exit cleanup([&] {
    for (llvm::StringRef path : {objectPath, libraryPath})
      if (!path.empty())
        llvm::sys::fs::remove(path);
  });
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "inception-model", "o", objectPath))
    return compilerError("cannot create a temporary file: " + ec.message());
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "inception-model", isStatic ? "a" : "so", libraryPath))
    return compilerError("cannot create a temporary file: " + ec.message());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec);
    if (ec)
      return compilerError("cannot write '" + objectPath + "': " + ec.message());
    if (llvm::Error error = emitMachineCode(**llvmModule, target,
                                            options.optLevel,
                                            OutputFile::Object, os))
      return std::move(error);
  }
  if (llvm::Error error = linkLibrary(objectPath, generateWrapper(model),
                                      libraryPath, isStatic, linked))
    return std::move(error);
  auto library = llvm::MemoryBuffer::getFile(libraryPath, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
  if (!library)
    return compilerError("cannot read the linked library: " +
                        library.getError().message());
  artifacts.primary = (*library)->getBuffer().str();
  artifacts.companions.push_back({model.name + ".h", generateHeader(model)});
  return artifacts;
}

} // namespace inception
