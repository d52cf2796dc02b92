//===- ConvolutionKernels.cpp - Convolutions as kernel calls --------------===//
//
// A convolution on NCHW activations becomes a call to the GEMM kernel
// (inception_uk_conv2d), Winograd's for 3x3 stride-1 ones whose
// initialization it absorbs (inception_uk_winograd3x3), or the depthwise
// one; on blocked activations (blocked-layout's), to their blocked
// counterparts. The accumulator's initialization (bias, residual, or a zero
// fill) and a ReLU after become the kernel's epilogue where the IR has
// their usual shapes.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"
#include "runtime/ukernels/ukernel_abi.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::inception::microkernels {

namespace {

using F = ukernel::conv2d::Field;

/// The bias's and the residual's fields; null (and zero strides) for those
/// absent. The residual's strides are its [batch, channel, row] axes.
void setEpilogue(ukernel::KernelCall<F> &call, Value bias,
                 const std::optional<StaticLayout> &biasLayout, Value residual,
                 const std::optional<StaticLayout> &residualLayout,
                 unsigned channelAxis, unsigned rowAxis) {
  if (bias)
    call.set(F::bias, bias, biasLayout->offset);
  else
    call.setNull(F::bias);
  if (residual)
    call.set(F::residual, residual, residualLayout->offset);
  else
    call.setNull(F::residual);
  ArrayRef<int64_t> strides =
      residual ? ArrayRef<int64_t>(residualLayout->strides) : ArrayRef<int64_t>();
  call.set(F::residual_batch_stride, residual ? strides[0] : 0);
  call.set(F::residual_channel_stride, residual ? strides[channelAxis] : 0);
  call.set(F::residual_row_stride, residual ? strides[rowAxis] : 0);
}

void setWindow(ukernel::KernelCall<F> &call, int64_t kernelH, int64_t kernelW,
               int64_t outH, int64_t outW, DenseI64ArrayAttr strides,
               DenseI64ArrayAttr dilations) {
  call.set(F::kernel_h, kernelH);
  call.set(F::kernel_w, kernelW);
  call.set(F::out_h, outH);
  call.set(F::out_w, outW);
  call.set(F::stride_h, strides[0]);
  call.set(F::stride_w, strides[1]);
  call.set(F::dilation_h, dilations[0]);
  call.set(F::dilation_w, dilations[1]);
}

void setNoScratch(ukernel::KernelCall<F> &call) {
  call.setNull(F::scratch);
  call.set(F::scratch_per_thread, 0);
}

void setBlocking(ukernel::KernelCall<F> &call,
                 const KernelSelection &selection) {
  call.set(F::kc, selection.kc);
  call.set(F::nc, selection.nc);
  call.set(F::l1, selection.l1);
  call.set(F::l2, selection.l2);
}

} // namespace

