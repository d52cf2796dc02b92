//===- KernelMatching.cpp - What the kernel families share ----------------===//
//
// Recognizing a contraction's epilogue (the accumulator's initialization
// with bias and residual, a ReLU after), the copy that filled a padded
// input, and whether a buffer is written in between; and the clean-up of
// the buffers and fills a kernel call leaves dead.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

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
bool isDivisionByMap(linalg::GenericOp op, Value dividend, unsigned loops) {
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
bool isRelu(linalg::GenericOp op) {
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

/// Whether `user` initializes the accumulator `output` of the contraction
/// `op`, before it: a generic summing its inputs (bias, residual) into
/// `output`; or, isZeroFill, a zero fill of it.
bool isSumInitialization(Operation *user, Value output, Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(user);
  return generic && generic.getNumDpsInits() == 1 &&
         generic.getDpsInits()[0] == output && generic->isBeforeInBlock(op) &&
         yieldsSumOfInputs(generic);
}
bool isZeroFill(Operation *user, Value output, Operation *op) {
  auto fill = dyn_cast<linalg::FillOp>(user);
  return fill && fill.getDpsInits()[0] == output && fill->isBeforeInBlock(op) &&
         matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// The bias (rank 2) and residual (rank 5, read as the output is) that an
/// initialization sums, each null when absent; nothing when it sums
/// anything else.
std::optional<std::pair<Value, Value>>
initializationTerms(linalg::GenericOp init) {
  Value bias, residual;
  for (auto [value, map] :
       llvm::zip(init.getDpsInputs(), init.getIndexingMapsArray())) {
    auto type = cast<MemRefType>(value.getType());
    if (type.getRank() == 5 && map.isIdentity() && !residual)
      residual = value;
    else if (type.getRank() == 2 && !bias)
      bias = value;
    else
      return std::nullopt;
  }
  return std::make_pair(bias, residual);
}

/// Whether a layout is blocked-layout's [.., H, W, vl] with its pixels'
/// vl lanes adjacent: what the blocked kernels read and write.
bool pixelsOfBlocks(int64_t vl, const StaticLayout &layout) {
  return layout.strides.size() == 5 && layout.strides[4] == 1 &&
         layout.strides[3] == vl;
}

/// The buffer a call writes: a microkernel's output (a view's root), or
/// null for any other call, which may write anything.
static Value kernelOutput(func::CallOp call) {
  Value view = ukernel::kernelCallBuffer(call, "output");
  return view ? rootBuffer(view) : Value();
}

/// Whether a view is the destination of a copy, a destination-style op or
/// a kernel call.
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
  return llvm::any_of(ukernel::kernelCallsAddressing(view), [&](func::CallOp call) {
    return ukernel::kernelCallBuffer(call, "output") == view;
  });
}

/// Whether an op between `from` and `to` (exclusive) may write a view of
/// one of `roots`.
bool writtenBetween(Operation *from, Operation *to, ArrayRef<Value> roots) {
  for (Operation *op = from->getNextNode(); op && op != to; op = op->getNextNode()) {
    bool writes = false;
    op->walk([&](Operation *nested) {
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(nested)) {
        for (Value init : dps.getDpsInits())
          writes |= llvm::is_contained(roots, rootBuffer(init));
      } else if (auto copy = dyn_cast<memref::CopyOp>(nested)) {
        writes |= llvm::is_contained(roots, rootBuffer(copy.getTarget()));
      } else if (auto call = dyn_cast<func::CallOp>(nested)) {
        Value written = kernelOutput(call);
        writes |= !written || llvm::is_contained(roots, written);
      }
    });
    if (writes)
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

/// Narrows the fill of the whole padded buffer `input` (rows and columns
/// on axes 2 and 3) to its border, when views of exactly its interior
/// (`top`, `left`, `height` x `width`), whole or in channel ranges that
/// cover it (a concat's slices), are written by something else: the
/// blocked kernels read the padding, but the interior's fill is dead.
void fillBorderOnly(Value input, int64_t top, int64_t left,
                           int64_t height, int64_t width) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || !alloc.getType().hasStaticShape())
    return;
  ArrayRef<int64_t> shape = alloc.getType().getShape();
  Operation *fill = nullptr;
  Value value;
  // The channel ranges of the interior that are written.
  SmallVector<std::pair<int64_t, int64_t>> written;
  for (Operation *user : input.getUsers()) {
    if (auto fillOp = dyn_cast<linalg::FillOp>(user);
        fillOp && fillOp.getDpsInits()[0] == input) {
      fill = fillOp;
      value = fillOp.getInputs()[0];
    } else if (auto map = dyn_cast<linalg::MapOp>(user);
               map && map.getNumDpsInputs() == 0 && map.getInit() == input) {
      // A map without inputs yields a value from outside its body.
      Value yielded =
          map.getMapper().front().getTerminator()->getOperand(0);
      if (yielded.getParentRegion() == &map.getMapper())
        return;
      fill = map;
      value = yielded;
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
    }
  }
  llvm::sort(written);
  int64_t covered = 0;
  for (auto [begin, end] : written)
    if (begin <= covered)
      covered = std::max(covered, end);
  if (!fill || !value || covered < shape[1])
    return;
  OpBuilder builder(fill);
  Location loc = fill->getLoc();
  // Rows above and below the interior, whole; columns left and right of
  // it, on its rows.
  int64_t bottom = top + height, right = left + width;
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

/// The copy that fills the interior of `input`'s padded buffer (offset
/// and [batch, channel, row] strides, extents [n, c, h, w]), when nothing
/// else reads or writes that buffer besides `kernel` and the padding
/// fill, and nothing writes the copy's source until `until`: the kernel,
/// which pads by itself, can read the source instead.
static memref::CopyOp interiorCopy(Value input, Operation *kernel,
                                   Operation *until, int64_t offset,
                                   ArrayRef<int64_t> strides,
                                   ArrayRef<int64_t> shape) {
  Value root = rootBuffer(input);
  if (!root.getDefiningOp<memref::AllocOp>())
    return {};
  memref::CopyOp copy;
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (user == kernel)
        continue;
      if (isa<ViewLikeOpInterface>(user)) {
        llvm::append_range(worklist, user->getResults());
        continue;
      }
      auto c = dyn_cast<memref::CopyOp>(user);
      if (c && c.getTarget() == value && !copy) {
        copy = c;
        continue;
      }
      // The padding fill of the whole buffer, which goes too.
      auto init = dyn_cast<DestinationStyleOpInterface>(user);
      if (value == root && isa<linalg::FillOp, linalg::MapOp>(user) &&
          init.getNumDpsInits() == 1 && init.getDpsInits()[0] == root &&
          (isa<linalg::FillOp>(user) || init.getNumDpsInputs() == 0))
        continue;
      return {};
    }
  }
  if (!copy || copy->getBlock() != kernel->getBlock() ||
      !copy->isBeforeInBlock(kernel))
    return {};
  auto target = staticLayout(copy.getTarget());
  auto source = staticLayout(copy.getSource());
  auto targetType = cast<MemRefType>(copy.getTarget().getType());
  if (!target || !source || targetType.getRank() != 4 ||
      targetType.getShape() != shape || target->offset != offset ||
      (shape[0] > 1 && target->strides[0] != strides[0]) ||
      target->strides[1] != strides[1] || target->strides[2] != strides[2] ||
      target->strides[3] != 1 || source->strides[3] != 1)
    return {};
  if (writtenBetween(copy, until, {rootBuffer(copy.getSource())}))
    return {};
  return copy;
}

