//===- Microkernels.cpp - Convolutions and pooling as kernel calls --------===//

#include "passes/Codegen/CPU/Passes.h"
#include "dialect/InceptionAttrs.h"
#include "runtime/ukernels/ukernel_abi.h"
#include "passes/Statistics.h"
#include "passes/Transforms/BufferViews.h"
#include "passes/Codegen/CPU/VectorKernels.h"
#include "passes/Transforms/WeightConstants.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::inception {
#define GEN_PASS_DEF_MICROKERNELS
#include "passes/Codegen/CPU/Passes.h.inc"

namespace {

constexpr llvm::StringLiteral kKernelName = "inception_uk_conv2d";
constexpr llvm::StringLiteral kPoolKernelName = "inception_uk_pool2d";
constexpr llvm::StringLiteral kDenseKernelName = "inception_uk_dense";
constexpr llvm::StringLiteral kWinogradKernelName = "inception_uk_winograd3x3";
constexpr llvm::StringLiteral kDepthwiseKernelName = "inception_uk_depthwise2d";
constexpr llvm::StringLiteral kBlockedKernelName = "inception_uk_conv2d_blocked";
constexpr llvm::StringLiteral kBlockedPoolKernelName = "inception_uk_pool2d_blocked";
constexpr llvm::StringLiteral kBlockedDepthwiseKernelName =
    "inception_uk_depthwise2d_blocked";
constexpr llvm::StringLiteral kBlockedWinogradKernelName =
    "inception_uk_winograd3x3_blocked";

/// Winograd F(4x4, 3x3)'s filter transform G (Lavin and Gray; points 0,
/// +-1, +-2): U = G g G^T is the 6x6 transform of the 3x3 filter g.
constexpr double kWinogradG[6][3] = {
    {1.0 / 4, 0, 0},           {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6}, {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

/// The filter [co][ci][3][3] transformed for inception_uk_winograd3x3:
/// u[((xi * panels + co / nr) * ci_count + ci) * nr + co % nr] holds
/// (G g G^T)[xi / 6][xi % 6], zero for channels past the last.
std::vector<float> winogradFilter(ArrayRef<float> filter, int64_t outChannels,
                                  int64_t inChannels, int64_t nr) {
  int64_t panels = (outChannels + nr - 1) / nr;
  std::vector<float> u(size_t(36 * panels * inChannels * nr), 0.0f);
  for (int64_t co = 0; co < outChannels; ++co)
    for (int64_t ci = 0; ci < inChannels; ++ci) {
      const float *g = filter.data() + (co * inChannels + ci) * 9;
      double gGt[3][6];
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 6; ++c)
          gGt[r][c] = g[r * 3] * kWinogradG[c][0] +
                      g[r * 3 + 1] * kWinogradG[c][1] +
                      g[r * 3 + 2] * kWinogradG[c][2];
      for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c) {
          double value = kWinogradG[r][0] * gGt[0][c] +
                         kWinogradG[r][1] * gGt[1][c] +
                         kWinogradG[r][2] * gGt[2][c];
          u[((size_t(r * 6 + c) * panels + co / nr) * inChannels + ci) * nr +
            co % nr] = float(value);
        }
    }
  return u;
}

/// The constant global a buffer is a view of, through reshapes.
memref::GlobalOp filterGlobal(Value filter, SymbolTable &symbols) {
  while (auto expand = filter.getDefiningOp<memref::ExpandShapeOp>())
    filter = expand.getSrc();
  auto get = filter.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = symbols.lookup<memref::GlobalOp>(get.getName());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return {};
  return global;
}

/// Whether a linalg op's payload yields the sum of its inputs (ignoring its
/// output): the accumulator initialization the lowering writes.
bool yieldsSumOfInputs(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  SmallVector<Value> terms;
  SmallVector<Value> worklist = {yield.getOperand(0)};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (auto add = v.getDefiningOp<arith::AddFOp>()) {
      worklist.push_back(add.getLhs());
      worklist.push_back(add.getRhs());
      continue;
    }
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != &body ||
        arg.getArgNumber() >= unsigned(op.getNumDpsInputs()))
      return false;
    terms.push_back(v);
  }
  return terms.size() == size_t(op.getNumDpsInputs()) &&
         body.getOperations().size() == terms.size();
}

/// Whether a generic divides `dividend` elementwise by a map indexed by
/// the output's row and column (loops 2 and 3 of `loops`: NCHW, or blocks
/// with a lane loop after): an average pooling's division by window sizes.
bool isDivisionByMap(linalg::GenericOp op, Value dividend, unsigned loops) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getDpsInputs()[0] != dividend || op.getNumLoops() != loops)
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  MLIRContext *context = op.getContext();
  AffineMap rowColumn = AffineMap::get(
      loops, 0, {getAffineDimExpr(2, context), getAffineDimExpr(3, context)},
      context);
  if (!maps[0].isIdentity() || maps[1] != rowColumn || !maps[2].isIdentity())
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto div = yield.getOperand(0).getDefiningOp<arith::DivFOp>();
  return div && body.getOperations().size() == 2 &&
         div.getLhs() == body.getArgument(0) &&
         div.getRhs() == body.getArgument(1);
}

/// Whether a generic computes max(x, 0) of its one input.
bool isRelu(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto max = yield.getOperand(0).getDefiningOp<arith::MaximumFOp>();
  if (!max || body.getOperations().size() != 2)
    return false;
  FloatAttr zero;
  return max.getLhs() == body.getArgument(0) &&
         matchPattern(max.getRhs(), m_Constant(&zero)) &&
         zero.getValue().isZero();
}

/// Whether `user` initializes the accumulator `output` of the contraction
/// `op`, before it: a generic summing its inputs (bias, residual) into
/// `output`; or, isZeroFill, a zero fill of it.
bool isSumInitialization(Operation *user, Value output, Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(user);
  return generic && generic.getNumDpsInits() == 1 &&
         generic.getDpsInits()[0] == output && generic->isBeforeInBlock(op) &&
         yieldsSumOfInputs(generic);
}
bool isZeroFill(Operation *user, Value output, Operation *op) {
  auto fill = dyn_cast<linalg::FillOp>(user);
  return fill && fill.getDpsInits()[0] == output && fill->isBeforeInBlock(op) &&
         matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// The bias (rank 2) and residual (rank 5, read as the output is) that an
/// initialization sums, each null when absent; nothing when it sums
/// anything else.
std::optional<std::pair<Value, Value>>
initializationTerms(linalg::GenericOp init) {
  Value bias, residual;
  for (auto [value, map] :
       llvm::zip(init.getDpsInputs(), init.getIndexingMapsArray())) {
    auto type = cast<MemRefType>(value.getType());
    if (type.getRank() == 5 && map.isIdentity() && !residual)
      residual = value;
    else if (type.getRank() == 2 && !bias)
      bias = value;
    else
      return std::nullopt;
  }
  return std::make_pair(bias, residual);
}

/// Whether a layout is blocked-layout's [.., H, W, vl] with its pixels'
/// vl lanes adjacent: what the blocked kernels read and write.
bool pixelsOfBlocks(int64_t vl, const StaticLayout &layout) {
  return layout.strides.size() == 5 && layout.strides[4] == 1 &&
         layout.strides[3] == vl;
}

/// The view a call to one of the microkernels writes (its output
/// address's), or null for any other call.
Value kernelOutputView(func::CallOp call) {
  unsigned index;
  StringRef callee = call.getCallee();
  if (callee == kKernelName || callee == kWinogradKernelName ||
      callee == kDepthwiseKernelName)
    index = 10;
  else if (callee == kBlockedKernelName ||
           callee == kBlockedDepthwiseKernelName ||
           callee == kBlockedWinogradKernelName)
    index = 11;
  else if (callee == kPoolKernelName)
    index = 6;
  else if (callee == kBlockedPoolKernelName || callee == kDenseKernelName)
    index = 4;
  else
    return {};
  // KernelArguments::address: base + offset bytes.
  auto add = call.getOperand(index).getDefiningOp<arith::AddIOp>();
  auto base = add ? add.getLhs().getDefiningOp<
                        memref::ExtractAlignedPointerAsIndexOp>()
                  : nullptr;
  return base ? base.getSource() : Value();
}

/// The buffer a call to one of the microkernels writes, or null for any
/// other call.
Value kernelOutput(func::CallOp call) {
  Value view = kernelOutputView(call);
  return view ? rootBuffer(view) : Value();
}

/// Whether a view is the destination of a copy, a destination-style op or
/// a kernel call.
bool isWritten(Value view) {
  for (OpOperand &use : view.getUses()) {
    Operation *user = use.getOwner();
    if (auto copy = dyn_cast<memref::CopyOp>(user);
        copy && copy.getTarget() == view)
      return true;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(user);
        dps && dps.isDpsInit(&use))
      return true;
    if (isa<memref::ExtractAlignedPointerAsIndexOp>(user))
      for (Operation *add : user->getUsers())
        for (Operation *call : add->getUsers())
          if (isa<func::CallOp>(call) &&
              kernelOutputView(cast<func::CallOp>(call)) == view)
            return true;
  }
  return false;
}

