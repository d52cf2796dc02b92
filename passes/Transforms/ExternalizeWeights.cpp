//===- ExternalizeWeights.cpp - Weights from a caller-provided buffer -----===//

#include "passes/Passes.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::inception {
#define GEN_PASS_DEF_EXTERNALIZEWEIGHTS
#include "passes/Passes.h.inc"

namespace {
constexpr int64_t kAlignment = 64;

struct ExternalizeWeightsPass
    : impl::ExternalizeWeightsBase<ExternalizeWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder builder(module.getContext());
    llvm::StringMap<int64_t> offsets; // global name -> byte offset
    SmallVector<Attribute> layout;
    int64_t size = 0;
    for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>())) {
      auto resource = global.getInitialValue()
                          ? dyn_cast<DenseResourceElementsAttr>(*global.getInitialValue())
                          : nullptr;
      MemRefType type = global.getType();
      if (!global.getConstant() || !resource || !type.hasStaticShape() ||
          !type.getLayout().isIdentity())
        continue;
      int64_t bytes =
          type.getNumElements() * int64_t(type.getElementTypeBitWidth() / 8);
      offsets[global.getSymName()] = size;
      layout.push_back(builder.getArrayAttr(
          {builder.getStringAttr(resource.getRawHandle().getKey()),
           builder.getI64IntegerAttr(size), builder.getI64IntegerAttr(bytes)}));
      size = llvm::alignTo(size + bytes, kAlignment);
    }

    auto weightsType = MemRefType::get({size}, builder.getIntegerType(8));
    for (auto function : module.getOps<func::FuncOp>()) {
      if (function.isPrivate() || function.isExternal())
        continue;
      unsigned index = function.getNumArguments();
      if (failed(function.insertArgument(index, weightsType, {}, function.getLoc())))
        return signalPassFailure();
      Value weights = function.getArgument(index);
      function.walk([&](memref::GetGlobalOp get) {
        auto it = offsets.find(get.getName());
        if (it == offsets.end())
          return;
        OpBuilder b(get);
        Value offset = arith::ConstantIndexOp::create(b, get.getLoc(), it->second);
        get.replaceAllUsesWith(memref::ViewOp::create(
            b, get.getLoc(), get.getType(), weights, offset, ValueRange{})
                                   .getResult());
        get.erase();
      });
    }
    for (auto global : llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (offsets.count(global.getSymName()))
        global.erase();
    module->setAttr("inception.weights", builder.getArrayAttr(layout));
    module->setAttr("inception.weights_size", builder.getI64IntegerAttr(size));
  }
};
} // namespace
} // namespace mlir::inception
