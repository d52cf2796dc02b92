//===- Elementwise.cpp - Lower normalization and structural ops -----------===//

#include "passes/Conversion/InceptionToLinalg/LoweringUtils.h"
#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"
#include <limits>

namespace mlir::inception {
namespace {

/// Elementwise over tensors of one shape: `compute` maps the block
/// arguments (one per input) to the result element.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType type,
                  ValueRange inputs,
                  function_ref<Value(OpBuilder &, Location, ValueRange)>
                      compute) {
  SmallVector<AffineMap> maps(inputs.size(),
                              identityMap(b.getContext(), type.getRank()));
  return mapElements(b, loc, type, inputs, maps,
                     [&](OpBuilder &nb, Location nloc, ValueRange args) {
                       linalg::YieldOp::create(
                           nb, nloc, ValueRange{compute(nb, nloc, args)});
                     });
}

struct ReluLowering : OpConversionPattern<ReluOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReluOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = op.getType().getElementType();
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
                        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                          return arith::MaximumFOp::create(
                              b, l, args[0], floatConstant(b, l, elementType, 0.0));
                        }));
    return success();
  }
};

struct ClipLowering : OpConversionPattern<ClipOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClipOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = op.getType().getElementType();
    rewriter.replaceOp(
        op,
        elementwise(
            rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              Value x = args[0];
              if (FloatAttr low = op.getMinAttr())
                x = arith::MaximumFOp::create(
                    b, l, x,
                    floatConstant(b, l, elementType, low.getValueAsDouble()));
              if (FloatAttr high = op.getMaxAttr())
                x = arith::MinimumFOp::create(
                    b, l, x,
                    floatConstant(b, l, elementType, high.getValueAsDouble()));
              return x;
            }));
    return success();
  }
};

struct AddLowering : OpConversionPattern<AddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(),
                        ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                        [](OpBuilder &b, Location l, ValueRange args) -> Value {
                          return arith::AddFOp::create(b, l, args[0], args[1]);
                        }));
    return success();
  }
};

struct ScaleLowering : OpConversionPattern<ScaleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type elementType = op.getType().getElementType();
    double factor = op.getFactor().convertToDouble();
    rewriter.replaceOp(
        op, elementwise(rewriter, op.getLoc(), op.getType(), adaptor.getInput(),
                        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                          return arith::MulFOp::create(
                              b, l, args[0],
                              floatConstant(b, l, elementType, factor));
                        }));
    return success();
  }
};

/// (x - mean) / sqrt(var + eps) * scale + offset, per channel, in the order
/// PyTorch evaluates it.
struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    Type elementType = op.getType().getElementType();
    double epsilon = op.getEpsilon().convertToDouble();
    AffineMap channel = AffineMap::get(4, 0, {getAffineDimExpr(1, ctx)}, ctx);
    rewriter.replaceOp(
        op, mapElements(
                rewriter, op.getLoc(), op.getType(),
                ValueRange{adaptor.getInput(), adaptor.getScale(),
                           adaptor.getOffset(), adaptor.getMean(),
                           adaptor.getVariance()},
                {identityMap(ctx, 4), channel, channel, channel, channel},
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value eps = floatConstant(b, l, elementType, epsilon);
                  Value centered = arith::SubFOp::create(b, l, args[0], args[3]);
                  Value deviation = math::SqrtOp::create(
                      b, l, arith::AddFOp::create(b, l, args[4], eps));
                  Value normalized =
                      arith::DivFOp::create(b, l, centered, deviation);
                  Value scaled = arith::MulFOp::create(b, l, normalized, args[1]);
                  linalg::YieldOp::create(
                      b, l, ValueRange{arith::AddFOp::create(b, l, scaled, args[2])});
                }));
    return success();
  }
};

/// `base` ^ `exponent` for a positive base. The exponents of LRN in
/// practice (0.75, GoogLeNet's and AlexNet's; 0.5; 1) as square roots and
/// products, which vectorize (vsqrtps) where powf is a libm call per
/// element, within 2 ulp of powf.
static Value power(OpBuilder &b, Location l, Value base, double exponent) {
  if (exponent == 1.0)
    return base;
  if (exponent == 0.5)
    return math::SqrtOp::create(b, l, base);
  if (exponent == 0.75) {
    Value root = math::SqrtOp::create(b, l, base);
    return arith::MulFOp::create(b, l, root, math::SqrtOp::create(b, l, root));
  }
  return math::PowFOp::create(
      b, l, base, floatConstant(b, l, base.getType(), exponent));
}