/// Whether an op between `from` and `to` (exclusive) may write a view of
/// one of `roots`.
bool writtenBetween(Operation *from, Operation *to, ArrayRef<Value> roots) {
  for (Operation *op = from->getNextNode(); op && op != to; op = op->getNextNode()) {
    bool writes = false;
    op->walk([&](Operation *nested) {
      if (auto dps = dyn_cast<DestinationStyleOpInterface>(nested)) {
        for (Value init : dps.getDpsInits())
          writes |= llvm::is_contained(roots, rootBuffer(init));
      } else if (auto copy = dyn_cast<memref::CopyOp>(nested)) {
        writes |= llvm::is_contained(roots, rootBuffer(copy.getTarget()));
      } else if (auto call = dyn_cast<func::CallOp>(nested)) {
        Value written = kernelOutput(call);
        writes |= !written || llvm::is_contained(roots, written);
      }
    });
    if (writes)
      return true;
  }
  return false;
}

/// Builds the arguments of a kernel call: integers, and buffer addresses
/// (the kernels take pointers as integers).
struct KernelArguments {
  OpBuilder &builder;
  Location loc;

  Value i64(int64_t value) {
    return arith::ConstantIntOp::create(builder, loc, value, 64);
  }
  /// One thread's scratch of `bytes` for the call being built, as its
  /// `scratch, scratch_per_thread` arguments (see kThreadScratchAttr).
  void appendThreadScratch(SmallVectorImpl<Value> &arguments, int64_t bytes) {
    auto buffer = memref::AllocOp::create(
        builder, loc, MemRefType::get({bytes}, builder.getI8Type()));
    buffer->setAttr(kThreadScratchAttr, builder.getUnitAttr());
    arguments.push_back(
        memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, buffer));
    arguments.push_back(i64(bytes));
  }
  /// No scratch: a null pointer and 0 bytes.
  void appendNoScratch(SmallVectorImpl<Value> &arguments) {
    arguments.push_back(arith::ConstantIndexOp::create(builder, loc, 0));
    arguments.push_back(i64(0));
  }
  /// The address of element `offset` of `buffer`'s underlying allocation.
  Value address(Value buffer, int64_t offset) {
    Value base =
        memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, buffer);
    Value bytes = arith::ConstantIndexOp::create(builder, loc, offset * 4);
    return arith::AddIOp::create(builder, loc, base, bytes);
  }
};

