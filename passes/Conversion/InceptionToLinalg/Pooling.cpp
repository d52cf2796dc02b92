//===- Pooling.cpp - Lower the pooling ops to linalg ----------------------===//

#include "passes/Conversion/InceptionToLinalg/LoweringUtils.h"
#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"
#include <limits>

namespace mlir::inception {
namespace {

/// The trailing padding a pooling window reads: the op's own padding, or
/// more where ceil_mode lets the last window run past it.
int64_t trailingPad(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                    int64_t before, int64_t after) {
  int64_t needed = (out - 1) * stride + kernel;
  return std::max(after, needed - in - before);
}

/// Reduces every kernel window of the padded NCHW `input` into `init` with
/// `combine`: a generic over (n, c, kh, kw, oh, ow) whose window extents
/// come from an unused [kh, kw] operand, as linalg's pooling ops do. The
/// output row is innermost, so the loop LLVM vectorizes runs along rows of
/// the input and output instead of across a window of a few elements.
Value reduceWindows(OpBuilder &b, Location loc, Value input, Value init,
                    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                    ArrayRef<int64_t> padding, ArrayRef<int64_t> inputSize,
                    StringRef kind,
                    function_ref<Value(OpBuilder &, Location, Value, Value)>
                        combine) {
  MLIRContext *ctx = b.getContext();
  AffineExpr n, c, kh, kw, oh, ow;
  bindDims(ctx, n, c, kh, kw, oh, ow);
  Type elementType = tensorTypeOf(input).getElementType();
  Value window = tensor::EmptyOp::create(b, loc, kernel, elementType);
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0,
                     {n, c, oh * strides[0] + kh, ow * strides[1] + kw}, ctx),
      AffineMap::get(6, 0, {kh, kw}, ctx),
      AffineMap::get(6, 0, {n, c, oh, ow}, ctx)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel,  IteratorType::parallel, IteratorType::reduction,
      IteratorType::reduction, IteratorType::parallel, IteratorType::parallel};
  auto reduction = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input, window},
      ValueRange{init}, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, ValueRange{combine(nb, nloc, args[2], args[0])});
      });
  // What a microkernel needs to pool the unpadded input itself.
  reduction->setAttr(
      kPoolAttr,
      b.getDictionaryAttr({b.getNamedAttr("kind", b.getStringAttr(kind)),
                           b.getNamedAttr("strides", b.getDenseI64ArrayAttr(strides)),
                           b.getNamedAttr("padding", b.getDenseI64ArrayAttr(padding)),
                           b.getNamedAttr("input_size", b.getDenseI64ArrayAttr(inputSize))}));
  return reduction.getResult(0);
}

/// Pads `input` for a pooling op whose result is `resultType`.
template <typename PoolOp>
Value padForPooling(OpBuilder &b, Location loc, PoolOp op, Value input,
                    Value padValue) {
  ArrayRef<int64_t> in = tensorTypeOf(input).getShape();
  ArrayRef<int64_t> out = op.getType().getShape();
  ArrayRef<int64_t> kernel = op.getKernelSize(), strides = op.getStrides(),
                    padding = op.getPadding();
  int64_t bottom = trailingPad(in[2], out[2], kernel[0], strides[0],
                               padding[0], padding[2]);
  int64_t right = trailingPad(in[3], out[3], kernel[1], strides[1],
                              padding[1], padding[3]);
  return padTensor(b, loc, input, {0, 0, padding[0], padding[1]},
                   {0, 0, bottom, right}, padValue);
}

struct MaxPool2DLowering : OpConversionPattern<MaxPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type elementType = op.getType().getElementType();
    // Padding never wins, as in PyTorch.
    Value lowest = floatConstant(rewriter, loc, elementType,
                                 -std::numeric_limits<double>::infinity());
    Value input = padForPooling(rewriter, loc, op, adaptor.getInput(), lowest);
    Value init = makeTensor(rewriter, loc, op.getType(), lowest);
    rewriter.replaceOp(
        op, reduceWindows(rewriter, loc, input, init, op.getKernelSize(),
                          op.getStrides(), op.getPadding(),
                          tensorTypeOf(adaptor.getInput()).getShape().drop_front(2),
                          "max",
                          [](OpBuilder &b, Location l, Value acc, Value x) {
                            return arith::MaximumFOp::create(b, l, acc, x);
                          }));
    return success();
  }
};

