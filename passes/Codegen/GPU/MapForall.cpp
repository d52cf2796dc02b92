//===- MapForall.cpp - Block-and-thread nests to gpu.launch ---------------===//

#include "passes/Codegen/GPU/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
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

/// Whether `alloca` is in GPU address space `space`.
bool isIn(memref::AllocaOp alloca, gpu::AddressSpace space) {
  auto attribute = dyn_cast_if_present<gpu::AddressSpaceAttr>(
      alloca.getType().getMemorySpace());
  return attribute && attribute.getValue() == space;
}

/// Whether `value` is known when the library is compiled: a constant, or a
/// constant global (the weights are views of an argument by now) seen
/// through views whose other operands are constants.
bool isCompileTimeData(Value value) {
  Operation *definition = value.getDefiningOp();
  if (!definition)
    return false;
  if (definition->hasTrait<OpTrait::ConstantLike>())
    return true;
  if (auto get = dyn_cast<memref::GetGlobalOp>(definition)) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    return global && global.getConstant() && global.getInitialValue();
  }
  return isa<ViewLikeOpInterface>(definition) && isMemoryEffectFree(definition) &&
         definition->getNumRegions() == 0 &&
         llvm::all_of(definition->getOperands(), isCompileTimeData);
}

/// A copy of `value`'s definitions at the rewriter's insertion point, each
/// definition copied once (`copies`).
Value cloneDefinitions(RewriterBase &rewriter, Value value, IRMapping &copies) {
  if (Value copy = copies.lookupOrNull(value))
    return copy;
  Operation *definition = value.getDefiningOp();
  for (Value operand : definition->getOperands())
    cloneDefinitions(rewriter, operand, copies);
  rewriter.clone(*definition, copies);
  return copies.lookup(value);
}

/// Makes `buffer`, a private buffer whose first dimension is the thread,
/// the thread's own: a buffer without that dimension, which each access
/// must index by `threadId`. Its accesses at constant offsets then become
/// registers.
LogicalResult privatize(RewriterBase &rewriter, memref::AllocaOp buffer,
                        Value threadId, int64_t threads) {
  MemRefType type = buffer.getType();
  if (!type.hasStaticShape() || type.getRank() < 2 ||
      type.getDimSize(0) != threads)
    return buffer.emitError("a private buffer must have a static shape whose "
                            "first dimension is the block's ")
           << threads << " threads";
  rewriter.setInsertionPoint(buffer);
  auto own = memref::AllocaOp::create(
      rewriter, buffer.getLoc(),
      MemRefType::get(type.getShape().drop_front(), type.getElementType()));
  for (Operation *user : llvm::make_early_inc_range(buffer->getUsers())) {
    auto indices = [&]() -> std::optional<OperandRange> {
      if (auto load = dyn_cast<memref::LoadOp>(user))
        return load.getIndices();
      if (auto store = dyn_cast<memref::StoreOp>(user);
          store && store.getMemRef() == buffer.getResult())
        return store.getIndices();
      return std::nullopt;
    }();
    if (!indices || indices->front() != threadId)
      return user->emitError("a private buffer may only be loaded and "
                             "stored at the thread's own index");
    SmallVector<Value> rest(indices->drop_front());
    rewriter.setInsertionPoint(user);
    if (auto load = dyn_cast<memref::LoadOp>(user))
      rewriter.replaceOpWithNewOp<memref::LoadOp>(load, own, rest);
    else
      rewriter.replaceOpWithNewOp<memref::StoreOp>(
          user, cast<memref::StoreOp>(user).getValueToStore(), own, rest);
  }
  rewriter.eraseOp(buffer);
  return success();
}