LogicalResult selectConvolution(KernelSelection &selection,
                                linalg::GenericOp op) {
  SymbolTable &symbols = selection.symbols;
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
  auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
  auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
  auto padding = geometry.getAs<DenseI64ArrayAttr>("padding");
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  auto inputType = cast<MemRefType>(input.getType());
  auto filterType = cast<MemRefType>(filter.getType());
  auto outputType = cast<MemRefType>(output.getType());
  // [n, g, c, h, w], [g, f, c, kh, kw], [n, g, f, oh, ow]: one group (the
  // GEMM and Winograd kernels), or one channel per group (depthwise).
  int64_t groups = filterType.getDimSize(0);
  bool depthwise = groups > 1 && filterType.getDimSize(1) == 1 &&
                   filterType.getDimSize(2) == 1;
  if (!strides || !dilations || !padding || inputType.getRank() != 5 ||
      (groups != 1 && !depthwise))
    return failure();
  auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
  if (!inputLayout || !outputLayout)
    return failure();
  ArrayRef<int64_t> out = outputType.getShape();
  ArrayRef<int64_t> inStrides = inputLayout->strides,
                    outStrides = outputLayout->strides;
  // The kernel reads input pixels with unit column stride and writes
  // each channel's pixels contiguously, channels out_h * out_w apart.
  if (inStrides[4] != 1 || outStrides[4] != 1 ||
      (!depthwise &&
       (outStrides[3] != out[4] || outStrides[2] != out[3] * out[4])))
    return failure();
  memref::GlobalOp global = filterGlobal(filter, symbols);
  if (!global)
    return failure();

  int64_t outChannels = filterType.getDimSize(1),
          inChannels = filterType.getDimSize(2),
          kernelH = filterType.getDimSize(3), kernelW = filterType.getDimSize(4);
  int64_t depth = inChannels * kernelH * kernelW;
  // Winograd needs the initialization fused (it has no accumulate mode),
  // which is decided below; the filter form follows that choice.
  bool winogradShape = selection.winograd && !depthwise && kernelH == 3 && kernelW == 3 &&
                       strides[0] == 1 && strides[1] == 1 &&
                       dilations[0] == 1 && dilations[1] == 1;

  // The accumulator's initialization (bias, residual) and a ReLU after
  // it become the kernel's, where the IR has their usual shapes.
  auto initOp = linalg::GenericOp();
  auto reluOp = linalg::GenericOp();
  Operation *fill = nullptr;
  memref::CollapseShapeOp collapse;
  for (Operation *user : output.getUsers()) {
    if (user == op)
      continue;
    if (!initOp && !fill && isSumInitialization(user, output, op)) {
      initOp = cast<linalg::GenericOp>(user);
    } else if (!initOp && !fill && isZeroFill(user, output, op)) {
      fill = user;
    } else if (auto c = dyn_cast<memref::CollapseShapeOp>(user); c && !collapse) {
      collapse = c;
    } else {
      initOp = {};
      fill = nullptr;
      break;
    }
  }
  Value bias, residual;
  if (initOp) {
    if (auto terms = initializationTerms(initOp))
      std::tie(bias, residual) = *terms;
    else
      initOp = {};
  }
  bool initialized = initOp || fill;
  std::optional<StaticLayout> biasLayout, residualLayout;
  // Bias [g, f]: contiguous along the output channels, which are f (one
  // group) or g (depthwise).
  if (bias && (!(biasLayout = staticLayout(bias)) ||
               biasLayout->strides[depthwise ? 0 : 1] != 1))
    initialized = false;
  if (residual && (!(residualLayout = staticLayout(residual)) ||
                   residualLayout->strides[4] != 1))
    initialized = false;
  if (collapse && collapse->hasOneUse() && initialized) {
    reluOp = dyn_cast<linalg::GenericOp>(*collapse->getUsers().begin());
    SmallVector<Value> inputs = {rootBuffer(input)};
    if (residual)
      inputs.push_back(rootBuffer(residual));
    if (reluOp && (!isRelu(reluOp) || !reluOp.hasPureBufferSemantics() ||
                   writtenBetween(op, reluOp, inputs)))
      reluOp = {};
  }
  // The kernel writes the ReLU's destination when it applies the ReLU,
  // which needs a static layout with unit stride along rows.
  std::optional<StaticLayout> reluLayout;
  if (reluOp && (!(reluLayout = staticLayout(reluOp.getDpsInits()[0])) ||
                 reluLayout->strides[3] != 1))
    reluOp = {};
  // The buffer written, and its strides as [batch, channel, row]: the
  // 5-d accumulator view's channel axis is f with one group (its group
  // axis has size 1), g for a depthwise convolution.
  int64_t channelAxis = depthwise ? 1 : 2;
  Value result = reluOp ? reluOp.getDpsInits()[0] : output;
  StaticLayout resultLayout = reluOp ? *reluLayout : *outputLayout;
  SmallVector<int64_t> resultStrides =
      reluOp ? SmallVector<int64_t>{reluLayout->strides[0],
                                    reluLayout->strides[1],
                                    reluLayout->strides[2]}
             : SmallVector<int64_t>{outStrides[0], outStrides[channelAxis],
                                    outStrides[3]};

  // The depthwise kernel reads the filter as it is, [g][kh][kw].
  bool useWinograd = winogradShape && initialized;
  std::optional<StaticLayout> filterLayout = staticLayout(filter);
  if (depthwise && (!filterLayout ||
                    !memref::isStaticShapeAndContiguousRowMajor(filterType)))
    return failure();
  memref::GlobalOp packedGlobal;
  if (!depthwise &&
      !(packedGlobal = filterForm(selection, global, useWinograd, outChannels,
                                  inChannels, depth)))
    return failure();

  OpBuilder builder(reluOp ? reluOp.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  // The kernel pads by itself: it reads the padded buffer's interior.
  int64_t inH = inputType.getDimSize(3) - padding[0] - padding[2];
  int64_t inW = inputType.getDimSize(4) - padding[1] - padding[3];
  int64_t interior =
      inputLayout->offset + padding[0] * inStrides[3] + padding[1];
  // Or the source of the copy that filled it: the copy goes.
  KernelInput source = readInput(
      selection, input, op, reluOp ? reluOp.getOperation() : op.getOperation(),
      interior, {inStrides[0], inStrides[channelAxis], inStrides[3]},
      {out[0], depthwise ? groups : inChannels, inH, inW});
  memref::CopyOp filledBy = source.filledBy;

  ukernel::KernelCall<F> call(builder, loc,
                              depthwise     ? ukernel::k_depthwise2d
                              : useWinograd ? ukernel::k_winograd3x3
                                            : ukernel::k_conv2d);
  call.set(F::input, source.buffer, source.offset);
  call.set(F::input_batch_stride, source.strides[0]);
  call.set(F::input_channel_stride, source.strides[1]);
  call.set(F::input_row_stride, source.strides[2]);
  call.set(F::input_lanes, 1);
  if (depthwise)
    call.set(F::filter, filter, filterLayout->offset);
  else
    call.set(F::filter,
             memref::GetGlobalOp::create(builder, loc, packedGlobal.getType(),
                                         packedGlobal.getSymName()),
             0);
  setEpilogue(call, initialized ? bias : Value(), biasLayout,
              initialized ? residual : Value(), residualLayout, channelAxis,
              /*rowAxis=*/3);
  call.set(F::output, result, resultLayout.offset);
  call.set(F::output_batch_stride, resultStrides[0]);
  call.set(F::output_channel_stride, resultStrides[1]);
  call.set(F::output_row_stride, resultStrides[2]);
  call.set(F::accumulate, !initialized);
  call.set(F::relu, bool(reluOp));
  call.set(F::batch, out[0]);
  call.set(F::in_channels, depthwise ? groups : inChannels);
  call.set(F::out_channels, depthwise ? groups : outChannels);
  call.set(F::in_h, inH);
  call.set(F::in_w, inW);
  setWindow(call, kernelH, kernelW, out[3], out[4], strides, dilations);
  call.set(F::pad_top, padding[0]);
  call.set(F::pad_left, padding[1]);
  if (depthwise)
    setNoScratch(call);
  else
    call.setThreadScratch(
        F::scratch, F::scratch_per_thread,
        useWinograd ? inception_uk_winograd_scratch(selection.mr, selection.nr,
                                                    selection.l2, inChannels,
                                                    outChannels)
                    : inception_uk_conv2d_scratch(selection.mr, selection.kc,
                                                  selection.nc));
  setBlocking(call, selection);
  if (failed(call.create(symbols)))
    return selection.fail();
  selection.depthwiseCount += depthwise;
  selection.winogradCount += useWinograd;
  Value paddedInput = rootBuffer(input);

  SmallVector<Operation *> dead = {op};
  if (filledBy)
    dead.push_back(filledBy);
  if (initialized)
    dead.push_back(initOp ? initOp.getOperation() : fill);
  if (reluOp)
    dead.push_back(reluOp);
  SmallVector<Value> maybeDead;
  for (Operation *d : dead)
    llvm::append_range(maybeDead, d->getOperands());
  for (Operation *d : dead)
    d->erase();
  // Views (and the buffer) nothing reads any more.
  while (!maybeDead.empty()) {
    Value v = maybeDead.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def || !v.use_empty() ||
        !isa<ViewLikeOpInterface, memref::GetGlobalOp, memref::AllocOp>(def))
      continue;
    if (!llvm::all_of(def->getResults(), [](Value r) { return r.use_empty(); }))
      continue;
    llvm::append_range(maybeDead, def->getOperands());
    def->erase();
  }
  removePaddingFill(paddedInput);
  eraseIfUnused(paddedInput);
  return success();
}

