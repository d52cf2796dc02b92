//===- KernelMatching.cpp - What the kernel families share ----------------===//
//
// On tensors, recognizing a contraction's epilogue (the accumulator's
// initialization with bias and residual, a ReLU or a division after) and
// the padding a kernel can apply by itself; on buffers, the layouts the
// kernels read and the padding fill they leave partly dead.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/Microkernels.h"
#include "dialect/WeightConstants.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::inception::microkernels {

/// Whether a linalg op's payload yields the sum of its inputs (ignoring its
/// output): the accumulator initialization the lowering writes.
static bool yieldsSumOfInputs(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  SmallVector<Value> terms;
  SmallVector<Value> worklist = {yield.getOperand(0)};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto add = v.getDefiningOp<arith::AddFOp>()) {
      worklist.push_back(add.getLhs());
      worklist.push_back(add.getRhs());
      continue;
    }
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &body ||
        arg.getArgNumber() >= unsigned(op.getNumDpsInputs()))
      return false;
    terms.push_back(v);
  }
  return terms.size() == size_t(op.getNumDpsInputs()) &&
         body.getOperations().size() == terms.size();
}

/// Whether a generic divides `dividend` elementwise by a map indexed by
/// the output's row and column (loops 2 and 3 of `loops`: NCHW, or blocks
/// with a lane loop after): an average pooling's division by window sizes.
static bool isDivisionByMap(linalg::GenericOp op, Value dividend,
                            unsigned loops) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getDpsInputs()[0] != dividend || op.getNumLoops() != loops)
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  MLIRContext *context = op.getContext();
  AffineMap rowColumn = AffineMap::get(
      loops, 0, {getAffineDimExpr(2, context), getAffineDimExpr(3, context)},
      context);
  if (!maps[0].isIdentity() || maps[1] != rowColumn || !maps[2].isIdentity())
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto div = yield.getOperand(0).getDefiningOp<arith::DivFOp>();
  return div && body.getOperations().size() == 2 &&
         div.getLhs() == body.getArgument(0) &&
         div.getRhs() == body.getArgument(1);
}

/// Whether a generic computes max(x, 0) of its one input.
static bool isRelu(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto max = yield.getOperand(0).getDefiningOp<arith::MaximumFOp>();
  if (!max || body.getOperations().size() != 2)
    return false;
  FloatAttr zero;
  return max.getLhs() == body.getArgument(0) &&
         matchPattern(max.getRhs(), m_Constant(&zero)) &&
         zero.getValue().isZero();
}

/// The one op that reads `value`, or null.
static Operation *soleUser(Value value) {
  return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
}

Value collapsed(RewriterBase &rewriter, Value value,
                ArrayRef<ReassociationIndices> reassociation) {
  if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>();
      expand && expand.getReassociationIndices() == reassociation)
    return expand.getSrc();
  return tensor::CollapseShapeOp::create(rewriter, value.getLoc(), value,
                                         reassociation);
}

Initialization initializationOf(Value init, int64_t residualRank) {
  Operation *def = init.getDefiningOp();
  if (!def || !init.hasOneUse())
    return {};
  if (auto fill = dyn_cast<linalg::FillOp>(def))
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat())
               ? Initialization{fill, {}, {}}
               : Initialization{};
  auto generic = dyn_cast<linalg::GenericOp>(def);
  if (!generic || generic.getNumDpsInits() != 1 ||
      !yieldsSumOfInputs(generic))
    return {};
  Initialization found{generic, {}, {}};
  for (auto [value, map] :
       llvm::zip(generic.getDpsInputs(), generic.getIndexingMapsArray())) {
    int64_t rank = cast<ShapedType>(value.getType()).getRank();
    if (rank == residualRank && map.isIdentity() && !found.residual)
      found.residual = value;
    else if (rank == 2 && !found.bias)
      found.bias = value;
    else
      return {};
  }
  return found;
}

linalg::GenericOp reluOf(Value result, bool throughCollapse) {
  Operation *user = soleUser(result);
  if (throughCollapse) {
    auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(user);
    if (!collapse)
      return {};
    result = collapse.getResult();
    user = soleUser(result);
  }
  auto relu = dyn_cast_or_null<linalg::GenericOp>(user);
  return relu && isRelu(relu) && relu.getDpsInputs()[0] == result
             ? relu
             : linalg::GenericOp();
}

linalg::GenericOp divisionOf(Value sums, unsigned loops) {
  auto division = dyn_cast_or_null<linalg::GenericOp>(soleUser(sums));
  return division && isDivisionByMap(division, sums, loops) &&
                 isWeight(division.getDpsInputs()[1])
             ? division
             : linalg::GenericOp();
}

