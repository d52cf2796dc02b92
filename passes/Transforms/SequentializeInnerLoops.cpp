//===- SequentializeInnerLoops.cpp - One parallel loop per nest -----------===//

#include "passes/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::inception {
#define GEN_PASS_DEF_SEQUENTIALIZEINNERLOOPS
#include "passes/Passes.h.inc"

namespace {

/// Replaces `loop` (without reductions) by a nest of scf.for loops.
void sequentialize(scf::ParallelOp loop) {
  OpBuilder builder(loop);
  IRMapping mapping;
  Location loc = loop.getLoc();
  for (auto [iv, lower, upper, step] :
       llvm::zip(loop.getInductionVars(), loop.getLowerBound(),
                 loop.getUpperBound(), loop.getStep())) {
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
  }
};

} // namespace
} // namespace mlir::inception

namespace mlir::inception {
#define GEN_PASS_DEF_INLINEALLOCASCOPES
#include "passes/Passes.h.inc"

namespace {
struct InlineAllocaScopesPass
    : impl::InlineAllocaScopesBase<InlineAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      bool allocates = false;
      scope.walk([&](memref::AllocaOp) { allocates = true; });
      if (!allocates && scope.getNumResults() == 0)
        scopes.push_back(scope);
    });
    for (memref::AllocaScopeOp scope : scopes) {
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
