//===- HalideLayers.h - Layers on tensors as Halide pipelines ---*- C++ -*-===//
//
// The Halide back half's emitter. It groups the model's linalg on tensors
// into layers (a contraction with the padding and reshapes that feed it,
// its initialization and the elementwise ops of its epilogue; or a run of
// elementwise ops), builds each layer as Halide Funcs, schedules it and
// compiles it ahead of time; the layer's ops become one
// inception.halide_call. The only file that includes Halide.h.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_HALIDE_HALIDELAYERS_H
#define INCEPTION_COMPILER_HALIDE_HALIDELAYERS_H

#include "compiler/Compiler.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <string>
#include <vector>

namespace inception::halide {

/// The schedulers --halide-scheduler takes: "hand" (the templates of
/// HalideLayers.cpp) and Debian's Halide 14 autoscheduler plugins.
llvm::ArrayRef<llvm::StringRef> schedulerNames();

struct CompiledLayers {
  /// The Halide runtime for the target, then one object with every layer.
  std::vector<std::string> objects;
  /// The per-thread scratch the layers' own allocations need at most.
  int64_t scratchPerThread = 0;
  unsigned layers = 0;
  /// Layers the hand-written convolution template scheduled, and of those
  /// the 1x1 convolutions over narrow rows its plane form took.
  unsigned convolutionTiles = 0, convolutionPlanes = 0;
  /// Dense layers the dense template scheduled (dot products in vectors).
  unsigned denseDots = 0;
  /// Reductions over a small window (pooling, depthwise taps, LRN's
  /// channels) written out as one expression of their taps.
  unsigned windowsUnrolled = 0;
  /// Paddings the hand schedules copied once per call, and those read
  /// through a boundary condition instead.
  unsigned paddingsMaterialized = 0, paddingsInline = 0;
};

/// Replaces every layer of `module`'s functions (linalg on tensors) by an
/// inception.halide_call to a pipeline named `<prefix>_halide_<n>`,
/// compiled for `target` with `scheduler`. Errors name the op that has no
/// Halide form.
/// Which layers become Halide pipelines, by the op whose result is the
/// layer's (its `inception.name` is the layer's name); null: all of them.
using LayerSelection = std::function<bool(mlir::Operation *root)>;

/// Replaces each selected layer of `module` (linalg on tensors) by an
/// inception.halide_call to a pipeline scheduled by the options' scheduler,
/// compiled for their target into objects named after `prefix`; the layers
/// left out stay for the CPU back half.
llvm::Expected<CompiledLayers> compileLayers(mlir::ModuleOp module,
                                             const CompileOptions &options,
                                             llvm::StringRef prefix,
                                             const LayerSelection &selected);

} // namespace inception::halide

#endif // INCEPTION_COMPILER_HALIDE_HALIDELAYERS_H
