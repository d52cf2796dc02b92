//===- ConvolutionKernels.cpp - Convolutions as kernel calls --------------===//
//
// A convolution on NCHW activations runs on the GEMM kernel
// (inception_uk_conv2d), Winograd's for 3x3 stride-1 ones whose
// initialization it absorbs (inception_uk_winograd3x3), or the depthwise
// one; on blocked activations (blocked-layout's), on their blocked
// counterparts. The accumulator's initialization (bias, residual, or a zero
// fill) and a ReLU after become the kernel's epilogue where the IR has
// their usual shapes; otherwise the kernel adds to its output.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"
#include "dialect/WeightConstants.h"
#include "runtime/ukernels/ukernel_abi.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::inception::microkernels {

namespace {

/// The NCHW lowering's 5-d views: [n, g, c, h, w] activations and
/// [g, f, c, kh, kw] filters, with one group or one channel per group.
const SmallVector<ReassociationIndices> kActivationGroups = {
    {0}, {1, 2}, {3}, {4}};
const SmallVector<ReassociationIndices> kFilterGroups = {
    {0, 1}, {2}, {3}, {4}};
const SmallVector<ReassociationIndices> kBiasGroups = {{0, 1}};

/// Whether a convolution's geometry suits Winograd F(4x4, 3x3).
bool winogradWindow(int64_t kernelH, int64_t kernelW, DenseI64ArrayAttr strides,
                    DenseI64ArrayAttr dilations) {
  return kernelH == 3 && kernelW == 3 && strides[0] == 1 && strides[1] == 1 &&
         dilations[0] == 1 && dilations[1] == 1;
}

/// The taps of a 1 x r or r x 1, stride-1, undilated convolution that the
/// one-dimensional Winograd kernel takes (r = 7: F(4, 7)); 0 otherwise.
int64_t winograd1dTaps(int64_t kernelH, int64_t kernelW,
                       DenseI64ArrayAttr strides, DenseI64ArrayAttr dilations) {
  if (strides[0] != 1 || strides[1] != 1 || dilations[0] != 1 ||
      dilations[1] != 1 || std::min(kernelH, kernelW) != 1)
    return 0;
  int64_t taps = std::max(kernelH, kernelW);
  return inception_uk_winograd1d_positions(taps) ? taps : 0;
}

/// The 4x4 output tiles of one `height` x `width` image in Winograd
/// F(4x4, 3x3).
int64_t winogradTiles(int64_t height, int64_t width) {
  return llvm::divideCeil(height, 4) * llvm::divideCeil(width, 4);
}

/// Whether a Winograd F(4x4, 3x3) layer of `batch` images of `height` x
/// `width` outputs has enough 4x4 tiles to pay for its transformed filter,
/// 36/9 = 4 times the direct filter's size: each of its values serves one
/// multiply-add per tile, each of the direct filter's one per output
/// pixel, so with few tiles (the 7x7 layers of batch 1) the GEMMs wait on
/// memory and the direct kernel is faster. googlenet at batch 1 on Zen 5:
/// 16 tiles (the 7x7 layers direct) gained on 1 and 2 threads; with the
/// 14x14 layers direct too (17), those layers ran 1.3-2x slower on both
/// (winograd.c's split reads their U once a thread).
bool reusesWinogradFilter(const KernelSelection &selection, int64_t batch,
                          int64_t height, int64_t width) {
  return batch * winogradTiles(height, width) >= selection.winogradMinTiles;
}

/// The same for the one-dimensional kernel, whose tiles are `outputs`
/// pixels along the kernel's axis (`vertical`: down columns) and whose
/// transformed filter is only positions / taps (10/7) the direct one's:
/// the threshold counts its tiles alike.
bool reusesWinograd1dFilter(const KernelSelection &selection, int64_t batch,
                            int64_t height, int64_t width, int64_t outputs,
                            bool vertical) {
  return batch * (vertical ? llvm::divideCeil(height, outputs) * width
                           : height * llvm::divideCeil(width, outputs)) >=
         selection.winogradMinTiles;
}

/// The params every convolution carries: its window's geometry and its
/// epilogue's flags.
NamedAttrList convolutionParams(const KernelSelection &selection,
                                Builder &builder, DictionaryAttr geometry,
                                bool relu, bool accumulate) {
  NamedAttrList params;
  for (StringRef name : {"strides", "dilations", "padding"})
    params.set(name, geometry.get(name));
  params.set("relu", builder.getI64IntegerAttr(relu));
  params.set("accumulate", builder.getI64IntegerAttr(accumulate));
  selection.addBlocking(builder, params);
  return params;
}

/// The forms of a filter the kernels read.
enum class FilterForm { Panels, Winograd3x3, Winograd1d };

/// The filter in the form the GEMM kernel (`Panels`) or a Winograd kernel
/// reads: a weight transform of `filter`, row-major [F, C, kh, kw], or
/// blocked-layout's [F/b, kh, kw, C, b] when `sourceBlock` is b; `taps` is
/// kh x kw.
Value filterForm(RewriterBase &rewriter, Location loc, Value filter,
                 FilterForm form, int64_t outChannels, int64_t inChannels,
                 int64_t taps, int64_t sourceBlock,
                 const KernelSelection &selection) {
  auto integer = [&](StringRef name, int64_t value) {
    return rewriter.getNamedAttr(name, rewriter.getI64IntegerAttr(value));
  };
  int64_t nrPanels = llvm::divideCeil(outChannels, selection.nr);
  if (form == FilterForm::Winograd3x3)
    return createWeightTransform(rewriter, loc, "winograd_filter", {filter},
                                 {INCEPTION_UK_WINOGRAD3X3_POSITIONS *
                                  nrPanels * inChannels * selection.nr},
                                 {integer("out_channels", outChannels),
                                  integer("in_channels", inChannels),
                                  integer("nr", selection.nr),
                                  integer("source_block", sourceBlock)});
  if (form == FilterForm::Winograd1d)
    return createWeightTransform(
        rewriter, loc, "winograd1d_filter", {filter},
        {inception_uk_winograd1d_positions(taps) * nrPanels * inChannels *
         selection.nr},
        {integer("out_channels", outChannels),
         integer("in_channels", inChannels), integer("taps", taps),
         integer("nr", selection.nr), integer("source_block", sourceBlock)});
  int64_t depth = inChannels * taps;
  int64_t panels = (outChannels + selection.mr - 1) / selection.mr;
  return createWeightTransform(
      rewriter, loc, "pack_panels", {filter},
      {panels * depth * selection.mr},
      {integer("out_channels", outChannels), integer("depth", depth),
       integer("mr", selection.mr)});
}

} // namespace

