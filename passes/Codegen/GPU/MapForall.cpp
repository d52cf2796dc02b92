//===- MapForall.cpp - Block-and-thread nests to gpu.launch ---------------===//

#include "passes/Codegen/GPU/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::inception {
#define GEN_PASS_DEF_GPUMAPFORALL
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {

/// The count of `loop`, a static one-dimensional scf.forall from 0 with
/// step 1 whose one mapping `isX` accepts; none otherwise.
std::optional<int64_t> mappedCount(scf::ForallOp loop,
                                   llvm::function_ref<bool(Attribute)> isX) {
  std::optional<ArrayAttr> mapping = loop.getMapping();
  if (!mapping || mapping->size() != 1 || loop.getRank() != 1 ||
      !loop.getOutputs().empty() || !isX((*mapping)[0]))
    return std::nullopt;
  std::optional<int64_t> lower = getConstantIntValue(loop.getMixedLowerBound()[0]);
  std::optional<int64_t> step = getConstantIntValue(loop.getMixedStep()[0]);
  if (!lower || !step || *lower != 0 || *step != 1)
    return std::nullopt;
  return getConstantIntValue(loop.getMixedUpperBound()[0]);
}

bool isBlockX(Attribute mapping) {
  auto block = dyn_cast<gpu::GPUBlockMappingAttr>(mapping);
  return block && block.getBlock() == gpu::MappingId::DimX;
}

bool isThreadX(Attribute mapping) {
  auto thread = dyn_cast<gpu::GPUThreadMappingAttr>(mapping);
  return thread && thread.getThread() == gpu::MappingId::DimX;
}

LogicalResult mapNest(RewriterBase &rewriter, scf::ForallOp blockLoop) {
  std::optional<int64_t> blocks =
      mappedCount(blockLoop, isBlockX);
  Block *body = blockLoop.getBody();
  auto threadLoop =
      body->getOperations().size() == 2 ? dyn_cast<scf::ForallOp>(body->front())
                                        : scf::ForallOp();
  std::optional<int64_t> threads =
      threadLoop ? mappedCount(threadLoop, isThreadX)
                 : std::nullopt;
  if (!blocks || !threads)
    return blockLoop.emitError(
        "expected a static scf.forall mapped to #gpu.block<x> whose body is "
        "one static scf.forall mapped to #gpu.thread<x>");
  Location loc = blockLoop.getLoc();
  rewriter.setInsertionPoint(blockLoop);
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  Value one = constant(1);
  auto launch = gpu::LaunchOp::create(rewriter, loc, constant(*blocks), one,
                                      one, constant(*threads), one, one);
  rewriter.setInsertionPointToEnd(&launch.getBody().front());
  IRMapping mapping;
  mapping.map(blockLoop.getInductionVar(0), launch.getBlockIds().x);
  mapping.map(threadLoop.getInductionVar(0), launch.getThreadIds().x);
  for (Operation &op : threadLoop.getBody()->without_terminator())
    rewriter.clone(op, mapping);
  gpu::TerminatorOp::create(rewriter, loc);
  rewriter.eraseOp(blockLoop);
  // Constants become the kernel's own, not arguments of its launch.
  Region &kernel = launch.getBody();
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(kernel, captured);
  rewriter.setInsertionPointToStart(&kernel.front());
  for (Value value : captured) {
    Operation *definition = value.getDefiningOp();
    if (!definition || !definition->hasTrait<OpTrait::ConstantLike>())
      continue;
    Value copy = rewriter.clone(*definition)->getResult(0);
    rewriter.replaceUsesWithIf(value, copy, [&](OpOperand &use) {
      return kernel.isAncestor(use.getOwner()->getParentRegion());
    });
  }
  return success();
}

struct GPUMapForallPass : impl::GPUMapForallBase<GPUMapForallPass> {
  void runOnOperation() override {
    SmallVector<scf::ForallOp> nests;
    getOperation().walk([&](scf::ForallOp loop) {
      if (!loop->getParentOfType<scf::ForallOp>())
        nests.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    for (scf::ForallOp nest : nests)
      if (failed(mapNest(rewriter, nest)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace mlir::inception
