//===- ElideConcat.cpp - Producers write straight into concat slices -----===//

#include "passes/Passes.h"
#include "passes/Statistics.h"
#include "passes/Transforms/BufferViews.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

#include <limits>

namespace mlir::inception {
#define GEN_PASS_DEF_ELIDECONCAT
#include "passes/Passes.h.inc"

namespace {

/// The views this pass can follow and rebuild over another buffer.
bool isRebuildableView(Operation *op) {
  return isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp>(op);
}

/// The elements [begin, end) of its root buffer that a static strided view
/// can touch, or nothing when the layout is not static. Views of one root
/// with disjoint ranges never overlap.
std::optional<std::pair<int64_t, int64_t>> elementRange(Value view) {
  std::optional<StaticLayout> layout = staticLayout(view);
  if (!layout)
    return std::nullopt;
  auto type = cast<MemRefType>(view.getType());
  if (type.getNumElements() == 0)
    return std::make_pair(layout->offset, layout->offset);
  int64_t last = layout->offset;
  for (auto [size, stride] : llvm::zip(type.getShape(), layout->strides))
    last += (size - 1) * stride;
  return std::make_pair(layout->offset, last + 1);
}

/// Whether two static strided views of one row-major buffer touch no
/// common element. Beyond disjoint element ranges: views with the buffer's
/// own strides (unit-step subviews, such as a concat's channel slices at
/// batch > 1, whose ranges interleave) are boxes of indices, disjoint when
/// they are along some axis.
bool disjointViews(Value a, Value b, Value root) {
  auto rangeA = elementRange(a), rangeB = elementRange(b);
  if (!rangeA || !rangeB)
    return false;
  if (rangeA->second <= rangeB->first || rangeB->second <= rangeA->first)
    return true;
  auto layoutA = staticLayout(a), layoutB = staticLayout(b);
  auto rootType = cast<MemRefType>(root.getType());
  ArrayRef<int64_t> strides = layoutA->strides;
  if (!rootType.hasStaticShape() || !rootType.getLayout().isIdentity() ||
      strides != ArrayRef(layoutB->strides) ||
      strides != ArrayRef(rootType.getStridesAndOffset().first))
    return false;
  ArrayRef<int64_t> sizesA = cast<MemRefType>(a.getType()).getShape(),
                    sizesB = cast<MemRefType>(b.getType()).getShape();
  // Each offset as indices along the axes, outermost first: exact for
  // subviews of a row-major buffer.
  int64_t offsetA = layoutA->offset, offsetB = layoutB->offset;
  for (auto [axis, stride] : llvm::enumerate(strides)) {
    int64_t beginA = offsetA / stride, beginB = offsetB / stride;
    offsetA %= stride;
    offsetB %= stride;
    if (beginA + sizesA[axis] <= beginB || beginB + sizesB[axis] <= beginA)
      return true;
  }
  return false;
}

/// `value` and every view of it, and the non-view ops that use them.
struct Aliases {
  SmallVector<Value> values;
  SmallVector<Operation *> users;
  bool onlyRebuildableViews = true;
};
Aliases collectAliases(Value value) {
  Aliases aliases;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    aliases.values.push_back(current);
    for (Operation *user : current.getUsers()) {
      if (isa<ViewLikeOpInterface>(user)) {
        aliases.onlyRebuildableViews &= isRebuildableView(user);
        llvm::append_range(worklist, user->getResults());
      } else {
        aliases.users.push_back(user);
      }
    }
  }
  return aliases;
}

/// Points the users of `old` at `replacement`, a buffer of the same shape
/// and another layout: views of `old` are rebuilt over it with their layout
/// inferred, and so on down.
void replaceWithRetypedViews(OpBuilder &builder, Value old, Value replacement) {
  for (OpOperand &use : llvm::make_early_inc_range(old.getUses())) {
    Operation *user = use.getOwner();
    if (!isRebuildableView(user)) {
      use.set(replacement);
      continue;
    }
    builder.setInsertionPoint(user);
    auto sourceType = cast<MemRefType>(replacement.getType());
    Value rebuilt;
    if (auto subview = dyn_cast<memref::SubViewOp>(user)) {
      auto type = memref::SubViewOp::inferRankReducedResultType(
          subview.getType().getShape(), sourceType, subview.getMixedOffsets(),
          subview.getMixedSizes(), subview.getMixedStrides());
      rebuilt = memref::SubViewOp::create(
          builder, subview.getLoc(), type, replacement,
          subview.getMixedOffsets(), subview.getMixedSizes(),
          subview.getMixedStrides());
    } else if (auto expand = dyn_cast<memref::ExpandShapeOp>(user)) {
      auto type = memref::ExpandShapeOp::computeExpandedType(
          sourceType, expand.getType().getShape(),
          expand.getReassociationIndices());
      rebuilt = memref::ExpandShapeOp::create(
          builder, expand.getLoc(), *type, replacement,
          expand.getReassociationIndices(), expand.getMixedOutputShape());
    } else {
      auto collapse = cast<memref::CollapseShapeOp>(user);
      auto type = memref::CollapseShapeOp::computeCollapsedType(
          sourceType, collapse.getReassociationIndices());
      rebuilt = memref::CollapseShapeOp::create(
          builder, collapse.getLoc(), type, replacement,
          collapse.getReassociationIndices());
    }
    replaceWithRetypedViews(builder, user->getResult(0), rebuilt);
    user->erase();
  }
}

/// Whether every view of `root` that `op` (or an op nested in it) uses
/// stays out of the view `target`, or with a null `target` whether `op`
/// uses no view of `root` at all; false for views whose extent is not
/// static.
bool staysOutOf(Operation *op, Value root, Value target) {
  bool disjoint = true;
  op->walk([&](Operation *nested) {
    // Making a view reads and writes nothing; its users are checked.
    if (isa<ViewLikeOpInterface>(nested))
      return;
    for (Value operand : nested->getOperands())
      if (isa<MemRefType>(operand.getType()) && rootBuffer(operand) == root)
        disjoint &= target && disjointViews(operand, target, root);
  });
  return disjoint;
}

/// Whether `op` (or an op nested in it) may write or free an element of `values`
/// (any of them when `target` is null) or of the part of `root` that the
/// view `target` covers. An op whose effects are unknown and that uses one
/// of them may.
bool mayWrite(Operation *op, ArrayRef<Value> values, Value root = Value(),
              Value target = Value()) {
  auto touches = [&](Value value) {
    if (llvm::is_contained(values, value))
      return true;
    return root && isa<MemRefType>(value.getType()) &&
           rootBuffer(value) == root && !disjointViews(value, target, root);
  };
  WalkResult result = op->walk([&](Operation *nested) {
    if (isa<ViewLikeOpInterface>(nested))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(nested);
    if (!effects) {
      if (nested->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return WalkResult::advance();
      return llvm::any_of(nested->getOperands(), touches)
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (MemoryEffects::EffectInstance &instance : instances) {
      // Writes, and frees: anything but a read.
      if (isa<MemoryEffects::Read>(instance.getEffect()))
        continue;
      Value value = instance.getValue();
      // A write to no particular value may be to any.
      if (!value ? llvm::any_of(nested->getOperands(), touches)
                 : touches(value))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result.wasInterrupted();
}

/// The constants an op reads, as operands or from inside its regions; none
/// when it reads anything else but `root`.
std::optional<SmallVector<Operation *>> constantsRead(Operation *op, Value root) {
  SetVector<Value> values(op->getOperands().begin(), op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), values);
  SmallVector<Operation *> constants;
  for (Value value : values) {
    if (value == root)
      continue;
    Operation *def = value.getDefiningOp();
    if (!def || !def->hasTrait<OpTrait::ConstantLike>())
      return std::nullopt;
    constants.push_back(def);
  }
  return constants;
}

/// Whether `op` only overwrites all of `root` with values computed from
/// constants: the fill of a padded buffer. Such an op can run earlier.
bool isInitialization(Operation *op, Value root) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getDpsInits()[0] != root ||
      linalgOp.payloadUsesValueFromOperand(linalgOp.getDpsInitOperand(0)))
    return false;
  return constantsRead(op, root).has_value();
}

struct ElideConcatPass : impl::ElideConcatBase<ElideConcatPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &block = func.getBody().front();
    uint64_t elided = 0, kept = 0;
    for (auto copy : llvm::to_vector(block.getOps<memref::CopyOp>())) {
      // Only copies into part of a buffer: concat slices.
      if (!isa_and_nonnull<memref::SubViewOp>(copy.getTarget().getDefiningOp()))
        continue;
      if (succeeded(forward(copy, block)))
        ++elided;
      else
        ++kept;
    }
    recordStatistic(*this, numElided, "copies-elided", elided);
    recordStatistic(*this, numKept, "copies-kept", kept);
  }

  /// Computes the copy's source in its destination instead, and drops the
  /// copy.
  static LogicalResult forward(memref::CopyOp copy, Block &block) {
    auto alloc = copy.getSource().getDefiningOp<memref::AllocOp>();
    if (!alloc || alloc->getBlock() != &block || !alloc.getType().hasStaticShape() ||
        !alloc.getType().getLayout().isIdentity())
      return failure();
    Value target = copy.getTarget();
    Value root = rootBuffer(target);
    auto range = elementRange(target);
    auto rootType = dyn_cast<MemRefType>(root.getType());
    if (!range || root == alloc.getResult() || !rootType ||
        !rootType.getLayout().isIdentity())
      return failure();
    auto rootAlloc = root.getDefiningOp<memref::AllocOp>();
    bool rootIsArgument = isa<BlockArgument>(root) &&
                          root.getParentBlock() == &block;
    if (!rootIsArgument && (!rootAlloc || rootAlloc->getBlock() != &block))
      return failure();

    // The target's views, outermost first, must be static and rebuildable
    // where the source is allocated.
    SmallVector<Operation *> targetViews;
    for (Value v = target; v != root;
         v = cast<ViewLikeOpInterface>(v.getDefiningOp()).getViewSource()) {
      Operation *view = v.getDefiningOp();
      if (!isRebuildableView(view) || view->getBlock() != &block ||
          view->getNumOperands() != 1)
        return failure();
      targetViews.push_back(view);
    }

    // After the copy the source may only be read (a layer's input that a
    // padding copy and another consumer share), and then it is read from
    // the target: nothing may write the target's elements until the last
    // such read.
    Aliases aliases = collectAliases(alloc.getResult());
    if (!aliases.onlyRebuildableViews)
      return failure();
    Operation *lastRead = copy;
    for (Operation *user : aliases.users) {
      Operation *ancestor = block.findAncestorOpInBlock(*user);
      if (!ancestor)
        return failure();
      if (ancestor == copy || ancestor->isBeforeInBlock(copy))
        continue;
      if (mayWrite(ancestor, aliases.values))
        return failure();
      if (lastRead->isBeforeInBlock(ancestor))
        lastRead = ancestor;
    }
    for (Operation *op = copy->getNextNode(); lastRead != copy;
         op = op->getNextNode()) {
      if (mayWrite(op, {}, root, target))
        return failure();
      if (op == lastRead)
        break;
    }
    // An initialization of the whole target (a padding fill) between them
    // can move before the source instead, if nothing else touches the
    // target before it.
    SmallVector<Operation *> initializations;
    bool rootUntouched = true;
    for (Operation *op = alloc->getNextNode(); op != copy; op = op->getNextNode()) {
      if (staysOutOf(op, root, target)) {
        rootUntouched &= staysOutOf(op, root, Value());
        continue;
      }
      if (!rootUntouched || !isInitialization(op, root))
        return failure();
      initializations.push_back(op);
    }

    // The target buffer exists before the source's first use: an
    // operand-free allocation can move up.
    if (rootAlloc && alloc->isBeforeInBlock(rootAlloc))
      rootAlloc->moveBefore(alloc);
    for (Operation *init : initializations) {
      SmallVector<Operation *> constants = *constantsRead(init, root);
      for (Operation *constant : constants)
        if (alloc->isBeforeInBlock(constant))
          constant->moveBefore(alloc);
      init->moveBefore(alloc);
    }
    OpBuilder builder(alloc);
    IRMapping mapping;
    Value replacement = root;
    for (Operation *view : llvm::reverse(targetViews))
      replacement = builder.clone(*view, mapping)->getResult(0);
    copy.erase();
    replaceWithRetypedViews(builder, alloc.getResult(), replacement);
    alloc.erase();
    for (Operation *view : targetViews)
      if (view->use_empty())
        view->erase();
    return success();
  }
};

} // namespace
} // namespace mlir::inception
