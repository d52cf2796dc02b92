//===- ShapeInference.cpp - Output shapes of the Inception ops ------------===//

#include "dialect/ShapeInference.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::inception;

std::string mlir::inception::formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return text;
}

LogicalResult mlir::inception::verifyStaticShape(EmitErrorFn emitError,
                                                 StringRef what,
                                                 ArrayRef<int64_t> shape) {
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d) || d <= 0)
      return emitError() << what << " must have a static shape of positive "
                         << "extents, got " << formatShape(shape);
    if (d > kMaxExtent || elements > kMaxExtent / d)
      return emitError() << what << " of shape " << formatShape(shape)
                         << " has more than " << kMaxExtent << " elements";
    elements *= d;
  }
  return success();
}

LogicalResult mlir::inception::verifyAxis(EmitErrorFn emitError, int64_t axis,
                                          int64_t rank) {
  if (axis < 0 || axis >= rank)
    return emitError() << "axis " << axis << " is out of range for rank "
                       << rank;
  return success();
}

/// Checks the length and the sign of one geometry array.
static LogicalResult checkArray(EmitErrorFn emitError, StringRef name,
                                ArrayRef<int64_t> values, size_t size,
                                int64_t minValue) {
  if (values.size() != size)
    return emitError() << name << " must have " << size << " values, got "
                       << values.size();
  for (int64_t v : values)
    if (v < minValue || v > kMaxExtent)
      return emitError() << name << " values must be in [" << minValue << ", "
                         << kMaxExtent << "], got " << formatShape(values);
  return success();
}

FailureOr<Shape> mlir::inception::inferConv2dShape(
    EmitErrorFn emitError, ArrayRef<int64_t> input, ArrayRef<int64_t> filter,
    std::optional<ArrayRef<int64_t>> bias, const Conv2dGeometry &g) {
  if (failed(verifyStaticShape(emitError, "input", input)) ||
      failed(verifyStaticShape(emitError, "filter", filter)))
    return failure();
  if (input.size() != 4 || filter.size() != 4)
    return emitError() << "input and filter must be 4-D, got input "
                       << formatShape(input) << " and filter "
                       << formatShape(filter);
  if (failed(checkArray(emitError, "strides", g.strides, 2, 1)) ||
      failed(checkArray(emitError, "padding", g.padding, 4, 0)) ||
      failed(checkArray(emitError, "dilations", g.dilations, 2, 1)))
    return failure();
  int64_t inChannels = input[1], outChannels = filter[0];
  if (g.groups < 1 || inChannels % g.groups != 0)
    return emitError() << "groups = " << g.groups
                       << " must be positive and divide the " << inChannels
                       << " input channels";
  if (outChannels % g.groups != 0)
    return emitError() << "groups = " << g.groups << " must divide the "
                       << outChannels << " output channels";
  if (filter[1] * g.groups != inChannels)
    return emitError() << "input has " << inChannels
                       << " channels but the filter expects "
                       << filter[1] * g.groups << " (groups = " << g.groups
                       << ")";
  if (bias && (bias->size() != 1 || (*bias)[0] != outChannels))
    return emitError() << "bias has shape " << formatShape(*bias)
                       << " but the convolution has " << outChannels
                       << " output channels";
  Shape result{input[0], outChannels, 0, 0};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t extent = input[2 + axis] + g.padding[axis] + g.padding[axis + 2];
    int64_t window = g.dilations[axis] * (filter[2 + axis] - 1) + 1;
    if (extent < window)
      return emitError() << "the " << (axis == 0 ? "height" : "width")
                         << " of the padded input (" << extent
                         << ") is smaller than the dilated kernel (" << window
                         << ")";
    result[2 + axis] = (extent - window) / g.strides[axis] + 1;
  }
  return result;
}

FailureOr<Shape> mlir::inception::inferDenseShape(
    EmitErrorFn emitError, ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
    std::optional<ArrayRef<int64_t>> bias) {
  if (failed(verifyStaticShape(emitError, "input", input)) ||
      failed(verifyStaticShape(emitError, "weight", weight)))
    return failure();
  if (input.size() != 2 || weight.size() != 2)
    return emitError() << "input and weight must be 2-D, got input "
                       << formatShape(input) << " and weight "
                       << formatShape(weight);
  if (weight[1] != input[1])
    return emitError() << "input has " << input[1]
                       << " features but the weight expects " << weight[1];
  if (bias && (bias->size() != 1 || (*bias)[0] != weight[0]))
    return emitError() << "bias has shape " << formatShape(*bias)
                       << " but the layer has " << weight[0]
                       << " output features";
  return Shape{input[0], weight[0]};
}

