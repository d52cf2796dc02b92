//===- VectorKernels.h - The microkernels' vector code, in MLIR -*- C++ -*-===//
//
// The C kernels in runtime/ukernels/ decide what to compute where: blocking,
// packing, padding, threads. Their innermost loops, where the FMAs are, are
// generated here as vector-dialect functions in the model's module, so that
// LLVM compiles them for the target with the rest of the model:
//
// - the GEMM register tile (convolutions through im2col, Winograd's
//   transform-domain products): an mr x (n * vl) block of C held in vector
//   registers while K is summed;
// - a dot product (dense layers): four vector accumulators, then a masked
//   tail and one reduction;
// - a row of a stride-1 depthwise convolution or pooling layer: up to 4
//   vectors of outputs held in registers through every tap of the window,
//   stored once;
// - the tile of a convolution on blocked activations (blocked-layout): up
//   to 2 blocks of vl output channels at up to 12 pixels of a row.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_TRANSFORMS_VECTORKERNELS_H
#define INCEPTION_PASSES_TRANSFORMS_VECTORKERNELS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::inception {

/// The vector width `vl` (floats per register) of every kernel, and the
/// GEMM register tile: `mr` rows of C (output channels) by `nr` columns
/// (pixels). GEMM tiles are made for every column count n * vl up to nr, so
/// a partial last panel of pixels uses fewer vectors.
struct VectorKernelShape {
  int64_t mr, nr, vl;

  int64_t maxVectors() const { return nr / vl; }
  /// Pixels per blocked-convolution tile: 2 blocks by this many vectors of
  /// accumulators fill all but 6 (of 32, AVX-512) or 4 (of 16) registers.
  int64_t blockedConvPixels() const { return vl == 16 ? 12 : 6; }
  /// Why the shape cannot be used, or "" when it can.
  std::string invalidReason() const;
};

/// Adds every kernel of `shape` to `module` (those already there are
/// kept). The shape must be valid.
void defineVectorKernels(ModuleOp module, const VectorKernelShape &shape);

/// Whether `function` is one of those kernels: not a model function, so the
/// passes that rewrite the model's functions leave it alone.
bool isVectorKernel(Operation *function);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_TRANSFORMS_VECTORKERNELS_H