Value padSource(Value padded, int64_t top, int64_t left,
                std::optional<APFloat> value) {
  auto pad = padded.getDefiningOp<tensor::PadOp>();
  if (!pad)
    return {};
  SmallVector<int64_t> low(pad.getStaticLow());
  if (low.size() != 4 || low[0] != 0 || low[1] != 0 || low[2] != top ||
      low[3] != left || llvm::any_of(pad.getStaticHigh().take_front(2),
                                     [](int64_t high) { return high != 0; }))
    return {};
  Value constant = pad.getConstantPaddingValue();
  FloatAttr padding;
  if (!constant || !matchPattern(constant, m_Constant(&padding)))
    return {};
  if (value && padding.getValue().compare(*value) != APFloat::cmpEqual)
    return {};
  return pad.getSource();
}

void replaceLayer(RewriterBase &rewriter, Operation *last, Value replacement,
                  ArrayRef<Operation *> absorbed) {
  rewriter.replaceOp(last, replacement);
  // Later ones read earlier ones.
  for (Operation *op : llvm::reverse(absorbed))
    if (op != last && op->use_empty())
      rewriter.eraseOp(op);
}

UkernelOp createUkernel(RewriterBase &rewriter, Location loc, StringRef kernel,
                        Value input, Value filter, Value bias, Value residual,
                        Value divisor, Value output, NamedAttrList &params) {
  return UkernelOp::create(rewriter, loc, output.getType(), kernel, input,
                           filter, bias, residual, divisor, output,
                           params.getDictionary(rewriter.getContext()));
}

void KernelSelection::addBlocking(Builder &builder,
                                  NamedAttrList &params) const {
  for (auto [name, value] :
       {std::pair{"mr", mr}, {"nr", nr}, {"kc", kc}, {"nc", nc}, {"l1", l1},
        {"l2", l2}})
    params.set(name, builder.getI64IntegerAttr(value));
}

FailureOr<StaticLayout> operandLayout(UkernelOp op, Value buffer,
                                      StringRef role) {
  if (std::optional<StaticLayout> layout = staticLayout(buffer))
    return *layout;
  return op.emitOpError("inception-lower-ukernels: the ")
         << role << " " << buffer.getType() << " has no static layout";
}

/// Whether a layout is blocked-layout's [.., H, W, vl] with its pixels'
/// vl lanes adjacent: what the blocked kernels read and write.
bool pixelsOfBlocks(int64_t vl, const StaticLayout &layout) {
  return layout.strides.size() == 5 && layout.strides[4] == 1 &&
         layout.strides[3] == vl;
}

/// Whether a view is the destination of a copy or a destination-style op
/// (kernels' included, before they become calls).
static bool isWritten(Value view) {
  for (OpOperand &use : view.getUses()) {
    Operation *user = use.getOwner();
    if (auto copy = dyn_cast<memref::CopyOp>(user);
        copy && copy.getTarget() == view)
      return true;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(user);
        dps && dps.isDpsInit(&use))
      return true;
  }
  return false;
}

/// Adds the channel ranges (axis 1, from `base`) of `view` that are
/// written, whole or through views of channel ranges of it.
static void writtenChannels(Value view, int64_t base,
                            SmallVectorImpl<std::pair<int64_t, int64_t>> &ranges) {
  auto type = cast<MemRefType>(view.getType());
  if (isWritten(view)) {
    ranges.push_back({base, base + type.getDimSize(1)});
    return;
  }
  for (Operation *user : view.getUsers()) {
    auto slice = dyn_cast<memref::SubViewOp>(user);
    if (!slice || !slice.hasUnitStride())
      continue;
    ArrayRef<int64_t> offsets = slice.getStaticOffsets(),
                      sizes = slice.getStaticSizes();
    bool channels = offsets[1] != ShapedType::kDynamic;
    for (size_t axis = 0; axis < offsets.size(); ++axis)
      channels &= axis == 1 ||
                  (offsets[axis] == 0 && sizes[axis] == type.getDimSize(axis));
    if (channels)
      writtenChannels(slice.getResult(), base + offsets[1], ranges);
  }
}

/// What `op` fills the whole of `buffer` with, where it is a fill of it: a
/// linalg.fill's value, or the value an input-less linalg.map yields from
/// outside its body (null where the body computes it); nullopt for any
/// other op.
static std::optional<Value> fillValue(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op);
      fill && fill.getDpsInits()[0] == buffer)
    return fill.getInputs()[0];
  if (auto map = dyn_cast<linalg::MapOp>(op);
      map && map.getNumDpsInputs() == 0 && map.getInit() == buffer) {
    Value yielded = map.getMapper().front().getTerminator()->getOperand(0);
    return yielded.getParentRegion() == &map.getMapper() ? Value() : yielded;
  }
  return std::nullopt;
}