/// x / (k + alpha / size * sum of squares over the channel window)^beta.
/// The input is zero-padded along the channels by size/2 before and
/// (size-1)/2 after, so every window has `size` terms, as in PyTorch; the
/// window's terms are `size` slices of the padded input, at shifted
/// channels, so the whole layer is one elementwise op: one pass over
/// memory, no reduction loop, vectorizable along the rows.
struct LRNLowering : OpConversionPattern<LRNOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type elementType = type.getElementType();
    int64_t size = op.getSize();
    Value zero = floatConstant(rewriter, loc, elementType, 0.0);
    Value padded = padTensor(rewriter, loc, adaptor.getInput(),
                             {0, size / 2, 0, 0}, {0, (size - 1) / 2, 0, 0},
                             zero);
    SmallVector<Value> inputs = {adaptor.getInput()};
    SmallVector<OpFoldResult> sizes =
        llvm::map_to_vector(type.getShape(), [&](int64_t extent) -> OpFoldResult {
          return rewriter.getIndexAttr(extent);
        });
    SmallVector<OpFoldResult> strides(4, rewriter.getIndexAttr(1));
    for (int64_t offset = 0; offset < size; ++offset) {
      SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
      offsets[1] = rewriter.getIndexAttr(offset);
      inputs.push_back(tensor::ExtractSliceOp::create(rewriter, loc, type, padded,
                                                      offsets, sizes, strides));
    }
    SmallVector<AffineMap> maps(inputs.size(), identityMap(ctx, 4));
    double alpha = op.getAlpha().convertToDouble() / double(size);
    double beta = op.getBeta().convertToDouble(), k0 = op.getK().convertToDouble();
    rewriter.replaceOp(
        op, mapElements(
                rewriter, loc, type, inputs, maps,
                [&](OpBuilder &b, Location l, ValueRange args) {
                  // The squares summed in window order, as PyTorch's
                  // avg_pool3d over the padded squares adds them.
                  Value sum;
                  for (Value term : args.drop_front().take_front(size)) {
                    Value square = arith::MulFOp::create(b, l, term, term);
                    sum = sum ? arith::AddFOp::create(b, l, sum, square).getResult()
                              : square;
                  }
                  Value scaled = arith::MulFOp::create(
                      b, l, sum, floatConstant(b, l, elementType, alpha));
                  Value base = arith::AddFOp::create(
                      b, l, scaled, floatConstant(b, l, elementType, k0));
                  linalg::YieldOp::create(
                      b, l,
                      ValueRange{arith::DivFOp::create(b, l, args[0],
                                                       power(b, l, base, beta))});
                }));
    return success();
  }
};

/// Each input becomes a slice of one destination tensor.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t axis = op.getAxis(), offset = 0;
    Value result = makeTensor(rewriter, loc, type);
    for (Value input : adaptor.getInputs()) {
      ArrayRef<int64_t> shape = tensorTypeOf(input).getShape();
      SmallVector<int64_t> offsets(shape.size(), 0), strides(shape.size(), 1);
      offsets[axis] = offset;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             ValueRange{}, ValueRange{},
                                             ValueRange{}, offsets, shape,
                                             strides);
      offset += shape[axis];
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FlattenLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t rank = tensorTypeOf(adaptor.getInput()).getRank();
    ReassociationIndices tail;
    for (int64_t d = 1; d < rank; ++d)
      tail.push_back(d);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), adaptor.getInput(),
        ArrayRef<ReassociationIndices>{{0}, tail});
    return success();
  }
};

/// exp(x - max) / sum(exp(x - max)) along the axis.
struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Type elementType = type.getElementType();
    int64_t rank = type.getRank(), axis = op.getAxis();
    SmallVector<int64_t> reducedShape;
    SmallVector<AffineExpr> reducedExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d == axis)
        continue;
      reducedShape.push_back(type.getDimSize(d));
      reducedExprs.push_back(getAffineDimExpr(d, ctx));
    }
    auto reducedType = RankedTensorType::get(reducedShape, elementType);
    AffineMap identity = identityMap(ctx, rank);
    AffineMap reduced = AffineMap::get(rank, 0, reducedExprs, ctx);
    Value input = adaptor.getInput();
    auto reduce = [&](ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                      double initial,
                      function_ref<Value(OpBuilder &, Location, ValueRange)>
                          combine) {
      SmallVector<AffineMap> maps(inputMaps);
      maps.push_back(reduced);
      Value init = makeTensor(rewriter, loc, reducedType,
                              floatConstant(rewriter, loc, elementType, initial));
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{reducedType}, inputs,
                 ValueRange{init}, maps, iterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, ValueRange{combine(b, l, args)});
                 })
          .getResult(0);
    };
    Value maxima = reduce(input, {identity},
                          -std::numeric_limits<double>::infinity(),
                          [](OpBuilder &b, Location l, ValueRange args) -> Value {
                            return arith::MaximumFOp::create(b, l, args[1], args[0]);
                          });
    auto shiftedExp = [](OpBuilder &b, Location l, Value x, Value max) -> Value {
      return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, x, max));
    };
    Value sums = reduce(ValueRange{input, maxima}, {identity, reduced}, 0.0,
                        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                          return arith::AddFOp::create(
                              b, l, args[2], shiftedExp(b, l, args[0], args[1]));
                        });
    rewriter.replaceOp(
        op, mapElements(rewriter, loc, type, ValueRange{input, maxima, sums},
                        {identity, reduced, reduced},
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          linalg::YieldOp::create(
                              b, l,
                              ValueRange{arith::DivFOp::create(
                                  b, l, shiftedExp(b, l, args[0], args[1]),
                                  args[2])});
                        }));
    return success();
  }
};

/// Dropout is the identity at inference.
struct DropoutLowering : OpConversionPattern<DropoutOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

} // namespace

void populateElementwiseLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<ReluLowering, ClipLowering, AddLowering, ScaleLowering,
               BatchNormLowering, LRNLowering, ConcatLowering, FlattenLowering,
               SoftmaxLowering, DropoutLowering>(patterns.getContext());
}

} // namespace mlir::inception