LogicalResult selectConvolution(KernelSelection &selection,
                                RewriterBase &rewriter, linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return failure();
  auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
  auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
  auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
  auto padding = geometry.getAs<DenseI64ArrayAttr>("padding");
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        init = op.getDpsInits()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outputType = cast<RankedTensorType>(init.getType());
  // One group (the GEMM and Winograd kernels), or one channel per group
  // (depthwise).
  int64_t groups = filterType.getDimSize(0);
  bool depthwise = groups > 1 && filterType.getDimSize(1) == 1 &&
                   filterType.getDimSize(2) == 1;
  if (!strides || !dilations || !padding || inputType.getRank() != 5 ||
      (groups != 1 && !depthwise) || !isWeight(filter))
    return failure();

  Initialization initialization = initializationOf(init, /*residualRank=*/5);
  linalg::GenericOp relu =
      initialization ? reluOf(op->getResult(0), /*throughCollapse=*/true)
                     : linalg::GenericOp();
  // Winograd has no accumulate mode: it needs the initialization.
  // [N, G, F, H, W] out.
  bool winograd = selection.winograd && !depthwise && initialization &&
                  winogradWindow(filterType.getDimSize(3),
                                 filterType.getDimSize(4), strides, dilations) &&
                  reusesWinogradFilter(selection, outputType.getDimSize(0),
                                       outputType.getDimSize(3),
                                       outputType.getDimSize(4));

  rewriter.setInsertionPoint(relu ? relu.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  // The kernel pads by itself: it reads the zero-padded tensor's source.
  Value activation = collapsed(rewriter, input, kActivationGroups);
  int64_t padTop = 0, padLeft = 0;
  if (Value source = padSource(activation, padding[0], padding[1],
                               APFloat(0.0f))) {
    activation = source;
    padTop = padding[0];
    padLeft = padding[1];
    ++selection.padsReadThrough;
  }
  Value bias = initialization.bias
                   ? collapsed(rewriter, initialization.bias, kBiasGroups)
                   : Value();
  Value residual =
      initialization.residual
          ? collapsed(rewriter, initialization.residual, kActivationGroups)
          : Value();
  // [n, f, oh, ow]: the ReLU's destination, a new one, or the accumulator.
  ArrayRef<int64_t> out = outputType.getShape();
  Value output;
  if (relu)
    output = relu.getDpsInits()[0];
  else if (initialization)
    output = tensor::EmptyOp::create(rewriter, loc,
                                     {out[0], out[1] * out[2], out[3], out[4]},
                                     outputType.getElementType());
  else
    output = collapsed(rewriter, init, kActivationGroups);

  NamedAttrList params = convolutionParams(selection, rewriter, geometry,
                                           bool(relu), !initialization);
  params.set("pad_top", rewriter.getI64IntegerAttr(padTop));
  params.set("pad_left", rewriter.getI64IntegerAttr(padLeft));
  // [g, f, c, kh, kw]: the depthwise kernel reads it as it is, the others
  // their form of it.
  int64_t kernelH = filterType.getDimSize(3), kernelW = filterType.getDimSize(4);
  params.set("kernel_h", rewriter.getI64IntegerAttr(kernelH));
  params.set("kernel_w", rewriter.getI64IntegerAttr(kernelW));
  Value filterOperand = collapsed(rewriter, filter, kFilterGroups);
  if (!depthwise)
    filterOperand = filterForm(
        rewriter, loc, filterOperand,
        winograd ? FilterForm::Winograd3x3 : FilterForm::Panels,
        filterType.getDimSize(1), filterType.getDimSize(2), kernelH * kernelW,
        /*sourceBlock=*/0, selection);
  UkernelOp ukernel = createUkernel(
      rewriter, loc,
      depthwise ? "depthwise2d" : winograd ? "winograd3x3" : "conv2d",
      activation, filterOperand, bias, residual, Value(), output, params);
  SmallVector<Operation *> absorbed = {op};
  if (initialization)
    absorbed.insert(absorbed.begin(), initialization.op);
  if (relu) {
    absorbed.push_back(relu.getDpsInputs()[0].getDefiningOp());
    replaceLayer(rewriter, relu, ukernel.getResult(), absorbed);
  } else {
    Value result = tensor::ExpandShapeOp::create(
        rewriter, loc, outputType, ukernel.getResult(), kActivationGroups);
    replaceLayer(rewriter, op, result, absorbed);
  }
  ++selection.convolutions;
  selection.depthwiseCount += depthwise;
  selection.winogradCount += winograd;
  return success();
}

LogicalResult selectBlockedConvolution(KernelSelection &selection,
                                       RewriterBase &rewriter,
                                       linalg::GenericOp op) {
  auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
  auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !block || block.getInt() != selection.vl)
    return failure();
  auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
  auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
        init = op.getDpsInits()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  // [N, C/vl, H, W, vl] or NCHW in; [F/vl, kh, kw, C, vl] filter, or a
  // depthwise one's [C/vl, kh, kw, vl].
  bool blockedInput = inputType.getRank() == 5;
  bool depthwise = filterType.getRank() == 4;
  if (!strides || !dilations || !geometry.get("padding") ||
      (depthwise && !blockedInput) || !isWeight(filter))
    return failure();

  Initialization initialization = initializationOf(init, /*residualRank=*/5);
  linalg::GenericOp relu =
      initialization ? reluOf(op->getResult(0), /*throughCollapse=*/false)
                     : linalg::GenericOp();
  auto outputShape = cast<RankedTensorType>(init.getType()).getShape();
  int64_t kernelH = filterType.getDimSize(1),
          kernelW = filterType.getDimSize(2);
  bool winogradKernel =
      selection.winograd && initialization && blockedInput && !depthwise;
  bool winograd = winogradKernel &&
                  winogradWindow(kernelH, kernelW, strides, dilations) &&
                  reusesWinogradFilter(selection, outputShape[0],
                                       outputShape[2], outputShape[3]);
  // Few tiles an image: the kernel reads the blocked filter and transforms
  // it, a quarter of U's bytes (each image's tasks read U once): GoogLeNet's
  // 160 -> 320 at 14x14 (16 tiles) 1.22 -> 0.77 ms; its 28x28 layers and
  // Inception-v3's 35x35 ones (49 and 81 tiles) 13-19% faster in the models
  // (in a harness with U in cache, 2-5% slower).
  bool untransformed =
      winograd && winogradTiles(outputShape[2], outputShape[3]) <
                      selection.winogradTransformMinTiles;
  int64_t taps1d =
      winogradKernel ? winograd1dTaps(kernelH, kernelW, strides, dilations) : 0;
  bool winograd1d =
      taps1d && reusesWinograd1dFilter(
                    selection, outputShape[0], outputShape[2], outputShape[3],
                    inception_uk_winograd1d_outputs(taps1d), kernelH > 1);
  rewriter.setInsertionPoint(relu ? relu.getOperation() : op.getOperation());
  Location loc = op.getLoc();
  Value output;
  if (relu)
    output = relu.getDpsInits()[0];
  else if (initialization)
    output = tensor::EmptyOp::create(
        rewriter, loc, cast<RankedTensorType>(init.getType()).getShape(),
        inputType.getElementType());
  else
    output = init;
  NamedAttrList params = convolutionParams(selection, rewriter, geometry,
                                           bool(relu), !initialization);
  // The blocked kernels read the padded tensor whole.
  params.set("pad_top", rewriter.getI64IntegerAttr(0));
  params.set("pad_left", rewriter.getI64IntegerAttr(0));
  params.set("kernel_h", rewriter.getI64IntegerAttr(kernelH));
  params.set("kernel_w", rewriter.getI64IntegerAttr(kernelW));
  // The blocked filter as it is, or its Winograd transform.
  Value filterOperand = filter;
  if ((winograd && !untransformed) || winograd1d)
    filterOperand = filterForm(
        rewriter, loc, filter,
        winograd ? FilterForm::Winograd3x3 : FilterForm::Winograd1d,
        cast<RankedTensorType>(init.getType()).getDimSize(1) * selection.vl,
        inputType.getDimSize(1) * selection.vl, kernelH * kernelW,
        /*sourceBlock=*/selection.vl, selection);
  UkernelOp ukernel =
      createUkernel(rewriter, loc,
                    depthwise       ? "depthwise2d_blocked"
                    : untransformed ? "winograd3x3_blocked_untransformed"
                    : winograd      ? "winograd3x3_blocked"
                    : winograd1d    ? "winograd1d_blocked"
                                    : "conv2d_blocked",
                    input, filterOperand, initialization.bias,
                    initialization.residual, Value(), output, params);
  SmallVector<Operation *> absorbed = {op};
  if (initialization)
    absorbed.insert(absorbed.begin(), initialization.op);
  replaceLayer(rewriter, relu ? relu.getOperation() : op.getOperation(),
               ukernel.getResult(), absorbed);
  ++selection.convolutions;
  selection.depthwiseCount += depthwise;
  selection.winogradCount += winograd;
  selection.winogradUntransformedCount += untransformed;
  selection.winograd1dCount += winograd1d;
  return success();
}

