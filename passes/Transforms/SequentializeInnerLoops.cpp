//===- SequentializeInnerLoops.cpp - One parallel loop per nest -----------===//

#include "passes/Passes.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::inception {
#define GEN_PASS_DEF_SEQUENTIALIZEINNERLOOPS
#include "passes/Passes.h.inc"

namespace {

/// Replaces `loop` (without reductions) by a parallel loop over its first
/// `parallel` dimensions (none for 0) holding a nest of scf.for loops over
/// the others.
void sequentialize(scf::ParallelOp loop, unsigned parallel = 0) {
  OpBuilder builder(loop);
  IRMapping mapping;
  Location loc = loop.getLoc();
  SmallVector<Value> inductionVars = loop.getInductionVars();
  if (parallel > 0) {
    auto outer = scf::ParallelOp::create(
        builder, loc, loop.getLowerBound().take_front(parallel),
        loop.getUpperBound().take_front(parallel),
        loop.getStep().take_front(parallel));
    mapping.map(ArrayRef<Value>(inductionVars).take_front(parallel),
                outer.getInductionVars());
    builder.setInsertionPointToStart(outer.getBody());
  }
  for (auto [iv, lower, upper, step] :
       llvm::drop_begin(llvm::zip(inductionVars, loop.getLowerBound(),
                                  loop.getUpperBound(), loop.getStep()),
                        parallel)) {
    auto forOp = scf::ForOp::create(builder, loc, lower, upper, step);
    mapping.map(iv, forOp.getInductionVar());
    builder.setInsertionPointToStart(forOp.getBody());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    builder.clone(op, mapping);
  loop.erase();
}

struct SequentializeInnerLoopsPass
    : impl::SequentializeInnerLoopsBase<SequentializeInnerLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> inner;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>() ||
          loop->getParentOfType<scf::ForOp>())
        inner.push_back(loop);
    });
    // Innermost first, so that every loop is erased after its children.
    for (scf::ParallelOp loop : llvm::reverse(inner)) {
      if (loop.getNumReductions() != 0) {
        loop.emitError("parallel loops with reductions are not expected here");
        return signalPassFailure();
      }
      sequentialize(loop);
    }
    // The outermost loops of elementwise ops (no loop in their body).
    SmallVector<scf::ParallelOp> elementwise;
    getOperation().walk([&](scf::ParallelOp loop) {
      bool hasLoops = false;
      loop.getBody()->walk([&](LoopLikeOpInterface) { hasLoops = true; });
      if (loop.getNumLoops() > 1 && loop.getNumReductions() == 0 && !hasLoops)
        elementwise.push_back(loop);
    });
    // Its last dimension, the contiguous row, becomes an scf.for inside
    // the others: an innermost loop LLVM vectorizes, rather than one
    // collapsed loop delinearizing every index.
    for (scf::ParallelOp loop : elementwise)
      sequentialize(loop, loop.getNumLoops() - 1);
  }
};

} // namespace
} // namespace mlir::inception

namespace mlir::inception {
#define GEN_PASS_DEF_INLINEALLOCASCOPES
#include "passes/Passes.h.inc"

namespace {
/// Where a static alloca of `scope` can live instead: the entry of the
/// region that runs once per thread around it (an OpenMP parallel
/// region's, else the function's).
Block *hoistingTarget(memref::AllocaScopeOp scope) {
  if (auto parallel = scope->getParentOfType<omp::ParallelOp>())
    return &parallel.getRegion().front();
  return &scope->getParentOfType<FunctionOpInterface>()
              .getFunctionBody()
              .front();
}

struct InlineAllocaScopesPass
    : impl::InlineAllocaScopesBase<InlineAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      if (scope.getNumResults() != 0)
        return;
      bool staticOnly = true;
      scope.walk([&](memref::AllocaOp alloca) {
        staticOnly &= alloca.getType().hasStaticShape() &&
                      alloca.getDynamicSizes().empty() &&
                      alloca.getSymbolOperands().empty();
      });
      if (staticOnly)
        scopes.push_back(scope);
    });
    for (memref::AllocaScopeOp scope : scopes) {
      // A static buffer of one iteration is dead before the next: one
      // buffer per thread serves them all, and the stack does not grow.
      Block *target = hoistingTarget(scope);
      SmallVector<memref::AllocaOp> allocas;
      scope.walk([&](memref::AllocaOp alloca) { allocas.push_back(alloca); });
      for (memref::AllocaOp alloca : allocas)
        alloca->moveBefore(target, target->begin());
      Block &body = scope.getBodyRegion().front();
      body.getTerminator()->erase();
      scope->getBlock()->getOperations().splice(
          Block::iterator(scope), body.getOperations());
      scope.erase();
    }
  }
};
} // namespace
} // namespace mlir::inception