/// A convolution on blocked activations (blocked-layout, block = vl) as
/// a call to inception_uk_conv2d_blocked. Its filter is already in the
/// kernel's order. The accumulator's initialization (a zero fill, or the
/// bias and residual) and a ReLU after it become the kernel's, which
/// then writes the ReLU's destination; otherwise it adds to the
/// initialized output. A depthwise one calls
/// inception_uk_depthwise2d_blocked, with the same arguments.
LogicalResult selectBlockedConvolution(KernelSelection &selection,
                                       linalg::GenericOp op) {
  SymbolTable &symbols = selection.symbols;
  int64_t vl = selection.vl;
  auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
  auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !block || block.getInt() != vl)
    return failure();
  auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
  auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        output = op.getDpsInits()[0];
  auto inputType = cast<MemRefType>(input.getType());
  auto filterType = cast<MemRefType>(filter.getType());
  auto outputType = cast<MemRefType>(output.getType());
  auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
  // [N, C/vl, H, W, vl] or NCHW in; [F/vl, kh, kw, C, vl] filter, or a
  // depthwise one's [C/vl, kh, kw, vl].
  bool blockedInput = inputType.getRank() == 5;
  bool depthwise = filterType.getRank() == 4;
  if (!strides || !dilations || (depthwise && !blockedInput) || !inputLayout ||
      !outputLayout || !filterGlobal(filter, symbols) ||
      !memref::isStaticShapeAndContiguousRowMajor(filterType))
    return failure();
  // Pixels of a block are vl floats apart; a blocked input's too, an
  // NCHW one's adjacent.
  if (!(blockedInput ? pixelsOfBlocks(vl, *inputLayout)
                     : inputLayout->strides[3] == 1) ||
      !pixelsOfBlocks(vl, *outputLayout))
    return failure();

  // The initialization just before, and a ReLU after (when nothing else
  // reads the output, which the kernel then does not write).
  linalg::GenericOp initOp, reluOp;
  Operation *fill = nullptr;
  bool otherReaders = false;
  for (Operation *user : output.getUsers()) {
    if (user == op)
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!initOp && !fill && isSumInitialization(user, output, op)) {
      initOp = generic;
    } else if (!initOp && !fill && isZeroFill(user, output, op)) {
      fill = user;
    } else if (generic && !reluOp && isRelu(generic) &&
               generic.getDpsInputs()[0] == output &&
               op->isBeforeInBlock(generic)) {
      reluOp = generic;
    } else if (op->isBeforeInBlock(user) &&
               (!isa<DestinationStyleOpInterface>(user) ||
                !llvm::is_contained(
                    cast<DestinationStyleOpInterface>(user).getDpsInits(),
                    output))) {
      otherReaders = true;
    } else {
      initOp = reluOp = {};
      fill = nullptr;
      break;
    }
  }
  Value bias, residual;
  std::optional<StaticLayout> biasLayout, residualLayout;
  if (initOp) {
    if (auto terms = initializationTerms(initOp))
      std::tie(bias, residual) = *terms;
    else
      initOp = {};
  }
  // Bias [F/vl, vl], contiguous; residual pixels of blocks.
  if (bias && (!(biasLayout = staticLayout(bias)) ||
               biasLayout->strides[1] != 1 || biasLayout->strides[0] != vl))
    initOp = {};
  if (residual && (!(residualLayout = staticLayout(residual)) ||
                   !pixelsOfBlocks(vl, *residualLayout)))
    initOp = {};
  bool initialized = initOp || fill;
  // The ReLU's destination is where the kernel accumulates: the inputs
  // must not change before the ReLU would have read the output.
  std::optional<StaticLayout> reluLayout;
  if (reluOp) {
    SmallVector<Value> inputs = {rootBuffer(input)};
    if (residual)
      inputs.push_back(rootBuffer(residual));
    if (!initialized || otherReaders || !reluOp.hasPureBufferSemantics() ||
        !(reluLayout = staticLayout(reluOp.getDpsInits()[0])) ||
        !pixelsOfBlocks(vl, *reluLayout) || writtenBetween(op, reluOp, inputs))
      reluOp = {};
  }
  Value result = reluOp ? reluOp.getDpsInits()[0] : output;
  StaticLayout resultLayout = reluOp ? *reluLayout : *outputLayout;

  ArrayRef<int64_t> out = outputType.getShape();
  ArrayRef<int64_t> inStrides = inputLayout->strides,
                    resultStrides = resultLayout.strides;
  // 3x3 stride-1 ones with their initialization go through Winograd,
  // its filter transformed here.
  memref::GlobalOp winogradForm;
  if (selection.winograd && initialized && blockedInput && !depthwise &&
      filterType.getDimSize(1) == 3 && filterType.getDimSize(2) == 3 &&
      strides[0] == 1 && strides[1] == 1 && dilations[0] == 1 &&
      dilations[1] == 1 &&
      !(winogradForm = filterForm(
            selection, filterGlobal(filter, symbols), /*winogradForm=*/true,
            out[1] * vl, inputType.getDimSize(1) * vl, 0,
            /*blockedSource=*/true)))
    return failure();
  OpBuilder builder(reluOp ? reluOp.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  int64_t lanes = blockedInput ? vl : 1;
  ukernel::KernelCall<F> call(builder, loc,
                              depthwise      ? ukernel::k_depthwise2d_blocked
                              : winogradForm ? ukernel::k_winograd3x3_blocked
                                             : ukernel::k_conv2d_blocked);
  call.set(F::input, input, inputLayout->offset);
  call.set(F::input_batch_stride, inStrides[0]);
  call.set(F::input_channel_stride, inStrides[1]);
  call.set(F::input_row_stride, inStrides[2]);
  call.set(F::input_lanes, lanes);
  if (winogradForm)
    call.set(F::filter,
             memref::GetGlobalOp::create(builder, loc, winogradForm.getType(),
                                         winogradForm.getSymName()),
             0);
  else
    call.set(F::filter, filter, staticLayout(filter)->offset);
  setEpilogue(call, initOp ? bias : Value(), biasLayout,
              initOp ? residual : Value(), residualLayout, /*channelAxis=*/1,
              /*rowAxis=*/2);
  call.set(F::output, result, resultLayout.offset);
  call.set(F::output_batch_stride, resultStrides[0]);
  call.set(F::output_channel_stride, resultStrides[1]);
  call.set(F::output_row_stride, resultStrides[2]);
  call.set(F::accumulate, !initialized);
  call.set(F::relu, bool(reluOp));
  call.set(F::batch, out[0]);
  call.set(F::in_channels, inputType.getDimSize(1) * lanes);
  call.set(F::out_channels, out[1] * vl);
  // The padded buffer, whole.
  call.set(F::in_h, inputType.getDimSize(2));
  call.set(F::in_w, inputType.getDimSize(3));
  setWindow(call, filterType.getDimSize(1), filterType.getDimSize(2), out[2],
            out[3], strides, dilations);
  call.set(F::pad_top, 0);
  call.set(F::pad_left, 0);
  if (winogradForm)
    call.setThreadScratch(
        F::scratch, F::scratch_per_thread,
        inception_uk_winograd_scratch(selection.mr, selection.nr, selection.l2,
                                      inputType.getDimSize(1) * vl,
                                      out[1] * vl));
  else
    setNoScratch(call);
  setBlocking(call, selection);
  if (failed(call.create(symbols)))
    return selection.fail();
  selection.depthwiseCount += depthwise;
  selection.winogradCount += bool(winogradForm);
  op.erase();
  // The blocked filter, when the kernel reads its Winograd transform.
  if (Operation *read = filter.getDefiningOp(); read && read->use_empty())
    read->erase();
  if (initialized)
    (initOp ? initOp.getOperation() : fill)->erase();
  if (reluOp)
    reluOp.erase();
  // The accumulator's buffer, when the kernel wrote the ReLU's instead.
  eraseIfUnused(output);
  if (auto padding = geometry.getAs<DenseI64ArrayAttr>("padding"))
    fillBorderOnly(input, padding[0], padding[1],
                   inputType.getDimSize(2) - padding[0] - padding[2],
                   inputType.getDimSize(3) - padding[1] - padding[3]);
  return success();
}

} // namespace mlir::inception::microkernels
