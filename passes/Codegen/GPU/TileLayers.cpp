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

/// A padded buffer a layer reads, as the ops before it build it: a fill of
/// the whole buffer (`fill`, yielding the padding value) and an op that
/// writes its interior (`writer`, into a subview at static `offsets` of
/// `sizes`: a copy, or a ReLU). The layer reads `read`, the buffer or an
/// expand_shape of it (`groups`, of `readShape`); its threads read through
/// it instead: the writer's value inside the interior, the fill's outside.
struct Padding {
  Value padded, read;
  SmallVector<ReassociationIndices> groups;
  SmallVector<int64_t> readShape, offsets, sizes;
  linalg::GenericOp fill, writer;
};

SmallVector<Value> emitBody(OpBuilder &builder, Location loc,
                            linalg::GenericOp op, ValueRange indices,
                            ValueRange outputs,
                            ArrayRef<Padding> paddings = {});

/// The values of `op`'s operand `operand` at the loop indices `indices`:
/// a load through its indexing map (through the padding, for a padded
/// buffer of `paddings`), or the scalar itself.
Value loadOperand(OpBuilder &builder, Location loc, linalg::GenericOp op,
                  OpOperand &operand, ValueRange indices,
                  ArrayRef<Padding> paddings = {}) {
  Value source = operand.get();
  if (!isa<MemRefType>(source.getType()))
    return source;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  SmallVector<Value> subscripts;
  for (AffineExpr result : map.getResults())
    subscripts.push_back(affine::AffineApplyOp::create(
        builder, loc, AffineMap::get(map.getNumDims(), 0, result), indices));
  const Padding *padding = llvm::find_if(
      paddings, [&](const Padding &p) { return p.read == source; });
  if (padding == paddings.end())
    return memref::LoadOp::create(builder, loc, source, subscripts);
  // The subscripts in the padded buffer, each group of the expand_shape
  // linearized.
  SmallVector<Value> padded;
  for (const ReassociationIndices &group : padding->groups) {
    Value index;
    for (int64_t dim : group)
      index = index ? arith::AddIOp::create(
                          builder, loc,
                          arith::MulIOp::create(
                              builder, loc, index,
                              arith::ConstantIndexOp::create(
                                  builder, loc, padding->readShape[dim])),
                          subscripts[dim])
                          .getResult()
                    : subscripts[dim];
    padded.push_back(index);
  }
  // Inside the interior when every subscript less its offset is below the
  // interior's extent (as unsigned: below the offset wraps around).
  Value inside;
  SmallVector<Value> interior;
  for (auto [subscript, offset, extent] :
       llvm::zip(padded, padding->offsets, padding->sizes)) {
    Value shifted = arith::SubIOp::create(
        builder, loc, subscript,
        arith::ConstantIndexOp::create(builder, loc, offset));
    interior.push_back(shifted);
    Value below = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, shifted,
        arith::ConstantIndexOp::create(builder, loc, extent));
    inside = inside ? arith::AndIOp::create(builder, loc, inside, below)
                          .getResult()
                    : below;
  }
  Type element = cast<MemRefType>(source.getType()).getElementType();
  auto read = scf::IfOp::create(builder, loc, TypeRange{element}, inside,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&read.getThenRegion().front());
  scf::YieldOp::create(builder, loc,
                       emitBody(builder, loc, padding->writer, interior, {}));
  builder.setInsertionPointToStart(&read.getElseRegion().front());
  scf::YieldOp::create(builder, loc,
                       emitBody(builder, loc, padding->fill, padded, {}));
  return read.getResult(0);
}

/// The body of `op` at `indices`, its outputs' block arguments bound to
/// `outputs`: the values it yields.
SmallVector<Value> emitBody(OpBuilder &builder, Location loc,
                            linalg::GenericOp op, ValueRange indices,
                            ValueRange outputs, ArrayRef<Padding> paddings) {
  Block *body = op.getBody();
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands())
    mapping.map(body->getArgument(input->getOperandNumber()),
                loadOperand(builder, loc, op, *input, indices, paddings));
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

