//===- Codegen.h - From the inception dialect to object code ----*- C++ -*-===//

#ifndef INCEPTION_COMPILER_CODEGEN_H
#define INCEPTION_COMPILER_CODEGEN_H

#include "compiler/MicrokernelTiling.h"
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
/// Lowers the model in place to linalg on tensors, and runs the listed
/// optimization passes that work there (blocked-layout).
mlir::LogicalResult lowerToLinalg(mlir::ModuleOp module,
                                  llvm::ArrayRef<std::string> passes);
/// Bufferizes linalg on tensors in place (results become out-params) and
/// runs the listed optimization passes that work on buffers.
mlir::LogicalResult bufferize(mlir::ModuleOp module,
                              llvm::ArrayRef<std::string> passes);
/// Lowers the bufferized module in place to the LLVM dialect. The model
/// function becomes `void f(const float *input, float *output, void
/// *workspace)`; its `inception.workspace_size` attribute gives the
/// workspace's size. With `externalWeights`, the parameters leave the
/// module: the kernel takes a fourth argument, the packed weights, whose
/// layout the module records (see inception-externalize-weights). With
/// `profileLayers`, it marks each layer's start (inception-profile-layers).
mlir::LogicalResult lowerToLLVMDialect(mlir::ModuleOp module,
                                       bool externalWeights,
                                       bool profileLayers = false);

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

/// Data cache sizes in bytes; 0 where unknown.
struct CacheSizes {
  int64_t l1 = 0, l2 = 0, l3 = 0;
};

/// The host's data cache sizes, as the C library reports them.
CacheSizes hostCacheSizes();

/// Parses `L1,L2,L3` sizes such as `48K,2M,32M` (a number with an optional
/// K, M or G suffix each, all three given).
llvm::Expected<CacheSizes> parseCacheSizes(llvm::StringRef text);

/// The convolution microkernel's blocking for the target: the register tile
/// from its vector registers (6 x 64 with AVX-512, 6 x 16 with AVX2 and
/// FMA), kc so that a kc x nr panel of the packed im2col fills half of L1,
/// and nc so that the kc x nc block fills a quarter of L2 (at most 8
/// panels: a task's blocks live on its thread's stack). Nothing for other
/// targets and for cross compilation (--mtriple): convolutions stay loops.
std::optional<MicrokernelTiling> microkernelTiling(const TargetOptions &options,
                                                   const CacheSizes &caches);

enum class OutputFile { Assembly, Object };
/// Writes `module` as assembly or a relocatable, position-independent object.
llvm::Error emitMachineCode(llvm::Module &module, const TargetOptions &options,
                            OutputFile kind, llvm::raw_pwrite_stream &os);

} // namespace inception

#endif // INCEPTION_COMPILER_CODEGEN_H
