//===- Backend.h - The back half of a compiler backend ----------*- C++ -*-===//
//
// The front half (graph passes, lowering to linalg on tensors) is shared;
// a backend is the rest: its optimization passes (listed in its table, see
// passes/Pipelines.h), its lowering and its emitter, producing a library
// with the one model ABI (runtime/include/inception/model_abi.h). Adding a
// backend is adding a subclass here and its entry in lookupBackend.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_BACKEND_H
#define INCEPTION_COMPILER_BACKEND_H

#include "compiler/Compiler.h"
#include "compiler/LibraryInterface.h"
#include "mlir/Pass/PassManager.h"

namespace inception {

class Backend {
public:
  virtual ~Backend() = default;
  /// The name --backend takes, also the key of its pass table.
  virtual llvm::StringRef name() const = 0;
  /// Compiles `module`, linalg on tensors with the target attached, up to
  /// `options.emit` (a stage from EmitKind::Linalg on), running the back
  /// half's listed optimization `passes`. `model` is the library's
  /// interface, whose sizes the back half fills in.
  virtual llvm::Expected<Artifacts>
  compile(mlir::ModuleOp module, ModelInterface &model,
          llvm::ArrayRef<std::string> passes,
          const CompileOptions &options) const = 0;
};

/// The backend named `name`, or null.
const Backend *lookupBackend(llvm::StringRef name);

/// The CPU back half: blocked layout, microkernels, OpenMP, LLVM.
const Backend &cpuBackend();

/// The GPU back half: thread blocks, NVVM, cubin, launches through the
/// CUDA driver opened at run time.
const Backend &gpuBackend();

/// The Halide back half: each layer a Halide pipeline compiled ahead of
/// time, called from the CPU back half's code (memory plan, ABI, threads).
const Backend &halideBackend();

/// Per layer the faster of the CPU and Halide back halves, timed on the
/// build machine or read from a plan (compiler/BackendPlan.h).
const Backend &autoBackend();

/// The CPU back half from linalg on tensors on, running its listed
/// `passes`; `extraObjects` are linked into the library besides its own.
llvm::Expected<Artifacts> compileOnHost(mlir::ModuleOp module,
                                        ModelInterface &model,
                                        llvm::ArrayRef<std::string> passes,
                                        const CompileOptions &options,
                                        llvm::ArrayRef<std::string> extraObjects);

/// Prints a module as the textual IR stages emit it: large weights elided
/// unless `printWeights`.
std::string printModule(mlir::ModuleOp module, bool printWeights);

/// Runs a pass pipeline on `module`, built by `build`; failures are
/// reported through the context's diagnostics. The context is the one
/// compileModel prepared (every dialect and pass registered) once.
mlir::LogicalResult
runPipeline(mlir::ModuleOp module,
            llvm::function_ref<mlir::LogicalResult(mlir::OpPassManager &)> build);

} // namespace inception

#endif // INCEPTION_COMPILER_BACKEND_H