/// One kernel: a layer, and what its threads also compute at each of its
/// output points (see fusableInitializer, fusableEpilogue).
struct Kernel {
  /// The ops of the kernel, erased once it is built.
  void erase(RewriterBase &rewriter) {
    for (Operation *op : {initializer.getOperation(), layer.getOperation(),
                          epilogue.getOperation()})
      if (op)
        rewriter.eraseOp(op);
    for (Padding &padding : paddings) {
      Operation *subview = padding.writer.getDpsInits()[0].getDefiningOp();
      rewriter.eraseOp(padding.writer);
      rewriter.eraseOp(padding.fill);
      for (Operation *view : {subview, padding.read.getDefiningOp()})
        if (view && view->use_empty())
          rewriter.eraseOp(view);
    }
  }

  linalg::GenericOp layer;
  /// Computes the layer's initial output (a bias broadcast), instead of a
  /// kernel that writes it for the layer to load.
  linalg::GenericOp initializer;
  /// Reads the layer's output at the same point (a ReLU, a residual add),
  /// instead of a kernel that loads it back.
  linalg::GenericOp epilogue;
  /// Padded buffers the layer reads through instead of two kernels
  /// writing them.
  SmallVector<Padding, 1> paddings;
};

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
LogicalResult distribute(RewriterBase &rewriter, Kernel kernel,
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
  // Delinearize, the last dimension fastest.
  Value rest = id;
  SmallVector<Value> base(tiles.size());
  for (int64_t dim = tiles.size() - 1; dim >= 0; --dim) {
    base[dim] = dim == 0 ? rest
                         : arith::RemUIOp::create(rewriter, loc, rest,
                                                  constant(tiles[dim]))
                               .getResult();
    if (dim != 0)
      rest = arith::DivUIOp::create(rewriter, loc, rest, constant(tiles[dim]));
  }
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
  // A point's loop indices: its parallel ones, and the reductions' (0 for
  // the outputs, whose maps read no reduction dimension).
  auto withReductions = [&](ArrayRef<Value> point, ValueRange reductions) {
    SmallVector<Value> all(point);
    llvm::append_range(all, reductions);
    return all;
  };
  SmallVector<Value> zeros(ranges.size() - numParallel, constant(0));

  // The outputs' values, loaded once: when the body reads them or the
  // reductions carry them; every point's, one after the other.
  SmallVector<Value> outputs;
  for (const SmallVector<Value> &point : points) {
    if (kernel.initializer) {
      llvm::append_range(outputs,
                         emitBody(rewriter, loc, kernel.initializer, point, {}));
      continue;
    }
    for (auto [operand, argument] :
         llvm::zip(op.getDpsInitsMutable(), op.getRegionOutputArgs()))
      outputs.push_back(argument.use_empty() && numParallel == ranges.size()
                            ? Value()
                            : loadOperand(rewriter, loc, op, operand,
                                          withReductions(point, zeros)));
  }
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
  auto store = [&](linalg::GenericOp owner, ValueRange values,
                   ValueRange at) {
    for (auto [operand, value] :
         llvm::zip(owner.getDpsInitsMutable(), values)) {
      AffineMap map = owner.getMatchingIndexingMap(&operand);
      SmallVector<Value> subscripts;
      for (AffineExpr result : map.getResults())
        subscripts.push_back(affine::AffineApplyOp::create(
            rewriter, loc, AffineMap::get(map.getNumDims(), 0, result), at));
      memref::StoreOp::create(rewriter, loc, value, operand.get(), subscripts);
    }
  };
  linalg::GenericOp epilogue = kernel.epilogue;
  for (auto [index, point] : llvm::enumerate(points)) {
    ValueRange values =
        ValueRange(results).slice(index * numOutputs, numOutputs);
    // The layer's output is stored unless the epilogue overwrites it in
    // place.
    if (!epilogue || epilogue.getDpsInits()[0] != op.getDpsInits()[0])
      store(op, values, withReductions(point, zeros));
    if (!epilogue)
      continue;
    Block *body = epilogue.getBody();
    IRMapping mapping;
    for (OpOperand *input : epilogue.getDpsInputOperands())
      mapping.map(body->getArgument(input->getOperandNumber()),
                  input->get() == op.getDpsInits()[0]
                      ? values[0]
                      : loadOperand(rewriter, loc, epilogue, *input, point));
    BlockArgument output = epilogue.getRegionOutputArgs()[0];
    if (!output.use_empty())
      mapping.map(output, loadOperand(rewriter, loc, epilogue,
                                      epilogue.getDpsInitsMutable()[0], point));
    for (Operation &inner : body->without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
        mapping.map(index.getResult(), point[index.getDim()]);
        continue;
      }
      rewriter.clone(inner, mapping);
    }
    store(epilogue,
          llvm::map_to_vector(body->getTerminator()->getOperands(),
                              [&](Value v) { return mapping.lookupOrDefault(v); }),
          point);
  }
  kernel.erase(rewriter);
  return success();
}

