//===- TileLayers.cpp - Each layer's loops onto blocks and threads --------===//

#include "passes/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::inception {
#define GEN_PASS_DEF_GPUTILELAYERS
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {

/// `op` as a generic op whose parallel dimensions come first, in their
/// order, then its reductions.
FailureOr<linalg::GenericOp> parallelDimensionsFirst(RewriterBase &rewriter,
                                                     linalg::LinalgOp op) {
  linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::GenericOp> generalized =
        linalg::generalizeNamedOp(rewriter, op);
    if (failed(generalized))
      return op.emitError("the GPU back half cannot generalize this op"),
             failure();
    generic = *generalized;
  }
  SmallVector<unsigned> order;
  for (auto [dim, type] : llvm::enumerate(generic.getIteratorTypesArray()))
    if (type == utils::IteratorType::parallel)
      order.push_back(dim);
  for (auto [dim, type] : llvm::enumerate(generic.getIteratorTypesArray()))
    if (type != utils::IteratorType::parallel)
      order.push_back(dim);
  if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
    return generic;
  return linalg::interchangeGenericOp(rewriter, generic, order);
}

/// Replaces the loops of one layer, `outer` (an scf.parallel over its
/// parallel dimensions, or the op's only loop when it has none), by the
/// block and thread nest: `blocks` blocks of `threads` threads, thread
/// `id` computing the point `id` of the row-major iteration space.
LogicalResult distribute(RewriterBase &rewriter, Operation *outer,
                         int64_t blockSize) {
  Location loc = outer->getLoc();
  SmallVector<int64_t> extents;
  auto parallel = dyn_cast<scf::ParallelOp>(outer);
  if (parallel) {
    for (auto [lower, upper, step] :
         llvm::zip(parallel.getLowerBound(), parallel.getUpperBound(),
                   parallel.getStep())) {
      std::optional<int64_t> lb = getConstantIntValue(lower),
                             ub = getConstantIntValue(upper),
                             st = getConstantIntValue(step);
      if (!lb || !ub || !st || *lb != 0 || *st != 1)
        return outer->emitError("the GPU back half needs static loops from "
                                "0 with step 1"),
               failure();
      extents.push_back(*ub);
    }
  }
  int64_t total = 1;
  for (int64_t extent : extents)
    total *= extent;
  if (total == 0) {
    rewriter.eraseOp(outer);
    return success();
  }
  // Small layers get a block just big enough: whole warps.
  int64_t threads = std::min<int64_t>(blockSize, llvm::alignTo(total, 32));
  int64_t blocks = llvm::divideCeil(total, threads);

  rewriter.setInsertionPoint(outer);
  MLIRContext *context = rewriter.getContext();
  auto forall = [&](int64_t count, Attribute mapping) {
    return scf::ForallOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(count)},
        ValueRange(), rewriter.getArrayAttr({mapping}));
  };
  scf::ForallOp blockLoop =
      forall(blocks, gpu::GPUBlockMappingAttr::get(context, gpu::MappingId::DimX));
  rewriter.setInsertionPointToStart(blockLoop.getBody());
  scf::ForallOp threadLoop = forall(
      threads, gpu::GPUThreadMappingAttr::get(context, gpu::MappingId::DimX));
  rewriter.setInsertionPointToStart(threadLoop.getBody());
  Value id = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(
          rewriter, loc, blockLoop.getInductionVar(0),
          arith::ConstantIndexOp::create(rewriter, loc, threads)),
      threadLoop.getInductionVar(0));
  Value inRange = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::ult, id,
      arith::ConstantIndexOp::create(rewriter, loc, total));
  auto guard = scf::IfOp::create(rewriter, loc, inRange);
  rewriter.setInsertionPointToStart(&guard.getThenRegion().front());
  IRMapping mapping;
  if (parallel) {
    // Delinearize, the last dimension fastest.
    Value rest = id;
    SmallVector<Value> indices(extents.size());
    for (int64_t dim = extents.size() - 1; dim >= 0; --dim) {
      Value extent = arith::ConstantIndexOp::create(rewriter, loc, extents[dim]);
      indices[dim] = dim == 0 ? rest
                              : arith::RemUIOp::create(rewriter, loc, rest,
                                                       extent).getResult();
      if (dim != 0)
        rest = arith::DivUIOp::create(rewriter, loc, rest, extent);
    }
    mapping.map(parallel.getInductionVars(), indices);
    for (Operation &op : parallel.getBody()->without_terminator())
      rewriter.clone(op, mapping);
  } else {
    rewriter.clone(*outer, mapping);
  }
  rewriter.eraseOp(outer);
  return success();
}

/// Whether `op` only computes addresses or values, touching no memory.
bool computesAddressesOnly(Operation *op) {
  if (isa<func::ReturnOp>(op))
    return true;
  return isMemoryEffectFree(op) ||
         isa<memref::ViewOp, memref::SubViewOp, memref::ExpandShapeOp,
             memref::CollapseShapeOp, memref::ReinterpretCastOp,
             memref::CastOp>(op);
}

struct GPUTileLayersPass : impl::GPUTileLayersBase<GPUTileLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    // A weight preparation runs on the host, as on the CPU.
    if (function.isExternal() || function->hasAttr(kPreparesAttr))
      return;
    if (blockSize <= 0 || blockSize % 32 || blockSize > 1024) {
      function.emitError() << "block-size must be a multiple of 32 up to "
                              "1024, got "
                           << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    for (Operation &op :
         llvm::make_early_inc_range(function.getBody().getOps())) {
      auto layer = dyn_cast<linalg::LinalgOp>(&op);
      if (!layer) {
        if (!computesAddressesOnly(&op)) {
          op.emitError("the GPU back half cannot run this op on the host: "
                       "the run function may only compute addresses "
                       "between kernels");
          return signalPassFailure();
        }
        continue;
      }
      if (!layer.hasPureBufferSemantics()) {
        layer.emitError("the GPU back half tiles layers on buffers");
        return signalPassFailure();
      }
      FailureOr<linalg::GenericOp> generic =
          parallelDimensionsFirst(rewriter, layer);
      if (failed(generic))
        return signalPassFailure();
      rewriter.setInsertionPoint(*generic);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToParallelLoops(rewriter, *generic);
      if (failed(loops)) {
        generic->emitError("the GPU back half cannot lower this op to loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(*generic);
      if (loops->empty()) {
        function.emitError("the GPU back half has no kernel for an op "
                           "without loops");
        return signalPassFailure();
      }
      if (failed(distribute(rewriter, loops->front(), blockSize)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace mlir::inception
