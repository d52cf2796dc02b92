//===- PoolingKernels.cpp - Pooling as kernel calls -----------------------===//
//
// A max or sum pooling becomes a call to inception_uk_pool2d (NCHW) or
// inception_uk_pool2d_blocked, which initialize the output themselves (the
// fill before the reduction goes) and, for an average pooling, divide by
// the window sizes, writing the quotient's buffer.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"

namespace mlir::inception::microkernels {

namespace {

using F = ukernel::pool2d::Field;

/// The output ([batch, channels, rows, columns] `out`, its [batch, channel,
/// row] strides), the window and the kind.
void setOutputAndWindow(ukernel::KernelCall<F> &call, Value result,
                        const StaticLayout &layout, ArrayRef<int64_t> out,
                        MemRefType window, DenseI64ArrayAttr strides,
                        bool max) {
  call.set(F::output, result, layout.offset);
  call.set(F::output_batch_stride, layout.strides[0]);
  call.set(F::output_channel_stride, layout.strides[1]);
  call.set(F::output_row_stride, layout.strides[2]);
  call.set(F::batch, out[0]);
  call.set(F::channels, out[1]);
  call.set(F::out_h, out[2]);
  call.set(F::out_w, out[3]);
  call.set(F::kernel_h, window.getDimSize(0));
  call.set(F::kernel_w, window.getDimSize(1));
  call.set(F::stride_h, strides[0]);
  call.set(F::stride_w, strides[1]);
  call.set(F::kind, max ? 0 : 1);
}

/// An average pooling's map of window sizes, or null.
void setDivisor(ukernel::KernelCall<F> &call, linalg::GenericOp division,
                const std::optional<StaticLayout> &mapLayout) {
  if (division)
    call.set(F::divisor, division.getDpsInputs()[1], mapLayout->offset);
  else
    call.setNull(F::divisor);
}

} // namespace

/// A max or sum pooling reduction as a call to inception_uk_pool2d, which
/// also initializes the output (the fill before the reduction goes).
LogicalResult selectPool(KernelSelection &selection, linalg::GenericOp op) {
  SymbolTable &symbols = selection.symbols;
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  auto attrs = op->getAttrOfType<DictionaryAttr>(kPoolAttr);
  auto kind = attrs.getAs<StringAttr>("kind");
  auto strides = attrs.getAs<DenseI64ArrayAttr>("strides");
  auto padding = attrs.getAs<DenseI64ArrayAttr>("padding");
  auto inputSize = attrs.getAs<DenseI64ArrayAttr>("input_size");
  if (!kind || !strides || !padding || !inputSize ||
      (kind.getValue() != "max" && kind.getValue() != "sum"))
    return failure();
  Value input = op.getDpsInputs()[0], window = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  auto inputType = cast<MemRefType>(input.getType());
  auto windowType = cast<MemRefType>(window.getType());
  auto outputType = cast<MemRefType>(output.getType());
  auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
  if (inputType.getRank() != 4 || !inputLayout || !outputLayout ||
      inputLayout->strides[3] != 1 || outputLayout->strides[3] != 1)
    return failure();
  // The output's initialization: -inf or zero, all of it, just before.
  Operation *init = nullptr;
  for (Operation *user : output.getUsers())
    if (user != op && isa<linalg::FillOp, linalg::MapOp>(user) &&
        user->isBeforeInBlock(op) &&
        cast<DestinationStyleOpInterface>(user).getDpsInits()[0] == output)
      init = user;

  // An average pooling's division by a constant map of window sizes,
  // right after: the kernel divides, writing the quotient's buffer.
  linalg::GenericOp division;
  std::optional<StaticLayout> divisionLayout, mapLayout;
  for (Operation *user : output.getUsers()) {
    if (user == op || user == init)
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (division || !generic || !isDivisionByMap(generic, output, 4) ||
        !generic.hasPureBufferSemantics() || !op->isBeforeInBlock(generic) ||
        writtenBetween(op, generic, {rootBuffer(output)})) {
      division = {};
      break;
    }
    division = generic;
  }
  if (division) {
    divisionLayout = staticLayout(division.getDpsInits()[0]);
    mapLayout = staticLayout(division.getDpsInputs()[1]);
    ArrayRef<int64_t> outShape = outputType.getShape();
    if (!divisionLayout || divisionLayout->strides[3] != 1 || !mapLayout ||
        mapLayout->strides[0] != outShape[3] || mapLayout->strides[1] != 1 ||
        !filterGlobal(division.getDpsInputs()[1], symbols))
      division = {};
  }

  OpBuilder builder(division ? division.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  ArrayRef<int64_t> out = outputType.getShape();
  ArrayRef<int64_t> inStrides = inputLayout->strides;
  Value result = division ? division.getDpsInits()[0] : output;
  StaticLayout resultLayout = division ? *divisionLayout : *outputLayout;
  // The input proper starts after the leading padding of the padded
  // buffer; everything past its extent (ceil_mode included) is padding.
  // Or the source of the copy that filled the interior: the copy goes.
  KernelInput source = readInput(
      selection, input, op, division ? division.getOperation() : op.getOperation(),
      inputLayout->offset + padding[0] * inStrides[2] + padding[1],
      {inStrides[0], inStrides[1], inStrides[2]},
      {out[0], out[1], inputSize[0], inputSize[1]});
  memref::CopyOp filledBy = source.filledBy;
  ukernel::KernelCall<F> call(builder, loc, ukernel::k_pool2d);
  call.set(F::input, source.buffer, source.offset);
  call.set(F::input_batch_stride, source.strides[0]);
  call.set(F::input_channel_stride, source.strides[1]);
  call.set(F::input_row_stride, source.strides[2]);
  call.set(F::in_h, inputSize[0]);
  call.set(F::in_w, inputSize[1]);
  setOutputAndWindow(call, result, resultLayout, out, windowType, strides,
                     kind.getValue() == "max");
  call.set(F::pad_top, padding[0]);
  call.set(F::pad_left, padding[1]);
  setDivisor(call, division, mapLayout);
  if (failed(call.create(symbols)))
    return selection.fail();
  Value paddedInput = rootBuffer(input);
  if (division)
    division.erase();
  op.erase();
  if (filledBy)
    filledBy.erase();
  if (init)
    init->erase();
  // The sums' buffer, when the kernel wrote the quotients instead.
  if (auto alloc = output.getDefiningOp<memref::AllocOp>();
      alloc && alloc->use_empty())
    alloc.erase();
  if (window.use_empty())
    if (Operation *def = window.getDefiningOp())
      def->erase();
  removePaddingFill(paddedInput);
  eraseIfUnused(paddedInput);
  return success();
}

/// A max or sum pooling on blocked activations as a call to
/// inception_uk_pool2d_blocked, which reads the padded input whole,
/// initializes the output itself (the fill goes) and, for an average
/// pooling, divides by the window sizes, writing the quotient's buffer.
LogicalResult selectBlockedPool(KernelSelection &selection,
                                linalg::GenericOp op) {
  SymbolTable &symbols = selection.symbols;
  int64_t vl = selection.vl;
  auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
  auto attrs = op->getAttrOfType<DictionaryAttr>(kPoolAttr);
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !block || block.getInt() != vl)
    return failure();
  auto kind = attrs.getAs<StringAttr>("kind");
  auto strides = attrs.getAs<DenseI64ArrayAttr>("strides");
  auto padding = attrs.getAs<DenseI64ArrayAttr>("padding");
  auto inputSize = attrs.getAs<DenseI64ArrayAttr>("input_size");
  if (!kind || !strides ||
      (kind.getValue() != "max" && kind.getValue() != "sum"))
    return failure();
  Value input = op.getDpsInputs()[0], window = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  auto windowType = cast<MemRefType>(window.getType());
  auto outputType = cast<MemRefType>(output.getType());
  auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
  if (!inputLayout || !outputLayout || !pixelsOfBlocks(vl, *inputLayout) ||
      !pixelsOfBlocks(vl, *outputLayout))
    return failure();
  Operation *init = nullptr;
  linalg::GenericOp division;
  for (Operation *user : output.getUsers()) {
    if (user == op)
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!init && isa<linalg::FillOp, linalg::MapOp>(user) &&
        user->isBeforeInBlock(op) &&
        cast<DestinationStyleOpInterface>(user).getDpsInits()[0] == output) {
      init = user;
    } else if (!division && generic && isDivisionByMap(generic, output, 5) &&
               generic.hasPureBufferSemantics() &&
               op->isBeforeInBlock(generic) &&
               !writtenBetween(op, generic, {rootBuffer(output)})) {
      division = generic;
    } else {
      division = {};
      break;
    }
  }
  std::optional<StaticLayout> divisionLayout, mapLayout;
  ArrayRef<int64_t> out = outputType.getShape();
  if (division) {
    divisionLayout = staticLayout(division.getDpsInits()[0]);
    mapLayout = staticLayout(division.getDpsInputs()[1]);
    if (!divisionLayout || !pixelsOfBlocks(vl, *divisionLayout) || !mapLayout ||
        mapLayout->strides[0] != out[3] || mapLayout->strides[1] != 1 ||
        !filterGlobal(division.getDpsInputs()[1], symbols))
      division = {};
  }
  Value result = division ? division.getDpsInits()[0] : output;
  StaticLayout resultLayout = division ? *divisionLayout : *outputLayout;
  OpBuilder builder(division ? division.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  ArrayRef<int64_t> inStrides = inputLayout->strides;
  auto inputType = cast<MemRefType>(input.getType());
  ukernel::KernelCall<F> call(builder, loc, ukernel::k_pool2d_blocked);
  call.set(F::input, input, inputLayout->offset);
  call.set(F::input_batch_stride, inStrides[0]);
  call.set(F::input_channel_stride, inStrides[1]);
  call.set(F::input_row_stride, inStrides[2]);
  // The padded buffer, whole.
  call.set(F::in_h, inputType.getDimSize(2));
  call.set(F::in_w, inputType.getDimSize(3));
  // Blocks of vl channels.
  SmallVector<int64_t> channels(out);
  channels[1] *= vl;
  setOutputAndWindow(call, result, resultLayout, channels, windowType, strides,
                     kind.getValue() == "max");
  call.set(F::pad_top, 0);
  call.set(F::pad_left, 0);
  setDivisor(call, division, mapLayout);
  if (failed(call.create(symbols)))
    return selection.fail();
  if (division)
    division.erase();
  op.erase();
  if (init)
    init->erase();
  eraseIfUnused(output);
  if (window.use_empty())
    if (Operation *def = window.getDefiningOp())
      def->erase();
  if (padding && inputSize)
    fillBorderOnly(input, padding[0], padding[1], inputSize[0], inputSize[1]);
  return success();
}

} // namespace mlir::inception::microkernels