/// The buffer a view is part of (a function argument, or what the views
/// start from) and the bytes of it the view may touch, when every view on
/// the way has static offsets and sizes.
struct ByteRange {
  Value root;
  int64_t begin = 0, end = 0;
};

std::optional<ByteRange> byteRange(Value view) {
  auto type = dyn_cast<MemRefType>(view.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) ||
      llvm::any_of(strides, ShapedType::isDynamic))
    return std::nullopt;
  // The elements the view reaches from its base, in bytes.
  int64_t last = offset;
  for (auto [size, stride] : llvm::zip(type.getShape(), strides))
    last += (size - 1) * stride;
  if (type.getNumElements() == 0)
    return std::nullopt;
  Operation *definition = view.getDefiningOp();
  if (!definition)
    return ByteRange{view, offset * elementBytes, (last + 1) * elementBytes};
  if (auto cast = dyn_cast<memref::ViewOp>(definition)) {
    std::optional<int64_t> shift = getConstantIntValue(cast.getByteShift());
    std::optional<ByteRange> base = byteRange(cast.getSource());
    if (!shift || !base)
      return std::nullopt;
    return ByteRange{base->root, base->begin + *shift + offset * elementBytes,
                     base->begin + *shift + (last + 1) * elementBytes};
  }
  // Views whose layout already holds the offset from their source's base.
  if (isa<memref::SubViewOp, memref::ExpandShapeOp, memref::CollapseShapeOp,
          memref::ReinterpretCastOp, memref::CastOp>(definition)) {
    std::optional<ByteRange> base = byteRange(definition->getOperand(0));
    if (!base)
      return std::nullopt;
    int64_t baseOffset;
    SmallVector<int64_t> baseStrides;
    auto baseType = cast<MemRefType>(definition->getOperand(0).getType());
    if (failed(baseType.getStridesAndOffset(baseStrides, baseOffset)))
      return std::nullopt;
    int64_t origin = base->begin - baseOffset * elementBytes;
    return ByteRange{base->root, origin + offset * elementBytes,
                     origin + (last + 1) * elementBytes};
  }
  return std::nullopt;
}

/// Whether two buffers share no byte (unknown: they may).
bool disjoint(Value a, Value b) {
  std::optional<ByteRange> first = byteRange(a), second = byteRange(b);
  if (!first || !second)
    return false;
  if (first->root != second->root)
    return isa<BlockArgument>(first->root) && isa<BlockArgument>(second->root);
  return first->end <= second->begin || second->end <= first->begin;
}

/// Whether `map` reads loop dimensions 0..n-1 as results 0..n-1, n its
/// result count: the point a thread computes, on an output.
bool isLeadingIdentity(AffineMap map) {
  for (auto [position, result] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(result);
    if (!dim || dim.getPosition() != position)
      return false;
  }
  return true;
}

