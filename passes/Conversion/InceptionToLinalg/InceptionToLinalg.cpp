//===- InceptionToLinalg.cpp - The inception-to-linalg conversion pass ----===//
//
// This file holds the pass and the helpers its patterns share; the patterns
// live with their op family (Convolution.cpp, Pooling.cpp, Elementwise.cpp).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/InceptionToLinalg/LoweringUtils.h"
#include "dialect/InceptionDialect.h"
#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::inception {
#define GEN_PASS_DEF_CONVERTINCEPTIONTOLINALG
#include "passes/Passes.h.inc"

Value makeTensor(OpBuilder &b, Location loc, RankedTensorType type,
                 Value value) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  if (!value)
    return empty;
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

Value padTensor(OpBuilder &b, Location loc, Value source,
                ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                Value padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return source;
  RankedTensorType type = tensorTypeOf(source);
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lowValues, highValues;
  for (size_t d = 0; d < shape.size(); ++d) {
    shape[d] += low[d] + high[d];
    lowValues.push_back(b.getIndexAttr(low[d]));
    highValues.push_back(b.getIndexAttr(high[d]));
  }
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, paddedType, source, lowValues,
                               highValues, padValue);
}

Value mapElements(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  BodyBuilder body) {
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(identityMap(b.getContext(), rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(b, loc, TypeRange{resultType}, inputs,
                                   ValueRange{makeTensor(b, loc, resultType)},
                                   maps, iterators, body)
      .getResult(0);
}

namespace {
struct ConvertInceptionToLinalgPass
    : impl::ConvertInceptionToLinalgBase<ConvertInceptionToLinalgPass> {
  using ConvertInceptionToLinalgBase::ConvertInceptionToLinalgBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalDialect<InceptionDialect>();
    // Weights stay what they are: parameters and their transforms are
    // tensors the back half prepares or folds.
    target.addLegalOp<ParameterOp, WeightTransformOp>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(context);
    populateConvolutionLoweringPatterns(patterns);
    populatePoolingLoweringPatterns(patterns);
    populateElementwiseLoweringPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // A model never writes its inputs: bufferization must not reuse the
    // caller's input buffer for an intermediate result.
    Builder builder(context);
    getOperation().walk([&](func::FuncOp function) {
      for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
        function.setArgAttr(i, "bufferization.writable",
                            builder.getBoolAttr(false));
    });
  }
};
} // namespace

} // namespace mlir::inception
