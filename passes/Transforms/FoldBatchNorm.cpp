//===- FoldBatchNorm.cpp - Batch norm into the preceding convolution ------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "passes/Transforms/WeightConstants.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

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
    auto filter = readF32Constant(conv.getFilter());
    auto gamma = readF32Constant(bn.getScale());
    auto beta = readF32Constant(bn.getOffset());
    auto mean = readF32Constant(bn.getMean());
    auto variance = readF32Constant(bn.getVariance());
    std::optional<std::vector<float>> bias;
    if (conv.getBias() && !(bias = readF32Constant(conv.getBias())))
      return rewriter.notifyMatchFailure(bn, "the bias is not a constant");
    if (!filter || !gamma || !beta || !mean || !variance)
      return rewriter.notifyMatchFailure(bn, "parameters are not constants");

    size_t channels = gamma->size();
    size_t perChannel = filter->size() / channels;
    double epsilon = bn.getEpsilon().convertToDouble();
    std::vector<float> foldedBias(channels);
    for (size_t o = 0; o < channels; ++o) {
      double scale = double((*gamma)[o]) / std::sqrt(double((*variance)[o]) + epsilon);
      for (size_t i = 0; i < perChannel; ++i)
        (*filter)[o * perChannel + i] =
            float(double((*filter)[o * perChannel + i]) * scale);
      double b = bias ? double((*bias)[o]) : 0.0;
      foldedBias[o] = float((b - double((*mean)[o])) * scale + double((*beta)[o]));
    }

    // The folded op is both: its location names the convolution first.
    Location loc = rewriter.getFusedLoc({conv.getLoc(), bn.getLoc()});
    auto filterType = cast<RankedTensorType>(conv.getFilter().getType());
    std::string name = constantName(conv.getFilter(), "conv.weight");
    Value newFilter = createF32Constant(rewriter, loc, filterType.getShape(),
                                        name + ".bn_folded", *filter);
    Value newBias = createF32Constant(
        rewriter, loc, {int64_t(channels)},
        constantName(bn.getOffset(), "bn.bias") + ".bn_folded", foldedBias);
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
