//===- TileLayers.cpp - Each layer's loops onto blocks and threads --------===//

#include "passes/Codegen/GPU/LayerBodies.h"
#include "passes/Codegen/GPU/Passes.h"
#include "passes/Codegen/GPU/SharedMemoryGemm.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
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

/// The parallel dimensions a thread computes several points of, and how
/// many: for a layer with reductions reading two buffers (an activation
/// and a filter), up to `rows` points along a dimension only the filter
/// reads (output channels) and `columns` along the innermost dimension if
/// only the activation reads it (output pixels), each dividing its extent:
/// each value loaded then serves several multiply-adds.
SmallVector<std::pair<unsigned, int64_t>>
registerTile(linalg::GenericOp op, ArrayRef<int64_t> extents, int64_t rows,
             int64_t columns) {
  SmallVector<std::pair<unsigned, int64_t>> tile;
  SmallVector<OpOperand *> inputs = op.getDpsInputOperands();
  if (op.getNumReductionLoops() == 0 || inputs.size() != 2 ||
      op.getNumDpsInits() != 1 || extents.empty() ||
      !llvm::all_of(inputs, [](OpOperand *input) {
        return isa<MemRefType>(input->get().getType());
      }))
    return tile;
  auto readsOnly = [&](unsigned dim, int which) {
    return op.getMatchingIndexingMap(inputs[which]).isFunctionOfDim(dim) &&
           !op.getMatchingIndexingMap(inputs[1 - which]).isFunctionOfDim(dim);
  };
  auto largestFactor = [](int64_t extent, int64_t most) {
    for (int64_t factor = most; factor > 1; factor /= 2)
      if (extent % factor == 0)
        return factor;
    return int64_t(1);
  };
  unsigned innermost = extents.size() - 1;
  for (int which : {0, 1}) {
    if (!readsOnly(innermost, which))
      continue;
    if (int64_t factor = largestFactor(extents[innermost], columns); factor > 1)
      tile.push_back({innermost, factor});
    for (int dim = int(innermost) - 1; dim >= 0; --dim)
      if (readsOnly(dim, 1 - which)) {
        if (int64_t factor = largestFactor(extents[dim], rows); factor > 1)
          tile.push_back({unsigned(dim), factor});
        break;
      }
    break;
  }
  return tile;
}

