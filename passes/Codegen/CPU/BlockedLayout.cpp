//===- BlockedLayout.cpp - Activations in NCHW<b>c blocks ------------------===//
//
// Rewrites the linalg-on-tensors form of a model so that its activations
// live in a blocked layout, [N, ceil(C/b), H, W, b]: channel c of pixel
// (h, w) at [c / b][h][w][c % b]. The b channels of a pixel are one vector,
// which convolutions, depthwise convolutions, pooling and elementwise ops
// then read and write whole. Channels past C in the last block are zero:
// every op rewritten here keeps them so (zero-padded filters and biases,
// max(0, x), sums of zeros), so consumers may read them.
//
// Each op whose activations can be blocked is rebuilt on blocked operands;
// its old result is then read through an unpacking generic, which the
// next blocked consumer looks through. What stays unblocked (a global
// pooling's reduction, the dense layer, an LRN's channel window) reads the
// unpacked value, and a blocked op whose input comes from an unblocked one
// packs it. The first convolution reads the NCHW input as it is, so that
// in the Inception models the layout changes once, before the classifier.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/Passes.h"
#include "dialect/InceptionAttrs.h"
#include "passes/Statistics.h"
#include "dialect/WeightConstants.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::inception {
#define GEN_PASS_DEF_BLOCKEDLAYOUT
#include "passes/Codegen/CPU/Passes.h.inc"

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// A 4-d NCHW activation type, or null.
RankedTensorType activationType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 4 && tensor.hasStaticShape() &&
                 tensor.getElementType().isF32()
             ? tensor
             : RankedTensorType();
}

/// The weight a tensor is (constants and parameters, and what only they
/// compute), through reshapes, or null.
Value weightSource(Value value) {
  while (true) {
    if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>())
      value = expand.getSrc();
    else if (auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>())
      value = collapse.getSrc();
    else
      break;
  }
  return isWeight(value) ? value : Value();
}

/// Copies `from`'s body into the body of `to`, whose block arguments
/// correspond one to one.
void cloneBody(linalg::GenericOp from, OpBuilder &builder, Location loc,
               ValueRange arguments) {
  IRMapping mapping;
  Block &body = from.getRegion().front();
  mapping.map(body.getArguments(), arguments);
  for (Operation &op : body)
    builder.clone(op, mapping);
}

struct BlockedLayoutPass : impl::BlockedLayoutBase<BlockedLayoutPass> {
  using BlockedLayoutBase::BlockedLayoutBase;

  /// Channels per block: the option, else the target's vector width.
  int64_t block = 0;
  /// Each NCHW activation's blocked form, made so far.
  DenseMap<Value, Value> blockedForm;
  uint64_t convolutions = 0, others = 0, packs = 0, unpacks = 0;

  RankedTensorType blockedType(RankedTensorType type) {
    ArrayRef<int64_t> s = type.getShape();
    return RankedTensorType::get({s[0], ceilDiv(s[1], block), s[2], s[3], block},
                                 type.getElementType());
  }

