//===- Convolution.cpp - Lower conv2d and dense to linalg -----------------===//

#include "passes/Conversion/InceptionToLinalg/LoweringUtils.h"
#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::inception {
namespace {

/// max(x, 0) applied to a whole tensor, for ops with `fused_relu`.
Value applyRelu(OpBuilder &b, Location loc, Value input) {
  RankedTensorType type = tensorTypeOf(input);
  return mapElements(
      b, loc, type, input, identityMap(b.getContext(), type.getRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value zero = floatConstant(nb, nloc, type.getElementType(), 0.0);
        linalg::YieldOp::create(
            nb, nloc, ValueRange{arith::MaximumFOp::create(nb, nloc, args[0], zero)});
      });
}

/// The body of a contraction: acc + a * b.
void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  linalg::YieldOp::create(
      b, loc, ValueRange{arith::AddFOp::create(b, loc, args[2], product)});
}

/// conv2d as one contraction over (n, g, f, c, kh, kw, oh, ow) on the
/// input, filter and output viewed with an explicit group axis:
///   out[n, g, f, oh, ow] += in[n, g, c, oh*sh + kh*dh, ow*sw + kw*dw]
///                           * w[g, f, c, kh, kw]
/// The output row is the innermost loop, so the loop LLVM vectorizes reads
/// and writes contiguous memory for unit strides.
struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> out = resultType.getShape();
    ArrayRef<int64_t> filterShape = tensorTypeOf(adaptor.getFilter()).getShape();
    int64_t groups = op.getGroups();
    int64_t outPerGroup = out[1] / groups, inPerGroup = filterShape[1];
    ArrayRef<int64_t> strides = op.getStrides(), dilations = op.getDilations(),
                      padding = op.getPadding();

    Value zero = floatConstant(rewriter, loc, elementType, 0.0);
    Value input = padTensor(rewriter, loc, adaptor.getInput(),
                            {0, 0, padding[0], padding[1]},
                            {0, 0, padding[2], padding[3]}, zero);
    ArrayRef<int64_t> padded = tensorTypeOf(input).getShape();

    // Views with the group axis split out.
    auto groupedInputType = RankedTensorType::get(
        {padded[0], groups, inPerGroup, padded[2], padded[3]}, elementType);
    Value groupedInput = tensor::ExpandShapeOp::create(
        rewriter, loc, groupedInputType, input,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    auto groupedFilterType = RankedTensorType::get(
        {groups, outPerGroup, inPerGroup, filterShape[2], filterShape[3]},
        elementType);
    Value groupedFilter = tensor::ExpandShapeOp::create(
        rewriter, loc, groupedFilterType, adaptor.getFilter(),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    auto groupedOutType = RankedTensorType::get(
        {out[0], groups, outPerGroup, out[2], out[3]}, elementType);

    // The accumulator starts at bias + residual, either of them, or zero.
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr n, g, f, c, kh, kw, oh, ow;
    bindDims(ctx, n, g, f, c, kh, kw, oh, ow);
    SmallVector<Value> initTerms;
    SmallVector<AffineMap> initMaps;
    if (Value bias = adaptor.getBias()) {
      auto groupedBiasType =
          RankedTensorType::get({groups, outPerGroup}, elementType);
      initTerms.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc, groupedBiasType, bias,
          ArrayRef<ReassociationIndices>{{0, 1}}));
      AffineExpr bg = getAffineDimExpr(1, ctx), bf = getAffineDimExpr(2, ctx);
      initMaps.push_back(AffineMap::get(5, 0, {bg, bf}, ctx));
    }
    if (Value residual = adaptor.getResidual()) {
      initTerms.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc, groupedOutType, residual,
          ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}}));
      initMaps.push_back(identityMap(ctx, 5));
    }
    Value init =
        initTerms.empty()
            ? makeTensor(rewriter, loc, groupedOutType, zero)
            : mapElements(rewriter, loc, groupedOutType, initTerms, initMaps,
                          [](OpBuilder &nb, Location nloc, ValueRange args) {
                            Value sum = args[0];
                            // args holds the terms and then the output.
                            for (Value term : args.drop_front().drop_back())
                              sum = arith::AddFOp::create(nb, nloc, sum, term);
                            linalg::YieldOp::create(nb, nloc, sum);
                          });

    SmallVector<AffineMap> maps = {
        AffineMap::get(8, 0,
                       {n, g, c, oh * strides[0] + kh * dilations[0],
                        ow * strides[1] + kw * dilations[1]},
                       ctx),
        AffineMap::get(8, 0, {g, f, c, kh, kw}, ctx),
        AffineMap::get(8, 0, {n, g, f, oh, ow}, ctx)};
    using utils::IteratorType;
    SmallVector<IteratorType> iterators = {
        IteratorType::parallel,  IteratorType::parallel,
        IteratorType::parallel,  IteratorType::reduction,
        IteratorType::reduction, IteratorType::reduction,
        IteratorType::parallel,  IteratorType::parallel};
    Value conv =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{groupedOutType},
            ValueRange{groupedInput, groupedFilter}, ValueRange{init}, maps,
            iterators,
            multiplyAccumulate)
            .getResult(0);
    conv.getDefiningOp()->setAttr(
        kConvAttr, rewriter.getDictionaryAttr(
                       {rewriter.getNamedAttr("strides", op.getStridesAttr()),
                        rewriter.getNamedAttr("dilations",
                                              op.getDilationsAttr()),
                        rewriter.getNamedAttr("padding", op.getPaddingAttr())}));
    Value result = tensor::CollapseShapeOp::create(
        rewriter, loc, resultType, conv,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    if (op.getFusedRelu())
      result = applyRelu(rewriter, loc, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[n, m] = bias[m] + sum_k x[n, k] * w[m, k] (PyTorch's Linear layout).
struct DenseLowering : OpConversionPattern<DenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr n, m, k;
    bindDims(ctx, n, m, k);
    Value init;
    if (Value bias = adaptor.getBias()) {
      init = mapElements(rewriter, loc, resultType, bias,
                         AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx),
                         [](OpBuilder &nb, Location nloc, ValueRange args) {
                           linalg::YieldOp::create(nb, nloc, args[0]);
                         });
    } else {
      init = makeTensor(
          rewriter, loc, resultType,
          floatConstant(rewriter, loc, resultType.getElementType(), 0.0));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {n, k}, ctx),
                                   AffineMap::get(3, 0, {m, k}, ctx),
                                   AffineMap::get(3, 0, {n, m}, ctx)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction};
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType},
        ValueRange{adaptor.getInput(), adaptor.getWeight()}, ValueRange{init},
        maps, iterators, multiplyAccumulate);
    contraction->setAttr(kDenseAttr, rewriter.getUnitAttr());
    Value result = contraction.getResult(0);
    if (op.getFusedRelu())
      result = applyRelu(rewriter, loc, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateConvolutionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, DenseLowering>(patterns.getContext());
}

} // namespace mlir::inception
