//===- Codegen.cpp - From the LLVM dialect to object code -----------------===//

#include "compiler/Codegen.h"
#include "compiler/Error.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LegacyPassManager.h"

using namespace mlir;

namespace inception {

llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                  const TargetDescription &target, unsigned optLevel) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return compilerError("translation to LLVM IR failed");
  auto machine = createTargetMachine(target, optLevel);
  if (!machine)
    return machine.takeError();
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  auto optimize = mlir::makeOptimizingTransformer(std::min(optLevel, 3u),
                                                  /*sizeLevel=*/0,
                                                  machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    return std::move(error);
  return std::move(llvmModule);
}

/// Rewrites each constant array of wider elements (the weights: float
/// arrays of millions) as the same bytes in an i8 array. LLVM's assembly
/// printer emits a float array one element at a time and a byte array in
/// one piece; with opaque pointers every use is unchanged.
static void emitConstantArraysAsBytes(llvm::Module &module) {
  llvm::Type *byte = llvm::Type::getInt8Ty(module.getContext());
  for (llvm::GlobalVariable &global :
       llvm::make_early_inc_range(module.globals())) {
    auto *data = global.hasInitializer()
                     ? dyn_cast<llvm::ConstantDataArray>(global.getInitializer())
                     : nullptr;
    if (!data || data->getElementByteSize() == 1)
      continue;
    llvm::StringRef raw = data->getRawDataValues();
    llvm::Constant *bytes =
        llvm::ConstantDataArray::getRaw(raw, raw.size(), byte);
    auto *replacement = new llvm::GlobalVariable(
        module, bytes->getType(), global.isConstant(), global.getLinkage(),
        bytes, "", &global, global.getThreadLocalMode(),
        global.getAddressSpace());
    replacement->copyAttributesFrom(&global);
    replacement->setAlignment(global.getAlign());
    replacement->takeName(&global);
    global.replaceAllUsesWith(replacement);
    global.eraseFromParent();
  }
}

llvm::Error emitMachineCode(llvm::Module &module, const TargetDescription &target,
                            unsigned optLevel, OutputFile kind,
                            llvm::raw_pwrite_stream &os) {
  auto machine = createTargetMachine(target, optLevel);
  if (!machine)
    return machine.takeError();
  llvm::legacy::PassManager passes;
  auto fileType = kind == OutputFile::Object ? llvm::CodeGenFileType::ObjectFile
                                             : llvm::CodeGenFileType::AssemblyFile;
  if ((*machine)->addPassesToEmitFile(passes, os, nullptr, fileType))
    return compilerError("the target cannot emit this file type");
  emitConstantArraysAsBytes(module);
  passes.run(module);
  return llvm::Error::success();
}

} // namespace inception