LogicalResult mapNest(RewriterBase &rewriter, scf::ForallOp blockLoop) {
  std::optional<int64_t> blocks = mappedCount(blockLoop, isBlockX);
  SmallVector<scf::ForallOp> phases;
  blockLoop.getBody()->walk([&](scf::ForallOp loop) { phases.push_back(loop); });
  std::optional<int64_t> threads;
  for (scf::ForallOp phase : phases) {
    std::optional<int64_t> count = mappedCount(phase, isThreadX);
    if (!count || phase->getParentOfType<scf::ForallOp>() != blockLoop ||
        (threads && *count != *threads))
      return phase.emitError("expected each scf.forall of a block to be a "
                             "static one mapped to #gpu.thread<x>, of the "
                             "same count, directly in the block's body or "
                             "in its loops");
    threads = count;
  }
  if (!blocks || !threads)
    return blockLoop.emitError(
        "expected a static scf.forall mapped to #gpu.block<x> holding "
        "static scf.forall loops mapped to #gpu.thread<x>");
  // Every thread runs what the block does outside its phases, the host
  // once per block: only computing values, allocating and looping over
  // phases mean the same on both.
  WalkResult outside = blockLoop.getBody()->walk<WalkOrder::PreOrder>(
      [&](Operation *op) {
        if (isa<scf::ForallOp>(op))
          return WalkResult::skip();
        if (isa<memref::AllocaOp, scf::ForOp, scf::YieldOp,
                scf::InParallelOp>(op) ||
            isMemoryEffectFree(op))
          return WalkResult::advance();
        op->emitError("a block may only compute values, allocate and loop "
                      "outside its thread loops: every thread runs it");
        return WalkResult::interrupt();
      });
  if (outside.wasInterrupted())
    return failure();
  Location loc = blockLoop.getLoc();
  rewriter.setInsertionPoint(blockLoop);
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  Value one = constant(1);
  auto launch = gpu::LaunchOp::create(rewriter, loc, constant(*blocks), one,
                                      one, constant(*threads), one, one);
  Block &kernel = launch.getBody().front();
  rewriter.setInsertionPointToEnd(&kernel);
  Operation *terminator = gpu::TerminatorOp::create(rewriter, loc);
  rewriter.eraseOp(blockLoop.getBody()->getTerminator());
  rewriter.inlineBlockBefore(blockLoop.getBody(), terminator,
                             {launch.getBlockIds().x});
  rewriter.eraseOp(blockLoop);
  // Each phase runs in every thread; the next one may read what this one
  // wrote (shared memory), so a barrier separates them: after every phase
  // but a last one at the top of the kernel.
  Value threadId = launch.getThreadIds().x;
  for (auto [index, phase] : llvm::enumerate(phases)) {
    bool last = index + 1 == phases.size();
    if (!last || phase->getParentOp() != launch.getOperation()) {
      rewriter.setInsertionPointAfter(phase);
      gpu::BarrierOp::create(rewriter, loc);
    }
    rewriter.eraseOp(phase.getBody()->getTerminator());
    rewriter.inlineBlockBefore(phase.getBody(), phase, {threadId});
    rewriter.eraseOp(phase);
  }
  // Shared memory: the kernel's workgroup buffers; private buffers of the
  // block: each thread's own.
  for (auto buffer :
       llvm::make_early_inc_range(launch.getBody().getOps<memref::AllocaOp>())) {
    if (isIn(buffer, gpu::AddressSpace::Workgroup)) {
      if (!buffer.getType().hasStaticShape())
        return buffer.emitError("a shared-memory buffer must have a static "
                                "shape");
      BlockArgument shared =
          launch.addWorkgroupAttribution(buffer.getType(), buffer.getLoc());
      rewriter.replaceAllUsesWith(buffer.getResult(), shared);
      rewriter.eraseOp(buffer);
    } else if (isIn(buffer, gpu::AddressSpace::Private) &&
               failed(privatize(rewriter, buffer, threadId, *threads))) {
      return failure();
    }
  }
  // Constants and compile-time tables become the kernel's own, not
  // arguments of its launch: an argument would carry a table's host address.
  Region &body = launch.getBody();
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(body, captured);
  rewriter.setInsertionPointToStart(&kernel);
  IRMapping copies;
  for (Value value : captured) {
    if (!isCompileTimeData(value))
      continue;
    Value copy = cloneDefinitions(rewriter, value, copies);
    rewriter.replaceUsesWithIf(value, copy, [&](OpOperand &use) {
      return body.isAncestor(use.getOwner()->getParentRegion());
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

namespace mlir::inception {
#define GEN_PASS_DEF_GPULOOPSONHOST
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {
struct GPULoopsOnHostPass : impl::GPULoopsOnHostBase<GPULoopsOnHostPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    WalkResult result = getOperation().walk([&](memref::AllocaOp buffer) {
      MemRefType type = buffer.getType();
      if (!isa_and_present<gpu::AddressSpaceAttr>(type.getMemorySpace()))
        return WalkResult::advance();
      for (Operation *user : buffer->getUsers())
        if (!isa<memref::LoadOp, memref::StoreOp>(user) ||
            (isa<memref::StoreOp>(user) &&
             cast<memref::StoreOp>(user).getValueToStore() == buffer))
          return user->emitError("a buffer in a GPU address space may only "
                                 "be loaded and stored"),
                 WalkResult::interrupt();
      rewriter.setInsertionPoint(buffer);
      rewriter.replaceOpWithNewOp<memref::AllocaOp>(
          buffer, MemRefType::get(type.getShape(), type.getElementType(),
                                  type.getLayout()),
          buffer.getDynamicSizes(), buffer.getSymbolOperands(),
          buffer.getAlignmentAttr());
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
} // namespace mlir::inception
