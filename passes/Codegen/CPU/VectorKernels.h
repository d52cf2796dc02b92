//===- VectorKernels.h - The microkernels' vector code, in MLIR -*- C++ -*-===//
//
// The C kernels in runtime/ukernels/ decide what to compute where: blocking,
// packing, padding, threads. Their innermost loops, where the FMAs are, are
// generated here as vector-dialect functions, which the build compiles with
// the C kernels once per ISA level (runtime/ukernels/CMakeLists.txt):
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
//   to 6 blocks of vl output channels at up to 12 pixels of a row, 24
//   accumulators at most; and of a blocked depthwise convolution, one
//   block at up to 8 pixels.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELS_H
#define INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <algorithm>
#include <string>

namespace mlir::inception {

/// The vector width `vl` (floats per register) of every kernel, and the
/// GEMM register tile: `mr` rows of C (output channels) by `nr` columns
/// (pixels). GEMM tiles are made for every column count n * vl up to nr, so
/// a partial last panel of pixels uses fewer vectors.
struct VectorKernelShape {
  int64_t mr, nr, vl;

  int64_t maxVectors() const { return nr / vl; }
  /// Blocked-convolution tiles: up to this many output blocks, by up to
  /// blockedConvPixels(blocks) pixels, the accumulators 24 of the 32
  /// AVX-512 registers (12 of 16 otherwise), the rest for the filter
  /// vectors and a broadcast.
  int64_t blockedConvMaxBlocks() const { return vl == 16 ? 6 : 3; }
  int64_t blockedConvPixels(int64_t blocks) const {
    int64_t accumulators = vl == 16 ? 24 : 12, most = vl == 16 ? 12 : 6;
    return std::min(most, accumulators / blocks);
  }
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

#endif // INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELS_H
