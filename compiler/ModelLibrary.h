//===- ModelLibrary.h - What every backend's library is made of -*- C++ -*-===//
//
// The parts of a back half that do not depend on where the model runs: the
// weights a lowered module reads (packed, or taken at load), and its host
// code as LLVM IR, assembly, an object or a library linked with the
// wrapper.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_MODELLIBRARY_H
#define INCEPTION_COMPILER_MODELLIBRARY_H

#include "compiler/Compiler.h"
#include "compiler/LibraryInterface.h"
#include "llvm/IR/Module.h"

namespace inception {

/// The parameters of a module lowered with its weights in one buffer
/// argument (inception-externalize-weights), packed as its
/// `inception.weights` layout says.
llvm::Expected<std::string> packWeights(mlir::ModuleOp module);

/// What a module lowered with its weights bound at load takes: its
/// parameters and ignored keys (inception-hoist-weights'), its arena
/// (inception-weights-arena's) and its preparation's scratch.
llvm::Expected<LoadTimeWeights> loadTimeWeights(mlir::ModuleOp module,
                                                const ModelInterface &model);

/// The workspace size the workspace plan gave the lowered module's kernel
/// (its run function, model.kernelSymbol()).
llvm::Expected<int64_t> kernelWorkspaceSize(mlir::ModuleOp module,
                                            const ModelInterface &model);

/// `module`, host code in the LLVM dialect, as `options.emit` asks: LLVM
/// IR, assembly, an object, or a library of it, the wrapper and the
/// `linked` objects (with its header as a companion). Every function but
/// the kernel is hidden. `addData`, if any, adds globals (a GPU library's
/// kernel binaries) to the translated module.
llvm::Expected<Artifacts>
emitHostCode(mlir::ModuleOp module, const ModelInterface &model,
             const CompileOptions &options,
             llvm::ArrayRef<llvm::StringRef> linked,
             llvm::function_ref<void(llvm::Module &)> addData = {});

} // namespace inception

#endif // INCEPTION_COMPILER_MODELLIBRARY_H
