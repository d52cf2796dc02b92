//===- WeightConstants.cpp - Reading and making f32 weight constants ------===//

#include "dialect/WeightConstants.h"
#include "dialect/InceptionOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include <cstring>

namespace mlir::inception {

/// `value` when it is elements of f32 data that can be read.
static ElementsAttr readableF32(Attribute value) {
  auto attr = dyn_cast_or_null<ElementsAttr>(value);
  if (!attr || !attr.getElementType().isF32())
    return {};
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return int64_t(resource.getData().size()) ==
                   attr.getNumElements() * int64_t(sizeof(float))
               ? attr
               : ElementsAttr();
  return isa<DenseElementsAttr>(attr) ? attr : ElementsAttr();
}

/// The constant's attribute when it holds f32 data that can be read.
static ElementsAttr f32Attr(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return {};
  return readableF32(attr);
}

bool hasF32Data(Value value) { return bool(f32Attr(value)); }

bool computesFromOperandsAlone(Operation *op) {
  if (!isMemoryEffectFree(op))
    return false;
  for (Region &region : op->getRegions()) {
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(region, captured);
    if (!captured.empty())
      return false;
  }
  return true;
}

bool isWeight(Value value) {
  // A worklist, not recursion: activations reach the input through DAGs
  // (residual adds) with exponentially many paths.
  SmallVector<Value> worklist = {value};
  llvm::DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value next = worklist.pop_back_val();
    if (!seen.insert(next).second)
      continue;
    Operation *op = next.getDefiningOp();
    if (!op)
      return false;
    if (isa<ParameterOp>(op) || matchPattern(next, m_Constant()))
      continue;
    if (!computesFromOperandsAlone(op))
      return false;
    llvm::append_range(worklist, op->getOperands());
  }
  return true;
}

std::optional<std::vector<float>> readF32Constant(Value value) {
  return readF32Elements(f32Attr(value));
}

std::optional<std::vector<float>> readF32Elements(Attribute value) {
  ElementsAttr attr = readableF32(value);
  if (!attr)
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    ArrayRef<char> bytes = resource.getData();
    std::vector<float> values(attr.getNumElements());
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
  }
  auto dense = cast<DenseElementsAttr>(attr);
  return std::vector<float>(dense.getValues<float>().begin(),
                            dense.getValues<float>().end());
}

std::string constantName(Value value, StringRef fallback) {
  ElementsAttr attr;
  if (value && matchPattern(value, m_Constant(&attr)))
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
      return resource.getRawHandle().getKey().str();
  return fallback.str();
}

DenseResourceElementsAttr f32ResourceElements(ArrayRef<int64_t> shape,
                                              StringRef name,
                                              ArrayRef<float> values,
                                              MLIRContext *context) {
  auto type = RankedTensorType::get(shape, Float32Type::get(context));
  return DenseF32ResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(values,
                                                     /*dataIsMutable=*/false));
}

Value createF32Constant(OpBuilder &builder, Location loc,
                        ArrayRef<int64_t> shape, StringRef name,
                        ArrayRef<float> values) {
  return arith::ConstantOp::create(
      builder, loc,
      cast<TypedAttr>(f32ResourceElements(shape, name, values,
                                          builder.getContext())));
}

Value createWeightTransform(OpBuilder &builder, Location loc,
                            StringRef transform, ValueRange inputs,
                            ArrayRef<int64_t> shape,
                            ArrayRef<NamedAttribute> params) {
  Value init =
      tensor::EmptyOp::create(builder, loc, shape, builder.getF32Type());
  SmallVector<Value, 1> results;
  builder.createOrFold<WeightTransformOp>(
      results, loc, TypeRange{init.getType()},
      builder.getStringAttr(transform), inputs, init,
      builder.getDictionaryAttr(params));
  // Folded, the destination is dead. A rewriter's driver erases it; a
  // plain builder's caller would leave it in the IR.
  if (init.use_empty() && !builder.getListener())
    init.getDefiningOp()->erase();
  return results.front();
}

void moveWeightBefore(Value weight, Operation *point) {
  Block *block = point->getBlock();
  llvm::SetVector<Operation *> later;
  SmallVector<Value> worklist = {weight};
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || def->getBlock() != block || def->isBeforeInBlock(point) ||
        def == point || !later.insert(def))
      continue;
    llvm::append_range(worklist, def->getOperands());
  }
  SmallVector<Operation *> ordered(later.begin(), later.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  for (Operation *op : ordered)
    op->moveBefore(point);
}

Value createF32Zeros(OpBuilder &builder, Location loc,
                     ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  return arith::ConstantOp::create(builder, loc,
                                   DenseElementsAttr::get(type, 0.0f));
}

} // namespace mlir::inception