namespace {

using F = ukernel::conv2d::Field;

/// The operands' layouts, each checked to have what the kernels need;
/// bias and residual null where absent.
struct ConvolutionLayouts {
  StaticLayout input, output;
  std::optional<StaticLayout> bias, residual;
};

/// The bias's and the residual's fields (null and zero strides for those
/// absent); the residual's strides are its [batch, channel, row] axes.
void setEpilogue(ukernel::KernelCall<F> &call, UkernelOp op,
                 const ConvolutionLayouts &layouts) {
  if (Value bias = op.getBias())
    call.set(F::bias, bias, layouts.bias->offset);
  else
    call.setNull(F::bias);
  Value residual = op.getResidual();
  if (residual)
    call.set(F::residual, residual, layouts.residual->offset);
  else
    call.setNull(F::residual);
  static constexpr int64_t kNoStrides[] = {0, 0, 0};
  ArrayRef<int64_t> strides =
      residual ? ArrayRef(layouts.residual->strides) : ArrayRef(kNoStrides);
  call.set(F::residual_batch_stride, strides[0]);
  call.set(F::residual_channel_stride, strides[1]);
  call.set(F::residual_row_stride, strides[2]);
}

/// The input's, the output's and the window's fields, the epilogue's flags
/// and the blocking, which every convolution kernel takes alike.
void setConvolution(ukernel::KernelCall<F> &call, UkernelOp op,
                    const ConvolutionLayouts &layouts, int64_t kernelH,
                    int64_t kernelW) {
  auto inputType = cast<MemRefType>(op.getInput().getType());
  auto outputType = cast<MemRefType>(op.getOutput().getType());
  DictionaryAttr params = op.getParams();
  auto strides = params.getAs<DenseI64ArrayAttr>("strides");
  auto dilations = params.getAs<DenseI64ArrayAttr>("dilations");
  call.set(F::input, op.getInput(), layouts.input.offset);
  call.set(F::input_batch_stride, layouts.input.strides[0]);
  call.set(F::input_channel_stride, layouts.input.strides[1]);
  call.set(F::input_row_stride, layouts.input.strides[2]);
  setEpilogue(call, op, layouts);
  call.set(F::output, op.getOutput(), layouts.output.offset);
  call.set(F::output_batch_stride, layouts.output.strides[0]);
  call.set(F::output_channel_stride, layouts.output.strides[1]);
  call.set(F::output_row_stride, layouts.output.strides[2]);
  call.set(F::accumulate, op.accumulates());
  call.set(F::relu, op.getParam("relu"));
  call.set(F::batch, outputType.getDimSize(0));
  call.set(F::in_h, inputType.getDimSize(2));
  call.set(F::in_w, inputType.getDimSize(3));
  call.set(F::kernel_h, kernelH);
  call.set(F::kernel_w, kernelW);
  call.set(F::out_h, outputType.getDimSize(2));
  call.set(F::out_w, outputType.getDimSize(3));
  call.set(F::stride_h, strides[0]);
  call.set(F::stride_w, strides[1]);
  call.set(F::dilation_h, dilations[0]);
  call.set(F::dilation_w, dilations[1]);
  call.set(F::pad_top, op.getParam("pad_top"));
  call.set(F::pad_left, op.getParam("pad_left"));
  call.set(F::input_relu, op.getParam(UkernelOp::kInputReluParam));
  setBorder(call, op);
  for (auto [field, name] : {std::pair{F::kc, "kc"}, {F::nc, "nc"},
                             {F::l1, "l1"}, {F::l2, "l2"}})
    call.set(field, op.getParam(name));
}

/// The layouts of `op`'s activations, bias and residual, where their
/// innermost axis (and the bias's `biasUnit`) has stride 1, as the kernels
/// read them; an error otherwise.
FailureOr<ConvolutionLayouts> convolutionLayouts(UkernelOp op,
                                                 unsigned biasUnit) {
  ConvolutionLayouts layouts;
  auto input = operandLayout(op, op.getInput(), "input");
  auto output = operandLayout(op, op.getOutput(), "output");
  if (failed(input) || failed(output))
    return failure();
  layouts.input = *input;
  layouts.output = *output;
  if (Value bias = op.getBias()) {
    auto layout = operandLayout(op, bias, "bias");
    if (failed(layout))
      return failure();
    layouts.bias = *layout;
    if (layout->strides[biasUnit] != 1)
      return op.emitOpError("inception-lower-ukernels: the bias ")
             << bias.getType() << " is not contiguous";
  }
  if (Value residual = op.getResidual()) {
    auto layout = operandLayout(op, residual, "residual");
    if (failed(layout))
      return failure();
    layouts.residual = *layout;
  }
  for (auto [role, layout] :
       {std::pair{"input", &layouts.input}, {"output", &layouts.output},
        {"residual", layouts.residual ? &*layouts.residual : nullptr}})
    if (layout && layout->strides.back() != 1)
      return op.emitOpError("inception-lower-ukernels: the ")
             << role << "'s innermost axis is not contiguous";
  return layouts;
}

void setScratch(ukernel::KernelCall<F> &call, int64_t bytes) {
  if (bytes)
    call.setThreadScratch(F::scratch, F::scratch_per_thread, bytes);
  else {
    call.setNull(F::scratch);
    call.set(F::scratch_per_thread, 0);
  }
}

} // namespace