/// The interior of `input`'s padded buffer (`offset`, `strides`), or the
/// source of the copy that filled it (interiorCopy), which the caller
/// erases once the kernel call reads the source.
KernelInput readInput(KernelSelection &selection, Value input,
                      Operation *kernel, Operation *until, int64_t offset,
                      SmallVector<int64_t> strides, ArrayRef<int64_t> shape) {
  memref::CopyOp copy =
      interiorCopy(input, kernel, until, offset, strides, shape);
  if (!copy)
    return {input, offset, strides, {}};
  StaticLayout layout = *staticLayout(copy.getSource());
  ++selection.forwardedCount;
  return {copy.getSource(),
          layout.offset,
          {layout.strides[0], layout.strides[1], layout.strides[2]},
          copy};
}

/// Erases `buffer` and its views once nothing else uses them.
void eraseIfUnused(Value buffer) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc)
    return;
  SmallVector<Operation *> views;
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (!isa<ViewLikeOpInterface>(user))
        return;
      views.push_back(user);
      llvm::append_range(worklist, user->getResults());
    }
  }
  for (Operation *view : llvm::reverse(views))
    view->erase();
  alloc.erase();
}

/// The fill of a padded input buffer that only microkernels read, which
/// never read its border: the buffer's other users write its interior.
void removePaddingFill(Value buffer) {
  if (!buffer.getDefiningOp<memref::AllocOp>())
    return;
  Operation *fill = nullptr;
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<ViewLikeOpInterface>(user)) {
        llvm::append_range(worklist, user->getResults());
        continue;
      }
      // Addresses given to the NCHW kernels, which pad by themselves.
      if (isa<memref::ExtractAlignedPointerAsIndexOp>(user) &&
          ukernel::onlyKernelParameters(
              user->getResult(0),
              {ukernel::k_conv2d.symbol, ukernel::k_winograd3x3.symbol,
               ukernel::k_depthwise2d.symbol, ukernel::k_pool2d.symbol}))
        continue;
      if (auto copy = dyn_cast<memref::CopyOp>(user);
          copy && copy.getTarget() == value)
        continue;
      auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
      if (!linalgOp || !linalgOp.isDpsInit(&use) ||
          linalgOp.payloadUsesValueFromOperand(&use))
        return;
      // A write of the whole buffer from constants is the padding fill.
      if (value == buffer && linalgOp.getNumDpsInputs() == 0 && !fill) {
        fill = user;
        continue;
      }
      if (value == buffer && isa<linalg::FillOp>(user) && !fill) {
        fill = user;
        continue;
      }
      if (value == buffer)
        return;
    }
  }
  if (fill)
    fill->erase();
}

} // namespace mlir::inception::microkernels
