//===- SharedMemoryGemm.cpp - Contractions as tiled GEMMs -----------------===//
//
// The nest of a GEMM kernel, in phases that are each an scf.forall over
// the block's threads (inception-gpu-map-forall puts a barrier between
// them; on the host they run one after the other, which is what barriers
// guarantee):
//
//   block b: rows [rowBase, rowBase + BM), columns [columnBase, + BN)
//     threads: each accumulator of the thread's register tile starts from
//              the layer's initial value
//     for each slice of BK reductions:
//       threads: stage the slice of A (BK x BM) and B (BK x BN) in shared
//                memory, zero past the ends
//       threads: each accumulator += A[k][row] * B[k][column], k in slice
//     threads: store each accumulator through the epilogue
//
// A thread's accumulators live across phases, so they are a private buffer
// indexed by the thread (memref<threads x tile>, #gpu.address_space<
// private>) that the mapping turns into the thread's own registers.
// Thread (ty, tx) owns rows ty + TY * i and columns tx + 16 * j: a warp
// reads 16 consecutive columns of B (no bank conflict) and 2 rows of A
// (broadcasts), and stores 16 consecutive output pixels.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/GPU/SharedMemoryGemm.h"
#include "passes/Codegen/GPU/LayerBodies.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::inception {

namespace {

/// Threads of a block along the columns: a half warp reads a row of a B
/// slice and stores a row of output pixels.
constexpr int64_t kThreadColumns = 16;
/// Added to each row of the A slice: the threads that stage it walk the
/// depth fastest (the filter's contiguous dimension), and a padded row
/// spreads their stores over the banks.
constexpr int64_t kRowPadding = 4;

/// Whether `body` yields out + in0 * in1 (in either order).
bool isMultiplyAccumulate(Block &body) {
  if (body.getNumArguments() != 3 || body.getOperations().size() != 3)
    return false;
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value product = add.getLhs(), accumulator = add.getRhs();
  if (accumulator != body.getArgument(2))
    std::swap(product, accumulator);
  auto multiply = product.getDefiningOp<arith::MulFOp>();
  if (accumulator != body.getArgument(2) || !multiply)
    return false;
  return (multiply.getLhs() == body.getArgument(0) &&
          multiply.getRhs() == body.getArgument(1)) ||
         (multiply.getLhs() == body.getArgument(1) &&
          multiply.getRhs() == body.getArgument(0));
}

class GemmBuilder {
public:
  GemmBuilder(RewriterBase &rewriter, FusedKernel &kernel,
              const GemmShape &shape)
      : b(rewriter), kernel(kernel), shape(shape),
        loc(kernel.layer.getLoc()) {}

  void build(const GemmTiling &tiling);

private:
  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value multiply(Value x, int64_t factor) {
    return arith::MulIOp::create(b, loc, x, constant(factor));
  }
  /// `index` < `bound`, or none when it always is (`slack` is false).
  void checkBelow(SmallVector<Value> &conditions, Value index, int64_t bound,
                  bool slack) {
    if (slack)
      conditions.push_back(arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult, index, constant(bound)));
  }
  /// An scf.forall over the block's threads; the builder inside it.
  Value threadLoop() {
    auto loop = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(threads)}, ValueRange(),
        b.getArrayAttr({gpu::GPUThreadMappingAttr::get(
            b.getContext(), gpu::MappingId::DimX)}));
    b.setInsertionPointToStart(loop.getBody());
    return loop.getInductionVar(0);
  }
  /// Runs `body` where `conditions` hold (always, for none).
  void guarded(ArrayRef<Value> conditions, llvm::function_ref<void()> body) {
    OpBuilder::InsertionGuard guard(b);
    if (Value all = allOf(b, loc, conditions)) {
      auto ifOp = scf::IfOp::create(b, loc, all);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    }
    body();
  }
  /// The loop indices of the layer at output row `row` and column
  /// `column` (either null: zeros on that side) and reduction `k` (null:
  /// only the parallel indices).
  SmallVector<Value> loopIndices(Value row, Value column, Value k);
  /// Stages the slice `slice` of `input` (`extent` long on its side, from
  /// `base`) in `tile`, a [BK][width] buffer, `width` >= `span` entries
  /// used; the depth varies fastest across threads when `depthFastest`.
  void stage(Value thread, Value slice, OpOperand *input, bool rowsSide,
             Value base, int64_t span, Value tile, bool depthFastest);

  RewriterBase &b;
  FusedKernel &kernel;
  const GemmShape &shape;
  Location loc;
  int64_t threads = 0, threadRows = 0, tileRows = 0, tileColumns = 0,
          blockRows = 0, blockColumns = 0, sliceDepth = 0;
};