LogicalResult lowerConvolution(KernelLowering &lowering, UkernelOp op) {
  bool depthwise = op.getKernel() == "depthwise2d";
  bool winograd = op.getKernel() == "winograd3x3";
  Value filter = op.getFilter();
  // [n, c, h, w] activations, bias [F]; the depthwise filter [F, 1, kh, kw],
  // the others' filter in their form (inception-microkernels').
  auto filterType = cast<MemRefType>(filter.getType());
  auto layouts = convolutionLayouts(op, /*biasUnit=*/0);
  if (failed(layouts))
    return failure();
  if (!memref::isStaticShapeAndContiguousRowMajor(filterType))
    return op.emitOpError("inception-lower-ukernels: the filter is not "
                          "contiguous");
  int64_t outChannels =
              cast<MemRefType>(op.getOutput().getType()).getDimSize(1),
          inChannels = depthwise ? outChannels
                                 : cast<MemRefType>(op.getInput().getType())
                                       .getDimSize(1);
  int64_t mr = op.getParam("mr"), nr = op.getParam("nr");
  OpBuilder builder(op);
  Location loc = op.getLoc();
  ukernel::KernelCall<F> call(builder, loc,
                              depthwise  ? ukernel::k_depthwise2d
                              : winograd ? ukernel::k_winograd3x3
                                         : ukernel::k_conv2d);
  call.set(F::filter, filter, staticLayout(filter)->offset);
  setConvolution(call, op, *layouts, op.getParam("kernel_h"),
                 op.getParam("kernel_w"));
  call.set(F::input_lanes, 1);
  call.set(F::in_channels, inChannels);
  call.set(F::out_channels, outChannels);
  int64_t kc = op.getParam("kc"), nc = op.getParam("nc"),
          l2 = op.getParam("l2");
  setScratch(call, depthwise  ? 0
                   : winograd ? inception_uk_winograd_scratch(
                                    INCEPTION_UK_WINOGRAD3X3_POSITIONS, mr, nr,
                                    l2, inChannels)
                              : inception_uk_conv2d_scratch(mr, kc, nc));
  return call.create(lowering.symbols);
}

