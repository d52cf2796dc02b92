//===- FoldBatchNorm.cpp - Batch norm into the preceding convolution ------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "dialect/WeightConstants.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::inception {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"

namespace {

struct FoldIntoConvolution : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
    if (!conv)
      return rewriter.notifyMatchFailure(bn, "input is not a convolution");
    if (!conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "the convolution has other users");
    if (conv.getFusedRelu())
      return rewriter.notifyMatchFailure(bn, "the convolution applies a ReLU");
    if (conv.getResidual())
      return rewriter.notifyMatchFailure(bn, "the convolution adds a residual");
    if (!isWeight(conv.getFilter()) || !isWeight(bn.getScale()) ||
        !isWeight(bn.getOffset()) || !isWeight(bn.getMean()) ||
        !isWeight(bn.getVariance()) ||
        (conv.getBias() && !isWeight(conv.getBias())))
      return rewriter.notifyMatchFailure(bn, "parameters are not weights");

    // The folded op is both: its location names the convolution first.
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    auto filterType = cast<RankedTensorType>(conv.getFilter().getType());
    int64_t channels = filterType.getDimSize(0);
    FloatAttr epsilon = rewriter.getF64FloatAttr(bn.getEpsilon().convertToDouble());
    Value newFilter = createWeightTransform(
        rewriter, loc, "batch_norm_filter",
        {conv.getFilter(), bn.getScale(), bn.getVariance()},
        filterType.getShape(),
        {rewriter.getNamedAttr("channels", rewriter.getI64IntegerAttr(channels)),
         rewriter.getNamedAttr(
             "per_channel",
             rewriter.getI64IntegerAttr(filterType.getNumElements() / channels)),
         rewriter.getNamedAttr("epsilon", epsilon)});
    Value bias = conv.getBias() ? conv.getBias()
                                : createF32Zeros(rewriter, loc, {channels});
    Value newBias = createWeightTransform(
        rewriter, loc, "batch_norm_bias",
        {bias, bn.getScale(), bn.getOffset(), bn.getMean(), bn.getVariance()},
        {channels},
        {rewriter.getNamedAttr("channels", rewriter.getI64IntegerAttr(channels)),
         rewriter.getNamedAttr("epsilon", epsilon)});
    auto folded = Conv2DOp::create(
        rewriter, loc, bn.getType(), conv.getInput(), newFilter, newBias,
        /*residual=*/Value(), conv.getStridesAttr(), conv.getPaddingAttr(), conv.getDilationsAttr(),
        conv.getGroupsAttr(), conv.getFusedReluAttr());
    rewriter.replaceOp(bn, folded.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldIntoConvolution>(&getContext());
    auto countBatchNorms = [&] {
      uint64_t count = 0;
      getOperation().walk([&](BatchNormOp) { ++count; });
      return count;
    };
    uint64_t before = countBatchNorms();
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    recordStatistic(*this, numFolded, "folded", before - countBatchNorms());
  }
};

} // namespace
} // namespace mlir::inception
