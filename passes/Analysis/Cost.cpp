//===- Cost.cpp - MACs and bytes of the Inception ops ---------------------===//

#include "passes/Analysis/Cost.h"
#include "dialect/InceptionOps.h"

namespace mlir::inception {

static int64_t tensorBytes(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return 0;
  return tensor.getNumElements() *
         int64_t((tensor.getElementTypeBitWidth() + 7) / 8);
}

OpCost computeCost(Operation *op) {
  OpCost cost;
  if (!isa<InceptionDialect>(op->getDialect()))
    return cost;
  for (Value operand : op->getOperands())
    cost.bytesRead += tensorBytes(operand.getType());
  for (Value result : op->getResults())
    cost.bytesWritten += tensorBytes(result.getType());
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    // Each output element sums (C_in / groups) * KH * KW products.
    auto filter = cast<RankedTensorType>(conv.getFilter().getType());
    int64_t perOutput = filter.getDimSize(1) * filter.getDimSize(2) *
                        filter.getDimSize(3);
    cost.macs = conv.getType().getNumElements() * perOutput;
  } else if (auto dense = dyn_cast<DenseOp>(op)) {
    auto weight = cast<RankedTensorType>(dense.getWeight().getType());
    cost.macs = dense.getType().getNumElements() * weight.getDimSize(1);
  }
  return cost;
}

OpCost computeTotalCost(Operation *root) {
  OpCost total;
  root->walk([&](Operation *op) { total += computeCost(op); });
  return total;
}

} // namespace mlir::inception
