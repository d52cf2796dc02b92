//===- PlanWorkspace.cpp - One workspace for every intermediate buffer ----===//

#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::inception {
#define GEN_PASS_DEF_PLANWORKSPACE
#include "passes/Passes.h.inc"

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t begin = 0, end = 0; // positions of the first and last top-level use
  int64_t size = 0, offset = 0;
};

/// The position of the last top-level op of `block` that uses `root` or any
/// view of it, deallocations aside.
int64_t lastUse(Value root, Block &block,
                const llvm::DenseMap<Operation *, int64_t> &positions) {
  int64_t last = 0;
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *owner = use.getOwner();
      // Deallocations are dropped: they do not keep a buffer alive.
      if (isa<memref::DeallocOp>(owner))
        continue;
      if (Operation *top = block.findAncestorOpInBlock(*owner))
        last = std::max(last, positions.lookup(top));
      if (auto view = dyn_cast<ViewLikeOpInterface>(owner))
        if (view.getViewSource() == value)
          llvm::append_range(worklist, owner->getResults());
    }
  }
  return last;
}

struct PlanWorkspacePass : impl::PlanWorkspaceBase<PlanWorkspacePass> {
  using PlanWorkspaceBase::PlanWorkspaceBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (alignment < 1 || (alignment & (alignment - 1)))
      return (void)(func.emitError() << "alignment must be a power of two, got "
                                     << alignment),
             signalPassFailure();
    Block &body = func.getBody().front();
    llvm::DenseMap<Operation *, int64_t> positions;
    for (Operation &op : body)
      positions[&op] = positions.size();

    std::vector<Buffer> buffers;
    // Kernels' thread scratch (kThreadScratchAttr): all at the end.
    SmallVector<memref::AllocOp> scratch;
    int64_t perThread = 0;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (alloc->getBlock() != &body || !type.hasStaticShape() ||
          !type.getLayout().isIdentity() || !type.getElementType().isIntOrFloat()) {
        alloc.emitError("only static, identity-layout allocations at the top "
                        "level of a function can be placed in the workspace");
        return WalkResult::interrupt();
      }
      int64_t bytes =
          (type.getNumElements() * type.getElementTypeBitWidth() + 7) / 8;
      if (alloc->hasAttr(kThreadScratchAttr)) {
        scratch.push_back(alloc);
        perThread = std::max(perThread, bytes);
        return WalkResult::advance();
      }
      Buffer buffer;
      buffer.alloc = alloc;
      buffer.begin = positions.lookup(alloc);
      buffer.end = lastUse(alloc.getResult(), body, positions);
      buffer.size = bytes;
      buffers.push_back(buffer);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // First fit in order of allocation: each buffer takes the lowest aligned
    // offset that overlaps no placed buffer whose lifetime meets its own.
    int64_t workspaceSize = 0;
    std::vector<const Buffer *> placed;
    for (Buffer &buffer : buffers) {
      std::vector<std::pair<int64_t, int64_t>> busy;
      for (const Buffer *other : placed)
        if (other->begin <= buffer.end && buffer.begin <= other->end)
          busy.emplace_back(other->offset, other->offset + other->size);
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [start, stop] : busy) {
        if (offset + buffer.size <= start)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(stop, alignment));
      }
      buffer.offset = offset;
      workspaceSize = std::max(workspaceSize, offset + buffer.size);
      placed.push_back(&buffer);
    }
    workspaceSize = llvm::alignTo(workspaceSize, alignment);
    perThread = llvm::alignTo(perThread, alignment);
    // 64-bit processes address 2^47 bytes (x86-64's and AArch64's 48-bit
    // virtual addresses, the kernel's half taken): a larger workspace could
    // never be allocated, so the model cannot run anywhere.
    constexpr int64_t kAddressableBytes = int64_t(1) << 47;
    if (workspaceSize > kAddressableBytes - perThread) {
      func.emitError() << "the workspace needs " << workspaceSize + perThread
                       << " bytes at once, more than a process can address ("
                       << kAddressableBytes << ")";
      return signalPassFailure();
    }

    // The report: what first fit achieved against the sum of all buffers
    // and against the bound no placement can beat, the largest set of
    // buffers alive at one op.
    int64_t sum = 0, largestLive = 0;
    for (const Buffer &buffer : buffers)
      sum += buffer.size;
    for (const Buffer &at : buffers) {
      int64_t live = 0;
      for (const Buffer &other : buffers)
        if (other.begin <= at.begin && at.begin <= other.end)
          live += other.size;
      largestLive = std::max(largestLive, live);
    }
    recordStatistic(*this, numBuffers, "buffers", buffers.size());
    recordStatistic(*this, totalBytes, "total-bytes", sum);
    recordStatistic(*this, largestLiveBytes, "largest-live-bytes", largestLive);
    recordStatistic(*this, workspaceBytes, "workspace-bytes", workspaceSize);
    if (perThread)
      recordStatistic(*this, workspacePerThreadBytes,
                      "workspace-per-thread-bytes", perThread);

    OpBuilder builder(func.getContext());
    // The argument covers the first thread's scratch; the others' follow it.
    auto workspaceType = MemRefType::get({workspaceSize + perThread},
                                         builder.getIntegerType(8));
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, workspaceType, {}, func.getLoc())))
      return signalPassFailure();
    Value workspace = func.getArgument(index);
    for (Buffer &buffer : buffers) {
      builder.setInsertionPoint(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(builder, loc, buffer.offset);
      Value view = memref::ViewOp::create(builder, loc, buffer.alloc.getType(),
                                          workspace, offset, ValueRange{});
      // The workspace outlives every buffer: deallocations go away.
      for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
    for (memref::AllocOp alloc : scratch) {
      builder.setInsertionPoint(alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, alloc.getLoc(), workspaceSize);
      Value view = memref::ViewOp::create(builder, alloc.getLoc(),
                                          alloc.getType(), workspace, offset,
                                          ValueRange{});
      alloc.getResult().replaceAllUsesWith(view);
      alloc.erase();
    }
    func->setAttr(kWorkspaceSizeAttr, builder.getI64IntegerAttr(workspaceSize));
    if (perThread)
      func->setAttr(kWorkspacePerThreadAttr,
                    builder.getI64IntegerAttr(perThread));
  }
};

} // namespace
} // namespace mlir::inception