SmallVector<Value> GemmBuilder::loopIndices(Value row, Value column, Value k) {
  linalg::GenericOp op = kernel.layer;
  Value zero = constant(0);
  SmallVector<Value> indices(op.getNumParallelLoops(), zero);
  if (row)
    for (auto [dim, index] :
         llvm::zip(shape.rowDims, delinearize(b, loc, row, shape.rowExtents)))
      indices[dim] = index;
  if (column)
    for (auto [dim, index] :
         llvm::zip(shape.columnDims,
                   delinearize(b, loc, column, shape.columnExtents)))
      indices[dim] = index;
  if (k)
    llvm::append_range(indices, delinearize(b, loc, k, shape.depthExtents));
  return indices;
}

void GemmBuilder::stage(Value thread, Value slice, OpOperand *input,
                        bool rowsSide, Value base, int64_t span, Value tile,
                        bool depthFastest) {
  int64_t elements = sliceDepth * span;
  int64_t extent = rowsSide ? shape.rows : shape.columns;
  Type element = kernel.layer.getRegionInputArgs()[0].getType();
  for (int64_t round = 0; round < llvm::divideCeil(elements, threads);
       ++round) {
    Value linear = add(thread, constant(round * threads));
    SmallVector<Value> inTile;
    checkBelow(inTile, linear, elements, elements % threads != 0);
    guarded(inTile, [&] {
      Value kLocal, position;
      if (depthFastest) {
        kLocal = arith::RemUIOp::create(b, loc, linear, constant(sliceDepth));
        position = arith::DivUIOp::create(b, loc, linear, constant(sliceDepth));
      } else {
        kLocal = arith::DivUIOp::create(b, loc, linear, constant(span));
        position = arith::RemUIOp::create(b, loc, linear, constant(span));
      }
      Value k = add(multiply(slice, sliceDepth), kLocal);
      Value index = add(base, position);
      SmallVector<Value> inside;
      checkBelow(inside, k, shape.depth, shape.depth % sliceDepth != 0);
      checkBelow(inside, index, extent,
                 extent % (rowsSide ? blockRows : blockColumns) != 0);
      auto load = [&]() -> Value {
        return loadOperand(b, loc, kernel.layer, *input,
                           loopIndices(rowsSide ? index : Value(),
                                       rowsSide ? Value() : index, k),
                           kernel.paddings);
      };
      Value value;
      if (Value all = allOf(b, loc, inside)) {
        // Past the ends, zeros: they add nothing to any accumulator.
        auto read = scf::IfOp::create(b, loc, TypeRange{element}, all,
                                      /*withElseRegion=*/true);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&read.getThenRegion().front());
        scf::YieldOp::create(b, loc, load());
        b.setInsertionPointToStart(&read.getElseRegion().front());
        scf::YieldOp::create(
            b, loc,
            arith::ConstantOp::create(b, loc, b.getZeroAttr(element))
                .getResult());
        value = read.getResult(0);
      } else {
        value = load();
      }
      memref::StoreOp::create(b, loc, value, tile,
                              ValueRange{kLocal, position});
    });
  }
}

