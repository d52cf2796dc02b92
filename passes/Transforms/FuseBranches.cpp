//===- FuseBranches.cpp - One wide convolution for parallel branches ------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "dialect/WeightConstants.h"

namespace mlir::inception {
#define GEN_PASS_DEF_FUSEBRANCHES
#include "passes/Passes.h.inc"

namespace {

/// Convolutions merge when everything but the output channels is equal.
bool sameGeometry(Conv2DOp a, Conv2DOp b) {
  auto filterA = cast<RankedTensorType>(a.getFilter().getType());
  auto filterB = cast<RankedTensorType>(b.getFilter().getType());
  return filterA.getShape().drop_front() == filterB.getShape().drop_front() &&
         a.getStrides() == b.getStrides() && a.getPadding() == b.getPadding() &&
         a.getDilations() == b.getDilations() && a.getGroups() == b.getGroups() &&
         a.getFusedRelu() == b.getFusedRelu() && !a.getResidual() &&
         !b.getResidual();
}

struct FuseBranchesPass : impl::FuseBranchesBase<FuseBranchesPass> {
  void runOnOperation() override {
    // Merging erases convolutions, and with them values other groups read:
    // find one group at a time, merge it, and look again.
    while (true) {
      SmallVector<Conv2DOp> group;
      getOperation().walk([&](Conv2DOp conv) {
        group = findGroup(conv);
        return group.size() > 1 ? WalkResult::interrupt()
                                : WalkResult::advance();
      });
      if (group.size() < 2)
        return;
      if (failed(merge(group)))
        return signalPassFailure();
      recordStatistic(*this, numGroups, "groups-merged", 1);
      recordStatistic(*this, numConvs, "convolutions-merged", group.size());
    }
  }

  /// The convolutions that read `conv`'s input in its block and merge with
  /// it, in program order, `conv` included.
  static SmallVector<Conv2DOp> findGroup(Conv2DOp conv) {
    SmallVector<Conv2DOp> group;
    if (conv.getGroups() != 1 || !isWeight(conv.getFilter()) ||
        (conv.getBias() && !isWeight(conv.getBias())))
      return group;
    for (Operation *user : conv.getInput().getUsers()) {
      auto other = dyn_cast<Conv2DOp>(user);
      if (other && other.getInput() == conv.getInput() &&
          other->getBlock() == conv->getBlock() && sameGeometry(conv, other) &&
          isWeight(other.getFilter()) &&
          (!other.getBias() || isWeight(other.getBias())) &&
          !llvm::is_contained(group, other))
        group.push_back(other);
    }
    llvm::sort(group, [](Conv2DOp a, Conv2DOp b) { return a->isBeforeInBlock(b); });
    return group;
  }

  /// `parts` (weights of equal trailing shape) one after the other along
  /// their first axis, as a chain of concat transforms.
  static Value concatenate(OpBuilder &builder, Location loc,
                           ArrayRef<Value> parts) {
    Value joined = parts.front();
    for (Value part : parts.drop_front()) {
      auto joinedType = cast<RankedTensorType>(joined.getType());
      auto partType = cast<RankedTensorType>(part.getType());
      SmallVector<int64_t> shape(joinedType.getShape());
      shape[0] += partType.getDimSize(0);
      joined = createWeightTransform(
          builder, loc, "concat", {joined, part}, shape,
          {builder.getNamedAttr(
               "first_elements",
               builder.getI64IntegerAttr(joinedType.getNumElements())),
           builder.getNamedAttr(
               "second_elements",
               builder.getI64IntegerAttr(partType.getNumElements()))});
    }
    return joined;
  }

  LogicalResult merge(ArrayRef<Conv2DOp> group) {
    Conv2DOp first = group.front();
    OpBuilder builder(first);
    bool anyBias = llvm::any_of(group, [](Conv2DOp c) { return bool(c.getBias()); });
    SmallVector<Value> filters, biases;
    int64_t channels = 0;
    SmallVector<Location> locations;
    for (Conv2DOp conv : group)
      locations.push_back(conv.getLoc());
    Location loc = builder.getFusedLoc(locations);
    for (Conv2DOp conv : group) {
      int64_t out = cast<RankedTensorType>(conv.getFilter().getType()).getDimSize(0);
      // The wide convolution takes the first one's place: the others'
      // weights (computed after it, a folded batch norm's say) move up.
      moveWeightBefore(conv.getFilter(), first);
      if (conv.getBias())
        moveWeightBefore(conv.getBias(), first);
      filters.push_back(conv.getFilter());
      if (anyBias)
        biases.push_back(conv.getBias() ? conv.getBias()
                                        : createF32Zeros(builder, loc, {out}));
      channels += out;
    }
    Value filter = concatenate(builder, loc, filters);
    Value bias = anyBias ? concatenate(builder, loc, biases) : Value();
    auto firstType = first.getType();
    auto wideType = RankedTensorType::get(
        {firstType.getDimSize(0), channels, firstType.getDimSize(2),
         firstType.getDimSize(3)},
        firstType.getElementType());
    auto wide = Conv2DOp::create(builder, loc, wideType, first.getInput(),
                                 filter, bias, /*residual=*/Value(),
                                 first.getStridesAttr(),
                                 first.getPaddingAttr(),
                                 first.getDilationsAttr(),
                                 first.getGroupsAttr(),
                                 first.getFusedReluAttr());
    int64_t offset = 0;
    for (Conv2DOp conv : group) {
      auto type = conv.getType();
      SmallVector<int64_t> offsets = {0, offset, 0, 0};
      SmallVector<int64_t> strides(4, 1);
      Value slice = tensor::ExtractSliceOp::create(
          builder, conv.getLoc(), type, wide.getResult(), ValueRange{},
          ValueRange{}, ValueRange{}, offsets, type.getShape(), strides);
      conv.getResult().replaceAllUsesWith(slice);
      offset += type.getDimSize(1);
    }
    for (Conv2DOp conv : group)
      conv.erase();
    return success();
  }
};

} // namespace
} // namespace mlir::inception
