//===- SharedMemoryGemm.h - Contractions as tiled GEMMs ---------*- C++ -*-===//
//
// A convolution or a dense layer is a matrix product in disguise: its
// output channels are the rows (read only by the filter), its output pixels
// the columns (read only by the activation), its reductions the depth.
// inception-gpu-tile computes such a layer as an implicit GEMM: each block
// stages depth slices of its rows' filter and its columns' activation in
// shared memory, and each thread accumulates a register tile of the block
// tile from there.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_SHAREDMEMORYGEMM_H
#define INCEPTION_PASSES_CODEGEN_GPU_SHAREDMEMORYGEMM_H

#include "passes/Codegen/GPU/KernelFusion.h"

namespace mlir::inception {

/// A layer seen as C[rows x columns] += A[rows x depth] * B[depth x
/// columns]: each of its parallel dimensions is read by one input only.
struct GemmShape {
  OpOperand *rowsInput = nullptr, *columnsInput = nullptr;
  /// The parallel dimensions of each side, and the extents of those and
  /// of the reductions, in the op's order (the last varies fastest when
  /// they are linearized).
  SmallVector<unsigned> rowDims, columnDims;
  SmallVector<int64_t> rowExtents, columnExtents, depthExtents;
  int64_t rows = 1, columns = 1, depth = 1;
};

/// The block and thread tiling of a GEMM kernel.
struct GemmTiling {
  /// Threads per block (a multiple of 32), 16 of them along the columns.
  int64_t blockSize = 256;
  /// The largest register tile of a thread (rows by columns) and the
  /// depth of a shared-memory slice.
  int64_t tileRows = 4, tileColumns = 4, sliceDepth = 16;
  /// Register tiles shrink until the layer has this many blocks.
  int64_t minBlocks = 256;
};

/// `layer`'s GEMM shape if it multiply-accumulates two buffers into one
/// (in f32), every parallel dimension read by one of them, and the
/// product is large enough for shared-memory tiles to pay.
std::optional<GemmShape> matchGemm(linalg::GenericOp layer);

/// Replaces `kernel` by its block and thread nest as a tiled GEMM of
/// `shape`.
void distributeAsGemm(RewriterBase &rewriter, FusedKernel &kernel,
                      const GemmShape &shape, const GemmTiling &tiling);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_GPU_SHAREDMEMORYGEMM_H
