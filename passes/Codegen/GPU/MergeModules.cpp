//===- MergeModules.cpp - Every kernel in one gpu.module ------------------===//

#include "passes/Codegen/GPU/Passes.h"

namespace mlir::inception {
#define GEN_PASS_DEF_GPUMERGEMODULES
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {
struct GPUMergeModulesPass : impl::GPUMergeModulesBase<GPUMergeModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto kernelModules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
    if (kernelModules.size() < 2)
      return;
    gpu::GPUModuleOp merged = kernelModules.front();
    SymbolTable mergedSymbols(merged);
    // Outlining names every kernel after its function, and the modules
    // apart: a moved kernel is renamed after its module.
    DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp kernels : llvm::drop_begin(kernelModules)) {
      for (Operation &op :
           llvm::make_early_inc_range(kernels.getBody()->getOperations())) {
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        auto symbol = dyn_cast<SymbolOpInterface>(&op);
        if (!symbol)
          continue;
        StringAttr name = symbol.getNameAttr();
        StringAttr unique = mergedSymbols.insert(&op);
        if (unique != name || isa<gpu::GPUFuncOp>(op))
          renamed[{kernels.getNameAttr(), name}] = unique;
      }
    }
    StringAttr mergedName = merged.getNameAttr();
    module.walk([&](gpu::LaunchFuncOp launch) {
      StringAttr kernel = launch.getKernelName();
      if (auto it = renamed.find({launch.getKernelModuleName(), kernel});
          it != renamed.end())
        kernel = it->second;
      launch.setKernelAttr(
          SymbolRefAttr::get(mergedName, {FlatSymbolRefAttr::get(kernel)}));
    });
    for (gpu::GPUModuleOp kernels : llvm::drop_begin(kernelModules))
      kernels.erase();
  }
};

} // namespace
} // namespace mlir::inception