bool allParallel(linalg::GenericOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// The padding `fill` and `writer` (adjacent ops) build, when `fill`
/// writes a whole buffer from no buffer and `writer`, cheap, writes all of
/// a subview of it with static offsets and unit strides, without reading
/// it.
/// The reader is not known yet: `read` is the padded buffer.
std::optional<Padding> matchPadding(linalg::GenericOp fill,
                                    linalg::GenericOp writer) {
  auto isWhole = [](linalg::GenericOp op) {
    AffineMap map = op.getIndexingMapsArray().back();
    return op.getNumDpsInits() == 1 && allParallel(op) &&
           isLeadingIdentity(map) && map.getNumResults() == op.getNumLoops() &&
           op.getRegionOutputArgs()[0].use_empty();
  };
  if (!isWhole(fill) || !isWhole(writer) ||
      llvm::any_of(fill.getDpsInputs(), [](Value input) {
        return isa<MemRefType>(input.getType());
      }))
    return std::nullopt;
  // The reader evaluates the writer at each point it reads, several times
  // per point: only a cheap one (a copy, a ReLU), each input read at the
  // point itself.
  Block *body = writer.getBody();
  if (std::distance(body->begin(), body->end()) > 4 ||
      llvm::any_of(body->getOperations(),
                   [](Operation &op) {
                     return isa<math::MathDialect>(op.getDialect());
                   }) ||
      llvm::any_of(writer.getDpsInputOperands(), [&](OpOperand *input) {
        return !writer.getMatchingIndexingMap(input).isProjectedPermutation();
      }))
    return std::nullopt;
  auto subview = writer.getDpsInits()[0].getDefiningOp<memref::SubViewOp>();
  Value padded = fill.getDpsInits()[0];
  // The interior is the writer's alone: no later op writes or reads it
  // through the subview.
  if (!subview || !subview->hasOneUse() || subview.getSource() != padded ||
      !subview.hasUnitStride() ||
      llvm::any_of(subview.getStaticOffsets(), ShapedType::isDynamic) ||
      subview.getSourceType().getRank() != subview.getType().getRank() ||
      llvm::is_contained(writer.getDpsInputs(), padded))
    return std::nullopt;
  auto shape = cast<MemRefType>(padded.getType()).getShape();
  Padding padding{padded, padded, {}, llvm::to_vector(shape),
                  llvm::to_vector(subview.getStaticOffsets()),
                  llvm::to_vector(subview.getType().getShape()), fill, writer};
  for (int64_t dim = 0, rank = shape.size(); dim < rank; ++dim)
    padding.groups.push_back({dim});
  return padding;
}

/// `padding` as `reader` reads it, when that is the padded buffer or an
/// expand_shape of it that only `reader` uses.
std::optional<Padding> readThrough(Padding padding, linalg::GenericOp reader) {
  for (Value input : reader.getDpsInputs()) {
    if (input == padding.padded)
      return padding;
    auto expand = input.getDefiningOp<memref::ExpandShapeOp>();
    if (!expand || expand.getSrc() != padding.padded ||
        !expand->hasOneUse())
      continue;
    padding.read = input;
    padding.groups = expand.getReassociationIndices();
    padding.readShape = llvm::to_vector(expand.getResultType().getShape());
    return padding;
  }
  return std::nullopt;
}

/// Whether `op` writes a buffer that may share a byte with `value`.
bool writesOver(linalg::GenericOp op, Value value) {
  return llvm::any_of(op.getDpsInits(),
                      [&](Value output) { return !disjoint(output, value); });
}

/// Whether `producer`, right before `layer`, only computes `layer`'s
/// initial output: one all-parallel op writing every element of the
/// layer's one output, which the layer reads as its initial value, from
/// inputs the layer does not write.
bool fusableInitializer(linalg::GenericOp producer, linalg::GenericOp layer) {
  if (!allParallel(producer) || producer.getNumDpsInits() != 1 ||
      layer.getNumDpsInits() != 1 ||
      producer.getDpsInits()[0] != layer.getDpsInits()[0] ||
      !producer.getRegionOutputArgs()[0].use_empty() ||
      layer.getRegionOutputArgs()[0].use_empty() ||
      producer.getNumLoops() != layer.getNumParallelLoops())
    return false;
  if (!isLeadingIdentity(producer.getIndexingMapsArray().back()) ||
      !isLeadingIdentity(layer.getIndexingMapsArray().back()))
    return false;
  Value output = layer.getDpsInits()[0];
  return llvm::all_of(producer.getDpsInputs(), [&](Value input) {
    return !isa<MemRefType>(input.getType()) || disjoint(input, output);
  });
}

/// Whether `consumer`, right after `layer`, is elementwise on `layer`'s
/// output: one all-parallel op over the layer's output points that reads
/// that output at the same point and writes one output there (in place,
/// or a buffer none of the kernel's other reads touch), so that each
/// thread can apply it to the value it computed.
bool fusableEpilogue(linalg::GenericOp consumer, Kernel kernel) {
  linalg::GenericOp layer = kernel.layer;
  if (!allParallel(consumer) || consumer.getNumDpsInits() != 1 ||
      layer.getNumDpsInits() != 1 ||
      consumer.getNumLoops() != layer.getNumParallelLoops() ||
      consumer.getStaticLoopRanges() !=
          ArrayRef<int64_t>(layer.getStaticLoopRanges())
              .take_front(layer.getNumParallelLoops()))
    return false;
  Value output = layer.getDpsInits()[0];
  Value written = consumer.getDpsInits()[0];
  if (!isLeadingIdentity(consumer.getIndexingMapsArray().back()))
    return false;
  bool readsOutput = false;
  for (OpOperand *input : consumer.getDpsInputOperands()) {
    if (input->get() == output) {
      if (!isLeadingIdentity(consumer.getMatchingIndexingMap(input)))
        return false;
      readsOutput = true;
    } else if (isa<MemRefType>(input->get().getType()) &&
               !disjoint(input->get(), output)) {
      return false;
    }
  }
  if (!readsOutput || (written != output && !disjoint(written, output)))
    return false;
  // Other threads still read the kernel's inputs when one stores.
  SmallVector<Value> reads(layer.getDpsInputs());
  for (Padding &padding : kernel.paddings)
    llvm::append_range(reads, padding.writer.getDpsInputs());
  if (kernel.initializer)
    llvm::append_range(reads, kernel.initializer.getDpsInputs());
  for (OpOperand *input : consumer.getDpsInputOperands())
    if (input->get() != output)
      reads.push_back(input->get());
  return llvm::all_of(reads, [&](Value read) {
    return !isa<MemRefType>(read.getType()) || read == written ||
           disjoint(read, written);
  });
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
    // Padded buffers that only a later layer with reductions reads (a
    // convolution, a pooling) are read through by it: the fill and the op
    // writing the interior (a copy, a ReLU) go, when what that op reads is
    // not overwritten before the layer reads it (the buffers written in
    // between, the layer's output among them, share no byte with it).
    DenseMap<Operation *, SmallVector<Padding, 1>> paddingsOf;
    if (fuse) {
      SmallVector<linalg::GenericOp> kept;
      for (size_t i = 0; i < layers.size(); ++i) {
        std::optional<Padding> padding =
            i + 2 < layers.size() ? matchPadding(layers[i], layers[i + 1])
                                  : std::nullopt;
        // The first later layer that reads the padded buffer.
        size_t reader = i + 2;
        std::optional<Padding> read;
        while (padding && reader < layers.size() &&
               !(read = readThrough(*padding, layers[reader])))
          ++reader;
        // It is read there alone, and what the writer reads is not
        // overwritten before then.
        bool readThrough =
            read && layers[reader].getNumReductionLoops() != 0 &&
            llvm::all_of(padding->padded.getUsers(), [&](Operation *user) {
              return user == padding->fill ||
                     user == padding->writer.getDpsInits()[0].getDefiningOp() ||
                     user == read->read.getDefiningOp() ||
                     user == layers[reader];
            });
        for (size_t between = i + 2; readThrough && between <= reader;
             ++between)
          for (Value input : padding->writer.getDpsInputs())
            if (isa<MemRefType>(input.getType()) &&
                writesOver(layers[between], input))
              readThrough = false;
        if (!readThrough) {
          kept.push_back(layers[i]);
          continue;
        }
        paddingsOf[layers[reader]].push_back(*read);
        ++i;
      }
      layers = std::move(kept);
    }
    // The kernels: each layer with reductions takes the op that only
    // initializes its output and the elementwise op after it, when they
    // are fusable; each kernel is emitted where its last op was, after
    // every view its ops use.
    for (size_t i = 0; i < layers.size();) {
      Kernel kernel{layers[i], {}, {}, paddingsOf.lookup(layers[i])};
      if (fuse && i + 1 < layers.size() &&
          kernel.layer.getNumReductionLoops() == 0 &&
          layers[i + 1].getNumReductionLoops() != 0 &&
          fusableInitializer(kernel.layer, layers[i + 1])) {
        kernel = Kernel{layers[i + 1], layers[i], {},
                        paddingsOf.lookup(layers[i + 1])};
        ++i;
      }
      if (fuse && i + 1 < layers.size() &&
          fusableEpilogue(layers[i + 1], kernel)) {
        kernel.epilogue = layers[i + 1];
        ++i;
      }
      rewriter.setInsertionPoint(layers[i]);
      if (failed(distribute(rewriter, kernel, blockSize, registerTileRows,
                            registerTileColumns)))
        return signalPassFailure();
      ++i;
    }
  }
};

} // namespace
} // namespace mlir::inception
