//===- MergeModules.cpp - Every kernel in one gpu.module ------------------===//

#include "passes/Codegen/GPU/Passes.h"

namespace mlir::inception {
#define GEN_PASS_DEF_GPUMERGEMODULES
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {
/// `layer` as a symbol: its letters, digits and underscores, the rest
/// underscores.
std::string kernelName(StringRef layer) {
  std::string name;
  for (char c : layer)
    name += llvm::isAlnum(c) ? c : '_';
  return name;
}

struct GPUMergeModulesPass : impl::GPUMergeModulesBase<GPUMergeModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto kernelModules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
    if (kernelModules.empty())
      return;
    gpu::GPUModuleOp merged = kernelModules.front();
    SymbolTable mergedSymbols(merged);
    // Each launch's kernel moves into the first module, named after the
    // layer it computes (outlining names them all after their function),
    // made unique.
    WalkResult walk = module.walk([&](gpu::LaunchFuncOp launch) {
      auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(
          launch.getKernelModuleName());
      auto kernel = kernels ? kernels.lookupSymbol<gpu::GPUFuncOp>(
                                  launch.getKernelName())
                            : gpu::GPUFuncOp();
      if (!kernel) {
        launch.emitError("the launched kernel is not in a gpu.module");
        return WalkResult::interrupt();
      }
      std::string layer = kernelName(layerName(launch.getLoc()));
      if (kernels != merged || !layer.empty()) {
        if (kernels == merged)
          mergedSymbols.remove(kernel);
        kernel->moveBefore(merged.getBody(), merged.getBody()->end());
        if (!layer.empty())
          kernel.setName(layer);
        mergedSymbols.insert(kernel);
      }
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getNameAttr(), {FlatSymbolRefAttr::get(kernel.getNameAttr())}));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    // Outlining copied the compile-time tables each kernel reads into its
    // module: one copy of each moves into the merged one.
    for (gpu::GPUModuleOp kernels : llvm::drop_begin(kernelModules))
      for (auto global :
           llvm::make_early_inc_range(kernels.getOps<memref::GlobalOp>())) {
        if (mergedSymbols.lookup(global.getSymName())) {
          global.erase();
          continue;
        }
        global->moveBefore(merged.getBody(), merged.getBody()->end());
        mergedSymbols.insert(global);
      }
    for (gpu::GPUModuleOp kernels : llvm::drop_begin(kernelModules)) {
      if (!kernels.getBody()->empty()) {
        kernels.emitError("holds what no launch uses");
        return signalPassFailure();
      }
      kernels.erase();
    }
  }
};

} // namespace
} // namespace mlir::inception
