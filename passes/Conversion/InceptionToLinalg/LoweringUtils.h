//===- LoweringUtils.h - Building blocks of the linalg lowering -*- C++ -*-===//

#ifndef INCEPTION_PASSES_CONVERSION_LOWERINGUTILS_H
#define INCEPTION_PASSES_CONVERSION_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::inception {

using BodyBuilder = function_ref<void(OpBuilder &, Location, ValueRange)>;

inline RankedTensorType tensorTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

inline Value floatConstant(OpBuilder &b, Location loc, Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

/// An uninitialized tensor of `type`, filled with `value` if given.
Value makeTensor(OpBuilder &b, Location loc, RankedTensorType type,
                 Value value = Value());

/// `source` padded by `low` and `high` per dimension with `padValue`; the
/// source itself when there is no padding.
Value padTensor(OpBuilder &b, Location loc, Value source,
                ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                Value padValue);

/// A linalg.generic of `rank` parallel loops over `inputs` (indexed by
/// `inputMaps`) writing a fresh tensor of `resultType`.
Value mapElements(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  BodyBuilder body);

/// The identity map of `rank` dimensions.
inline AffineMap identityMap(MLIRContext *context, unsigned rank) {
  return AffineMap::getMultiDimIdentityMap(rank, context);
}

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CONVERSION_LOWERINGUTILS_H
