//===- WeightConstants.h - Reading and making f32 weight constants -*- C++ -*-===//
//
// The passes that rewrite weights (fold-batch-norm, fuse-branches,
// microkernels) read constants, dense literals or resource blobs alike, and
// make new resource blobs at compile time.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_DIALECT_WEIGHTCONSTANTS_H
#define INCEPTION_DIALECT_WEIGHTCONSTANTS_H

#include "mlir/IR/Builders.h"
#include <optional>
#include <string>
#include <vector>

namespace mlir::inception {

/// On a module whose weights bind at load: every parameter key the model
/// file declares, in order (an array of strings).
constexpr llvm::StringLiteral kParameterKeysAttr = "inception.parameter_keys";

/// Whether `op` has no memory effects and its regions read nothing defined
/// outside them: it computes from its operands alone.
bool computesFromOperandsAlone(Operation *op);

/// Whether `value` is computed from weights alone: constants and
/// inception.parameter ops, through ops free of memory effects whose
/// regions read nothing from outside.
bool isWeight(Value value);

/// Whether `value` is an f32 constant whose data is available (resource
/// blobs elided when a module was printed are not). Copies nothing.
bool hasF32Data(Value value);

/// The elements of an f32 constant, or nothing when hasF32Data is false.
std::optional<std::vector<float>> readF32Constant(Value value);

/// The elements of an f32 elements attribute (dense literal or resource
/// blob, the initial value of a memref.global say), or nothing when it is
/// not one or its data is not available.
std::optional<std::vector<float>> readF32Elements(Attribute value);

/// The resource key of a constant, to name what is derived from it;
/// `fallback` for other values.
std::string constantName(Value value, StringRef fallback);

/// `values` shaped `shape`, held in a new resource blob named after `name`
/// (the blob manager makes the name unique): the initial value of a
/// constant or a global.
DenseResourceElementsAttr f32ResourceElements(ArrayRef<int64_t> shape,
                                              StringRef name,
                                              ArrayRef<float> values,
                                              MLIRContext *context);

/// An arith.constant of f32ResourceElements.
Value createF32Constant(OpBuilder &builder, Location loc,
                        ArrayRef<int64_t> shape, StringRef name,
                        ArrayRef<float> values);

/// An inception.weight_transform running `transform` on `inputs` into a
/// tensor of `shape` with `params`: its result, or, on constants with data,
/// the constant it folds to (the same C function, run now).
Value createWeightTransform(OpBuilder &builder, Location loc,
                            StringRef transform, ValueRange inputs,
                            ArrayRef<int64_t> shape,
                            ArrayRef<NamedAttribute> params);

/// Moves what computes `weight` (an isWeight value) in `point`'s block and
/// does not come before `point` to just before it, in order: a weight may
/// then be read at `point`. Weights read nothing else, so they can move.
void moveWeightBefore(Value weight, Operation *point);

/// An f32 constant of zeros, shaped `shape`.
Value createF32Zeros(OpBuilder &builder, Location loc, ArrayRef<int64_t> shape);

} // namespace mlir::inception

#endif // INCEPTION_DIALECT_WEIGHTCONSTANTS_H
