//===- KernelFusion.h - Which ops make one GPU kernel -----------*- C++ -*-===//
//
// inception-gpu-tile builds one kernel per layer, and takes into a layer's
// kernel what its threads can compute at each of its output points: the op
// that only initializes its output, the elementwise op after it, and the
// padded buffers it reads. This is the analysis that decides which, from
// the ops' indexing maps and the byte ranges of the workspace views they
// read and write.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_KERNELFUSION_H
#define INCEPTION_PASSES_CODEGEN_GPU_KERNELFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::inception {

/// A padded buffer a layer reads, as the ops before it build it: a fill of
/// the whole buffer (`fill`, yielding the padding value) and an op that
/// writes its interior (`writer`, into a subview at static `offsets` of
/// `sizes`: a copy, or a ReLU). The layer reads `read`, the buffer or an
/// expand_shape of it (`groups`, of `readShape`); its threads read through
/// it instead: the writer's value inside the interior, the fill's outside.
struct PaddedInput {
  Value padded, read;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> readShape, offsets, sizes;
  linalg::GenericOp fill, writer;
};

/// One kernel: a layer, and what its threads also compute at each of its
/// output points (KernelFusion.cpp says when each may join).
struct FusedKernel {
  /// The ops of the kernel, erased once it is built.
  void erase(RewriterBase &rewriter);
  /// Its last op: where it is built, after every view its ops use.
  Operation *last() { return epilogue ? epilogue : layer; }

  linalg::GenericOp layer;
  /// Computes the layer's initial output (a bias broadcast), instead of a
  /// kernel that writes it for the layer to load.
  linalg::GenericOp initializer;
  /// Reads the layer's output at the same point (a ReLU, a residual add),
  /// instead of a kernel that loads it back.
  linalg::GenericOp epilogue;
  /// Padded buffers the layer reads through instead of two kernels
  /// writing them.
  SmallVector<PaddedInput, 1> paddings;
};

/// `layers`, the generic ops of a run function on buffers in program order
/// (parallel dimensions first), as kernels in program order: with `fuse`,
/// each layer with reductions takes the op that only initializes its
/// output and the elementwise op after it, and reads through the padded
/// buffers that only it reads, where that is safe; else one per layer.
SmallVector<FusedKernel, 0>
groupIntoKernels(ArrayRef<linalg::GenericOp> layers, bool fuse);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_GPU_KERNELFUSION_H
