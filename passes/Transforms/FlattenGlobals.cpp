//===- FlattenGlobals.cpp - Constant buffers as one-dimensional globals ---===//

#include "passes/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir::inception {
#define GEN_PASS_DEF_FLATTENGLOBALS
#include "passes/Passes.h.inc"

namespace {

/// The same elements with a one-dimensional type, or null if unsupported.
Attribute flattenInitialValue(Attribute value, RankedTensorType flatType) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    return DenseResourceElementsAttr::get(flatType, resource.getRawHandle());
  if (auto dense = dyn_cast<DenseElementsAttr>(value))
    return dense.reshape(flatType);
  return {};
}

struct FlattenGlobalsPass : impl::FlattenGlobalsBase<FlattenGlobalsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<MemRefType> flattened; // global name -> original type
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      if (!global.getConstant() || type.getRank() < 2 ||
          !type.hasStaticShape() || !type.getLayout().isIdentity() ||
          !global.getInitialValue())
        continue;
      auto flatTensor = RankedTensorType::get({type.getNumElements()},
                                              type.getElementType());
      Attribute flatValue =
          flattenInitialValue(*global.getInitialValue(), flatTensor);
      if (!flatValue)
        continue;
      global.setType(MemRefType::get({type.getNumElements()},
                                     type.getElementType(), nullptr,
                                     type.getMemorySpace()));
      global.setInitialValueAttr(flatValue);
      flattened[global.getSymName()] = type;
    }
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getName());
      if (it == flattened.end())
        return;
      MemRefType original = it->second;
      OpBuilder builder(get);
      auto flat = memref::GetGlobalOp::create(
          builder, get.getLoc(),
          MemRefType::get({original.getNumElements()},
                          original.getElementType(), nullptr,
                          original.getMemorySpace()),
          get.getName());
      ReassociationIndices all;
      for (int64_t d = 0; d < original.getRank(); ++d)
        all.push_back(d);
      Value shaped = memref::ExpandShapeOp::create(
          builder, get.getLoc(), original, flat,
          ArrayRef<ReassociationIndices>{all});
      get.replaceAllUsesWith(shaped);
      get.erase();
    });
  }
};

} // namespace
} // namespace mlir::inception
