//===- KernelFusion.cpp - Which ops make one GPU kernel -------------------===//

#include "passes/Codegen/GPU/KernelFusion.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::inception {

void FusedKernel::erase(RewriterBase &rewriter) {
  for (Operation *op : {initializer.getOperation(), layer.getOperation(),
                        epilogue.getOperation()})
    if (op)
      rewriter.eraseOp(op);
  for (PaddedInput &padding : paddings) {
    Operation *subview = padding.writer.getDpsInits()[0].getDefiningOp();
    rewriter.eraseOp(padding.writer);
    rewriter.eraseOp(padding.fill);
    for (Operation *view : {subview, padding.read.getDefiningOp()})
      if (view && view->use_empty())
        rewriter.eraseOp(view);
  }
}

namespace {

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
std::optional<PaddedInput> matchPadding(linalg::GenericOp fill,
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
  PaddedInput padding{padded, padded, {}, llvm::to_vector(shape),
                  llvm::to_vector(subview.getStaticOffsets()),
                  llvm::to_vector(subview.getType().getShape()), fill, writer};
  for (int64_t dim = 0, rank = shape.size(); dim < rank; ++dim)
    padding.groups.push_back({dim});
  return padding;
}

/// `padding` as `reader` reads it, when that is the padded buffer or an
/// expand_shape of it that only `reader` uses.
std::optional<PaddedInput> readThrough(PaddedInput padding, linalg::GenericOp reader) {
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
bool fusableEpilogue(linalg::GenericOp consumer, FusedKernel kernel) {
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
  for (PaddedInput &padding : kernel.paddings)
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

} // namespace

SmallVector<FusedKernel, 0>
groupIntoKernels(ArrayRef<linalg::GenericOp> input, bool fuse) {
  SmallVector<linalg::GenericOp> layers(input);
  // Padded buffers that only a later layer with reductions reads (a
  // convolution, a pooling) are read through by it: the fill and the op
  // writing the interior (a copy, a ReLU) go, when what that op reads is
  // not overwritten before the layer reads it (the buffers written in
  // between, the layer's output among them, share no byte with it).
  DenseMap<Operation *, SmallVector<PaddedInput, 1>> paddingsOf;
  if (fuse) {
    SmallVector<linalg::GenericOp> kept;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::optional<PaddedInput> padding =
          i + 2 < layers.size() ? matchPadding(layers[i], layers[i + 1])
                                : std::nullopt;
      // The first later layer that reads the padded buffer.
      size_t reader = i + 2;
      std::optional<PaddedInput> read;
      while (padding && reader < layers.size() &&
             !(read = readThrough(*padding, layers[reader])))
        ++reader;
      // It is read there alone, and what the writer reads is not
      // overwritten before then.
      bool readable =
          read && layers[reader].getNumReductionLoops() != 0 &&
          llvm::all_of(padding->padded.getUsers(), [&](Operation *user) {
            return user == padding->fill ||
                   user == padding->writer.getDpsInits()[0].getDefiningOp() ||
                   user == read->read.getDefiningOp() ||
                   user == layers[reader];
          });
      for (size_t between = i + 2; readable && between <= reader;
           ++between)
        for (Value input : padding->writer.getDpsInputs())
          if (isa<MemRefType>(input.getType()) &&
              writesOver(layers[between], input))
            readable = false;
      if (!readable) {
        kept.push_back(layers[i]);
        continue;
      }
      paddingsOf[layers[reader]].push_back(*read);
      ++i;
    }
    layers = std::move(kept);
  }
  // Each layer with reductions takes the op that only initializes its
  // output and the elementwise op after it, when they are fusable.
  SmallVector<FusedKernel, 0> kernels;
  for (size_t i = 0; i < layers.size();) {
    FusedKernel kernel{layers[i], {}, {}, paddingsOf.lookup(layers[i])};
    if (fuse && i + 1 < layers.size() &&
        kernel.layer.getNumReductionLoops() == 0 &&
        layers[i + 1].getNumReductionLoops() != 0 &&
        fusableInitializer(kernel.layer, layers[i + 1])) {
      kernel = FusedKernel{layers[i + 1], layers[i], {},
                      paddingsOf.lookup(layers[i + 1])};
      ++i;
    }
    if (fuse && i + 1 < layers.size() &&
        fusableEpilogue(layers[i + 1], kernel)) {
      kernel.epilogue = layers[i + 1];
      ++i;
    }
    kernels.push_back(std::move(kernel));
    ++i;
  }
  return kernels;
}

} // namespace mlir::inception
