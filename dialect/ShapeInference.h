//===- ShapeInference.h - Output shapes of the Inception ops ----*- C++ -*-===//
//
// One implementation of every op's shape rule, shared by the ops' result type
// inference (and so their verifiers) and by the DSL frontend, which checks a
// model before it builds an op so that errors point at the model's source.
// Each function reports the first problem through `emitError` and fails.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_DIALECT_SHAPEINFERENCE_H
#define INCEPTION_DIALECT_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace mlir::inception {

using Shape = SmallVector<int64_t, 4>;
using EmitErrorFn = function_ref<InFlightDiagnostic()>;

/// The largest extent accepted on any axis, and for any element count: keeps
/// every size computation far from int64 overflow.
constexpr int64_t kMaxExtent = int64_t(1) << 40;

struct Conv2dGeometry {
  ArrayRef<int64_t> strides;   // [h, w]
  ArrayRef<int64_t> padding;   // [top, left, bottom, right]
  ArrayRef<int64_t> dilations; // [h, w]
  int64_t groups = 1;
};

struct Pool2dGeometry {
  ArrayRef<int64_t> kernel;  // [h, w]
  ArrayRef<int64_t> strides; // [h, w]
  ArrayRef<int64_t> padding; // [top, left, bottom, right]
  bool ceilMode = false;
};

FailureOr<Shape> inferConv2dShape(EmitErrorFn emitError,
                                  ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> filter,
                                  std::optional<ArrayRef<int64_t>> bias,
                                  const Conv2dGeometry &geometry);
FailureOr<Shape> inferDenseShape(EmitErrorFn emitError,
                                 ArrayRef<int64_t> input,
                                 ArrayRef<int64_t> weight,
                                 std::optional<ArrayRef<int64_t>> bias);
/// `params` are the shapes of scale, offset, mean and variance.
FailureOr<Shape> inferBatchNormShape(EmitErrorFn emitError,
                                     ArrayRef<int64_t> input,
                                     ArrayRef<int64_t> paramShape);
FailureOr<Shape> inferPool2dShape(EmitErrorFn emitError,
                                  ArrayRef<int64_t> input,
                                  const Pool2dGeometry &geometry);
FailureOr<Shape> inferGlobalAvgPool2dShape(EmitErrorFn emitError,
                                           ArrayRef<int64_t> input);
FailureOr<Shape> inferConcatShape(EmitErrorFn emitError,
                                  ArrayRef<ArrayRef<int64_t>> inputs,
                                  int64_t axis);
FailureOr<Shape> inferElementwiseShape(EmitErrorFn emitError,
                                       ArrayRef<int64_t> lhs,
                                       ArrayRef<int64_t> rhs);
FailureOr<Shape> inferFlattenShape(EmitErrorFn emitError,
                                   ArrayRef<int64_t> input);
/// Checks that every extent is static and positive (a model's tensors).
LogicalResult verifyStaticShape(EmitErrorFn emitError, StringRef what,
                                ArrayRef<int64_t> shape);
/// Checks that `axis` indexes a tensor of rank `rank`.
LogicalResult verifyAxis(EmitErrorFn emitError, int64_t axis, int64_t rank);

/// Prints a shape as `[1, 3, 224, 224]`, the form every diagnostic uses.
std::string formatShape(ArrayRef<int64_t> shape);

} // namespace mlir::inception

#endif // INCEPTION_DIALECT_SHAPEINFERENCE_H
