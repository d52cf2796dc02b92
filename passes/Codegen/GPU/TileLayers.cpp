//===- TileLayers.cpp - Each layer's loops onto blocks and threads --------===//

#include "passes/Codegen/GPU/Passes.h"

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

/// The values of `op`'s operand `operand` at the loop indices `indices`:
/// a load through its indexing map, or the scalar itself.
Value loadOperand(OpBuilder &builder, Location loc, linalg::GenericOp op,
                  OpOperand &operand, ValueRange indices) {
  Value source = operand.get();
  if (!isa<MemRefType>(source.getType()))
    return source;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  SmallVector<Value> subscripts;
  for (AffineExpr result : map.getResults())
    subscripts.push_back(affine::AffineApplyOp::create(
        builder, loc, AffineMap::get(map.getNumDims(), 0, result), indices));
  return memref::LoadOp::create(builder, loc, source, subscripts);
}

/// The body of `op` at `indices`, its outputs' block arguments bound to
/// `outputs`: the values it yields.
SmallVector<Value> emitBody(OpBuilder &builder, Location loc,
                            linalg::GenericOp op, ValueRange indices,
                            ValueRange outputs) {
  Block *body = op.getBody();
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands())
    mapping.map(body->getArgument(input->getOperandNumber()),
                loadOperand(builder, loc, op, *input, indices));
  for (auto [argument, value] :
       llvm::zip(op.getRegionOutputArgs(), outputs))
    if (value)
      mapping.map(argument, value);
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), indices[index.getDim()]);
      continue;
    }
    builder.clone(inner, mapping);
  }
  return llvm::map_to_vector(
      body->getTerminator()->getOperands(),
      [&](Value value) { return mapping.lookupOrDefault(value); });
}

/// Replaces `op`, a generic op on buffers whose parallel dimensions come
/// first, by the block and thread nest: `blocks` blocks of `threads`
/// threads, thread `id` computing the output point `id` of the row-major
/// space of the parallel dimensions. Its reductions are loops in the
/// thread that carry each output's value in a register: one load and one
/// store per output point.
LogicalResult distribute(RewriterBase &rewriter, linalg::GenericOp op,
                         int64_t blockSize) {
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return op.emitError("the GPU back half needs static shapes"), failure();
  unsigned numParallel = op.getNumParallelLoops();
  ArrayRef<int64_t> extents = ArrayRef<int64_t>(ranges).take_front(numParallel);
  int64_t total = 1;
  for (int64_t extent : ranges)
    total *= extent;
  if (total == 0) {
    rewriter.eraseOp(op);
    return success();
  }
  total = 1;
  for (int64_t extent : extents)
    total *= extent;
  // Small layers get a block just big enough: whole warps.
  int64_t threads = std::min<int64_t>(blockSize, llvm::alignTo(total, 32));
  int64_t blocks = llvm::divideCeil(total, threads);

  rewriter.setInsertionPoint(op);
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
  if (extents.empty())
    indices.clear();

  // The outputs' indices: the parallel ones (their maps read no
  // reduction dimension, which is 0 here).
  SmallVector<Value> outputIndices(indices);
  outputIndices.resize(ranges.size(),
                       arith::ConstantIndexOp::create(rewriter, loc, 0));
  // The outputs' values, loaded once: when the body reads them or the
  // reductions carry them.
  SmallVector<Value> outputs;
  for (auto [operand, argument] :
       llvm::zip(op.getDpsInitsMutable(), op.getRegionOutputArgs()))
    outputs.push_back(argument.use_empty() && numParallel == ranges.size()
                          ? Value()
                          : loadOperand(rewriter, loc, op, operand,
                                        outputIndices));
  // The reductions, innermost last, carrying the outputs.
  SmallVector<Value> allIndices(indices);
  OpBuilder::InsertPoint afterLoops;
  SmallVector<scf::ForOp> loops;
  for (int64_t extent : ArrayRef<int64_t>(ranges).drop_front(numParallel)) {
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, extent);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(rewriter, loc, zero, upper, one, outputs);
    if (loops.empty())
      afterLoops = OpBuilder::InsertPoint(rewriter.getInsertionBlock(),
                                          std::next(Block::iterator(loop)));
    loops.push_back(loop);
    allIndices.push_back(loop.getInductionVar());
    outputs.assign(loop.getRegionIterArgs().begin(),
                   loop.getRegionIterArgs().end());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  SmallVector<Value> results = emitBody(rewriter, loc, op, allIndices, outputs);
  for (scf::ForOp loop : llvm::reverse(loops)) {
    rewriter.setInsertionPointToEnd(loop.getBody());
    scf::YieldOp::create(rewriter, loc, results);
    results.assign(loop.getResults().begin(), loop.getResults().end());
  }
  if (!loops.empty())
    rewriter.restoreInsertionPoint(afterLoops);
  for (auto [operand, value] : llvm::zip(op.getDpsInitsMutable(), results)) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    SmallVector<Value> subscripts;
    for (AffineExpr result : map.getResults())
      subscripts.push_back(affine::AffineApplyOp::create(
          rewriter, loc, AffineMap::get(map.getNumDims(), 0, result),
          outputIndices));
    memref::StoreOp::create(rewriter, loc, value, operand.get(), subscripts);
  }
  rewriter.eraseOp(op);
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
      rewriter.setInsertionPoint(layer);
      FailureOr<linalg::GenericOp> generic =
          parallelDimensionsFirst(rewriter, layer);
      if (failed(generic))
        return signalPassFailure();
      if (failed(distribute(rewriter, *generic, blockSize)))
        return signalPassFailure();
    }
  }
};

} // namespace
} // namespace mlir::inception