void GemmBuilder::build(const GemmTiling &tiling) {
  MLIRContext *context = b.getContext();
  threads = tiling.blockSize;
  threadRows = threads / kThreadColumns;
  tileRows = tiling.tileRows;
  tileColumns = tiling.tileColumns;
  sliceDepth = tiling.sliceDepth;
  // A register tile no larger than its side of the matrix needs, then
  // smaller until the layer has enough blocks to fill the GPU.
  while (tileRows > 1 && threadRows * (tileRows / 2) >= shape.rows)
    tileRows /= 2;
  while (tileColumns > 1 && kThreadColumns * (tileColumns / 2) >= shape.columns)
    tileColumns /= 2;
  auto blockCount = [&] {
    return llvm::divideCeil(shape.rows, threadRows * tileRows) *
           llvm::divideCeil(shape.columns, kThreadColumns * tileColumns);
  };
  while (blockCount() < tiling.minBlocks && (tileRows > 1 || tileColumns > 1)) {
    if (tileRows >= tileColumns && tileRows > 1)
      tileRows /= 2;
    else
      tileColumns /= 2;
  }
  blockRows = threadRows * tileRows;
  blockColumns = kThreadColumns * tileColumns;
  int64_t columnBlocks = llvm::divideCeil(shape.columns, blockColumns);
  int64_t tileSize = tileRows * tileColumns;
  bool rowSlack = shape.rows % blockRows != 0;
  bool columnSlack = shape.columns % blockColumns != 0;
  Type element = kernel.layer.getRegionInputArgs()[0].getType();

  auto blockLoop = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(blockCount())},
      ValueRange(),
      b.getArrayAttr(
          {gpu::GPUBlockMappingAttr::get(context, gpu::MappingId::DimX)}));
  b.setInsertionPointToStart(blockLoop.getBody());
  auto workgroup = gpu::AddressSpaceAttr::get(context,
                                              gpu::AddressSpace::Workgroup);
  Value rowsTile = memref::AllocaOp::create(
      b, loc,
      MemRefType::get({sliceDepth, blockRows + kRowPadding}, element,
                      MemRefLayoutAttrInterface(), workgroup));
  Value columnsTile = memref::AllocaOp::create(
      b, loc,
      MemRefType::get({sliceDepth, blockColumns}, element,
                      MemRefLayoutAttrInterface(), workgroup));
  Value accumulators = memref::AllocaOp::create(
      b, loc,
      MemRefType::get({threads, tileSize}, element, MemRefLayoutAttrInterface(),
                      gpu::AddressSpaceAttr::get(context,
                                                 gpu::AddressSpace::Private)));
  Value block = blockLoop.getInductionVar(0);
  Value rowBase = multiply(
      arith::DivUIOp::create(b, loc, block, constant(columnBlocks)), blockRows);
  Value columnBase = multiply(
      arith::RemUIOp::create(b, loc, block, constant(columnBlocks)),
      blockColumns);
  OpBuilder::InsertPoint inBlock = b.saveInsertionPoint();

  // Each point of the thread's register tile, in the order of its
  // accumulators: (offset in the tile, row, column, whether inside).
  struct Point {
    int64_t slot;
    Value row, column;
    SmallVector<Value> inside;
  };
  auto points = [&](Value thread) {
    Value ty = arith::DivUIOp::create(b, loc, thread, constant(kThreadColumns));
    Value tx = arith::RemUIOp::create(b, loc, thread, constant(kThreadColumns));
    SmallVector<Point> all;
    for (int64_t i = 0; i < tileRows; ++i)
      for (int64_t j = 0; j < tileColumns; ++j) {
        Point point{i * tileColumns + j,
                    add(rowBase, add(ty, constant(i * threadRows))),
                    add(columnBase, add(tx, constant(j * kThreadColumns))),
                    {}};
        checkBelow(point.inside, point.row, shape.rows, rowSlack);
        checkBelow(point.inside, point.column, shape.columns, columnSlack);
        all.push_back(std::move(point));
      }
    return all;
  };

  // The accumulators start from the layer's initial values.
  Value thread = threadLoop();
  for (const Point &point : points(thread))
    guarded(point.inside, [&] {
      Value initial = initialValues(b, loc, kernel,
                                    loopIndices(point.row, point.column,
                                                Value()))[0];
      memref::StoreOp::create(b, loc, initial, accumulators,
                              ValueRange{thread, constant(point.slot)});
    });

  // The slices of the depth.
  b.restoreInsertionPoint(inBlock);
  auto slices = scf::ForOp::create(
      b, loc, constant(0),
      constant(llvm::divideCeil(shape.depth, sliceDepth)), constant(1));
  b.setInsertionPointToStart(slices.getBody());
  OpBuilder::InsertPoint inSlice = b.saveInsertionPoint();
  Value slice = slices.getInductionVar();
  thread = threadLoop();
  stage(thread, slice, shape.rowsInput, /*rowsSide=*/true, rowBase, blockRows,
        rowsTile, /*depthFastest=*/true);
  stage(thread, slice, shape.columnsInput, /*rowsSide=*/false, columnBase,
        blockColumns, columnsTile, /*depthFastest=*/false);

  b.restoreInsertionPoint(inSlice);
  thread = threadLoop();
  Value ty = arith::DivUIOp::create(b, loc, thread, constant(kThreadColumns));
  Value tx = arith::RemUIOp::create(b, loc, thread, constant(kThreadColumns));
  SmallVector<Value> sums;
  for (int64_t slot = 0; slot < tileSize; ++slot)
    sums.push_back(memref::LoadOp::create(
        b, loc, accumulators, ValueRange{thread, constant(slot)}));
  auto depthLoop = scf::ForOp::create(b, loc, constant(0),
                                      constant(sliceDepth), constant(1), sums);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(depthLoop.getBody());
    Value k = depthLoop.getInductionVar();
    SmallVector<Value> fromRows, fromColumns;
    for (int64_t i = 0; i < tileRows; ++i)
      fromRows.push_back(memref::LoadOp::create(
          b, loc, rowsTile, ValueRange{k, add(ty, constant(i * threadRows))}));
    for (int64_t j = 0; j < tileColumns; ++j)
      fromColumns.push_back(memref::LoadOp::create(
          b, loc, columnsTile,
          ValueRange{k, add(tx, constant(j * kThreadColumns))}));
    SmallVector<Value> updated;
    for (int64_t i = 0; i < tileRows; ++i)
      for (int64_t j = 0; j < tileColumns; ++j)
        updated.push_back(math::FmaOp::create(
            b, loc, fromRows[i], fromColumns[j],
            depthLoop.getRegionIterArgs()[i * tileColumns + j]));
    scf::YieldOp::create(b, loc, updated);
  }
  for (int64_t slot = 0; slot < tileSize; ++slot)
    memref::StoreOp::create(b, loc, depthLoop.getResult(slot), accumulators,
                            ValueRange{thread, constant(slot)});

  // The results, through the epilogue.
  b.restoreInsertionPoint(inBlock);
  b.setInsertionPointAfter(slices);
  thread = threadLoop();
  for (const Point &point : points(thread))
    guarded(point.inside, [&] {
      Value result = memref::LoadOp::create(
          b, loc, accumulators, ValueRange{thread, constant(point.slot)});
      storeResults(b, loc, kernel, result,
                   loopIndices(point.row, point.column, Value()));
    });
  b.setInsertionPointAfter(blockLoop);
}

} // namespace