struct MicrokernelsPass
    : impl::MicrokernelsBase<MicrokernelsPass> {
  using MicrokernelsBase::MicrokernelsBase;
  uint64_t winogradCount = 0, depthwiseCount = 0, forwardedCount = 0;
  /// The register tile: the options, else the module target's.
  int64_t mr = 0, nr = 0, vl = 0;
  /// The kernels' cache blocking, which sizes their scratch: the target's,
  /// else the kernels' defaults (ukernel_abi.h).
  int64_t kc = 0, nc = 0, l1 = 0, l2 = 0;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    mr = mrOption;
    nr = nrOption;
    vl = vlOption;
    // A tile given in the options is the whole tile (defaults for the rest);
    // without one, the target's.
    bool explicitTile =
        mrOption.hasValue() || nrOption.hasValue() || vlOption.hasValue();
    TargetAttr target = lookupTarget(module);
    if (target && !explicitTile) {
      if (!target.hasMicrokernels())
        return markAllAnalysesPreserved();
      mr = target.getMr();
      nr = target.getNr();
      vl = target.getVectorWidth();
    }
    bool targetBlocking = target && target.hasMicrokernels();
    kc = targetBlocking ? target.getKc() : INCEPTION_UK_DEFAULT_KC;
    nc = targetBlocking ? target.getNc() : nr * INCEPTION_UK_DEFAULT_NC_PANELS;
    l1 = target ? target.getL1() : INCEPTION_UK_DEFAULT_L1;
    l2 = target ? target.getL2() : INCEPTION_UK_DEFAULT_L2;
    VectorKernelShape kernelShape{mr, nr, vl};
    if (std::string why = kernelShape.invalidReason(); !why.empty()) {
      module.emitError() << "inception-microkernels: " << why;
      return signalPassFailure();
    }
    SymbolTable symbols(module);
    llvm::StringMap<memref::GlobalOp> packed;
    uint64_t converted = 0, kept = 0;
    winogradCount = 0;
    depthwiseCount = 0;
    forwardedCount = 0;
    SmallVector<linalg::GenericOp> convolutions, pools, denses;
    SmallVector<linalg::GenericOp> blockedConvolutions, blockedPools;
    module.walk([&](linalg::GenericOp op) {
      // blocked-layout's convolutions and pooling have kernels of their
      // own; its other ops stay loops.
      if (op->hasAttr(kBlockedAttr)) {
        if (op->hasAttr(kConvAttr))
          blockedConvolutions.push_back(op);
        else if (op->hasAttr(kPoolAttr))
          blockedPools.push_back(op);
        return;
      }
      if (op->hasAttr(kConvAttr))
        convolutions.push_back(op);
      else if (op->hasAttr(kPoolAttr))
        pools.push_back(op);
      else if (op->hasAttr(kDenseAttr))
        denses.push_back(op);
    });
    uint64_t pooled = 0, dense = 0;
    for (linalg::GenericOp op : pools)
      pooled += succeeded(convertPool(op, symbols));
    for (linalg::GenericOp op : denses)
      dense += succeeded(convertDense(op, symbols));
    for (linalg::GenericOp op : blockedPools)
      pooled += succeeded(convertBlockedPool(op, symbols));
    for (linalg::GenericOp op : blockedConvolutions) {
      if (succeeded(convertBlocked(op, symbols, packed)))
        ++converted;
      else
        ++kept;
    }
    for (linalg::GenericOp op : convolutions) {
      if (succeeded(convert(op, symbols, packed)))
        ++converted;
      else
        ++kept;
    }
    // Filters now read only in packed form.
    for (memref::GlobalOp global :
         llvm::to_vector(module.getOps<memref::GlobalOp>()))
      if (global.isPrivate() && SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
    // The driver compiles the C kernels in whole, and they call these.
    if (converted || pooled || dense) {
      defineVectorKernels(module, kernelShape);
      module->setAttr(kMicrokernelAttr, Builder(module).getDenseI64ArrayAttr(
                                            {mr, nr, vl, kc, nc, l1, l2}));
    }
    recordStatistic(*this, numConverted, "convolutions", converted);
    recordStatistic(*this, numKept, "kept-as-loops", kept);
    recordStatistic(*this, numWinograd, "winograd", winogradCount);
    recordStatistic(*this, numDepthwise, "depthwise", depthwiseCount);
    recordStatistic(*this, numForwarded, "copies-read-through", forwardedCount);
    recordStatistic(*this, numPools, "pools", pooled);
    recordStatistic(*this, numDense, "dense", dense);
  }

  LogicalResult convert(linalg::GenericOp op, SymbolTable &symbols,
                        llvm::StringMap<memref::GlobalOp> &packed) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1)
      return failure();
    auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
    auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
    auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
    auto padding = geometry.getAs<DenseI64ArrayAttr>("padding");
    Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
          output = op.getDpsInits()[0];
    auto inputType = cast<MemRefType>(input.getType());
    auto filterType = cast<MemRefType>(filter.getType());
    auto outputType = cast<MemRefType>(output.getType());
    // [n, g, c, h, w], [g, f, c, kh, kw], [n, g, f, oh, ow]: one group (the
    // GEMM and Winograd kernels), or one channel per group (depthwise).
    int64_t groups = filterType.getDimSize(0);
    bool depthwise = groups > 1 && filterType.getDimSize(1) == 1 &&
                     filterType.getDimSize(2) == 1;
    if (!strides || !dilations || !padding || inputType.getRank() != 5 ||
        (groups != 1 && !depthwise))
      return failure();
    auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
    if (!inputLayout || !outputLayout)
      return failure();
    ArrayRef<int64_t> out = outputType.getShape();
    ArrayRef<int64_t> inStrides = inputLayout->strides,
                      outStrides = outputLayout->strides;
    // The kernel reads input pixels with unit column stride and writes
    // each channel's pixels contiguously, channels out_h * out_w apart.
    if (inStrides[4] != 1 || outStrides[4] != 1 ||
        (!depthwise &&
         (outStrides[3] != out[4] || outStrides[2] != out[3] * out[4])))
      return failure();
    memref::GlobalOp global = filterGlobal(filter, symbols);
    if (!global)
      return failure();

    int64_t outChannels = filterType.getDimSize(1),
            inChannels = filterType.getDimSize(2),
            kernelH = filterType.getDimSize(3), kernelW = filterType.getDimSize(4);
    int64_t depth = inChannels * kernelH * kernelW;
    // Winograd needs the initialization fused (it has no accumulate mode),
    // which is decided below; the filter form follows that choice.
    bool winogradShape = winograd && !depthwise && kernelH == 3 && kernelW == 3 &&
                         strides[0] == 1 && strides[1] == 1 &&
                         dilations[0] == 1 && dilations[1] == 1;

    // The accumulator's initialization (bias, residual) and a ReLU after
    // it become the kernel's, where the IR has their usual shapes.
    auto initOp = linalg::GenericOp();
    auto reluOp = linalg::GenericOp();
    Operation *fill = nullptr;
    memref::CollapseShapeOp collapse;
    for (Operation *user : output.getUsers()) {
      if (user == op)
        continue;
      if (!initOp && !fill && isSumInitialization(user, output, op)) {
        initOp = cast<linalg::GenericOp>(user);
      } else if (!initOp && !fill && isZeroFill(user, output, op)) {
        fill = user;
      } else if (auto c = dyn_cast<memref::CollapseShapeOp>(user); c && !collapse) {
        collapse = c;
      } else {
        initOp = {};
        fill = nullptr;
        break;
      }
    }
    Value bias, residual;
    if (initOp) {
      if (auto terms = initializationTerms(initOp))
        std::tie(bias, residual) = *terms;
      else
        initOp = {};
    }
    bool initialized = initOp || fill;
    std::optional<StaticLayout> biasLayout, residualLayout;
    // Bias [g, f]: contiguous along the output channels, which are f (one
    // group) or g (depthwise).
    if (bias && (!(biasLayout = staticLayout(bias)) ||
                 biasLayout->strides[depthwise ? 0 : 1] != 1))
      initialized = false;
    if (residual && (!(residualLayout = staticLayout(residual)) ||
                     residualLayout->strides[4] != 1))
      initialized = false;
    if (collapse && collapse->hasOneUse() && initialized) {
      reluOp = dyn_cast<linalg::GenericOp>(*collapse->getUsers().begin());
      SmallVector<Value> inputs = {rootBuffer(input)};
      if (residual)
        inputs.push_back(rootBuffer(residual));
      if (reluOp && (!isRelu(reluOp) || !reluOp.hasPureBufferSemantics() ||
                     writtenBetween(op, reluOp, inputs)))
        reluOp = {};
    }
    // The kernel writes the ReLU's destination when it applies the ReLU,
    // which needs a static layout with unit stride along rows.
    std::optional<StaticLayout> reluLayout;
    if (reluOp && (!(reluLayout = staticLayout(reluOp.getDpsInits()[0])) ||
                   reluLayout->strides[3] != 1))
      reluOp = {};
    // The buffer written, and its strides as [batch, channel, row]: the
    // 5-d accumulator view's channel axis is f with one group (its group
    // axis has size 1), g for a depthwise convolution.
    int64_t channelAxis = depthwise ? 1 : 2;
    Value result = reluOp ? reluOp.getDpsInits()[0] : output;
    StaticLayout resultLayout = reluOp ? *reluLayout : *outputLayout;
    SmallVector<int64_t> resultStrides =
        reluOp ? SmallVector<int64_t>{reluLayout->strides[0],
                                      reluLayout->strides[1],
                                      reluLayout->strides[2]}
               : SmallVector<int64_t>{outStrides[0], outStrides[channelAxis],
                                      outStrides[3]};

    // The depthwise kernel reads the filter as it is, [g][kh][kw].
    bool useWinograd = winogradShape && initialized;
    std::optional<StaticLayout> filterLayout = staticLayout(filter);
    if (depthwise && (!filterLayout ||
                      !memref::isStaticShapeAndContiguousRowMajor(filterType)))
      return failure();
    memref::GlobalOp packedGlobal;
    if (!depthwise &&
        !(packedGlobal = filterForm(global, useWinograd, outChannels,
                                    inChannels, depth, symbols, packed)))
      return failure();

    OpBuilder builder(reluOp ? reluOp.getOperation() : op.getOperation());
    Location loc = op.getLoc();
    KernelArguments args{builder, loc};
    Value null = arith::ConstantIndexOp::create(builder, loc, 0);
    Value filterAddress =
        depthwise ? args.address(filter, filterLayout->offset)
                  : args.address(memref::GetGlobalOp::create(
                                     builder, loc, packedGlobal.getType(),
                                     packedGlobal.getSymName()),
                                 0);
    // The kernel pads by itself: it reads the padded buffer's interior.
    int64_t inH = inputType.getDimSize(3) - padding[0] - padding[2];
    int64_t inW = inputType.getDimSize(4) - padding[1] - padding[3];
    int64_t interior =
        inputLayout->offset + padding[0] * inStrides[3] + padding[1];
    // Or the source of the copy that filled it: the copy goes.
    KernelInput source = readInput(
        input, op, reluOp ? reluOp.getOperation() : op.getOperation(),
        interior, {inStrides[0], inStrides[channelAxis], inStrides[3]},
        {out[0], depthwise ? groups : inChannels, inH, inW});
    memref::CopyOp filledBy = source.filledBy;
    SmallVector<Value> arguments = {
        args.address(source.buffer, source.offset), args.i64(source.strides[0]),
        args.i64(source.strides[1]), args.i64(source.strides[2]), filterAddress,
        bias && initialized ? args.address(bias, biasLayout->offset) : null,
        residual && initialized ? args.address(residual, residualLayout->offset)
                                : null,
        args.i64(residual && initialized ? residualLayout->strides[0] : 0),
        args.i64(residual && initialized ? residualLayout->strides[channelAxis] : 0),
        args.i64(residual && initialized ? residualLayout->strides[3] : 0),
        args.address(result, resultLayout.offset), args.i64(resultStrides[0]),
        args.i64(resultStrides[1]), args.i64(resultStrides[2])};
    if (depthwise) {
      for (int64_t value :
           {int64_t(!initialized), int64_t(bool(reluOp)), out[0], groups, inH,
            inW, kernelH, kernelW,
            out[3], out[4], strides[0], strides[1], dilations[0], dilations[1],
            padding[0], padding[1]})
        arguments.push_back(args.i64(value));
      func::CallOp::create(
          builder, loc, declareConvolutionKernel(symbols, kDepthwiseKernelName, 16),
          arguments);
      ++depthwiseCount;
    } else if (useWinograd) {
      for (int64_t value : {int64_t(bool(reluOp)), out[0], outChannels, inChannels,
                            inH, inW, out[3], out[4], padding[0], padding[1]})
        arguments.push_back(args.i64(value));
      args.appendThreadScratch(
          arguments, inception_uk_winograd_scratch(mr, nr, l2, inChannels,
                                                   outChannels));
      func::CallOp::create(
          builder, loc,
          declareConvolutionKernel(symbols, kWinogradKernelName, 10,
                                   /*scratch=*/true),
          arguments);
      ++winogradCount;
    } else {
      for (int64_t value :
           {int64_t(!initialized), int64_t(bool(reluOp)), out[0], outChannels,
            inChannels, inH, inW, kernelH, kernelW, out[3], out[4], strides[0],
            strides[1], dilations[0], dilations[1], padding[0], padding[1]})
        arguments.push_back(args.i64(value));
      args.appendThreadScratch(arguments,
                               inception_uk_conv2d_scratch(mr, kc, nc));
      func::CallOp::create(
          builder, loc,
          declareConvolutionKernel(symbols, kKernelName, 17, /*scratch=*/true),
          arguments);
    }
    Value paddedInput = rootBuffer(input);

    SmallVector<Operation *> dead = {op};
    if (filledBy)
      dead.push_back(filledBy);
    if (initialized)
      dead.push_back(initOp ? initOp.getOperation() : fill);
    if (reluOp)
      dead.push_back(reluOp);
    SmallVector<Value> maybeDead;
    for (Operation *d : dead)
      llvm::append_range(maybeDead, d->getOperands());
    for (Operation *d : dead)
      d->erase();
    // Views (and the buffer) nothing reads any more.
    while (!maybeDead.empty()) {
      Value v = maybeDead.pop_back_val();
      Operation *def = v.getDefiningOp();
      if (!def || !v.use_empty() ||
          !isa<ViewLikeOpInterface, memref::GetGlobalOp, memref::AllocOp>(def))
        continue;
      if (!llvm::all_of(def->getResults(), [](Value r) { return r.use_empty(); }))
        continue;
      llvm::append_range(maybeDead, def->getOperands());
      def->erase();
    }
    removePaddingFill(paddedInput);
    eraseIfUnused(paddedInput);
    return success();
  }

  /// A convolution on blocked activations (blocked-layout, block = vl) as
  /// a call to inception_uk_conv2d_blocked. Its filter is already in the
  /// kernel's order. The accumulator's initialization (a zero fill, or the
  /// bias and residual) and a ReLU after it become the kernel's, which
  /// then writes the ReLU's destination; otherwise it adds to the
  /// initialized output. A depthwise one calls
  /// inception_uk_depthwise2d_blocked, with the same arguments.
  LogicalResult convertBlocked(linalg::GenericOp op, SymbolTable &symbols,
                               llvm::StringMap<memref::GlobalOp> &forms) {
    auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
    auto geometry = op->getAttrOfType<DictionaryAttr>(kConvAttr);
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !block || block.getInt() != vl)
      return failure();
    auto strides = geometry.getAs<DenseI64ArrayAttr>("strides");
    auto dilations = geometry.getAs<DenseI64ArrayAttr>("dilations");
    Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1],
          output = op.getDpsInits()[0];
    auto inputType = cast<MemRefType>(input.getType());
    auto filterType = cast<MemRefType>(filter.getType());
    auto outputType = cast<MemRefType>(output.getType());
    auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
    // [N, C/vl, H, W, vl] or NCHW in; [F/vl, kh, kw, C, vl] filter, or a
    // depthwise one's [C/vl, kh, kw, vl].
    bool blockedInput = inputType.getRank() == 5;
    bool depthwise = filterType.getRank() == 4;
    if (!strides || !dilations || (depthwise && !blockedInput) || !inputLayout ||
        !outputLayout || !filterGlobal(filter, symbols) ||
        !memref::isStaticShapeAndContiguousRowMajor(filterType))
      return failure();
    // Pixels of a block are vl floats apart; a blocked input's too, an
    // NCHW one's adjacent.
    if (!(blockedInput ? pixelsOfBlocks(vl, *inputLayout)
                       : inputLayout->strides[3] == 1) ||
        !pixelsOfBlocks(vl, *outputLayout))
      return failure();

    // The initialization just before, and a ReLU after (when nothing else
    // reads the output, which the kernel then does not write).
    linalg::GenericOp initOp, reluOp;
    Operation *fill = nullptr;
    bool otherReaders = false;
    for (Operation *user : output.getUsers()) {
      if (user == op)
        continue;
      auto generic = dyn_cast<linalg::GenericOp>(user);
      if (!initOp && !fill && isSumInitialization(user, output, op)) {
        initOp = generic;
      } else if (!initOp && !fill && isZeroFill(user, output, op)) {
        fill = user;
      } else if (generic && !reluOp && isRelu(generic) &&
                 generic.getDpsInputs()[0] == output &&
                 op->isBeforeInBlock(generic)) {
        reluOp = generic;
      } else if (op->isBeforeInBlock(user) &&
                 (!isa<DestinationStyleOpInterface>(user) ||
                  !llvm::is_contained(
                      cast<DestinationStyleOpInterface>(user).getDpsInits(),
                      output))) {
        otherReaders = true;
      } else {
        initOp = reluOp = {};
        fill = nullptr;
        break;
      }
    }
    Value bias, residual;
    std::optional<StaticLayout> biasLayout, residualLayout;
    if (initOp) {
      if (auto terms = initializationTerms(initOp))
        std::tie(bias, residual) = *terms;
      else
        initOp = {};
    }
    // Bias [F/vl, vl], contiguous; residual pixels of blocks.
    if (bias && (!(biasLayout = staticLayout(bias)) ||
                 biasLayout->strides[1] != 1 || biasLayout->strides[0] != vl))
      initOp = {};
    if (residual && (!(residualLayout = staticLayout(residual)) ||
                     !pixelsOfBlocks(vl, *residualLayout)))
      initOp = {};
    bool initialized = initOp || fill;
    // The ReLU's destination is where the kernel accumulates: the inputs
    // must not change before the ReLU would have read the output.
    std::optional<StaticLayout> reluLayout;
    if (reluOp) {
      SmallVector<Value> inputs = {rootBuffer(input)};
      if (residual)
        inputs.push_back(rootBuffer(residual));
      if (!initialized || otherReaders || !reluOp.hasPureBufferSemantics() ||
          !(reluLayout = staticLayout(reluOp.getDpsInits()[0])) ||
          !pixelsOfBlocks(vl, *reluLayout) || writtenBetween(op, reluOp, inputs))
        reluOp = {};
    }
    Value result = reluOp ? reluOp.getDpsInits()[0] : output;
    StaticLayout resultLayout = reluOp ? *reluLayout : *outputLayout;

    ArrayRef<int64_t> out = outputType.getShape();
    ArrayRef<int64_t> inStrides = inputLayout->strides,
                      resultStrides = resultLayout.strides;
    // 3x3 stride-1 ones with their initialization go through Winograd,
    // its filter transformed here.
    memref::GlobalOp winogradForm;
    if (winograd && initialized && blockedInput && !depthwise &&
        filterType.getDimSize(1) == 3 && filterType.getDimSize(2) == 3 &&
        strides[0] == 1 && strides[1] == 1 && dilations[0] == 1 &&
        dilations[1] == 1 &&
        !(winogradForm = filterForm(
              filterGlobal(filter, symbols), /*winogradForm=*/true,
              out[1] * vl, inputType.getDimSize(1) * vl, 0, symbols, forms,
              /*blockedSource=*/true)))
      return failure();
    OpBuilder builder(reluOp ? reluOp.getOperation() : op.getOperation());
    Location loc = op.getLoc();
    KernelArguments args{builder, loc};
    Value null = arith::ConstantIndexOp::create(builder, loc, 0);
    SmallVector<Value> arguments = {
        args.address(input, inputLayout->offset),
        args.i64(inStrides[0]),
        args.i64(inStrides[1]),
        args.i64(inStrides[2]),
        args.i64(blockedInput ? vl : 1),
        winogradForm
            ? args.address(memref::GetGlobalOp::create(
                               builder, loc, winogradForm.getType(),
                               winogradForm.getSymName()),
                           0)
            : args.address(filter, staticLayout(filter)->offset),
        bias && initOp ? args.address(bias, biasLayout->offset) : null,
        residual && initOp ? args.address(residual, residualLayout->offset)
                           : null,
        args.i64(residual && initOp ? residualLayout->strides[0] : 0),
        args.i64(residual && initOp ? residualLayout->strides[1] : 0),
        args.i64(residual && initOp ? residualLayout->strides[2] : 0),
        args.address(result, resultLayout.offset),
        args.i64(resultStrides[0]),
        args.i64(resultStrides[1]),
        args.i64(resultStrides[2])};
    for (int64_t value :
         {int64_t(initialized), int64_t(bool(reluOp)), out[0],
          inputType.getDimSize(1), out[1], filterType.getDimSize(1),
          filterType.getDimSize(2), out[2], out[3], strides[0], strides[1],
          dilations[0], dilations[1]})
      arguments.push_back(args.i64(value));
    if (winogradForm)
      args.appendThreadScratch(
          arguments,
          inception_uk_winograd_scratch(mr, nr, l2,
                                        inputType.getDimSize(1) * vl,
                                        out[1] * vl));
    else
      args.appendNoScratch(arguments);
    Builder b(&getContext());
    Type index = b.getIndexType(), i64 = b.getI64Type();
    SmallVector<Type> types = {index, i64, i64, i64, i64, index, index, index,
                               i64,   i64, i64, index};
    types.append(16, i64);
    types.append({index, i64}); // scratch, scratch_per_thread
    func::CallOp::create(
        builder, loc,
        declareFunction(symbols,
                        depthwise      ? kBlockedDepthwiseKernelName
                        : winogradForm ? kBlockedWinogradKernelName
                                       : kBlockedKernelName,
                        types),
        arguments);
    depthwiseCount += depthwise;
    winogradCount += bool(winogradForm);
    op.erase();
    // The blocked filter, when the kernel reads its Winograd transform.
    if (Operation *read = filter.getDefiningOp(); read && read->use_empty())
      read->erase();
    if (initialized)
      (initOp ? initOp.getOperation() : fill)->erase();
    if (reluOp)
      reluOp.erase();
    // The accumulator's buffer, when the kernel wrote the ReLU's instead.
    eraseIfUnused(output);
    if (auto padding = geometry.getAs<DenseI64ArrayAttr>("padding"))
      fillBorderOnly(input, padding[0], padding[1],
                     inputType.getDimSize(2) - padding[0] - padding[2],
                     inputType.getDimSize(3) - padding[1] - padding[3]);
    return success();
  }

  /// Adds the channel ranges (axis 1, from `base`) of `view` that are
  /// written, whole or through views of channel ranges of it.
  static void writtenChannels(Value view, int64_t base,
                              SmallVectorImpl<std::pair<int64_t, int64_t>> &ranges) {
    auto type = cast<MemRefType>(view.getType());
    if (isWritten(view)) {
      ranges.push_back({base, base + type.getDimSize(1)});
      return;
    }
    for (Operation *user : view.getUsers()) {
      auto slice = dyn_cast<memref::SubViewOp>(user);
      if (!slice || !slice.hasUnitStride())
        continue;
      ArrayRef<int64_t> offsets = slice.getStaticOffsets(),
                        sizes = slice.getStaticSizes();
      bool channels = offsets[1] != ShapedType::kDynamic;
      for (size_t axis = 0; axis < offsets.size(); ++axis)
        channels &= axis == 1 ||
                    (offsets[axis] == 0 && sizes[axis] == type.getDimSize(axis));
      if (channels)
        writtenChannels(slice.getResult(), base + offsets[1], ranges);
    }
  }

  /// Narrows the fill of the whole padded buffer `input` (rows and columns
  /// on axes 2 and 3) to its border, when views of exactly its interior
  /// (`top`, `left`, `height` x `width`), whole or in channel ranges that
  /// cover it (a concat's slices), are written by something else: the
  /// blocked kernels read the padding, but the interior's fill is dead.
  static void fillBorderOnly(Value input, int64_t top, int64_t left,
                             int64_t height, int64_t width) {
    auto alloc = input.getDefiningOp<memref::AllocOp>();
    if (!alloc || !alloc.getType().hasStaticShape())
      return;
    ArrayRef<int64_t> shape = alloc.getType().getShape();
    Operation *fill = nullptr;
    Value value;
    // The channel ranges of the interior that are written.
    SmallVector<std::pair<int64_t, int64_t>> written;
    for (Operation *user : input.getUsers()) {
      if (auto fillOp = dyn_cast<linalg::FillOp>(user);
          fillOp && fillOp.getDpsInits()[0] == input) {
        fill = fillOp;
        value = fillOp.getInputs()[0];
      } else if (auto map = dyn_cast<linalg::MapOp>(user);
                 map && map.getNumDpsInputs() == 0 && map.getInit() == input) {
        // A map without inputs yields a value from outside its body.
        Value yielded =
            map.getMapper().front().getTerminator()->getOperand(0);
        if (yielded.getParentRegion() == &map.getMapper())
          return;
        fill = map;
        value = yielded;
      } else if (auto view = dyn_cast<memref::SubViewOp>(user)) {
        ArrayRef<int64_t> offsets = view.getStaticOffsets(),
                          sizes = view.getStaticSizes();
        bool interior = view.hasUnitStride() && offsets.size() == shape.size() &&
                        offsets[2] == top && offsets[3] == left &&
                        sizes[2] == height && sizes[3] == width;
        for (size_t axis : {size_t(0), size_t(4)})
          interior &= axis >= shape.size() ||
                      (offsets[axis] == 0 && sizes[axis] == shape[axis]);
        if (interior && offsets[1] != ShapedType::kDynamic)
          writtenChannels(view.getResult(), offsets[1], written);
      }
    }
    llvm::sort(written);
    int64_t covered = 0;
    for (auto [begin, end] : written)
      if (begin <= covered)
        covered = std::max(covered, end);
    if (!fill || !value || covered < shape[1])
      return;
    OpBuilder builder(fill);
    Location loc = fill->getLoc();
    // Rows above and below the interior, whole; columns left and right of
    // it, on its rows.
    int64_t bottom = top + height, right = left + width;
    SmallVector<std::array<int64_t, 4>> strips = {
        {0, 0, top, shape[3]},
        {bottom, 0, shape[2] - bottom, shape[3]},
        {top, 0, height, left},
        {top, right, height, shape[3] - right}};
    for (auto [row, column, rows, columns] : strips) {
      if (rows == 0 || columns == 0)
        continue;
      SmallVector<int64_t> offsets(shape.size(), 0), sizes(shape),
          strides(shape.size(), 1);
      offsets[2] = row;
      offsets[3] = column;
      sizes[2] = rows;
      sizes[3] = columns;
      auto strip = memref::SubViewOp::create(builder, loc, input, offsets,
                                             sizes, strides);
      linalg::FillOp::create(builder, loc, value, strip.getResult());
    }
    fill->erase();
  }

  /// A max or sum pooling on blocked activations as a call to
  /// inception_uk_pool2d_blocked, which reads the padded input whole,
  /// initializes the output itself (the fill goes) and, for an average
  /// pooling, divides by the window sizes, writing the quotient's buffer.
  LogicalResult convertBlockedPool(linalg::GenericOp op, SymbolTable &symbols) {
    auto block = op->getAttrOfType<IntegerAttr>(kBlockedAttr);
    auto attrs = op->getAttrOfType<DictionaryAttr>(kPoolAttr);
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !block || block.getInt() != vl)
      return failure();
    auto kind = attrs.getAs<StringAttr>("kind");
    auto strides = attrs.getAs<DenseI64ArrayAttr>("strides");
    auto padding = attrs.getAs<DenseI64ArrayAttr>("padding");
    auto inputSize = attrs.getAs<DenseI64ArrayAttr>("input_size");
    if (!kind || !strides ||
        (kind.getValue() != "max" && kind.getValue() != "sum"))
      return failure();
    Value input = op.getDpsInputs()[0], window = op.getDpsInputs()[1],
          output = op.getDpsInits()[0];
    auto windowType = cast<MemRefType>(window.getType());
    auto outputType = cast<MemRefType>(output.getType());
    auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
    if (!inputLayout || !outputLayout || !pixelsOfBlocks(vl, *inputLayout) ||
        !pixelsOfBlocks(vl, *outputLayout))
      return failure();
    Operation *init = nullptr;
    linalg::GenericOp division;
    for (Operation *user : output.getUsers()) {
      if (user == op)
        continue;
      auto generic = dyn_cast<linalg::GenericOp>(user);
      if (!init && isa<linalg::FillOp, linalg::MapOp>(user) &&
          user->isBeforeInBlock(op) &&
          cast<DestinationStyleOpInterface>(user).getDpsInits()[0] == output) {
        init = user;
      } else if (!division && generic && isDivisionByMap(generic, output, 5) &&
                 generic.hasPureBufferSemantics() &&
                 op->isBeforeInBlock(generic) &&
                 !writtenBetween(op, generic, {rootBuffer(output)})) {
        division = generic;
      } else {
        division = {};
        break;
      }
    }
    std::optional<StaticLayout> divisionLayout, mapLayout;
    ArrayRef<int64_t> out = outputType.getShape();
    if (division) {
      divisionLayout = staticLayout(division.getDpsInits()[0]);
      mapLayout = staticLayout(division.getDpsInputs()[1]);
      if (!divisionLayout || !pixelsOfBlocks(vl, *divisionLayout) || !mapLayout ||
          mapLayout->strides[0] != out[3] || mapLayout->strides[1] != 1 ||
          !filterGlobal(division.getDpsInputs()[1], symbols))
        division = {};
    }
    Value result = division ? division.getDpsInits()[0] : output;
    StaticLayout resultLayout = division ? *divisionLayout : *outputLayout;
    OpBuilder builder(division ? division.getOperation() : op.getOperation());
    Location loc = op.getLoc();
    KernelArguments args{builder, loc};
    Value null = arith::ConstantIndexOp::create(builder, loc, 0);
    ArrayRef<int64_t> inStrides = inputLayout->strides,
                      resultStrides = resultLayout.strides;
    SmallVector<Value> arguments = {args.address(input, inputLayout->offset),
                                    args.i64(inStrides[0]),
                                    args.i64(inStrides[1]),
                                    args.i64(inStrides[2]),
                                    args.address(result, resultLayout.offset),
                                    args.i64(resultStrides[0]),
                                    args.i64(resultStrides[1]),
                                    args.i64(resultStrides[2])};
    for (int64_t value :
         {out[0], out[1], out[2], out[3], windowType.getDimSize(0),
          windowType.getDimSize(1), strides[0], strides[1],
          int64_t(kind.getValue() == "max" ? 0 : 1)})
      arguments.push_back(args.i64(value));
    arguments.push_back(
        division ? args.address(division.getDpsInputs()[1], mapLayout->offset)
                 : null);
    Builder b(&getContext());
    SmallVector<Type> types = {b.getIndexType()};
    types.append(3, b.getI64Type());
    types.push_back(b.getIndexType());
    types.append(12, b.getI64Type());
    types.push_back(b.getIndexType());
    func::CallOp::create(
        builder, loc, declareFunction(symbols, kBlockedPoolKernelName, types),
        arguments);
    if (division)
      division.erase();
    op.erase();
    if (init)
      init->erase();
    eraseIfUnused(output);
    if (window.use_empty())
      if (Operation *def = window.getDefiningOp())
        def->erase();
    if (padding && inputSize)
      fillBorderOnly(input, padding[0], padding[1], inputSize[0], inputSize[1]);
    return success();
  }

  /// The constant the kernel reads for `global`'s filter, made once per
  /// filter and form: panels of mr output channels, k-major (the GEMM
  /// kernel), or the Winograd transform in panels of nr, of an NCHW filter
  /// or (`blockedSource`) of blocked-layout's [F/vl, 3, 3, C, vl].
  memref::GlobalOp filterForm(memref::GlobalOp global, bool winogradForm,
                              int64_t outChannels, int64_t inChannels,
                              int64_t depth, SymbolTable &symbols,
                              llvm::StringMap<memref::GlobalOp> &forms,
                              bool blockedSource = false) {
    StringRef suffix = winogradForm ? "winograd" : "packed";
    memref::GlobalOp &form =
        forms[(global.getSymName() + "." + suffix).str()];
    if (form)
      return form;
    auto data = readF32Elements(*global.getInitialValue());
    if (!data)
      return {};
    std::vector<float> formData;
    if (winogradForm && blockedSource) {
      // [F/vl, 3, 3, C, vl] (blocked-layout's) as [F, C, 3, 3] first.
      std::vector<float> plain(data->size());
      for (int64_t f = 0; f < outChannels; ++f)
        for (int64_t c = 0; c < inChannels; ++c)
          for (int64_t t = 0; t < 9; ++t)
            plain[size_t((f * inChannels + c) * 9 + t)] =
                (*data)[size_t((((f / vl) * 9 + t) * inChannels + c) * vl +
                               f % vl)];
      formData = winogradFilter(plain, outChannels, inChannels, nr);
    } else if (winogradForm) {
      formData = winogradFilter(*data, outChannels, inChannels, nr);
    } else {
      int64_t panels = (outChannels + mr - 1) / mr;
      formData.assign(size_t(panels * depth * mr), 0.0f);
      for (int64_t m = 0; m < outChannels; ++m)
        for (int64_t k = 0; k < depth; ++k)
          formData[(m / mr) * depth * mr + k * mr + m % mr] =
              (*data)[m * depth + k];
    }
    OpBuilder builder(global);
    auto type =
        MemRefType::get({int64_t(formData.size())}, builder.getF32Type());
    std::string key = global.getSymName().str();
    if (auto resource =
            dyn_cast<DenseResourceElementsAttr>(*global.getInitialValue()))
      key = resource.getRawHandle().getKey().str();
    key += "." + suffix.str();
    DenseResourceElementsAttr value =
        f32ResourceElements(type.getShape(), key, ArrayRef<float>(formData),
                            builder.getContext());
    form = memref::GlobalOp::create(
        builder, global.getLoc(), (global.getSymName() + "_" + suffix).str(),
        builder.getStringAttr("private"), type, value, /*constant=*/true,
        builder.getI64IntegerAttr(64));
    symbols.insert(form);
    return form;
  }

  /// The copy that fills the interior of `input`'s padded buffer (offset
  /// and [batch, channel, row] strides, extents [n, c, h, w]), when nothing
  /// else reads or writes that buffer besides `kernel` and the padding
  /// fill, and nothing writes the copy's source until `until`: the kernel,
  /// which pads by itself, can read the source instead.
  static memref::CopyOp interiorCopy(Value input, Operation *kernel,
                                     Operation *until, int64_t offset,
                                     ArrayRef<int64_t> strides,
                                     ArrayRef<int64_t> shape) {
    Value root = rootBuffer(input);
    if (!root.getDefiningOp<memref::AllocOp>())
      return {};
    memref::CopyOp copy;
    SmallVector<Value> worklist = {root};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (Operation *user : value.getUsers()) {
        if (user == kernel)
          continue;
        if (isa<ViewLikeOpInterface>(user)) {
          llvm::append_range(worklist, user->getResults());
          continue;
        }
        auto c = dyn_cast<memref::CopyOp>(user);
        if (c && c.getTarget() == value && !copy) {
          copy = c;
          continue;
        }
        // The padding fill of the whole buffer, which goes too.
        auto init = dyn_cast<DestinationStyleOpInterface>(user);
        if (value == root && isa<linalg::FillOp, linalg::MapOp>(user) &&
            init.getNumDpsInits() == 1 && init.getDpsInits()[0] == root &&
            (isa<linalg::FillOp>(user) || init.getNumDpsInputs() == 0))
          continue;
        return {};
      }
    }
    if (!copy || copy->getBlock() != kernel->getBlock() ||
        !copy->isBeforeInBlock(kernel))
      return {};
    auto target = staticLayout(copy.getTarget());
    auto source = staticLayout(copy.getSource());
    auto targetType = cast<MemRefType>(copy.getTarget().getType());
    if (!target || !source || targetType.getRank() != 4 ||
        targetType.getShape() != shape || target->offset != offset ||
        (shape[0] > 1 && target->strides[0] != strides[0]) ||
        target->strides[1] != strides[1] || target->strides[2] != strides[2] ||
        target->strides[3] != 1 || source->strides[3] != 1)
      return {};
    if (writtenBetween(copy, until, {rootBuffer(copy.getSource())}))
      return {};
    return copy;
  }

  /// Where a kernel reads its input: a buffer, the offset of element 0 and
  /// [batch, channel, row] strides, and the copy it replaces, if any.
  struct KernelInput {
    Value buffer;
    int64_t offset;
    SmallVector<int64_t> strides;
    memref::CopyOp filledBy;
  };

  /// The interior of `input`'s padded buffer (`offset`, `strides`), or the
  /// source of the copy that filled it (interiorCopy), which the caller
  /// erases once the kernel call reads the source.
  KernelInput readInput(Value input, Operation *kernel, Operation *until,
                        int64_t offset, SmallVector<int64_t> strides,
                        ArrayRef<int64_t> shape) {
    memref::CopyOp copy =
        interiorCopy(input, kernel, until, offset, strides, shape);
    if (!copy)
      return {input, offset, strides, {}};
    StaticLayout layout = *staticLayout(copy.getSource());
    ++forwardedCount;
    return {copy.getSource(),
            layout.offset,
            {layout.strides[0], layout.strides[1], layout.strides[2]},
            copy};
  }

  /// Erases `buffer` and its views once nothing else uses them.
  static void eraseIfUnused(Value buffer) {
    auto alloc = buffer.getDefiningOp<memref::AllocOp>();
    if (!alloc)
      return;
    SmallVector<Operation *> views;
    SmallVector<Value> worklist = {buffer};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (Operation *user : value.getUsers()) {
        if (!isa<ViewLikeOpInterface>(user))
          return;
        views.push_back(user);
        llvm::append_range(worklist, user->getResults());
      }
    }
    for (Operation *view : llvm::reverse(views))
      view->erase();
    alloc.erase();
  }

  /// The fill of a padded input buffer that only microkernels read, which
  /// never read its border: the buffer's other users write its interior.
  static void removePaddingFill(Value buffer) {
    if (!buffer.getDefiningOp<memref::AllocOp>())
      return;
    Operation *fill = nullptr;
    SmallVector<Value> worklist = {buffer};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        if (isa<ViewLikeOpInterface>(user)) {
          llvm::append_range(worklist, user->getResults());
          continue;
        }
        if (isa<memref::ExtractAlignedPointerAsIndexOp>(user) &&
            llvm::all_of(user->getResult(0).getUsers(), [](Operation *u) {
              return isa<arith::AddIOp>(u) &&
                     llvm::all_of(u->getResult(0).getUsers(), [](Operation *c) {
                       auto call = dyn_cast<func::CallOp>(c);
                       return call && (call.getCallee() == kKernelName ||
                                       call.getCallee() == kWinogradKernelName ||
                                       call.getCallee() == kDepthwiseKernelName ||
                                       call.getCallee() == kPoolKernelName);
                     });
            }))
          continue;
        if (auto copy = dyn_cast<memref::CopyOp>(user);
            copy && copy.getTarget() == value)
          continue;
        auto linalgOp = dyn_cast<linalg::LinalgOp>(user);
        if (!linalgOp || !linalgOp.isDpsInit(&use) ||
            linalgOp.payloadUsesValueFromOperand(&use))
          return;
        // A write of the whole buffer from constants is the padding fill.
        if (value == buffer && linalgOp.getNumDpsInputs() == 0 && !fill) {
          fill = user;
          continue;
        }
        if (value == buffer && isa<linalg::FillOp>(user) && !fill) {
          fill = user;
          continue;
        }
        if (value == buffer)
          return;
      }
    }
    if (fill)
      fill->erase();
  }

  /// A max or sum pooling reduction as a call to inception_uk_pool2d, which
  /// also initializes the output (the fill before the reduction goes).
  LogicalResult convertPool(linalg::GenericOp op, SymbolTable &symbols) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1)
      return failure();
    auto attrs = op->getAttrOfType<DictionaryAttr>(kPoolAttr);
    auto kind = attrs.getAs<StringAttr>("kind");
    auto strides = attrs.getAs<DenseI64ArrayAttr>("strides");
    auto padding = attrs.getAs<DenseI64ArrayAttr>("padding");
    auto inputSize = attrs.getAs<DenseI64ArrayAttr>("input_size");
    if (!kind || !strides || !padding || !inputSize ||
        (kind.getValue() != "max" && kind.getValue() != "sum"))
      return failure();
    Value input = op.getDpsInputs()[0], window = op.getDpsInputs()[1],
          output = op.getDpsInits()[0];
    auto inputType = cast<MemRefType>(input.getType());
    auto windowType = cast<MemRefType>(window.getType());
    auto outputType = cast<MemRefType>(output.getType());
    auto inputLayout = staticLayout(input), outputLayout = staticLayout(output);
    if (inputType.getRank() != 4 || !inputLayout || !outputLayout ||
        inputLayout->strides[3] != 1 || outputLayout->strides[3] != 1)
      return failure();
    // The output's initialization: -inf or zero, all of it, just before.
    Operation *init = nullptr;
    for (Operation *user : output.getUsers())
      if (user != op && isa<linalg::FillOp, linalg::MapOp>(user) &&
          user->isBeforeInBlock(op) &&
          cast<DestinationStyleOpInterface>(user).getDpsInits()[0] == output)
        init = user;

    // An average pooling's division by a constant map of window sizes,
    // right after: the kernel divides, writing the quotient's buffer.
    linalg::GenericOp division;
    std::optional<StaticLayout> divisionLayout, mapLayout;
    for (Operation *user : output.getUsers()) {
      if (user == op || user == init)
        continue;
      auto generic = dyn_cast<linalg::GenericOp>(user);
      if (division || !generic || !isDivisionByMap(generic, output, 4) ||
          !generic.hasPureBufferSemantics() || !op->isBeforeInBlock(generic) ||
          writtenBetween(op, generic, {rootBuffer(output)})) {
        division = {};
        break;
      }
      division = generic;
    }
    if (division) {
      divisionLayout = staticLayout(division.getDpsInits()[0]);
      mapLayout = staticLayout(division.getDpsInputs()[1]);
      ArrayRef<int64_t> outShape = outputType.getShape();
      if (!divisionLayout || divisionLayout->strides[3] != 1 || !mapLayout ||
          mapLayout->strides[0] != outShape[3] || mapLayout->strides[1] != 1 ||
          !filterGlobal(division.getDpsInputs()[1], symbols))
        division = {};
    }

    OpBuilder builder(division ? division.getOperation() : op.getOperation());
    Location loc = op.getLoc();
    func::FuncOp kernel = declarePoolKernel(symbols);
    KernelArguments args{builder, loc};
    ArrayRef<int64_t> in = inputType.getShape(), out = outputType.getShape();
    ArrayRef<int64_t> inStrides = inputLayout->strides,
                      outStrides = outputLayout->strides;
    // The input proper starts after the leading padding of the padded
    // buffer; everything past its extent (ceil_mode included) is padding.
    (void)in;
    Value result = division ? division.getDpsInits()[0] : output;
    StaticLayout resultLayout = division ? *divisionLayout : *outputLayout;
    ArrayRef<int64_t> resultStrides = resultLayout.strides;
    Value null = arith::ConstantIndexOp::create(builder, loc, 0);
    // Or the source of the copy that filled the interior: the copy goes.
    KernelInput source = readInput(
        input, op, division ? division.getOperation() : op.getOperation(),
        inputLayout->offset + padding[0] * inStrides[2] + padding[1],
        {inStrides[0], inStrides[1], inStrides[2]},
        {out[0], out[1], inputSize[0], inputSize[1]});
    memref::CopyOp filledBy = source.filledBy;
    SmallVector<Value> arguments = {
        args.address(source.buffer, source.offset), args.i64(source.strides[0]),
        args.i64(source.strides[1]), args.i64(source.strides[2]),
        args.i64(inputSize[0]), args.i64(inputSize[1]),
        args.address(result, resultLayout.offset), args.i64(resultStrides[0]),
        args.i64(resultStrides[1]), args.i64(resultStrides[2]), args.i64(out[0]), args.i64(out[1]),
        args.i64(out[2]), args.i64(out[3]), args.i64(windowType.getDimSize(0)),
        args.i64(windowType.getDimSize(1)), args.i64(strides[0]), args.i64(strides[1]),
        args.i64(padding[0]), args.i64(padding[1]), args.i64(kind.getValue() == "max" ? 0 : 1),
        division ? args.address(division.getDpsInputs()[1], mapLayout->offset) : null};
    func::CallOp::create(builder, loc, kernel, arguments);
    Value paddedInput = rootBuffer(input);
    if (division)
      division.erase();
    op.erase();
    if (filledBy)
      filledBy.erase();
    if (init)
      init->erase();
    // The sums' buffer, when the kernel wrote the quotients instead.
    if (auto alloc = output.getDefiningOp<memref::AllocOp>();
        alloc && alloc->use_empty())
      alloc.erase();
    if (window.use_empty())
      if (Operation *def = window.getDefiningOp())
        def->erase();
    removePaddingFill(paddedInput);
    eraseIfUnused(paddedInput);
    return success();
  }

  /// A dense contraction as a call to inception_uk_dense, which adds to
  /// the initialized output.
  LogicalResult convertDense(linalg::GenericOp op, SymbolTable &symbols) {
    if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1)
      return failure();
    Value input = op.getDpsInputs()[0], weight = op.getDpsInputs()[1],
          output = op.getDpsInits()[0];
    auto inputLayout = staticLayout(input), weightLayout = staticLayout(weight),
         outputLayout = staticLayout(output);
    if (!inputLayout || !weightLayout || !outputLayout ||
        inputLayout->strides[1] != 1 || weightLayout->strides[1] != 1 ||
        outputLayout->strides[1] != 1)
      return failure();
    auto weightType = cast<MemRefType>(weight.getType());
    auto outputType = cast<MemRefType>(output.getType());
    OpBuilder builder(op);
    Location loc = op.getLoc();
    func::FuncOp kernel = declareFunction(
        symbols, kDenseKernelName,
        {builder.getIndexType(), builder.getI64Type(), builder.getIndexType(),
         builder.getI64Type(), builder.getIndexType(), builder.getI64Type(),
         builder.getI64Type(), builder.getI64Type(), builder.getI64Type()});
    KernelArguments args{builder, loc};
    func::CallOp::create(
        builder, loc, kernel,
        ValueRange{args.address(input, inputLayout->offset), args.i64(inputLayout->strides[0]),
                   args.address(weight, weightLayout->offset), args.i64(weightLayout->strides[0]),
                   args.address(output, outputLayout->offset), args.i64(outputLayout->strides[0]),
                   args.i64(outputType.getDimSize(0)), args.i64(outputType.getDimSize(1)),
                   args.i64(weightType.getDimSize(1))});
    op.erase();
    return success();
  }

  func::FuncOp declareFunction(SymbolTable &symbols, StringRef name,
                               ArrayRef<Type> types) {
    if (auto existing = symbols.lookup<func::FuncOp>(name))
      return existing;
    ModuleOp module = getOperation();
    OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
    auto function = func::FuncOp::create(builder, module.getLoc(), name,
                                         builder.getFunctionType(types, {}));
    function.setPrivate();
    symbols.insert(function);
    return function;
  }

  func::FuncOp declarePoolKernel(SymbolTable &symbols) {
    Builder b(&getContext());
    SmallVector<Type> types = {b.getIndexType(), b.getI64Type(), b.getI64Type(),
                               b.getI64Type(),   b.getI64Type(), b.getI64Type(),
                               b.getIndexType()};
    types.append(14, b.getI64Type());
    types.push_back(b.getIndexType());
    return declareFunction(symbols, kPoolKernelName, types);
  }

  /// inception_uk_conv2d's signature, pointers as index.
  /// The convolution kernels' signature: the input's address and batch,
  /// channel and row strides; the filter's, bias's and residual's
  /// addresses; the residual's strides; the output's address and strides;
  /// then `scalars` integers of the kernel's own.
  func::FuncOp declareConvolutionKernel(SymbolTable &symbols, StringRef name,
                                        unsigned scalars, bool scratch = false) {
    Builder b(&getContext());
    Type index = b.getIndexType(), i64 = b.getI64Type();
    SmallVector<Type> types = {index, i64, i64, i64, index, index, index,
                               i64,   i64, i64, index, i64, i64, i64};
    types.append(scalars, i64);
    if (scratch)
      types.append({index, i64}); // scratch, scratch_per_thread
    return declareFunction(symbols, name, types);
  }
};

} // namespace
} // namespace mlir::inception
