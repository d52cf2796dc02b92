//===- Codegen.h - From the LLVM dialect to object code ---------*- C++ -*-===//

#ifndef INCEPTION_COMPILER_CODEGEN_H
#define INCEPTION_COMPILER_CODEGEN_H

#include "compiler/Target.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>

namespace inception {

/// Translates an LLVM-dialect module to LLVM IR and optimizes it at
/// `optLevel` for the target.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const TargetDescription &target, unsigned optLevel);

enum class OutputFile { Assembly, Object };
/// Writes `module` as assembly or a relocatable, position-independent object
/// (its constant arrays rewritten as byte arrays first, for the printer).
llvm::Error emitMachineCode(llvm::Module &module, const TargetDescription &target,
                            unsigned optLevel, OutputFile kind,
                            llvm::raw_pwrite_stream &os);

} // namespace inception

#endif // INCEPTION_COMPILER_CODEGEN_H
