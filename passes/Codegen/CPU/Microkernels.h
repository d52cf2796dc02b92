//===- Microkernels.h - Kernel selection and calls --------------*- C++ -*-===//
//
// The CPU back half runs convolutions, pooling and dense layers through the
// C microkernels (runtime/ukernels/) in two steps:
//
// - `inception-microkernels`, on linalg on tensors, selects each layer's
//   kernel from the contraction and the ops that make its epilogue (the
//   accumulator's initialization from bias and residual, a ReLU or an
//   average pooling's division after it), which SSA makes plain there, and
//   replaces them by one `inception.ukernel` op carrying the call's static
//   parameters. One family per file: ConvolutionKernels.cpp (GEMM,
//   Winograd and depthwise, on NCHW or blocked activations),
//   PoolingKernels.cpp, DenseKernels.cpp; what they share in recognizing
//   an epilogue is KernelMatching.cpp.
// - `inception-lower-ukernels`, after bufferization has placed every
//   output (elide-concat included), builds each op's call from its
//   buffers' layouts (KernelCalls.cpp), with the filter in the form the
//   kernel reads (weight transforms inception-microkernels built), in the
//   same family files.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H
#define INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H

#include "dialect/InceptionOps.h"
#include "dialect/WeightConstants.h"
#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Passes.h"
#include "passes/Transforms/BufferViews.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::inception::microkernels {

//===----------------------------------------------------------------------===//
// Selection, on tensors
//===----------------------------------------------------------------------===//

/// What the families need to know and count while they select kernels.
struct KernelSelection {
  /// The register tile and the cache blocking the kernels were built and
  /// their scratch is sized for.
  int64_t mr, nr, vl, kc, nc, l1, l2;
  /// Whether 3x3 stride-1 convolutions may go through Winograd, the fewest
  /// 4x4 output tiles (all images) for which they do, and the fewest per
  /// image for which a blocked one's filter is transformed at compile time.
  bool winograd;
  int64_t winogradMinTiles, winogradTransformMinTiles;
  uint64_t convolutions = 0, kept = 0, winogradCount = 0,
           winogradUntransformedCount = 0, winograd1dCount = 0,
           depthwiseCount = 0, padsReadThrough = 0, pools = 0, dense = 0;

  /// The tile and blocking entries that a convolution's params carry.
  void addBlocking(Builder &builder, NamedAttrList &params) const;
};

// The families: each replaces `op` and the epilogue ops it absorbs by an
// inception.ukernel op, or fails leaving the IR as it was.
LogicalResult selectConvolution(KernelSelection &selection,
                                RewriterBase &rewriter, linalg::GenericOp op);
LogicalResult selectBlockedConvolution(KernelSelection &selection,
                                       RewriterBase &rewriter,
                                       linalg::GenericOp op);
LogicalResult selectPool(KernelSelection &selection, RewriterBase &rewriter,
                         linalg::GenericOp op);
LogicalResult selectBlockedPool(KernelSelection &selection,
                                RewriterBase &rewriter, linalg::GenericOp op);
LogicalResult selectDense(KernelSelection &selection, RewriterBase &rewriter,
                          linalg::GenericOp op);

// KernelMatching.cpp

/// `value` with its `reassociation` collapsed: the source of the
/// expand_shape that made it, where it has one, else a new collapse_shape.
Value collapsed(RewriterBase &rewriter, Value value,
                ArrayRef<ReassociationIndices> reassociation);
/// The accumulator's initialization that a contraction's `init` comes from,
/// when nothing else reads it: a zero fill, or a generic summing a bias
/// (rank 2) and a residual (`residualRank`, read as the output is).
struct Initialization {
  Operation *op = nullptr;
  Value bias, residual;
  explicit operator bool() const { return op; }
};
Initialization initializationOf(Value init, int64_t residualRank);
/// The ReLU that alone reads `result` (through one collapse_shape, where
/// `throughCollapse`), or null.
linalg::GenericOp reluOf(Value result, bool throughCollapse);
/// The average pooling's division that alone reads `sums`, elementwise by
/// a constant map indexed by the output's row and column (loops 2 and 3 of
/// `loops`), or null.
linalg::GenericOp divisionOf(Value sums, unsigned loops);
/// The tensor a `tensor.pad` pads by rows `top` and columns `left` (axes 2
/// and 3) with the constant `value` (any value when null), or null.
Value padSource(Value padded, int64_t top, int64_t left,
                std::optional<APFloat> value);