std::optional<GemmShape> matchGemm(linalg::GenericOp layer) {
  SmallVector<OpOperand *> inputs = layer.getDpsInputOperands();
  if (layer.getNumReductionLoops() == 0 || inputs.size() != 2 ||
      layer.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(*layer.getBody()) ||
      !layer.getRegionOutputArgs()[0].getType().isF32() ||
      !llvm::all_of(inputs, [](OpOperand *input) {
        return isa<MemRefType>(input->get().getType());
      }))
    return std::nullopt;
  SmallVector<int64_t> ranges = layer.getStaticLoopRanges();
  unsigned numParallel = layer.getNumParallelLoops();
  if (numParallel == 0)
    return std::nullopt;
  // The columns are the side of the innermost output dimension (the
  // pixels of a convolution): a warp's stores are then contiguous.
  AffineMap maps[2] = {layer.getMatchingIndexingMap(inputs[0]),
                       layer.getMatchingIndexingMap(inputs[1])};
  int columnsSide = maps[1].isFunctionOfDim(numParallel - 1) ? 1 : 0;
  GemmShape shape;
  shape.columnsInput = inputs[columnsSide];
  shape.rowsInput = inputs[1 - columnsSide];
  for (unsigned dim = 0; dim < numParallel; ++dim) {
    // A dimension of one point (the group of an ungrouped convolution)
    // is 0 on both sides.
    if (ranges[dim] == 1)
      continue;
    bool byColumns = maps[columnsSide].isFunctionOfDim(dim);
    bool byRows = maps[1 - columnsSide].isFunctionOfDim(dim);
    if (byColumns == byRows)
      return std::nullopt;
    (byColumns ? shape.columnDims : shape.rowDims).push_back(dim);
    (byColumns ? shape.columnExtents : shape.rowExtents).push_back(ranges[dim]);
    (byColumns ? shape.columns : shape.rows) *= ranges[dim];
  }
  for (int64_t extent : ArrayRef<int64_t>(ranges).drop_front(numParallel)) {
    shape.depthExtents.push_back(extent);
    shape.depth *= extent;
  }
  // Below a tile of rows or columns, or of depth, a thread per output
  // (the plain kernel) does as well with no barriers.
  if (shape.rowDims.empty() || shape.columnDims.empty() || shape.rows < 16 ||
      shape.columns < 16 || shape.depth < 16)
    return std::nullopt;
  return shape;
}

void distributeAsGemm(RewriterBase &rewriter, FusedKernel &kernel,
                      const GemmShape &shape, const GemmTiling &tiling) {
  GemmBuilder(rewriter, kernel, shape).build(tiling);
  kernel.erase(rewriter);
}

} // namespace mlir::inception
