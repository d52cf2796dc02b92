//===- InceptionOps.cpp - Type inference and verifiers --------------------===//
//
// Result types come from the shape rules in ShapeInference.cpp; the verifiers
// here check what those rules do not see: element types and attribute values.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"

#include <cmath>

using namespace mlir;
using namespace mlir::inception;

namespace {
/// Reports errors from result type inference the way op verifiers do, and
/// stays silent when no location is given (a speculative query).
struct InferenceErrors {
  std::optional<Location> location;
  StringRef opName;

  InFlightDiagnostic operator()() const {
    if (!location)
      return InFlightDiagnostic();
    return mlir::emitError(*location) << "'" << opName << "' op ";
  }
};
} // namespace

static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}

static Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}

/// Every operand of an Inception op shares one element type.
static FailureOr<Type> commonElementType(const InferenceErrors &emitError,
                                         ValueRange operands) {
  Type elementType = elementTypeOf(operands.front());
  for (Value operand : operands.drop_front())
    if (elementTypeOf(operand) != elementType)
      return emitError() << "operands mix element types " << elementType
                         << " and " << elementTypeOf(operand);
  return elementType;
}

static LogicalResult
pushResult(const InferenceErrors &emitError, ValueRange operands,
           FailureOr<Shape> shape, SmallVectorImpl<Type> &inferredReturnTypes) {
  if (failed(shape) || failed(verifyStaticShape(emitError, "result", *shape)))
    return failure();
  FailureOr<Type> elementType = commonElementType(emitError, operands);
  if (failed(elementType))
    return failure();
  inferredReturnTypes.push_back(RankedTensorType::get(*shape, *elementType));
  return success();
}

static std::optional<ArrayRef<int64_t>> optionalShape(Value value) {
  if (!value)
    return std::nullopt;
  return shapeOf(value);
}

//===----------------------------------------------------------------------===//
// Convolution and dense layers
//===----------------------------------------------------------------------===//

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  Conv2dGeometry geometry{adaptor.getStrides(), adaptor.getPadding(),
                          adaptor.getDilations(),
                          static_cast<int64_t>(adaptor.getGroups())};
  FailureOr<Shape> shape =
      inferConv2dShape(emitError, shapeOf(adaptor.getInput()),
                       shapeOf(adaptor.getFilter()),
                       optionalShape(adaptor.getBias()), geometry);
  if (succeeded(shape) && adaptor.getResidual() &&
      shapeOf(adaptor.getResidual()) != ArrayRef<int64_t>(*shape))
    return emitError() << "residual of shape "
                       << formatShape(shapeOf(adaptor.getResidual()))
                       << " does not match the result shape "
                       << formatShape(*shape);
  return pushResult(emitError, adaptor.getOperands(), shape, types);
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  return pushResult(emitError, adaptor.getOperands(),
                    inferDenseShape(emitError, shapeOf(adaptor.getInput()),
                                    shapeOf(adaptor.getWeight()),
                                    optionalShape(adaptor.getBias())),
                    types);
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  return pushResult(emitError, adaptor.getOperands(),
                    inferBatchNormShape(emitError, shapeOf(adaptor.getInput()),
                                        shapeOf(adaptor.getScale())),
                    types);
}

LogicalResult BatchNormOp::verify() {
  double epsilon = getEpsilon().convertToDouble();
  if (!(epsilon > 0.0) || !std::isfinite(epsilon))
    return emitOpError() << "epsilon must be positive and finite, got "
                         << epsilon;
  return success();
}

LogicalResult LRNOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  ArrayRef<int64_t> input = shapeOf(adaptor.getInput());
  if (failed(verifyStaticShape(emitError, "input", input)))
    return failure();
  return pushResult(emitError, adaptor.getOperands(), Shape(input), types);
}