/// PyTorch's divisor of each output position of avg_pool2d: the window
/// clipped to the padded input with count_include_pad (so positions that
/// ceil_mode adds past the padding never count), else to the input.
std::vector<float> averageDivisors(AvgPool2DOp op, ArrayRef<int64_t> in) {
  ArrayRef<int64_t> out = op.getType().getShape();
  ArrayRef<int64_t> kernel = op.getKernelSize(), strides = op.getStrides(),
                    padding = op.getPadding();
  auto extent = [&](int axis, int64_t index) {
    int64_t start = index * strides[axis] - padding[axis];
    int64_t end = std::min(start + kernel[axis], in[2 + axis] + padding[axis + 2]);
    if (op.getCountIncludePad())
      return end - start;
    return std::min(end, in[2 + axis]) - std::max<int64_t>(start, 0);
  };
  std::vector<float> divisors;
  divisors.reserve(out[2] * out[3]);
  for (int64_t oh = 0; oh < out[2]; ++oh)
    for (int64_t ow = 0; ow < out[3]; ++ow)
      divisors.push_back(float(extent(0, oh) * extent(1, ow)));
  return divisors;
}

struct AvgPool2DLowering : OpConversionPattern<AvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Type elementType = resultType.getElementType();
    if (!elementType.isF32())
      return rewriter.notifyMatchFailure(op, "only f32 average pooling");
    Value zero = floatConstant(rewriter, loc, elementType, 0.0);
    ArrayRef<int64_t> in = tensorTypeOf(adaptor.getInput()).getShape();
    Value input = padForPooling(rewriter, loc, op, adaptor.getInput(), zero);
    Value sums = reduceWindows(
        rewriter, loc, input, makeTensor(rewriter, loc, resultType, zero),
        op.getKernelSize(), op.getStrides(), op.getPadding(), in.drop_front(2),
        "sum",
        [](OpBuilder &b, Location l, Value acc, Value x) {
          return arith::AddFOp::create(b, l, acc, x);
        });
    // The divisors are a compile-time table over the output plane.
    ArrayRef<int64_t> out = resultType.getShape();
    auto tableType = RankedTensorType::get({out[2], out[3]}, elementType);
    Value table = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(tableType,
                               ArrayRef<float>(averageDivisors(op, in))));
    MLIRContext *ctx = rewriter.getContext();
    AffineMap planeMap = AffineMap::get(
        4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    rewriter.replaceOp(
        op, mapElements(rewriter, loc, resultType, ValueRange{sums, table},
                        {identityMap(ctx, 4), planeMap},
                        [](OpBuilder &b, Location l, ValueRange args) {
                          linalg::YieldOp::create(
                              b, l,
                              ValueRange{arith::DivFOp::create(b, l, args[0],
                                                               args[1])});
                        }));
    return success();
  }
};

/// The mean over H and W: a [N, C] sum, a division, and a reshape to
/// [N, C, 1, 1].
struct GlobalAvgPool2DLowering : OpConversionPattern<GlobalAvgPool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GlobalAvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    ArrayRef<int64_t> in = tensorTypeOf(adaptor.getInput()).getShape();
    Type elementType = op.getType().getElementType();
    auto sumType = RankedTensorType::get({in[0], in[1]}, elementType);
    Value zero = floatConstant(rewriter, loc, elementType, 0.0);
    AffineExpr n, c, h, w;
    bindDims(ctx, n, c, h, w);
    using utils::IteratorType;
    Value sums =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{sumType}, ValueRange{adaptor.getInput()},
            ValueRange{makeTensor(rewriter, loc, sumType, zero)},
            ArrayRef<AffineMap>{identityMap(ctx, 4),
                                AffineMap::get(4, 0, {n, c}, ctx)},
            ArrayRef<IteratorType>{IteratorType::parallel,
                                   IteratorType::parallel,
                                   IteratorType::reduction,
                                   IteratorType::reduction},
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, args[1], args[0])});
            })
            .getResult(0);
    Value count = floatConstant(rewriter, loc, elementType, double(in[2] * in[3]));
    Value means = mapElements(
        rewriter, loc, sumType, sums, identityMap(ctx, 2),
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, ValueRange{arith::DivFOp::create(b, l, args[0], count)});
        });
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, op.getType(), means,
        ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
    return success();
  }
};

} // namespace

void populatePoolingLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPool2DLowering, AvgPool2DLowering, GlobalAvgPool2DLowering>(
      patterns.getContext());
}

} // namespace mlir::inception