/// Narrows the fill of the whole padded buffer `input` (rows and columns
/// on axes 2 and 3) to its border, when views of exactly its interior
/// (`top`, `left`, `height` x `width`), whole or in channel ranges that
/// cover it (a concat's slices), are written by something else. Where
/// `reader` is the buffer's only reader and the fill a constant, the
/// border's fill moves into it (its `border` and `border_value` params):
/// its threads set their own rows' border as they start, rather than four
/// parallel fills before it (GoogLeNet at 2 threads: 0.30 ms of fills).
static void fillBorderOnly(Value input, int64_t top, int64_t left,
                           int64_t height, int64_t width, UkernelOp reader) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || !alloc.getType().hasStaticShape())
    return;
  ArrayRef<int64_t> shape = alloc.getType().getShape();
  Operation *fill = nullptr;
  Value value;
  // The channel ranges of the interior that are written.
  SmallVector<std::pair<int64_t, int64_t>> written;
  bool readerOnly = true;
  for (Operation *user : input.getUsers()) {
    if (user == reader.getOperation()) {
      readerOnly &= reader.getInput() == input && reader.getFilter() != input &&
                    reader.getResidual() != input &&
                    reader.getOutput() != input;
      continue;
    }
    if (std::optional<Value> filled = fillValue(user, input)) {
      if (!*filled)
        return;
      fill = user;
      value = *filled;
    } else if (auto view = dyn_cast<memref::SubViewOp>(user)) {
      ArrayRef<int64_t> offsets = view.getStaticOffsets(),
                        sizes = view.getStaticSizes();
      bool interior = view.hasUnitStride() && offsets.size() == shape.size() &&
                      offsets[2] == top && offsets[3] == left &&
                      sizes[2] == height && sizes[3] == width;
      for (size_t axis : {size_t(0), size_t(4)})
        interior &= axis >= shape.size() ||
                    (offsets[axis] == 0 && sizes[axis] == shape[axis]);
      if (interior && offsets[1] != ShapedType::kDynamic)
        writtenChannels(view.getResult(), offsets[1], written);
      readerOnly &= interior;
    } else {
      readerOnly = false;
    }
  }
  llvm::sort(written);
  int64_t covered = 0;
  for (auto [begin, end] : written)
    if (begin <= covered)
      covered = std::max(covered, end);
  if (!fill || !value || covered < shape[1])
    return;
  int64_t bottom = top + height, right = left + width;
  FloatAttr constant;
  if (readerOnly && matchPattern(value, m_Constant(&constant))) {
    Builder builder(reader.getContext());
    NamedAttrList params(reader.getParams());
    params.set(UkernelOp::kBorderParam,
               builder.getDenseI64ArrayAttr(
                   {top, shape[2] - bottom, left, shape[3] - right}));
    params.set(UkernelOp::kBorderValueParam, constant);
    reader.setParamsAttr(params.getDictionary(reader.getContext()));
    fill->erase();
    return;
  }
  OpBuilder builder(fill);
  Location loc = fill->getLoc();
  // Rows above and below the interior, whole; columns left and right of
  // it, on its rows.
  SmallVector<std::array<int64_t, 4>> strips = {
      {0, 0, top, shape[3]},
      {bottom, 0, shape[2] - bottom, shape[3]},
      {top, 0, height, left},
      {top, right, height, shape[3] - right}};
  for (auto [row, column, rows, columns] : strips) {
    if (rows == 0 || columns == 0)
      continue;
    SmallVector<int64_t> offsets(shape.size(), 0), sizes(shape),
        strides(shape.size(), 1);
    offsets[2] = row;
    offsets[3] = column;
    sizes[2] = rows;
    sizes[3] = columns;
    auto strip = memref::SubViewOp::create(builder, loc, input, offsets,
                                           sizes, strides);
    linalg::FillOp::create(builder, loc, value, strip.getResult());
  }
  fill->erase();
}

/// Whether `op` fills `buffer` with the constant 0.
static bool fillsZero(Operation *op, Value buffer) {
  std::optional<Value> value = fillValue(op, buffer);
  FloatAttr constant;
  return value && *value && matchPattern(*value, m_Constant(&constant)) &&
         constant.getValue().isZero();
}

