//===- FuseEpilogue.cpp - Activations into their producer -----------------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::inception {
#define GEN_PASS_DEF_FUSEEPILOGUE
#include "passes/Passes.h.inc"

namespace {

/// relu(producer) -> producer{fused_relu} for conv2d and dense.
template <typename ProducerOp>
struct FuseRelu : OpRewritePattern<ReluOp> {
  using OpRewritePattern<ReluOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReluOp relu,
                                PatternRewriter &rewriter) const override {
    auto producer = relu.getInput().template getDefiningOp<ProducerOp>();
    if (!producer)
      return rewriter.notifyMatchFailure(relu, "no fusible producer");
    if (!producer->hasOneUse())
      return rewriter.notifyMatchFailure(relu, "the producer has other users");
    if (producer.getFusedRelu()) {
      // relu(relu(x)) == relu(x).
      rewriter.replaceOp(relu, producer.getResult());
      return success();
    }
    rewriter.modifyOpInPlace(producer, [&] {
      producer.setFusedRelu(true);
      producer->setLoc(rewriter.getFusedLoc({producer.getLoc(), relu.getLoc()}));
    });
    rewriter.replaceOp(relu, producer.getResult());
    return success();
  }
};

struct FuseEpiloguePass : impl::FuseEpilogueBase<FuseEpiloguePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseRelu<Conv2DOp>, FuseRelu<DenseOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
} // namespace mlir::inception
