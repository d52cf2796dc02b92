//===- StripTrainingOps.cpp - Remove dropout and dead heads ---------------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::inception {
#define GEN_PASS_DEF_STRIPTRAININGOPS
#include "passes/Passes.h.inc"

namespace {
struct RemoveDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

struct StripTrainingOpsPass : impl::StripTrainingOpsBase<StripTrainingOpsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RemoveDropout>(&getContext());
    uint64_t dropouts = 0, opsBefore = 0, opsAfter = 0;
    getOperation().walk([&](Operation *op) {
      dropouts += isa<DropoutOp>(op);
      opsBefore += isa<InceptionDialect>(op->getDialect());
    });
    // The greedy driver also erases pure ops without users: dead heads.
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk(
        [&](Operation *op) { opsAfter += isa<InceptionDialect>(op->getDialect()); });
    recordStatistic(*this, numDropouts, "dropouts-removed", dropouts);
    recordStatistic(*this, numDead, "dead-ops-removed",
                    opsBefore - opsAfter - dropouts);
  }
};
} // namespace
} // namespace mlir::inception
