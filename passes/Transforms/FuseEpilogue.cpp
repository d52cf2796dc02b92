//===- FuseEpilogue.cpp - Elementwise consumers into their producer -------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "dialect/WeightConstants.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::inception {
#define GEN_PASS_DEF_FUSEEPILOGUE
#include "passes/Passes.h.inc"

namespace {

/// What the patterns fused, for the pass's statistics.
struct FusionCounts {
  uint64_t relus = 0, scales = 0, residuals = 0;
};

/// A pattern that adds to the pass's counts.
template <typename OpTy>
struct CountingPattern : OpRewritePattern<OpTy> {
  CountingPattern(MLIRContext *context, FusionCounts &counts)
      : OpRewritePattern<OpTy>(context), counts(counts) {}
  FusionCounts &counts;
};

/// relu(producer) -> producer{fused_relu} for conv2d and dense.
template <typename ProducerOp>
struct FuseRelu : CountingPattern<ReluOp> {
  using CountingPattern<ReluOp>::CountingPattern;

  LogicalResult matchAndRewrite(ReluOp relu,
                                PatternRewriter &rewriter) const override {
    auto producer = relu.getInput().template getDefiningOp<ProducerOp>();
    if (!producer)
      return rewriter.notifyMatchFailure(relu, "no fusible producer");
    if (!producer->hasOneUse())
      return rewriter.notifyMatchFailure(relu, "the producer has other users");
    if (producer.getFusedRelu()) {
      // relu(relu(x)) == relu(x).
      rewriter.replaceOp(relu, producer.getResult());
      return success();
    }
    rewriter.modifyOpInPlace(producer, [&] {
      producer.setFusedRelu(true);
      producer->setLoc(rewriter.getFusedLoc({producer.getLoc(), relu.getLoc()}));
    });
    rewriter.replaceOp(relu, producer.getResult());
    ++counts.relus;
    return success();
  }
};

/// scale(conv2d(x, w, b), s) -> conv2d(x, s*w, s*b): the residual scaling of
/// Inception-ResNet costs nothing once it is in the weights. Through a fused
/// ReLU only for s >= 0, where relu(z)*s == relu(z*s); never through a
/// residual, which the factor would have to leave unscaled.
struct FoldScale : CountingPattern<ScaleOp> {
  using CountingPattern::CountingPattern;

  LogicalResult matchAndRewrite(ScaleOp scale,
                                PatternRewriter &rewriter) const override {
    auto conv = scale.getInput().getDefiningOp<Conv2DOp>();
    if (!conv)
      return rewriter.notifyMatchFailure(scale, "input is not a convolution");
    if (!conv->hasOneUse())
      return rewriter.notifyMatchFailure(scale, "the convolution has other users");
    if (conv.getResidual())
      return rewriter.notifyMatchFailure(scale, "the convolution adds a residual");
    double factor = scale.getFactor().convertToDouble();
    if (conv.getFusedRelu() && factor < 0)
      return rewriter.notifyMatchFailure(scale, "negative factor after a ReLU");
    if (conv.getBias() && !isWeight(conv.getBias()))
      return rewriter.notifyMatchFailure(scale, "the bias is no weight");
    if (!isWeight(conv.getFilter()))
      return rewriter.notifyMatchFailure(scale, "the filter is no weight");

    Location loc = rewriter.getFusedLoc({conv.getLoc(), scale.getLoc()});
    auto scaled = [&](Value weights) {
      auto type = cast<RankedTensorType>(weights.getType());
      return createWeightTransform(
          rewriter, loc, "scale", {weights}, type.getShape(),
          {rewriter.getNamedAttr("elements",
                                 rewriter.getI64IntegerAttr(type.getNumElements())),
           rewriter.getNamedAttr("factor", rewriter.getF64FloatAttr(factor))});
    };
    Value newFilter = scaled(conv.getFilter());
    Value newBias = conv.getBias() ? scaled(conv.getBias()) : Value();
    auto scaledConv = Conv2DOp::create(
        rewriter, loc, conv.getType(), conv.getInput(), newFilter, newBias,
        /*residual=*/Value(), conv.getStridesAttr(), conv.getPaddingAttr(),
        conv.getDilationsAttr(), conv.getGroupsAttr(), conv.getFusedReluAttr());
    rewriter.replaceOp(scale, scaledConv.getResult());
    rewriter.eraseOp(conv);
    ++counts.scales;
    return success();
  }
};

/// add(r, conv2d(...)) -> conv2d(..., residual r): the shortcut is added to
/// the accumulator instead of in a pass of its own. A ReLU already fused
/// into the convolution would come before the sum, so such a convolution
/// stays as it is.
struct FuseResidualAdd : CountingPattern<AddOp> {
  using CountingPattern::CountingPattern;

  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    for (auto [convOperand, residual] :
         {std::pair(add.getRhs(), add.getLhs()),
          std::pair(add.getLhs(), add.getRhs())}) {
      auto conv = convOperand.getDefiningOp<Conv2DOp>();
      if (!conv || !conv->hasOneUse() || conv.getFusedRelu() ||
          conv.getResidual() || conv.getType() != residual.getType() ||
          residual == conv.getResult())
        continue;
      // The convolution moves to the add, where the residual exists; its
      // own operands dominate the add as they dominated the convolution.
      rewriter.setInsertionPoint(add);
      Location loc = rewriter.getFusedLoc({conv.getLoc(), add.getLoc()});
      auto fused = Conv2DOp::create(
          rewriter, loc, conv.getType(), conv.getInput(), conv.getFilter(),
          conv.getBias(), residual, conv.getStridesAttr(),
          conv.getPaddingAttr(), conv.getDilationsAttr(), conv.getGroupsAttr(),
          UnitAttr());
      rewriter.replaceOp(add, fused.getResult());
      rewriter.eraseOp(conv);
      ++counts.residuals;
      return success();
    }
    return rewriter.notifyMatchFailure(add, "no fusible convolution operand");
  }
};

struct FuseEpiloguePass : impl::FuseEpilogueBase<FuseEpiloguePass> {
  using FuseEpilogueBase::FuseEpilogueBase;

  void runOnOperation() override {
    FusionCounts counts;
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseRelu<Conv2DOp>, FuseRelu<DenseOp>>(&getContext(), counts);
    if (fuseResiduals)
      patterns.add<FoldScale, FuseResidualAdd>(&getContext(), counts);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    recordStatistic(*this, numRelus, "relus-fused", counts.relus);
    recordStatistic(*this, numScales, "scales-folded", counts.scales);
    recordStatistic(*this, numResiduals, "residual-adds-fused", counts.residuals);
  }
};

} // namespace
} // namespace mlir::inception