LogicalResult lowerBlockedConvolution(KernelLowering &lowering, UkernelOp op) {
  bool depthwise = op.getKernel() == "depthwise2d_blocked";
  bool untransformed = op.getKernel() == "winograd3x3_blocked_untransformed";
  bool winograd = op.getKernel() == "winograd3x3_blocked" || untransformed;
  bool winograd1d = op.getKernel() == "winograd1d_blocked";
  Value input = op.getInput(), filter = op.getFilter();
  auto inputType = cast<MemRefType>(input.getType());
  auto filterType = cast<MemRefType>(filter.getType());
  auto outputType = cast<MemRefType>(op.getOutput().getType());
  int64_t vl = outputType.getDimSize(4);
  bool blockedInput = inputType.getRank() == 5;
  auto layouts = convolutionLayouts(op, /*biasUnit=*/1);
  if (failed(layouts))
    return failure();
  // Pixels of a block are vl floats apart, and so are a blocked input's.
  if ((blockedInput && !pixelsOfBlocks(vl, layouts->input)) ||
      !pixelsOfBlocks(vl, layouts->output) ||
      (layouts->residual && !pixelsOfBlocks(vl, *layouts->residual)) ||
      (layouts->bias && layouts->bias->strides[0] != vl) ||
      !memref::isStaticShapeAndContiguousRowMajor(filterType))
    return op.emitOpError("inception-lower-ukernels: the operands are not "
                          "in blocks of ")
           << vl << " channels";
  int64_t inChannels = inputType.getDimSize(1) * (blockedInput ? vl : 1);
  int64_t outChannels = outputType.getDimSize(1) * vl;
  int64_t mr = op.getParam("mr"), nr = op.getParam("nr");
  OpBuilder builder(op);
  Location loc = op.getLoc();
  ukernel::KernelCall<F> call(builder, loc,
                              depthwise ? ukernel::k_depthwise2d_blocked
                              : untransformed
                                  ? ukernel::k_winograd3x3_blocked_untransformed
                              : winograd   ? ukernel::k_winograd3x3_blocked
                              : winograd1d ? ukernel::k_winograd1d_blocked
                                           : ukernel::k_conv2d_blocked);
  // The blocked filter, or its Winograd transform (inception-microkernels').
  call.set(F::filter, filter, staticLayout(filter)->offset);
  setConvolution(call, op, *layouts, op.getParam("kernel_h"),
                 op.getParam("kernel_w"));
  call.set(F::input_lanes, blockedInput ? vl : 1);
  call.set(F::in_channels, inChannels);
  call.set(F::out_channels, outChannels);
  int64_t positions =
      winograd     ? INCEPTION_UK_WINOGRAD3X3_POSITIONS
      : winograd1d ? inception_uk_winograd1d_positions(std::max(
                         op.getParam("kernel_h"), op.getParam("kernel_w")))
                   : 0;
  int64_t l2 = op.getParam("l2");
  setScratch(call, untransformed ? inception_uk_winograd_untransformed_scratch(
                                       mr, nr, l2, inChannels)
                   : positions ? inception_uk_winograd_scratch(
                                     positions, mr, nr, l2, inChannels)
                               : 0);
  return call.create(lowering.symbols);
}

} // namespace mlir::inception::microkernels
