//===- Codegen.h - From the inception dialect to object code ----*- C++ -*-===//

#ifndef INCEPTION_COMPILER_CODEGEN_H
#define INCEPTION_COMPILER_CODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <memory>
#include <optional>
#include <string>

namespace inception {

/// The optimization passes to run: `list` when given (checked; errors go to
/// `errors`), else those of -O`level`.
llvm::FailureOr<llvm::SmallVector<std::string>>
selectOptimizationPasses(unsigned level, std::optional<llvm::StringRef> list,
                         llvm::raw_ostream &errors);

/// Runs the listed optimization passes that work on the inception dialect
/// in place (see mlir::inception::parseOptimizationPasses).
mlir::LogicalResult optimizeGraph(mlir::ModuleOp module,
                                  llvm::ArrayRef<std::string> passes);
/// Lowers the model in place to linalg on tensors.
mlir::LogicalResult lowerToLinalg(mlir::ModuleOp module);
/// Bufferizes linalg on tensors in place (results become out-params) and
/// runs the listed optimization passes that work on buffers.
mlir::LogicalResult bufferize(mlir::ModuleOp module,
                              llvm::ArrayRef<std::string> passes);
/// Lowers the bufferized module in place to the LLVM dialect. The model
/// function becomes `void f(const float *input, float *output, void
/// *workspace)`; its `inception.workspace_size` attribute gives the
/// workspace's size. With `externalWeights`, the parameters leave the
/// module: the kernel takes a fourth argument, the packed weights, whose
/// layout the module records (see inception-externalize-weights).
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       bool externalWeights);

struct TargetOptions {
  std::string triple; // empty: the host
  std::string cpu;    // empty: the host's CPU ("native")
  std::string features;
  unsigned optLevel = 3;
};

/// Translates an LLVM-dialect module to LLVM IR and optimizes it at
/// `options.optLevel` for the target.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  const TargetOptions &options);

/// The register tile ([mr, nr]) of the convolution microkernel for the
/// target: 6 x 64 with AVX-512, 6 x 16 with AVX2 and FMA; nothing for other
/// targets and for cross compilation (--mtriple), where convolutions stay
/// loops.
std::optional<std::pair<int64_t, int64_t>>
microkernelTile(const TargetOptions &options);

enum class OutputFile { Assembly, Object };
/// Writes `module` as assembly or a relocatable, position-independent object.
llvm::Error emitMachineCode(llvm::Module &module, const TargetOptions &options,
                            OutputFile kind, llvm::raw_pwrite_stream &os);

} // namespace inception

#endif // INCEPTION_COMPILER_CODEGEN_H
