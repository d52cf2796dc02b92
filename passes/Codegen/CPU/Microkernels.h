//===- Microkernels.h - inception-microkernels' pieces ----------*- C++ -*-===//
//
// `inception-microkernels` replaces convolution, pooling and dense loops on
// buffers by calls to the C microkernels (runtime/ukernels/), one family
// per file: ConvolutionKernels.cpp (GEMM, Winograd and depthwise, on NCHW
// or blocked activations), PoolingKernels.cpp, DenseKernels.cpp. The
// filters' packed and transformed forms are made in FilterTransforms.cpp,
// the calls built in KernelCalls.cpp, and what the families share in
// recognizing an op's epilogue and its input's copy is KernelMatching.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H
#define INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H

#include "passes/Passes.h"
#include "passes/Transforms/BufferViews.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::inception::microkernels {

/// What the families need to know and count while the pass runs.
struct KernelSelection {
  SymbolTable &symbols;
  /// The register tile and the cache blocking the kernels were built and
  /// their scratch is sized for.
  int64_t mr, nr, vl, kc, nc, l1, l2;
  /// Whether 3x3 stride-1 convolutions may go through Winograd.
  bool winograd;
  /// The filters' packed and transformed forms, one per filter and form.
  llvm::StringMap<memref::GlobalOp> filterForms;
  uint64_t winogradCount = 0, depthwiseCount = 0, forwardedCount = 0;
  /// Set when a call could not be built (an error was emitted).
  bool failedCall = false;

  LogicalResult fail() {
    failedCall = true;
    return failure();
  }
};

// The families: each replaces `op` (and the epilogue ops it absorbs) by a
// kernel call, or fails leaving the IR as it was.
LogicalResult selectConvolution(KernelSelection &selection,
                                linalg::GenericOp op);
LogicalResult selectBlockedConvolution(KernelSelection &selection,
                                       linalg::GenericOp op);
LogicalResult selectPool(KernelSelection &selection, linalg::GenericOp op);
LogicalResult selectBlockedPool(KernelSelection &selection,
                                linalg::GenericOp op);
LogicalResult selectDense(KernelSelection &selection, linalg::GenericOp op);

// FilterTransforms.cpp

/// The constant global a buffer is a view of, through reshapes.
memref::GlobalOp filterGlobal(Value filter, SymbolTable &symbols);
/// The constant the kernel reads for `global`'s filter, made once per
/// filter and form: panels of mr output channels, k-major (the GEMM
/// kernel), or the Winograd transform in panels of nr, of an NCHW filter
/// or (`blockedSource`) of blocked-layout's [F/vl, 3, 3, C, vl].
memref::GlobalOp filterForm(KernelSelection &selection, memref::GlobalOp global,
                            bool winogradForm, int64_t outChannels,
                            int64_t inChannels, int64_t depth,
                            bool blockedSource = false);

// KernelMatching.cpp

/// Whether a generic divides `dividend` elementwise by a map indexed by
/// the output's row and column (loops 2 and 3 of `loops`: NCHW, or blocks
/// with a lane loop after): an average pooling's division by window sizes.
bool isDivisionByMap(linalg::GenericOp op, Value dividend, unsigned loops);
/// Whether a generic computes max(x, 0) of its one input.
bool isRelu(linalg::GenericOp op);
/// Whether `user` initializes the accumulator `output` of the contraction
/// `op`, before it: a generic summing its inputs (bias, residual) into
/// `output`; or, isZeroFill, a zero fill of it.
bool isSumInitialization(Operation *user, Value output, Operation *op);
bool isZeroFill(Operation *user, Value output, Operation *op);
/// The bias (rank 2) and residual (rank 5, read as the output is) that an
/// initialization sums, each null when absent; nothing when it sums
/// anything else.
std::optional<std::pair<Value, Value>>
initializationTerms(linalg::GenericOp init);
/// Whether a layout is blocked-layout's [.., H, W, vl] with its pixels'
/// vl lanes adjacent: what the blocked kernels read and write.
bool pixelsOfBlocks(int64_t vl, const StaticLayout &layout);
/// Whether an op between `from` and `to` (exclusive) may write a view of
/// one of `roots`.
bool writtenBetween(Operation *from, Operation *to, ArrayRef<Value> roots);

/// Where a kernel reads its input: a buffer, the offset of element 0 and
/// [batch, channel, row] strides, and the copy it replaces, if any.
struct KernelInput {
  Value buffer;
  int64_t offset;
  SmallVector<int64_t> strides;
  memref::CopyOp filledBy;
};
/// The interior of `input`'s padded buffer (`offset`, `strides`, extents
/// `shape` [n, c, h, w]), or the source of the copy that filled it, when
/// nothing else reads or writes that buffer besides `kernel` and the
/// padding fill and nothing writes the copy's source until `until`: the
/// caller erases the copy once the kernel call reads the source.
KernelInput readInput(KernelSelection &selection, Value input,
                      Operation *kernel, Operation *until, int64_t offset,
                      SmallVector<int64_t> strides, ArrayRef<int64_t> shape);
/// Erases `buffer` and its views once nothing else uses them.
void eraseIfUnused(Value buffer);
/// The fill of a padded input buffer that only microkernels read, which
/// never read its border: the buffer's other users write its interior.
void removePaddingFill(Value buffer);
/// Narrows the fill of the whole padded buffer `input` (rows and columns
/// on axes 2 and 3) to its border, when views of exactly its interior
/// (`top`, `left`, `height` x `width`), whole or in channel ranges that
/// cover it (a concat's slices), are written by something else: the
/// blocked kernels read the padding, but the interior's fill is dead.
void fillBorderOnly(Value input, int64_t top, int64_t left, int64_t height,
                    int64_t width);

} // namespace mlir::inception::microkernels

#endif // INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H