/// Replaces `kernel`, generic ops on buffers whose parallel dimensions come
/// first, by the block and thread nest of its layer: `blocks` blocks of
/// `threads` threads, thread `id` computing the output points of tile `id`
/// of the row-major space of the parallel dimensions (one point, or a
/// register tile: registerTile). Its reductions are loops in the thread
/// that carry each output's value in a register: one load (or the
/// initializer's value) and one store per output point, and the epilogue
/// applied to the value before its own store.
LogicalResult distribute(RewriterBase &rewriter, FusedKernel kernel,
                         int64_t blockSize, int64_t tileRows,
                         int64_t tileColumns) {
  linalg::GenericOp op = kernel.layer;
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return op.emitError("the GPU back half needs static shapes"), failure();
  unsigned numParallel = op.getNumParallelLoops();
  ArrayRef<int64_t> extents = ArrayRef<int64_t>(ranges).take_front(numParallel);
  if (llvm::is_contained(ranges, 0)) {
    kernel.erase(rewriter);
    return success();
  }
  SmallVector<std::pair<unsigned, int64_t>> tile =
      registerTile(op, extents, tileRows, tileColumns);
  SmallVector<int64_t> tiles(extents);
  for (auto [dim, factor] : tile)
    tiles[dim] /= factor;
  int64_t total = 1;
  for (int64_t extent : tiles)
    total *= extent;
  // Small layers get a block just big enough: whole warps.
  int64_t threads = std::min<int64_t>(blockSize, llvm::alignTo(total, 32));
  int64_t blocks = llvm::divideCeil(total, threads);

  MLIRContext *context = rewriter.getContext();
  auto forall = [&](int64_t count, Attribute mapping) {
    return scf::ForallOp::create(
        rewriter, loc, ArrayRef<OpFoldResult>{rewriter.getIndexAttr(count)},
        ValueRange(), rewriter.getArrayAttr({mapping}));
  };
  auto constant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  };
  scf::ForallOp blockLoop =
      forall(blocks, gpu::GPUBlockMappingAttr::get(context, gpu::MappingId::DimX));
  rewriter.setInsertionPointToStart(blockLoop.getBody());
  scf::ForallOp threadLoop = forall(
      threads, gpu::GPUThreadMappingAttr::get(context, gpu::MappingId::DimX));
  rewriter.setInsertionPointToStart(threadLoop.getBody());
  Value id = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, blockLoop.getInductionVar(0),
                            constant(threads)),
      threadLoop.getInductionVar(0));
  Value inRange = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::ult, id, constant(total));
  auto guard = scf::IfOp::create(rewriter, loc, inRange);
  rewriter.setInsertionPointToStart(&guard.getThenRegion().front());
  SmallVector<Value> base = delinearize(rewriter, loc, id, tiles);
  // The thread's points: its tile's, the last tiled dimension fastest.
  SmallVector<SmallVector<Value>> points = {base};
  for (auto [dim, factor] : tile) {
    Value first = arith::MulIOp::create(rewriter, loc, base[dim],
                                        constant(factor));
    SmallVector<SmallVector<Value>> next;
    for (const SmallVector<Value> &point : points)
      for (int64_t offset = 0; offset < factor; ++offset) {
        SmallVector<Value> moved(point);
        moved[dim] = offset ? arith::AddIOp::create(rewriter, loc, first,
                                                    constant(offset))
                                  .getResult()
                            : first;
        next.push_back(std::move(moved));
      }
    points = std::move(next);
  }
  unsigned numOutputs = op.getNumDpsInits();
  // A point's loop indices: its parallel ones, and the reductions'.
  auto withReductions = [&](ArrayRef<Value> point, ValueRange reductions) {
    SmallVector<Value> all(point);
    llvm::append_range(all, reductions);
    return all;
  };
  // The outputs' values, loaded once: when the body reads them or the
  // reductions carry them; every point's, one after the other.
  SmallVector<Value> outputs;
  for (const SmallVector<Value> &point : points)
    llvm::append_range(outputs, initialValues(rewriter, loc, kernel, point));
  // The reductions, innermost last, carrying the outputs.
  SmallVector<Value> reductions;
  OpBuilder::InsertPoint afterLoops;
  SmallVector<scf::ForOp> loops;
  for (int64_t extent : ArrayRef<int64_t>(ranges).drop_front(numParallel)) {
    auto loop = scf::ForOp::create(rewriter, loc, constant(0), constant(extent),
                                   constant(1), outputs);
    if (loops.empty())
      afterLoops = OpBuilder::InsertPoint(rewriter.getInsertionBlock(),
                                          std::next(Block::iterator(loop)));
    loops.push_back(loop);
    reductions.push_back(loop.getInductionVar());
    outputs.assign(loop.getRegionIterArgs().begin(),
                   loop.getRegionIterArgs().end());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  SmallVector<Value> results;
  for (auto [index, point] : llvm::enumerate(points))
    llvm::append_range(
        results, emitBody(rewriter, loc, op, withReductions(point, reductions),
                          ArrayRef<Value>(outputs).slice(index * numOutputs,
                                                         numOutputs),
                          kernel.paddings));
  for (scf::ForOp loop : llvm::reverse(loops)) {
    rewriter.setInsertionPointToEnd(loop.getBody());
    scf::YieldOp::create(rewriter, loc, results);
    results.assign(loop.getResults().begin(), loop.getResults().end());
  }
  if (!loops.empty())
    rewriter.restoreInsertionPoint(afterLoops);
  for (auto [index, point] : llvm::enumerate(points))
    storeResults(rewriter, loc, kernel,
                 ValueRange(results).slice(index * numOutputs, numOutputs),
                 point);
  kernel.erase(rewriter);
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
    if (registerTileRows < 1 || registerTileColumns < 1) {
      function.emitError("tile-rows and tile-columns must be at least 1");
      return signalPassFailure();
    }
    if (sliceDepth < 1 || minBlocks < 1) {
      function.emitError("slice-depth and min-blocks must be at least 1");
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    // Every layer as a generic op whose parallel dimensions come first.
    SmallVector<linalg::GenericOp> layers;
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
      rewriter.setInsertionPoint(layer);
      FailureOr<linalg::GenericOp> generic =
          parallelDimensionsFirst(rewriter, layer);
      if (failed(generic))
        return signalPassFailure();
      if (llvm::any_of(generic->getStaticLoopRanges(), ShapedType::isDynamic)) {
        generic->emitError("the GPU back half needs static shapes");
        return signalPassFailure();
      }
      layers.push_back(*generic);
    }
    GemmTiling tiling{blockSize, registerTileRows, registerTileColumns,
                      sliceDepth, minBlocks};
    for (FusedKernel &kernel : groupIntoKernels(layers, fuse)) {
      rewriter.setInsertionPoint(kernel.last());
      if (std::optional<GemmShape> shape =
              gemm ? matchGemm(kernel.layer) : std::nullopt) {
        distributeAsGemm(rewriter, kernel, *shape, tiling);
        continue;
      }
      if (failed(distribute(rewriter, kernel, blockSize, registerTileRows,
                            registerTileColumns)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace mlir::inception