/// Replaces the layer's last op (the contraction or its epilogue's last)
/// by `replacement`, the kernel's result, and erases the `absorbed` ops
/// (contraction, initialization, reshapes between) nothing reads any more.
void replaceLayer(RewriterBase &rewriter, Operation *last, Value replacement,
                  ArrayRef<Operation *> absorbed);
/// Builds the op; `params` gets its entries sorted.
UkernelOp createUkernel(RewriterBase &rewriter, Location loc, StringRef kernel,
                        Value input, Value filter, Value bias, Value residual,
                        Value divisor, Value output, NamedAttrList &params);

//===----------------------------------------------------------------------===//
// Lowering to calls, on buffers
//===----------------------------------------------------------------------===//

/// What the families need while they build calls.
struct KernelLowering {
  SymbolTable &symbols;
};

// Each builds the call of the op on buffers before it, or fails with an
// error; the pass then erases the op and the reads only it used.
LogicalResult lowerConvolution(KernelLowering &lowering, UkernelOp op);
LogicalResult lowerBlockedConvolution(KernelLowering &lowering, UkernelOp op);
/// Both poolings, NCHW and blocked.
LogicalResult lowerPool(KernelLowering &lowering, UkernelOp op);
LogicalResult lowerDense(KernelLowering &lowering, UkernelOp op);

/// An inception.halide_call on buffers: the call to its pipeline, with a
/// halide_buffer_t per buffer and the per-thread arena as user context
/// (HalideCalls.cpp).
LogicalResult lowerHalideCall(SymbolTable &symbols, HalideCallOp op);

/// A buffer's static layout, or an error on `op` naming the operand.
FailureOr<StaticLayout> operandLayout(UkernelOp op, Value buffer,
                                      StringRef role);
/// Whether a layout is blocked-layout's [.., H, W, vl] with its pixels'
/// vl lanes adjacent: what the blocked kernels read and write.
bool pixelsOfBlocks(int64_t vl, const StaticLayout &layout);
/// Narrows the fill of the padded buffer a blocked kernel `op` reads whole
/// to its border, when other ops write its interior (whole, or in channel
/// slices that cover it: a concat's): the kernel reads the padding, but the
/// interior's fill is dead. Where `op` is the buffer's only reader, the
/// border's fill moves into the kernel (UkernelOp::kBorderParam). Runs before
/// any op becomes a call, while every kernel's output is still an op's
/// destination.
void fillBorderOnly(UkernelOp op);
/// Where the 3x3 stride-1 depthwise kernel `op` reads a zero-padded buffer
/// that only a ReLU of another kernel's output writes the interior of, and
/// other kernels only read that output after the ReLU (Xception's block
/// inputs: a residual sum read again by the next residual): that kernel
/// writes the padded buffer's interior instead, its readers read it there,
/// the ReLU goes and `op` applies it to what it reads (kInputReluParam).
/// One pass over the data less, and the threads read back the rows they
/// wrote. Runs before fillBorderOnly, on buffers. Returns whether it fused.
bool fuseInputRelu(UkernelOp op);

/// Sets a conv2d or pool2d call's border fields from `op`'s params (none:
/// zeros, the border is filled before the kernel runs, or not read).
template <typename Field>
void setBorder(ukernel::KernelCall<Field> &call, UkernelOp op) {
  auto border =
      op.getParams().getAs<DenseI64ArrayAttr>(UkernelOp::kBorderParam);
  auto value = op.getParams().getAs<FloatAttr>(UkernelOp::kBorderValueParam);
  std::array<int64_t, 4> sides = {0, 0, 0, 0};
  if (border && border.size() == 4)
    llvm::copy(border.asArrayRef(), sides.begin());
  call.set(Field::border_top, sides[0]);
  call.set(Field::border_bottom, sides[1]);
  call.set(Field::border_left, sides[2]);
  call.set(Field::border_right, sides[3]);
  call.setReal(unsigned(Field::border_value),
               value ? value.getValueAsDouble() : 0.0);
}

} // namespace mlir::inception::microkernels

#endif // INCEPTION_PASSES_CODEGEN_CPU_MICROKERNELS_H
