//===- BufferViews.cpp - Buffers, their views and static layouts ----------===//

#include "passes/Transforms/BufferViews.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::inception {

Value rootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

std::optional<StaticLayout> staticLayout(Value value) {
  auto type = dyn_cast<MemRefType>(value.getType());
  StaticLayout layout;
  if (!type || !type.hasStaticShape() ||
      failed(type.getStridesAndOffset(layout.strides, layout.offset)) ||
      ShapedType::isDynamic(layout.offset) ||
      llvm::any_of(layout.strides, ShapedType::isDynamic))
    return std::nullopt;
  return layout;
}

} // namespace mlir::inception