FailureOr<Shape>
mlir::inception::inferBatchNormShape(EmitErrorFn emitError,
                                     ArrayRef<int64_t> input,
                                     ArrayRef<int64_t> paramShape) {
  if (failed(verifyStaticShape(emitError, "input", input)))
    return failure();
  if (input.size() != 4)
    return emitError() << "input must be 4-D, got " << formatShape(input);
  if (paramShape.size() != 1 || paramShape[0] != input[1])
    return emitError() << "input has " << input[1]
                       << " channels but the parameters have shape "
                       << formatShape(paramShape);
  return Shape(input);
}

FailureOr<Shape>
mlir::inception::inferPool2dShape(EmitErrorFn emitError,
                                  ArrayRef<int64_t> input,
                                  const Pool2dGeometry &g) {
  if (failed(verifyStaticShape(emitError, "input", input)))
    return failure();
  if (input.size() != 4)
    return emitError() << "input must be 4-D, got " << formatShape(input);
  if (failed(checkArray(emitError, "kernel", g.kernel, 2, 1)) ||
      failed(checkArray(emitError, "strides", g.strides, 2, 1)) ||
      failed(checkArray(emitError, "padding", g.padding, 4, 0)))
    return failure();
  Shape result{input[0], input[1], 0, 0};
  for (int axis = 0; axis < 2; ++axis) {
    int64_t before = g.padding[axis], after = g.padding[axis + 2];
    // PyTorch's rule: a window may not be mostly padding.
    if (2 * before > g.kernel[axis] || 2 * after > g.kernel[axis])
      return emitError() << "padding " << formatShape(g.padding)
                         << " must be at most half of the kernel "
                         << formatShape(g.kernel);
    int64_t extent = input[2 + axis] + before + after;
    if (extent < g.kernel[axis])
      return emitError() << "the " << (axis == 0 ? "height" : "width")
                         << " of the padded input (" << extent
                         << ") is smaller than the kernel (" << g.kernel[axis]
                         << ")";
    int64_t span = extent - g.kernel[axis], stride = g.strides[axis];
    int64_t size = (g.ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
    // A ceil-mode window must start inside the input or its leading padding.
    if (g.ceilMode && (size - 1) * stride >= input[2 + axis] + before)
      --size;
    result[2 + axis] = size;
  }
  return result;
}

FailureOr<Shape>
mlir::inception::inferGlobalAvgPool2dShape(EmitErrorFn emitError,
                                           ArrayRef<int64_t> input) {
  if (failed(verifyStaticShape(emitError, "input", input)))
    return failure();
  if (input.size() != 4)
    return emitError() << "input must be 4-D, got " << formatShape(input);
  return Shape{input[0], input[1], 1, 1};
}

FailureOr<Shape>
mlir::inception::inferConcatShape(EmitErrorFn emitError,
                                  ArrayRef<ArrayRef<int64_t>> inputs,
                                  int64_t axis) {
  if (inputs.empty())
    return emitError() << "needs at least one input";
  ArrayRef<int64_t> first = inputs.front();
  if (failed(verifyAxis(emitError, axis, first.size())))
    return failure();
  Shape result(first);
  for (auto [index, shape] : llvm::enumerate(inputs)) {
    if (failed(verifyStaticShape(emitError, "input", shape)))
      return failure();
    if (shape.size() != first.size())
      return emitError() << "input " << index << " has shape "
                         << formatShape(shape) << " of a different rank than "
                         << "input 0 " << formatShape(first);
    for (size_t d = 0; d < shape.size(); ++d)
      if (int64_t(d) != axis && shape[d] != first[d])
        return emitError() << "input " << index << " has shape "
                           << formatShape(shape) << " but input 0 has "
                           << formatShape(first)
                           << "; they may differ only on axis " << axis;
    if (index != 0) {
      result[axis] += shape[axis];
      if (result[axis] > kMaxExtent)
        return emitError() << "result extent on axis " << axis
                           << " exceeds " << kMaxExtent;
    }
  }
  return result;
}

FailureOr<Shape>
mlir::inception::inferElementwiseShape(EmitErrorFn emitError,
                                       ArrayRef<int64_t> lhs,
                                       ArrayRef<int64_t> rhs) {
  if (failed(verifyStaticShape(emitError, "lhs", lhs)) ||
      failed(verifyStaticShape(emitError, "rhs", rhs)))
    return failure();
  if (lhs != rhs)
    return emitError() << "operands have different shapes "
                       << formatShape(lhs) << " and " << formatShape(rhs);
  return Shape(lhs);
}

FailureOr<Shape> mlir::inception::inferFlattenShape(EmitErrorFn emitError,
                                                    ArrayRef<int64_t> input) {
  if (failed(verifyStaticShape(emitError, "input", input)))
    return failure();
  if (input.size() < 2)
    return emitError() << "input must have rank 2 or more, got "
                       << formatShape(input);
  int64_t features = 1;
  for (int64_t d : input.drop_front())
    features *= d;
  return Shape{input[0], features};
}
