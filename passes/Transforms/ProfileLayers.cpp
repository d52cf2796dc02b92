//===- ProfileLayers.cpp - Per-layer timing marks -------------------------===//

#include "passes/Passes.h"
#include "passes/Statistics.h"
#include "passes/Codegen/CPU/VectorKernels.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::inception {
#define GEN_PASS_DEF_PROFILELAYERS
#include "passes/Passes.h.inc"

std::string layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location part : fused.getLocations())
      if (std::string path = layerName(part); !path.empty())
        return path;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return layerName(callSite.getCallee());
  return "";
}

namespace {

constexpr llvm::StringLiteral kProfileHook = "inception_profile_layer";

/// Ops whose time a profile attributes to a layer: everything that runs
/// after outlining, as opposed to the views and constants that feed it.
bool doesWork(Operation *op) {
  if (auto call = dyn_cast<func::CallOp>(op))
    return call.getCallee() != kProfileHook;
  return isa<memref::CopyOp, linalg::LinalgOp, scf::ForOp, scf::ParallelOp>(op);
}

struct ProfileLayersPass : impl::ProfileLayersBase<ProfileLayersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<Attribute> names, backends;
    llvm::StringMap<int64_t> layers;
    func::FuncOp hook;
    uint64_t marks = 0;
    for (func::FuncOp function :
         llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (function.isPrivate() || function.isExternal() || isVectorKernel(function))
        continue;
      int64_t current = -1;
      for (Operation &op : llvm::make_early_inc_range(function.front())) {
        int64_t layer = -1;
        if (op.hasTrait<OpTrait::IsTerminator>()) {
          if (current == -1)
            continue;
        } else if (doesWork(&op)) {
          std::string name = layerName(op.getLoc());
          if (name.empty())
            name = op.getName().getStringRef().str();
          auto [it, inserted] = layers.try_emplace(name, int64_t(names.size()));
          if (inserted) {
            names.push_back(StringAttr::get(&getContext(), name));
            backends.push_back(StringAttr::get(&getContext(), "cpu"));
          }
          layer = it->second;
          if (auto backend = op.getAttrOfType<StringAttr>(kBackendAttr))
            backends[layer] = backend;
          if (layer == current)
            continue;
        } else {
          continue;
        }
        if (!hook)
          hook = declareHook(module, symbols);
        OpBuilder builder(&op);
        Value id = arith::ConstantIntOp::create(builder, op.getLoc(), layer, 64);
        func::CallOp::create(builder, op.getLoc(), hook, ValueRange{id});
        current = layer;
        ++marks;
      }
    }
    module->setAttr(kProfileLayersAttr, ArrayAttr::get(&getContext(), names));
    module->setAttr(kProfileBackendsAttr,
                    ArrayAttr::get(&getContext(), backends));
    recordStatistic(*this, numLayers, "layers", names.size());
    recordStatistic(*this, numMarks, "marks", marks);
  }

  func::FuncOp declareHook(ModuleOp module, SymbolTable &symbols) {
    if (auto existing = symbols.lookup<func::FuncOp>(kProfileHook))
      return existing;
    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToStart(module.getBody());
    auto hook = func::FuncOp::create(
        builder, module.getLoc(), kProfileHook,
        builder.getFunctionType({builder.getI64Type()}, {}));
    hook.setPrivate();
    symbols.insert(hook);
    return hook;
  }
};

} // namespace
} // namespace mlir::inception