LogicalResult LRNOp::verify() {
  if (getSize() < 1)
    return emitOpError() << "size must be positive, got " << getSize();
  double k = getK().convertToDouble(), alpha = getAlpha().convertToDouble(),
         beta = getBeta().convertToDouble();
  if (!std::isfinite(alpha) || !std::isfinite(beta) || !std::isfinite(k))
    return emitOpError() << "alpha, beta and k must be finite";
  if (!(k > 0.0) || alpha < 0.0)
    return emitOpError() << "k must be positive and alpha non-negative, got k = "
                         << k << ", alpha = " << alpha;
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename PoolOp>
static LogicalResult inferPoolTypes(std::optional<Location> loc,
                                    typename PoolOp::Adaptor adaptor,
                                    SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, PoolOp::getOperationName()};
  Pool2dGeometry geometry{adaptor.getKernelSize(), adaptor.getStrides(),
                          adaptor.getPadding(), adaptor.getCeilMode()};
  return pushResult(
      emitError, adaptor.getOperands(),
      inferPool2dShape(emitError, shapeOf(adaptor.getInput()), geometry),
      types);
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  return inferPoolTypes<MaxPool2DOp>(loc, adaptor, types);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  return inferPoolTypes<AvgPool2DOp>(loc, adaptor, types);
}

LogicalResult GlobalAvgPool2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  return pushResult(
      emitError, adaptor.getOperands(),
      inferGlobalAvgPool2dShape(emitError, shapeOf(adaptor.getInput())), types);
}

//===----------------------------------------------------------------------===//
// Elementwise and structural ops
//===----------------------------------------------------------------------===//

/// Ops whose result has the type of their (first) operand.
template <typename OpTy>
static LogicalResult inferSameShape(std::optional<Location> loc, Value input,
                                    ValueRange operands,
                                    SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, OpTy::getOperationName()};
  ArrayRef<int64_t> shape = shapeOf(input);
  if (failed(verifyStaticShape(emitError, "input", shape)))
    return failure();
  return pushResult(emitError, operands, Shape(shape), types);
}

LogicalResult ReluOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  return inferSameShape<ReluOp>(loc, adaptor.getInput(), adaptor.getOperands(),
                                types);
}

LogicalResult ClipOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  return inferSameShape<ClipOp>(loc, adaptor.getInput(), adaptor.getOperands(),
                                types);
}

LogicalResult ClipOp::verify() {
  std::optional<double> low, high;
  if (getMinAttr())
    low = getMinAttr().getValueAsDouble();
  if (getMaxAttr())
    high = getMaxAttr().getValueAsDouble();
  if (!low && !high)
    return emitOpError() << "needs a min, a max or both";
  if ((low && !std::isfinite(*low)) || (high && !std::isfinite(*high)))
    return emitOpError() << "bounds must be finite (leave one out for none)";
  if (low && high && *low > *high)
    return emitOpError() << "min " << *low << " is greater than max " << *high;
  return success();
}

LogicalResult AddOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  return pushResult(emitError, adaptor.getOperands(),
                    inferElementwiseShape(emitError, shapeOf(adaptor.getLhs()),
                                          shapeOf(adaptor.getRhs())),
                    types);
}

LogicalResult ScaleOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  return inferSameShape<ScaleOp>(loc, adaptor.getInput(), adaptor.getOperands(),
                                 types);
}

LogicalResult ScaleOp::verify() {
  if (!std::isfinite(getFactor().convertToDouble()))
    return emitOpError() << "factor must be finite";
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  if (adaptor.getInputs().empty())
    return emitError() << "needs at least one input";
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : adaptor.getInputs())
    shapes.push_back(shapeOf(input));
  return pushResult(emitError, adaptor.getOperands(),
                    inferConcatShape(emitError, shapes, adaptor.getAxis()),
                    types);
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  return pushResult(emitError, adaptor.getOperands(),
                    inferFlattenShape(emitError, shapeOf(adaptor.getInput())),
                    types);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  InferenceErrors emitError{loc, getOperationName()};
  if (failed(verifyAxis(emitError, adaptor.getAxis(),
                        shapeOf(adaptor.getInput()).size())))
    return failure();
  return inferSameShape<SoftmaxOp>(loc, adaptor.getInput(),
                                   adaptor.getOperands(), types);
}

LogicalResult DropoutOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferSameShape<DropoutOp>(loc, adaptor.getInput(),
                                   adaptor.getOperands(), types);
}

LogicalResult DropoutOp::verify() {
  double ratio = getRatio().convertToDouble();
  if (!(ratio >= 0.0 && ratio < 1.0))
    return emitOpError() << "ratio must be in [0, 1), got " << ratio;
  return success();
}

#define GET_OP_CLASSES
#include "dialect/InceptionOps.cpp.inc"
