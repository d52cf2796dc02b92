//===- ModelWeights.cpp - The parameters a module holds -------------------===//

#include "compiler/ModelWeights.h"
#include "dialect/InceptionOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace inception {

FailureOr<std::vector<TensorToWrite>> collectWeights(ModuleOp module) {
  std::vector<TensorToWrite> tensors;
  WalkResult result = module.walk([&](arith::ConstantOp constant) {
    auto attr = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
    if (!attr)
      return WalkResult::advance();
    StringRef key = attr.getRawHandle().getKey();
    const AsmResourceBlob *blob = attr.getRawHandle().getBlob();
    if (!blob) {
      constant.emitError() << "weight '" << key << "' has no data";
      return WalkResult::interrupt();
    }
    if (!attr.getType().getElementType().isF32()) {
      constant.emitError() << "weight '" << key << "' is not f32";
      return WalkResult::interrupt();
    }
    ArrayRef<int64_t> shape = attr.getType().getShape();
    tensors.push_back({key.str(), DType::F32,
                       std::vector<int64_t>(shape.begin(), shape.end()),
                       blob->getData()});
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  // A model whose weights bind at load has none to write: an empty file
  // would pass for a model without parameters.
  WalkResult atLoad = module.walk([&](mlir::inception::ParameterOp parameter) {
    parameter.emitError() << "--emit=weights: weight '" << parameter.getKey()
                          << "' binds at load (--weights-at-load); there is "
                             "no data to write";
    return WalkResult::interrupt();
  });
  if (atLoad.wasInterrupted())
    return failure();
  return tensors;
}

} // namespace inception
