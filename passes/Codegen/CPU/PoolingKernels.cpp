//===- PoolingKernels.cpp - Pooling as kernel calls -----------------------===//
//
// A max or sum pooling runs on inception_uk_pool2d (NCHW) or
// inception_uk_pool2d_blocked, which initialize the output themselves (the
// fill before the reduction goes) and, for an average pooling, divide by
// the window sizes, writing the quotient.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"

#include "mlir/IR/Matchers.h"

namespace mlir::inception::microkernels {

namespace {

/// A pooling's reduction and what the kernel absorbs with it.
struct Pooling {
  bool max;
  DenseI64ArrayAttr strides, padding, inputSize;
  /// The output's initialization, which the kernel does itself.
  linalg::FillOp fill;
  /// An average pooling's division after, or null.
  linalg::GenericOp division;

  /// The reduction's identity, which the padding and the fill hold.
  APFloat identity() const {
    return max ? APFloat::getInf(APFloat::IEEEsingle(), /*Negative=*/true)
               : APFloat(0.0f);
  }
};

/// The pooling `op` (over `loops` loops) is, when a kernel can run it: its
/// output initialized by a fill with the reduction's identity, which
/// nothing else reads.
std::optional<Pooling> poolingOf(linalg::GenericOp op, unsigned loops) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  auto attrs = op->getAttrOfType<DictionaryAttr>(kPoolAttr);
  auto kind = attrs.getAs<StringAttr>("kind");
  Pooling pooling{kind && kind.getValue() == "max",
                  attrs.getAs<DenseI64ArrayAttr>("strides"),
                  attrs.getAs<DenseI64ArrayAttr>("padding"),
                  attrs.getAs<DenseI64ArrayAttr>("input_size"),
                  op.getDpsInits()[0].getDefiningOp<linalg::FillOp>(),
                  divisionOf(op->getResult(0), loops)};
  if (!kind || (kind.getValue() != "max" && kind.getValue() != "sum") ||
      !pooling.strides || !pooling.padding || !pooling.inputSize ||
      !pooling.fill || !op.getDpsInits()[0].hasOneUse())
    return std::nullopt;
  FloatAttr initial;
  if (!matchPattern(pooling.fill.getInputs()[0], m_Constant(&initial)) ||
      initial.getValue().compare(pooling.identity()) != APFloat::cmpEqual)
    return std::nullopt;
  return pooling;
}

/// The params of a pooling kernel reading its input from row `padTop`,
/// column `padLeft` on.
NamedAttrList poolingParams(Builder &builder, const Pooling &pooling,
                            linalg::GenericOp op, int64_t padTop,
                            int64_t padLeft) {
  auto window = cast<ShapedType>(op.getDpsInputs()[1].getType());
  NamedAttrList params;
  params.set("kind", builder.getI64IntegerAttr(pooling.max ? 0 : 1));
  params.set("kernel_h", builder.getI64IntegerAttr(window.getDimSize(0)));
  params.set("kernel_w", builder.getI64IntegerAttr(window.getDimSize(1)));
  params.set("strides", pooling.strides);
  params.set("padding", pooling.padding);
  params.set("input_size", pooling.inputSize);
  params.set("pad_top", builder.getI64IntegerAttr(padTop));
  params.set("pad_left", builder.getI64IntegerAttr(padLeft));
  return params;
}

/// Replaces the pooling, its fill and its division by `kernel`'s op.
void replacePooling(KernelSelection &selection, RewriterBase &rewriter,
                    linalg::GenericOp op, Pooling pooling,
                    StringRef kernel, Value input, NamedAttrList &params) {
  Operation *last =
      pooling.division ? pooling.division.getOperation() : op.getOperation();
  rewriter.setInsertionPoint(last);
  Value output = pooling.division ? pooling.division.getDpsInits()[0]
                                  : pooling.fill.getDpsInits()[0];
  Value divisor =
      pooling.division ? pooling.division.getDpsInputs()[1] : Value();
  UkernelOp ukernel = createUkernel(rewriter, op.getLoc(), kernel, input,
                                    Value(), Value(), Value(), divisor, output,
                                    params);
  replaceLayer(rewriter, last, ukernel.getResult(), {pooling.fill, op});
  ++selection.pools;
}

} // namespace

