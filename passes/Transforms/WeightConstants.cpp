//===- WeightConstants.cpp - Reading and making f32 weight constants ------===//

#include "passes/Transforms/WeightConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

} // namespace mlir::inception