bool fuseInputRelu(UkernelOp op) {
  if (!op.takesInputRelu())
    return false;
  // The padded input: filled with zeros, its interior written by the ReLU
  // alone, read by this kernel alone.
  Value padded = op.getInput();
  auto paddedAlloc = padded.getDefiningOp<memref::AllocOp>();
  if (!paddedAlloc || paddedAlloc->getBlock() != op->getBlock())
    return false;
  memref::SubViewOp interior;
  linalg::GenericOp relu;
  SmallVector<Operation *> fills;
  for (Operation *user : padded.getUsers()) {
    if (user == op.getOperation()) {
      if (op.getFilter() == padded || op.getResidual() == padded ||
          op.getOutput() == padded || op.getBias() == padded)
        return false;
    } else if (fillsZero(user, padded)) {
      fills.push_back(user);
    } else if (auto view = dyn_cast<memref::SubViewOp>(user);
               view && !interior && view->hasOneUse()) {
      interior = view;
      auto generic = dyn_cast<linalg::GenericOp>(*view->getUsers().begin());
      if (!generic || !isRelu(generic) ||
          generic.getDpsInits()[0] != view.getResult())
        return false;
      relu = generic;
    } else {
      return false;
    }
  }
  if (!relu || relu->getBlock() != op->getBlock())
    return false;
  // The ReLU's source: a buffer of the interior's shape that one kernel
  // writes before it and that only kernels read after it.
  Value source = relu.getDpsInputs()[0];
  auto sourceAlloc = source.getDefiningOp<memref::AllocOp>();
  if (!sourceAlloc || sourceAlloc->getBlock() != op->getBlock() ||
      cast<MemRefType>(source.getType()).getShape() !=
          interior.getType().getShape())
    return false;
  UkernelOp writer;
  for (OpOperand &use : source.getUses()) {
    Operation *user = use.getOwner();
    if (user == relu.getOperation())
      continue;
    auto kernel = dyn_cast<UkernelOp>(user);
    if (!kernel || kernel->getBlock() != op->getBlock())
      return false;
    if (kernel.isDpsInit(&use)) {
      if (writer || kernel.accumulates() || !kernel->isBeforeInBlock(relu))
        return false;
      writer = kernel;
    } else if (!relu->isBeforeInBlock(kernel) ||
               (kernel.fillsInputBorder() && kernel.getInput() == source)) {
      return false;
    }
  }
  if (!writer || paddedAlloc->getNumOperands())
    return false;
  // The fills move before the writer, with the constants they use.
  SmallVector<Operation *> constants;
  for (Operation *fill : fills) {
    if (!fill->isBeforeInBlock(relu))
      return false;
    SetVector<Value> used(fill->getOperands().begin(),
                          fill->getOperands().end());
    for (Region &region : fill->getRegions())
      getUsedValuesDefinedAbove(region, used);
    for (Value value : used) {
      Operation *def = value.getDefiningOp();
      if (!def || def->getBlock() != op->getBlock() ||
          def->isBeforeInBlock(writer) || def == paddedAlloc.getOperation())
        continue;
      if (!matchPattern(value, m_Constant()))
        return false;
      constants.push_back(def);
    }
  }

  // The writer writes the padded buffer's interior instead, which the
  // readers read; the fills go before it, the ReLU into the kernel.
  paddedAlloc->moveBefore(writer);
  for (Operation *constant : constants)
    constant->moveBefore(writer);
  for (Operation *fill : fills)
    fill->moveBefore(writer);
  interior->moveBefore(writer);
  source.replaceAllUsesExcept(interior.getResult(), relu);
  relu->erase();
  sourceAlloc->erase();
  NamedAttrList params(op.getParams());
  params.set(UkernelOp::kInputReluParam,
             Builder(op.getContext()).getI64IntegerAttr(1));
  op.setParamsAttr(params.getDictionary(op.getContext()));
  return true;
}

void fillBorderOnly(UkernelOp op) {
  auto padding = op.getParams().getAs<DenseI64ArrayAttr>("padding");
  auto type = cast<MemRefType>(op.getInput().getType());
  if (!padding || type.getRank() < 4)
    return;
  // The pooling's input size, or the padded extent less the padding.
  auto inputSize = op.getParams().getAs<DenseI64ArrayAttr>("input_size");
  int64_t height = inputSize ? inputSize[0]
                             : type.getDimSize(2) - padding[0] - padding[2];
  int64_t width = inputSize ? inputSize[1]
                            : type.getDimSize(3) - padding[1] - padding[3];
  fillBorderOnly(op.getInput(), padding[0], padding[1], height, width, op);
}

} // namespace mlir::inception::microkernels