  AffineExpr dim(unsigned position) {
    return getAffineDimExpr(position, &getContext());
  }

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    block = blockOption;
    if (!blockOption.hasValue()) {
      if (TargetAttr target = lookupTarget(function)) {
        // Blocks are for the microkernels: none without them.
        if (!target.hasMicrokernels())
          return markAllAnalysesPreserved();
        block = target.getVectorWidth();
      }
    }
    if (block < 2) {
      function.emitError()
          << "inception-blocked-layout: block must be at least 2, not "
          << block;
      return signalPassFailure();
    }
    blockedForm.clear();
    convolutions = others = packs = unpacks = 0;
    // The function's ops as they are now: the rewrites add ops (and erase
    // none), which need no visit.
    SmallVector<Operation *> ops =
        llvm::to_vector(llvm::make_pointer_range(function.getBody().front()));
    for (Operation *op : ops) {
      if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
        if (generic->hasAttr(kConvAttr)) {
          convolutions += succeeded(rewriteConvolution(generic));
          continue;
        }
        others += succeeded(rewriteElementwise(generic));
      } else if (auto pad = dyn_cast<tensor::PadOp>(op)) {
        others += succeeded(rewritePad(pad));
      } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
        others += succeeded(rewriteExtractSlice(slice));
      } else if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
        others += succeeded(rewriteInsertSlice(insert));
      }
    }
    // The old ops and the unpacks nothing reads: last first, so that an
    // op's producers are dead by the time the sweep reaches them.
    for (Operation &op : llvm::make_early_inc_range(
             llvm::reverse(function.getBody().front().getOperations())))
      if (isOpTriviallyDead(&op))
        op.erase();
    function.walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kUnpackAttr))
        ++unpacks;
      else if (op->hasAttr(kPackAttr))
        ++packs;
    });
    recordStatistic(*this, numConvolutions, "convolutions", convolutions);
    recordStatistic(*this, numOthers, "other-ops", others);
    recordStatistic(*this, numPacks, "packs", packs);
    recordStatistic(*this, numUnpacks, "unpacks", unpacks);
  }

  static constexpr llvm::StringLiteral kPackAttr = "inception.pack";
  static constexpr llvm::StringLiteral kUnpackAttr = "inception.unpack";

  Value emptyTensor(OpBuilder &builder, Location loc, RankedTensorType type) {
    return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                   type.getElementType());
  }

  /// The blocked form of `value`: a blocked op's (through its unpack),
  /// an empty or filled tensor made blocked, or a pack of the value.
  Value blocked(Value value) {
    if (Value form = blockedForm.lookup(value))
      return form;
    RankedTensorType type = activationType(value.getType());
    assert(type && "only NCHW activations have a blocked form");
    RankedTensorType target = blockedType(type);
    OpBuilder builder(&getContext());
    Location loc = value.getLoc();
    Value form;
    if (auto empty = value.getDefiningOp<tensor::EmptyOp>()) {
      builder.setInsertionPoint(empty);
      form = emptyTensor(builder, loc, target);
    } else if (auto fill = value.getDefiningOp<linalg::FillOp>();
               fill && fill.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>()) {
      builder.setInsertionPoint(fill);
      form = linalg::FillOp::create(builder, loc, fill.getInputs()[0],
                                    emptyTensor(builder, loc, target))
                 .getResult(0);
    } else {
      form = pack(value, target);
    }
    blockedForm[value] = form;
    return form;
  }

  /// [N, C, H, W] -> [N, CB, H, W, b], the channels past C zero.
  Value pack(Value value, RankedTensorType target) {
    OpBuilder builder(&getContext());
    if (Operation *def = value.getDefiningOp())
      builder.setInsertionPointAfter(def);
    else
      builder.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
    Location loc = value.getLoc();
    auto type = cast<RankedTensorType>(value.getType());
    int64_t channels = target.getDimSize(1) * block;
    Value source = value;
    if (channels != type.getDimSize(1)) {
      SmallVector<int64_t> shape(type.getShape());
      shape[1] = channels;
      Value zero = arith::ConstantOp::create(builder, loc,
                                             builder.getF32FloatAttr(0.0f));
      source = tensor::PadOp::create(
          builder, loc, RankedTensorType::get(shape, type.getElementType()),
          value, indices({0, 0, 0, 0}),
          indices({0, channels - type.getDimSize(1), 0, 0}), zero);
    }
    AffineMap read = AffineMap::get(
        5, 0, {dim(0), dim(1) * block + dim(4), dim(2), dim(3)}, &getContext());
    return layoutChange(builder, loc, source, target, read, kPackAttr);
  }

  /// A copy of `source` into a new tensor of `type`, element i read at
  /// `read`(i): a layout change, marked `kind`.
  Value layoutChange(OpBuilder &builder, Location loc, Value source,
                     RankedTensorType type, AffineMap read, StringRef kind) {
    unsigned rank = type.getRank();
    auto generic = linalg::GenericOp::create(
        builder, loc, type, source, emptyTensor(builder, loc, type),
        {read, builder.getMultiDimIdentityMap(rank)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    generic->setAttr(kind, builder.getUnitAttr());
    return generic.getResult(0);
  }

  /// Makes `form` the blocked form of the NCHW `value`, which its readers
  /// now read unpacked from `form`; returns the unpacked value, of `type`
  /// (`value`'s, when given).
  Value replaceWithBlocked(Value value, Value form,
                           RankedTensorType type = {}) {
    if (value)
      type = cast<RankedTensorType>(value.getType());
    OpBuilder builder(&getContext());
    builder.setInsertionPointAfterValue(form);
    Location loc = form.getLoc();
    AffineMap read = AffineMap::get(
        4, 0,
        {dim(0), dim(1).floorDiv(block), dim(2), dim(3), dim(1) % block},
        &getContext());
    Value unpacked = layoutChange(builder, loc, form, type, read, kUnpackAttr);
    if (value)
      value.replaceAllUsesWith(unpacked);
    blockedForm[unpacked] = form;
    return unpacked;
  }

  /// A per-channel weight [C] (or [1, C]) as [CB, b], zero past C.
  Value blockedChannelConstant(OpBuilder &builder, Location loc, Value weight,
                               int64_t channels) {
    int64_t blocks = ceilDiv(channels, block);
    return createWeightTransform(
        builder, loc, "pad_channels", {weight}, {blocks, block},
        {builder.getNamedAttr("channels", builder.getI64IntegerAttr(channels)),
         builder.getNamedAttr("padded",
                              builder.getI64IntegerAttr(blocks * block))});
  }

  /// `generic` (a conv2d contraction) on blocked activations: groups = 1,
  /// reading a blocked input or (the first convolution, say) the NCHW one,
  /// or depthwise, reading a blocked input.
  LogicalResult rewriteConvolution(linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1)
      return failure();
    auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
    auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
    auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
    auto inputExpand = op.getDpsInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
    Value filter = weightSource(op.getDpsInputs()[1]);
    if (!strides || !dilations || !inputExpand || !filter)
      return failure();
    Value input = inputExpand.getSrc();
    RankedTensorType inputType = activationType(input.getType());
    // The result [n, g, f, oh, ow] is the activation [n, g f, oh, ow].
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    ArrayRef<int64_t> r = resultType.getShape();
    RankedTensorType outputType =
        resultType.getRank() == 5
            ? activationType(RankedTensorType::get({r[0], r[1] * r[2], r[3], r[4]},
                                                   resultType.getElementType()))
            : RankedTensorType();
    auto filterType = cast<RankedTensorType>(op.getDpsInputs()[1].getType());
    if (!inputType || !outputType || filterType.getRank() != 5)
      return failure();
    // [g, f, c, kh, kw]: one group, or one channel per group.
    int64_t groups = filterType.getDimSize(0);
    bool depthwise = groups > 1 && filterType.getDimSize(1) == 1 &&
                     filterType.getDimSize(2) == 1;
    if (groups != 1 && !depthwise)
      return failure();
    bool blockedInput = blockedForm.count(input) || depthwise;
    int64_t outChannels = outputType.getDimSize(1);
    int64_t inChannels = inputType.getDimSize(1);
    int64_t kernelH = filterType.getDimSize(3), kernelW = filterType.getDimSize(4);

    // The accumulator's initialization: a bias (and residual) generic, or
    // a fill.
    Value init = op.getDpsInits()[0];
    auto initGeneric = init.getDefiningOp<linalg::GenericOp>();
    auto initFill = init.getDefiningOp<linalg::FillOp>();
    if ((!initGeneric && !initFill) || !init.hasOneUse())
      return failure();
    SmallVector<Value> initInputs;
    if (initGeneric) {
      if (initGeneric.getNumDpsInits() != 1 ||
          !initGeneric.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())
        return failure();
      for (auto [value, map] : llvm::zip(initGeneric.getDpsInputs(),
                                         initGeneric.getIndexingMapsArray())) {
        auto type = cast<RankedTensorType>(value.getType());
        if (type.getRank() == 2 && weightSource(value)) {
          initInputs.push_back(value);
        } else if (auto expand = value.getDefiningOp<tensor::ExpandShapeOp>();
                   expand && type.getRank() == 5 && map.isIdentity() &&
                   activationType(expand.getSrc().getType())) {
          initInputs.push_back(expand.getSrc());
        } else {
          return failure();
        }
      }
    }

    OpBuilder builder(op);
    Location loc = op.getLoc();
    RankedTensorType formType = blockedType(outputType);
    int64_t outBlocks = formType.getDimSize(1);
    Value initForm;
    if (initFill) {
      initForm = linalg::FillOp::create(builder, loc, initFill.getInputs()[0],
                                        emptyTensor(builder, loc, formType))
                     .getResult(0);
    } else {
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps;
      for (Value value : initInputs) {
        if (activationType(value.getType())) {
          inputs.push_back(blocked(value));
          maps.push_back(builder.getMultiDimIdentityMap(5));
        } else {
          inputs.push_back(blockedChannelConstant(
              builder, loc, weightSource(value), outChannels));
          maps.push_back(AffineMap::get(5, 0, {dim(1), dim(4)}, &getContext()));
        }
      }
      maps.push_back(builder.getMultiDimIdentityMap(5));
      auto generic = linalg::GenericOp::create(
          builder, loc, formType, inputs, emptyTensor(builder, loc, formType),
          maps, SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            cloneBody(initGeneric, b, l, args);
          });
      initForm = generic.getResult(0);
    }

    // The filter, in the order the loops below read it: [CB, kh, kw, b]
    // from a depthwise [C, 1, kh, kw]; [FB, kh, kw, C', b] from
    // [F, C, kh, kw], C' = C padded to whole blocks when the input is
    // blocked.
    int64_t taps = kernelH * kernelW;
    int64_t depth =
        blockedInput ? ceilDiv(inChannels, block) * block : inChannels;
    SmallVector<int64_t> formShape =
        depthwise ? SmallVector<int64_t>{outBlocks, kernelH, kernelW, block}
                  : SmallVector<int64_t>{outBlocks, kernelH, kernelW, depth,
                                         block};
    auto integer = [&](StringRef name, int64_t value) {
      return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
    };
    Value filterForm = createWeightTransform(
        builder, loc, "block_filter", {filter}, formShape,
        {integer("out_channels", outChannels),
         integer("in_channels", depthwise ? 1 : inChannels),
         integer("taps", taps), integer("depth", depthwise ? 1 : depth),
         integer("block", block), integer("depthwise", depthwise)});

    // Loops (n, ob, oh, ow, o, kh, kw[, ib, i | c]); the input row and
    // column of output pixel (oh, ow) and tap (kh, kw).
    AffineExpr row = dim(2) * strides[0] + dim(5) * dilations[0];
    AffineExpr column = dim(3) * strides[1] + dim(6) * dilations[1];
    SmallVector<AffineMap> maps;
    unsigned loops;
    Value inputForm;
    if (depthwise) {
      loops = 7;
      inputForm = blocked(input);
      maps = {AffineMap::get(7, 0, {dim(0), dim(1), row, column, dim(4)},
                             &getContext()),
              AffineMap::get(7, 0, {dim(1), dim(5), dim(6), dim(4)},
                             &getContext())};
    } else if (blockedInput) {
      loops = 9;
      inputForm = blocked(input);
      maps = {AffineMap::get(9, 0, {dim(0), dim(7), row, column, dim(8)},
                             &getContext()),
              AffineMap::get(9, 0,
                             {dim(1), dim(5), dim(6), dim(7) * block + dim(8),
                              dim(4)},
                             &getContext())};
    } else {
      loops = 8;
      inputForm = input;
      maps = {AffineMap::get(8, 0, {dim(0), dim(7), row, column}, &getContext()),
              AffineMap::get(8, 0, {dim(1), dim(5), dim(6), dim(7), dim(4)},
                             &getContext())};
    }
    AffineMap outputMap =
        AffineMap::get(loops, 0, {dim(0), dim(1), dim(2), dim(3), dim(4)},
                       &getContext());
    maps.push_back(outputMap);
    SmallVector<utils::IteratorType> iterators(5, utils::IteratorType::parallel);
    iterators.append(loops - 5, utils::IteratorType::reduction);
    auto conv = linalg::GenericOp::create(
        builder, loc, formType, ValueRange{inputForm, filterForm}, initForm,
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          cloneBody(op, b, l, args);
        });
    conv->setAttrs(op->getDiscardableAttrDictionary());
    conv->setAttr(kBlockedAttr, builder.getI64IntegerAttr(block));
    // Readers of the activation read the unpacked form; those of the 5-d
    // result (a convolution whose input view folded away), a view of it.
    Value unpacked = replaceWithBlocked(Value(), conv.getResult(0), outputType);
    for (Operation *user : llvm::to_vector(op->getResult(0).getUsers()))
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user);
          collapse && collapse.getType() == outputType)
        collapse.replaceAllUsesWith(unpacked);
    if (!op->getResult(0).use_empty()) {
      builder.setInsertionPointAfterValue(unpacked);
      op->getResult(0).replaceAllUsesWith(tensor::ExpandShapeOp::create(
          builder, loc, resultType, unpacked, inputExpand.getReassociationIndices()));
    }
    return success();
  }

  /// A generic over NCHW activations (pooling, ReLU, a residual sum, an
  /// average's division) with one more loop over the lanes of a channel
  /// block, once one of its inputs is blocked: every 4-d operand's channel
  /// axis is the same loop, which nothing else indexes but per-channel
  /// constants.
  LogicalResult rewriteElementwise(linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
        op->hasAttr(kPackAttr) || op->hasAttr(kUnpackAttr) ||
        op->hasAttr(kBlockedAttr) || op->hasAttr(kDenseAttr))
      return failure();
    RankedTensorType outputType = activationType(op->getResult(0).getType());
    if (!outputType ||
        !llvm::any_of(op.getDpsInputs(),
                      [&](Value v) { return blockedForm.count(v); }))
      return failure();
    // Each input not yet blocked would be packed: more packs than the
    // unpacks blocking saves (an LRN's channel-shifted slices of one
    // padded tensor: five packs for one input) and the op stays as it is.
    // (Packing its result for the ops after it measured slower on
    // googlenet_lrn than leaving them NCHW up to the next convolution.)
    auto isBlocked = [&](Value v) { return blockedForm.count(v) != 0; };
    // getDpsInputs() returns a vector by value: the filter must not outlive
    // it (AddressSanitizer: stack-use-after-scope).
    SmallVector<Value> dpsInputs = op.getDpsInputs();
    auto activations = llvm::make_filter_range(dpsInputs, [&](Value v) {
      return activationType(v.getType()) != nullptr;
    });
    if (llvm::count_if(activations, [&](Value v) { return !isBlocked(v); }) >
        llvm::count_if(activations, isBlocked))
      return failure();
    AffineMap outputMap = op.getIndexingMapsArray().back();
    auto channel = dyn_cast<AffineDimExpr>(outputMap.getResult(1));
    if (!channel)
      return failure();
    unsigned channelLoop = channel.getPosition();
    int64_t channels = outputType.getDimSize(1);
    unsigned loops = op.getNumLoops();
    AffineExpr lane = dim(loops);
    OpBuilder builder(op);
    Location loc = op.getLoc();

    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    for (OpOperand &operand : op->getOpOperands()) {
      Value value = operand.get();
      AffineMap map = op.getMatchingIndexingMap(&operand);
      // The map on loops (..., lane).
      auto extend = [&](ArrayRef<AffineExpr> results) {
        return AffineMap::get(loops + 1, 0, results, &getContext());
      };
      if (RankedTensorType type = activationType(value.getType())) {
        if (map.getNumResults() != 4 || map.getResult(1) != channel ||
            type.getDimSize(1) != channels)
          return failure();
        for (unsigned i : {0u, 2u, 3u})
          if (map.getResult(i).isFunctionOfDim(channelLoop))
            return failure();
        SmallVector<AffineExpr> results(map.getResults());
        results.push_back(lane);
        operands.push_back(value);
        maps.push_back(extend(results));
        continue;
      }
      if (!map.isFunctionOfDim(channelLoop)) {
        operands.push_back(value);
        maps.push_back(extend(SmallVector<AffineExpr>(map.getResults())));
        continue;
      }
      // A per-channel constant [C] indexed by the channel loop alone.
      auto type = cast<RankedTensorType>(value.getType());
      if (!weightSource(value) || type.getRank() != 1 ||
          map.getResult(0) != channel || type.getDimSize(0) != channels)
        return failure();
      operands.push_back(value);
      maps.push_back(extend({channel, lane}));
    }
    // Now that it is known to apply, build the blocked operands.
    SmallVector<Value> inputs;
    for (auto [index, value] : llvm::enumerate(operands)) {
      if (activationType(value.getType()))
        value = blocked(value);
      else if (maps[index].getNumResults() == 2 &&
               maps[index].getResult(1) == lane)
        value = blockedChannelConstant(builder, loc, weightSource(value),
                                       channels);
      operands[index] = value;
    }
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    iterators.push_back(utils::IteratorType::parallel);
    ValueRange newInputs = ValueRange(operands).drop_back();
    auto generic = linalg::GenericOp::create(
        builder, loc, operands.back().getType(), newInputs, operands.back(),
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          cloneBody(op, b, l, args);
        });
    generic->setAttrs(op->getDiscardableAttrDictionary());
    generic->setAttr(kBlockedAttr, builder.getI64IntegerAttr(block));
    replaceWithBlocked(op->getResult(0), generic.getResult(0));
    return success();
  }

  /// Spatial padding of a blocked activation.
  LogicalResult rewritePad(tensor::PadOp op) {
    Value source = op.getSource();
    RankedTensorType type = activationType(op.getResultType());
    Value padValue = op.getConstantPaddingValue();
    if (!type || !blockedForm.count(source) || !padValue ||
        !op.getLow().empty() || !op.getHigh().empty())
      return failure();
    ArrayRef<int64_t> low = op.getStaticLow(), high = op.getStaticHigh();
    if (low[0] || low[1] || high[0] || high[1])
      return failure();
    OpBuilder builder(op);
    // No padding of the lanes.
    SmallVector<int64_t> lowForm(low), highForm(high);
    lowForm.push_back(0);
    highForm.push_back(0);
    auto pad = tensor::PadOp::create(
        builder, op.getLoc(), blockedType(type), blocked(source),
        getAsIndexOpFoldResult(&getContext(), lowForm),
        getAsIndexOpFoldResult(&getContext(), highForm), padValue,
        op.getNofold());
    replaceWithBlocked(op.getResult(), pad.getResult());
    return success();
  }

  /// Whether the channel range [offset, offset + size) of an activation
  /// of `channels` channels is whole blocks, but for the last block of
  /// the activation (whose lanes past it are zero).
  bool blockAligned(int64_t offset, int64_t size, int64_t channels) {
    return offset % block == 0 &&
           (size % block == 0 || offset + size == channels);
  }

  /// Whether a slice of a 4-d activation takes whole planes of a channel
  /// range, whose offset and size it returns.
  static std::optional<std::pair<int64_t, int64_t>>
  channelRange(OffsetSizeAndStrideOpInterface slice, RankedTensorType whole) {
    if (!slice.hasUnitStride() || !slice.getOffsets().empty() ||
        !slice.getSizes().empty())
      return std::nullopt;
    ArrayRef<int64_t> offsets = slice.getStaticOffsets(),
                      sizes = slice.getStaticSizes();
    for (int64_t i : {0, 2, 3})
      if (offsets[i] != 0 || sizes[i] != whole.getDimSize(i))
        return std::nullopt;
    return std::make_pair(offsets[1], sizes[1]);
  }

  SmallVector<OpFoldResult> indices(ArrayRef<int64_t> values) {
    return getAsIndexOpFoldResult(&getContext(), values);
  }

  /// A channel slice of a blocked activation (a fused branch head's share).
  LogicalResult rewriteExtractSlice(tensor::ExtractSliceOp op) {
    RankedTensorType sourceType = activationType(op.getSourceType());
    RankedTensorType type = activationType(op.getResultType());
    if (!sourceType || !type || !blockedForm.count(op.getSource()))
      return failure();
    auto range = channelRange(op, sourceType);
    if (!range ||
        !blockAligned(range->first, range->second, sourceType.getDimSize(1)))
      return failure();
    OpBuilder builder(op);
    RankedTensorType form = blockedType(type);
    auto slice = tensor::ExtractSliceOp::create(
        builder, op.getLoc(), form, blocked(op.getSource()),
        indices({0, range->first / block, 0, 0, 0}), indices(form.getShape()),
        indices({1, 1, 1, 1, 1}));
    replaceWithBlocked(op.getResult(), slice.getResult());
    return success();
  }

  /// A concat's write of one operand into its channel range.
  LogicalResult rewriteInsertSlice(tensor::InsertSliceOp op) {
    RankedTensorType destType = activationType(op.getDestType());
    RankedTensorType sourceType = activationType(op.getSourceType());
    if (!destType || !sourceType ||
        (!blockedForm.count(op.getSource()) && !blockedForm.count(op.getDest())))
      return failure();
    auto range = channelRange(op, destType);
    if (!range ||
        !blockAligned(range->first, range->second, destType.getDimSize(1)))
      return failure();
    OpBuilder builder(op);
    RankedTensorType form = blockedType(sourceType);
    Value source = blocked(op.getSource());
    Value dest = blocked(op.getDest());
    auto insert = tensor::InsertSliceOp::create(
        builder, op.getLoc(), source, dest,
        indices({0, range->first / block, 0, 0, 0}), indices(form.getShape()),
        indices({1, 1, 1, 1, 1}));
    replaceWithBlocked(op.getResult(), insert.getResult());
    return success();
  }
};

} // namespace
} // namespace mlir::inception