LogicalResult selectPool(KernelSelection &selection, RewriterBase &rewriter,
                         linalg::GenericOp op) {
  std::optional<Pooling> pooling = poolingOf(op, /*loops=*/4);
  if (!pooling)
    return failure();
  // The kernel clips windows to the input: it reads the padded tensor's
  // source, whose extent is the pooling's input size.
  Value input = op.getDpsInputs()[0];
  DenseI64ArrayAttr padding = pooling->padding;
  Value source = padSource(input, padding[0], padding[1], pooling->identity());
  if (source)
    ++selection.padsReadThrough;
  else if (llvm::any_of(padding.asArrayRef(), [](int64_t p) { return p; }))
    return failure();
  else
    source = input;
  auto sourceType = cast<ShapedType>(source.getType());
  if (sourceType.getDimSize(2) != pooling->inputSize[0] ||
      sourceType.getDimSize(3) != pooling->inputSize[1])
    return failure();
  NamedAttrList params = poolingParams(rewriter, *pooling, op,
                                       source == input ? 0 : padding[0],
                                       source == input ? 0 : padding[1]);
  replacePooling(selection, rewriter, op, *pooling, "pool2d", source, params);
  return success();
}

LogicalResult selectBlockedPool(KernelSelection &selection,
                                RewriterBase &rewriter, linalg::GenericOp op) {
  auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
  if (!block || block.getInt() != selection.vl)
    return failure();
  std::optional<Pooling> pooling = poolingOf(op, /*loops=*/5);
  if (!pooling)
    return failure();
  // The blocked kernel reads the padded tensor whole.
  NamedAttrList params = poolingParams(rewriter, *pooling, op, 0, 0);
  replacePooling(selection, rewriter, op, *pooling, "pool2d_blocked",
                 op.getDpsInputs()[0], params);
  return success();
}

namespace {

using F = ukernel::pool2d::Field;

/// Every field but the channel count, which the caller sets: the NCHW
/// kernel's in channels, the blocked one's in blocks of vl.
LogicalResult setPooling(ukernel::KernelCall<F> &call, UkernelOp op,
                         bool blocked) {
  auto input = operandLayout(op, op.getInput(), "input");
  auto output = operandLayout(op, op.getOutput(), "output");
  if (failed(input) || failed(output))
    return failure();
  auto outputType = cast<MemRefType>(op.getOutput().getType());
  ArrayRef<int64_t> out = outputType.getShape();
  int64_t vl = blocked ? out[4] : 1;
  bool contiguous = blocked ? pixelsOfBlocks(vl, *input) &&
                                  pixelsOfBlocks(vl, *output)
                            : input->strides[3] == 1 && output->strides[3] == 1;
  if (!contiguous)
    return op.emitOpError("inception-lower-ukernels: the input's or the "
                          "output's pixels are not adjacent");
  if (Value divisor = op.getDivisor()) {
    auto layout = operandLayout(op, divisor, "divisor");
    if (failed(layout))
      return failure();
    if (layout->strides[0] != out[3] || layout->strides[1] != 1)
      return op.emitOpError("inception-lower-ukernels: the divisor is not "
                            "contiguous");
    call.set(F::divisor, divisor, layout->offset);
  } else {
    call.setNull(F::divisor);
  }
  auto inputType = cast<MemRefType>(op.getInput().getType());
  auto strides = op.getParams().getAs<DenseI64ArrayAttr>("strides");
  call.set(F::input, op.getInput(), input->offset);
  call.set(F::input_batch_stride, input->strides[0]);
  call.set(F::input_channel_stride, input->strides[1]);
  call.set(F::input_row_stride, input->strides[2]);
  call.set(F::in_h, inputType.getDimSize(2));
  call.set(F::in_w, inputType.getDimSize(3));
  call.set(F::output, op.getOutput(), output->offset);
  call.set(F::output_batch_stride, output->strides[0]);
  call.set(F::output_channel_stride, output->strides[1]);
  call.set(F::output_row_stride, output->strides[2]);
  call.set(F::batch, out[0]);
  call.set(F::channels, out[1] * vl);
  call.set(F::out_h, out[2]);
  call.set(F::out_w, out[3]);
  call.set(F::kernel_h, op.getParam("kernel_h"));
  call.set(F::kernel_w, op.getParam("kernel_w"));
  call.set(F::stride_h, strides[0]);
  call.set(F::stride_w, strides[1]);
  call.set(F::pad_top, op.getParam("pad_top"));
  call.set(F::pad_left, op.getParam("pad_left"));
  setBorder(call, op);
  call.set(F::kind, op.getParam("kind"));
  return success();
}

} // namespace

LogicalResult lowerPool(KernelLowering &lowering, UkernelOp op) {
  bool blocked = op.getKernel() == "pool2d_blocked";
  OpBuilder builder(op);
  ukernel::KernelCall<F> call(
      builder, op.getLoc(),
      blocked ? ukernel::k_pool2d_blocked : ukernel::k_pool2d);
  if (failed(setPooling(call, op, blocked)))
    return failure();
  return call.create(lowering.symbols);
}

} // namespace mlir::inception::microkernels
