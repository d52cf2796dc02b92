//===- OutlineKernels.cpp - One function per top-level linalg op ----------===//

#include "passes/Passes.h"
#include "passes/Statistics.h"
#include "passes/Codegen/CPU/VectorKernels.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::inception {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "passes/Passes.h.inc"

namespace {

/// Collects what an outlined op needs: the kernel arguments it reaches
/// (`roots`) and, in dependence order, the pure ops between them and the op
/// (views, constants, globals), which are cloned rather than passed.
struct Capture {
  Block &body;
  llvm::SetVector<Value> roots;
  llvm::SetVector<Operation *> clones;

  bool visit(Value value) {
    if (auto argument = dyn_cast<BlockArgument>(value)) {
      if (argument.getOwner() != &body)
        return false;
      roots.insert(argument);
      return true;
    }
    Operation *def = value.getDefiningOp();
    if (clones.contains(def))
      return true;
    // Only side-effect free definitions (constants, views of buffers,
    // globals' addresses) may be duplicated into the outlined function.
    if (def->getBlock() != &body || def->getNumRegions() != 0 ||
        !(isMemoryEffectFree(def) || isa<ViewLikeOpInterface>(def) ||
          isa<memref::GetGlobalOp>(def)))
      return false;
    for (Value operand : def->getOperands())
      if (!visit(operand))
        return false;
    clones.insert(def);
    return true;
  }
};

struct OutlineKernelsPass : impl::OutlineKernelsBase<OutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (func::FuncOp kernel : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (kernel.isPrivate() || kernel.isExternal() || isVectorKernel(kernel))
        continue;
      Block &body = kernel.getBody().front();
      unsigned counter = 0;
      for (Operation &op : llvm::make_early_inc_range(body)) {
        if (!isa<linalg::LinalgOp>(op))
          continue;
        Capture capture{body, {}, {}};
        bool outlinable = true;
        for (Value operand : op.getOperands())
          outlinable &= capture.visit(operand);
        llvm::SetVector<Value> captured;
        getUsedValuesDefinedAbove(op.getRegions(), captured);
        for (Value value : captured)
          outlinable &= capture.visit(value);
        if (!outlinable)
          continue;

        OpBuilder builder(kernel);
        SmallVector<Type> argumentTypes;
        for (Value root : capture.roots)
          argumentTypes.push_back(root.getType());
        auto outlined = func::FuncOp::create(
            builder, op.getLoc(),
            (kernel.getName() + "_op" + Twine(counter++)).str(),
            builder.getFunctionType(argumentTypes, {}));
        outlined.setPrivate();
        outlined->setAttr("no_inline", builder.getUnitAttr());
        symbols.insert(outlined);

        Block *entry = outlined.addEntryBlock();
        IRMapping mapping;
        for (auto [root, argument] :
             llvm::zip(capture.roots, entry->getArguments()))
          mapping.map(root, argument);
        builder.setInsertionPointToStart(entry);
        for (Operation *clone : capture.clones)
          builder.clone(*clone, mapping);
        builder.clone(op, mapping);
        func::ReturnOp::create(builder, op.getLoc());

        builder.setInsertionPoint(&op);
        func::CallOp::create(builder, op.getLoc(), outlined,
                             capture.roots.getArrayRef());
        op.erase();
      }
      recordStatistic(*this, numKernels, "kernels", counter);
      // Views and constants only the outlined ops used are now dead.
      for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
        if (op.use_empty() && isMemoryEffectFree(&op) &&
            !op.hasTrait<OpTrait::IsTerminator>())
          op.erase();
    }
  }
};

} // namespace
} // namespace mlir::inception
