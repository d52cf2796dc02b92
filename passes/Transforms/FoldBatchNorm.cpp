//===- FoldBatchNorm.cpp - Batch norm into the preceding convolution ------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>
#include <cstring>

namespace mlir::inception {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"

namespace {

/// The f32 elements of a constant operand, or nothing if `value` is not an
/// f32 constant whose data is available.
std::optional<std::vector<float>> constantFloats(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32())
    return std::nullopt;
  int64_t count = attr.getNumElements();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    ArrayRef<char> bytes = resource.getData(); // empty if elided or missing
    if (int64_t(bytes.size()) != count * int64_t(sizeof(float)))
      return std::nullopt;
    std::vector<float> values(count);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return std::vector<float>(dense.getValues<float>().begin(),
                              dense.getValues<float>().end());
  return std::nullopt;
}

/// A constant holding `values`, named after `name` in the resource table.
Value makeConstant(PatternRewriter &rewriter, Location loc,
                   RankedTensorType type, StringRef name,
                   ArrayRef<float> values) {
  auto attr = DenseF32ResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(values,
                                                     /*dataIsMutable=*/false));
  return arith::ConstantOp::create(rewriter, loc, cast<TypedAttr>(attr));
}

/// The resource key of a constant, to name what is derived from it.
std::string constantName(Value value, StringRef fallback) {
  ElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
      return resource.getRawHandle().getKey().str();
  return fallback.str();
}

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
    auto filter = constantFloats(conv.getFilter());
    auto gamma = constantFloats(bn.getScale());
    auto beta = constantFloats(bn.getOffset());
    auto mean = constantFloats(bn.getMean());
    auto variance = constantFloats(bn.getVariance());
    std::optional<std::vector<float>> bias;
    if (conv.getBias() && !(bias = constantFloats(conv.getBias())))
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
    Value newFilter =
        makeConstant(rewriter, loc, filterType, name + ".bn_folded", *filter);
    auto biasType = RankedTensorType::get({int64_t(channels)},
                                          filterType.getElementType());
    Value newBias = makeConstant(rewriter, loc, biasType,
                                 constantName(bn.getOffset(), "bn.bias") +
                                     ".bn_folded",
                                 foldedBias);
    auto folded = Conv2DOp::create(
        rewriter, loc, bn.getType(), conv.getInput(), newFilter, newBias,
        conv.getStridesAttr(), conv.getPaddingAttr(), conv.getDilationsAttr(),
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
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace mlir::inception
