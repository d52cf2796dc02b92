//===- HalideLayers.cpp - Layers on tensors as Halide pipelines -----------===//
//
// Each layer becomes one Halide pipeline whose inputs are the tensors it
// reads from outside (activations and weights: ImageParams, with the
// shapes the tensors have, innermost dimension contiguous) and whose
// output is the layer's result. MLIR dimension d of a rank-r tensor is
// Halide dimension r-1-d, so that Halide's innermost is the row-major
// innermost. A linalg.generic is a Func whose pure definition is its
// initialization and whose update, over an RDom of its reduction loops, is
// its body; tensor.pad is a constant exterior, reshapes and slices are
// index maps. The layers' objects are compiled without Halide's runtime
// (one standalone runtime object is linked beside them) and take a user
// context: the per-thread arena runtime/halide/halide_glue.c allocates
// from, so that a run allocates nothing.
//
// Halide reports errors by throwing Halide::Error (Debian builds it with
// exceptions): this file is compiled with exceptions and catches them at
// its one entry.
//
//===----------------------------------------------------------------------===//

#include "Halide.h"

#include "compiler/Compiler.h"
#include "compiler/Error.h"
#include "compiler/Halide/HalideLayers.h"
#include "dialect/InceptionOps.h"
#include "dialect/WeightConstants.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>
#include <thread>

#ifndef INCEPTION_HALIDE_PLUGIN_DIR
#error "INCEPTION_HALIDE_PLUGIN_DIR: where Debian's autoscheduler plugins are"
#endif

using namespace mlir;

namespace inception::halide {

llvm::ArrayRef<llvm::StringRef> schedulerNames() {
  static const llvm::StringRef names[] = {"hand", "Adams2019", "Li2018",
                                          "Mullapudi2016"};
  return names;
}

namespace {

/// An op's diagnostic, as an error the driver prints with its location.
llvm::Error opError(Operation *op, const llvm::Twine &message) {
  op->emitError(message);
  return llvm::make_error<ReportedError>();
}

template <typename T> std::string printed(T value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

//===----------------------------------------------------------------------===//
// Grouping
//===----------------------------------------------------------------------===//

bool isContraction(linalg::GenericOp op) {
  return op.getNumReductionLoops() > 0;
}

/// Ops that only move or fill data: a layer absorbs them wherever they
/// feed it alone.
bool isIndexOnly(Operation *op) {
  return isa<tensor::PadOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, linalg::FillOp>(op);
}

struct Layer {
  /// In block order.
  SmallVector<Operation *> ops;
  Operation *root = nullptr;
};

/// Groups the ops of `block` into layers, from the last op up: every
/// linalg.generic not yet taken starts a layer and takes the producers
/// that feed only it: index-only ops; a contraction, where the layer has
/// none yet and the path to it does not go through a contraction's input
/// (a convolution's epilogue takes the convolution, a convolution does not
/// take the pooling before it); elementwise ops on the same terms.
SmallVector<Layer> groupLayers(Block &block) {
  llvm::DenseMap<Operation *, unsigned> layerOf;
  SmallVector<Layer> layers;
  for (Operation &candidate : llvm::reverse(block)) {
    auto root = dyn_cast<linalg::GenericOp>(&candidate);
    if (!root || layerOf.count(root))
      continue;
    unsigned index = layers.size();
    layers.emplace_back();
    Layer &layer = layers.back();
    layer.root = root;
    bool hasContraction = false;
    llvm::SetVector<Operation *> members;
    // (op, whether it feeds a contraction's input)
    SmallVector<std::pair<Operation *, bool>> worklist = {{root, false}};
    auto allUsersIn = [&](Operation *op) {
      for (Operation *user : op->getUsers())
        if (!members.contains(user))
          return false;
      return true;
    };
    while (!worklist.empty()) {
      auto [op, feedsInput] = worklist.pop_back_val();
      if (members.contains(op))
        continue;
      members.insert(op);
      layerOf[op] = index;
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (generic && isContraction(generic))
        hasContraction = true;
      for (OpOperand &operand : op->getOpOperands()) {
        Operation *producer = operand.get().getDefiningOp();
        if (!producer || producer->getBlock() != &block ||
            layerOf.count(producer))
          continue;
        bool throughInput = feedsInput;
        if (generic && isContraction(generic))
          throughInput = !generic.isDpsInit(&operand);
        bool take = false;
        if (isIndexOnly(producer)) {
          take = true;
        } else if (auto feeding = dyn_cast<linalg::GenericOp>(producer)) {
          take = !throughInput && (!isContraction(feeding) || !hasContraction);
        }
        // All of a producer's users must be in the layer; the order of the
        // walk (consumers first) makes that the users seen so far.
        if (take && allUsersIn(producer))
          worklist.push_back({producer, throughInput});
      }
    }
    for (Operation &op : block)
      if (members.contains(&op))
        layer.ops.push_back(&op);
  }
  std::reverse(layers.begin(), layers.end());
  return layers;
}

//===----------------------------------------------------------------------===//
// Convolutions
//===----------------------------------------------------------------------===//

/// A convolution's output extents [n, g, co, oh, ow] (its linalg form:
/// loops n, g, co, ci, ky, kx, oh, ow), or nothing for other ops.
std::optional<SmallVector<int64_t>> convolutionShape(linalg::GenericOp op) {
  auto type = cast<RankedTensorType>(op.getResult(0).getType());
  if (!op->hasAttr(mlir::inception::kConvAttr) || type.getRank() != 5 ||
      op.getNumReductionLoops() != 3 || op.getNumDpsInputs() != 2)
    return std::nullopt;
  return llvm::to_vector(type.getShape());
}

/// The register tile of scheduleConvolution: `vectors` vectors of output
/// pixels along a row by `rows` rows by `block` output channels, at most
/// 24 accumulators (of AVX-512's 32 registers, or AVX2's 16 counted twice
/// as wide: the rest hold the filter's broadcasts and the input). The
/// block divides the channels, so that a block's filter is one slab of
/// the packed filter (packConvolutionFilters). Nothing for grouped
/// convolutions.
struct ConvolutionTile {
  int vectors, rows, block;
};

std::optional<ConvolutionTile> convolutionTile(ArrayRef<int64_t> shape,
                                               unsigned lanes) {
  if (shape[1] != 1)
    return std::nullopt;
  int64_t width = shape[4], height = shape[3], channels = shape[2];
  int vectors = width >= 2 * int64_t(lanes) ? 2 : 1;
  int rows = vectors == 1 && height >= 2 ? 2 : 1;
  int block = 24 / (vectors * rows);
  while (channels % block != 0)
    --block;
  return ConvolutionTile{vectors, rows, block};
}

/// The row width of a convolution that the plane template takes
/// (LayerTranslator::tilePlane): 1x1 at stride 1, without groups, reading
/// its input at its own pixels, on planes of at least 2x2 whose rows are
/// narrower than four vectors. The row template computes such rows in
/// whole vectors, 32 lanes for a 19-wide row; over the plane's pixels in
/// one run, a 19x19 plane takes 23 vectors for 361 pixels.
std::optional<int64_t> planeWidth(linalg::GenericOp op, unsigned lanes) {
  auto shape = convolutionShape(op);
  if (!shape || !convolutionTile(*shape, lanes))
    return std::nullopt;
  // Loops n, g, co, ci, ky, kx, oh, ow; the input [n, g, ci, oh + ky, ow + kx].
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t height = (*shape)[3], width = (*shape)[4];
  if (ranges.size() != 8 || ranges[4] != 1 || ranges[5] != 1 || height < 2 ||
      width < 2 || width >= 4 * int64_t(lanes))
    return std::nullopt;
  MLIRContext *context = op.getContext();
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, context); };
  if (op.getMatchingIndexingMap(op.getDpsInputOperand(0)) !=
      AffineMap::get(8, 0,
                     {dim(0), dim(1), dim(3), dim(6) + dim(4), dim(7) + dim(5)},
                     context))
    return std::nullopt;
  return width;
}

/// Gives every convolution that scheduleConvolution tiles its filter as
/// block_filter packs it for the MLIR back half's direct kernel, [co /
/// block][ky][kx][ci][co % block]: the tile's `block` broadcasts at a tap
/// are adjacent floats, not `block` lines a filter apart. On constant
/// weights the transform runs now; with weights at load, at load.
void packConvolutionFilters(ArrayRef<linalg::GenericOp> ops, unsigned lanes) {
  for (linalg::GenericOp op : ops) {
    MLIRContext *context = op.getContext();
    auto shape = convolutionShape(op);
    if (!shape)
      continue;
    auto tile = convolutionTile(*shape, lanes);
    OpOperand *filterOperand = op.getDpsInputOperand(1);
    auto expand = filterOperand->get().getDefiningOp<tensor::ExpandShapeOp>();
    AffineMap filterMap = op.getMatchingIndexingMap(filterOperand);
    auto dim = [&](unsigned d) { return getAffineDimExpr(d, context); };
    // Loops n, g, co, ci, ky, kx, oh, ow; the filter [g, co, ci, ky, kx].
    if (!tile || !expand || expand.getSrcType().getRank() != 4 ||
        filterMap != AffineMap::get(8, 0,
                                    {dim(1), dim(2), dim(3), dim(4), dim(5)},
                                    context))
      continue;
    ArrayRef<int64_t> filter = expand.getSrcType().getShape(); // co ci ky kx
    int64_t b = tile->block;
    OpBuilder builder(op);
    auto integer = [&](StringRef name, int64_t value) {
      return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
    };
    Value packed = mlir::inception::createWeightTransform(
        builder, op.getLoc(), "block_filter", {expand.getSrc()},
        {filter[0] / b, filter[2], filter[3], filter[1], b},
        {integer("out_channels", filter[0]), integer("in_channels", filter[1]),
         integer("taps", filter[2] * filter[3]), integer("depth", filter[1]),
         integer("block", b), integer("depthwise", 0)});
    filterOperand->set(packed);
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    maps[1] = AffineMap::get(
        8, 0, {dim(2).floorDiv(b), dim(4), dim(5), dim(3), dim(2) % b},
        context);
    op.setIndexingMapsAttr(builder.getAffineMapArrayAttr(maps));
    if (expand->use_empty())
      expand->erase();
  }
}

//===----------------------------------------------------------------------===//
// Translation
//===----------------------------------------------------------------------===//

/// A tensor's whole extent as a Halide region: the innermost dimension
/// first.
Halide::Region wholeRegion(RankedTensorType type) {
  Halide::Region region;
  for (int64_t d = type.getRank() - 1; d >= 0; --d)
    region.emplace_back(0, int(type.getDimSize(d)));
  return region;
}

/// Halide's arguments for MLIR indices: the innermost first.
std::vector<Halide::Expr> reversed(ArrayRef<Halide::Expr> indices) {
  return std::vector<Halide::Expr>(indices.rbegin(), indices.rend());
}

std::optional<double> constantFloat(Value value) {
  FloatAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

class LayerTranslator {
public:
  /// `handSchedules`: translate for the hand-written templates (small
  /// windows written out as expressions, translateGeneric), else keep
  /// every reduction's domain for an autoscheduler.
  /// `rowContractions`: the plane template's convolutions always take
  /// their row form.
  LayerTranslator(const Layer &layer, unsigned vectorLanes, int64_t l2Bytes,
                  bool handSchedules, bool rowContractions)
      : layer(layer), vectorLanes(vectorLanes), l2Bytes(l2Bytes),
        handSchedules(handSchedules), rowContractions(rowContractions) {}

  /// Builds the layer's Funcs; fails with an op's error.
  llvm::Error translate();

  Halide::Func output;
  /// The values read from outside, in the order of the call's operands.
  SmallVector<Value> inputs;
  std::vector<Halide::ImageParam> params;
  /// Funcs with an update definition other than `output`, and the bytes of
  /// every intermediate value: a bound of what a schedule may allocate.
  std::vector<Halide::Func> contractions;
  int64_t intermediateBytes = 0;
  /// Reductions written out as one expression (translateGeneric).
  unsigned windowsUnrolled = 0;
  /// Convolutions the plane template takes (tilePlane).
  unsigned convolutionPlanes = 0;
  /// Window expressions (a pool) that the layer reads through another
  /// window (LRN's channels): computed whole once per call by the generic
  /// template, rather than inline at each of the other window's taps.
  std::vector<Halide::Func> windowsOfWindows;
  /// What applyHandSchedule did with the paddings.
  unsigned paddingsMaterialized = 0, paddingsInline = 0;

  /// The template that took the layer.
  enum class Template {
    Convolution,
    /// A convolution tiled into a buffer, the rest of the layer generic.
    ConvolutionThenGeneric,
    Dense,
    Generic
  };
  Template applyHandSchedule();

private:
  /// A convolution's contraction (linalg's [n, g, co, oh, ow] over
  /// [ci, ky, kx]) and its output's extents.
  struct Convolution {
    Halide::Func func;
    Halide::RDom domain;
    SmallVector<int64_t> shape;
    /// For the plane template: the same contraction over the flattened
    /// plane's pixels ([p, co, g, n]), and the condition under which it is
    /// read instead of `func`: every activation the layer reads has dense
    /// rows (a padded buffer's interior or a slice of one does not).
    std::optional<Halide::Func> plane;
    Halide::Expr denseRows;
    /// The bytes of input one output row reads (every input channel).
    int64_t inputRowBytes = 0;
  };
  Template scheduleConvolution();
  /// A dense layer's product ([n, f] over k, long) and its domain.
  struct Dense {
    Halide::Func func;
    Halide::RDom domain;
    /// The reduction's extent: the inputs per feature.
    int64_t length;
  };
  std::optional<Dense> dense;
  bool scheduleDense();
  void scheduleGeneric();
  /// A bound of the bytes a materialized copy of a `type` tensor takes:
  /// rows read up to two vectors past their end (a narrow convolution's
  /// whole vectors at stride 2).
  int64_t materializedBytes(RankedTensorType type) const {
    int64_t width = std::max<int64_t>(type.getDimSize(type.getRank() - 1), 1);
    return type.getNumElements() / width * (width + 2 * vectorLanes) * 4;
  }
  std::optional<Convolution> convolution;
  /// A convolution the layer reads other than pointwise (through LRN's
  /// channel window).
  std::optional<Convolution> windowedConvolution;
  void tileConvolution(Halide::Func consumer, const Convolution &convolution);
  void tilePlane(Halide::Func consumer, const Convolution &convolution);
  /// Whether the layer has a convolution whose rows are narrower than a
  /// vector.
  bool narrowConvolution = false;
  /// The layer's inputs padded (tensor.pad's constant exteriors) or read
  /// past their end (a narrow convolution's).
  struct Padding {
    Halide::Func func;
    /// The padded tensor's bytes.
    int64_t bytes;
  };
  std::vector<Padding> paddings;
  /// A padding of a `type` tensor, which a schedule may materialize.
  void addPadding(Halide::Func func, RankedTensorType type) {
    paddings.push_back({func, type.getNumElements() * 4});
    intermediateBytes += materializedBytes(type);
  }

private:
  llvm::Error translate(Operation *op);
  bool readPointwise(Value value);
  /// Whether the layer computes `op` (rather than reading its result).
  bool inLayer(Operation *op) const {
    return op && llvm::is_contained(layer.ops, op);
  }
  llvm::Error translateGeneric(linalg::GenericOp op);
  /// Whether the plane template takes `op` (planeWidth): the layer reads
  /// it pointwise into an output of its channels and pixels.
  bool takesPlane(linalg::GenericOp op) {
    if (!handSchedules || !planeWidth(op, vectorLanes) ||
        !readPointwise(op.getResult(0)))
      return false;
    auto shape = *convolutionShape(op); // [n, g, co, oh, ow]
    ArrayRef<int64_t> out =
        cast<RankedTensorType>(layer.root->getResult(0).getType()).getShape();
    size_t rank = out.size();
    return rank >= 4 && out[rank - 1] == shape[4] &&
           out[rank - 2] == shape[3] && out[rank - 3] == shape[2];
  }
  Halide::Expr at(Value value, ArrayRef<Halide::Expr> indices);
  llvm::Expected<Halide::Func> funcOf(Operation *user, Value value);
  std::vector<Halide::Var> varsFor(int64_t rank);
  llvm::Expected<Halide::Expr> scalar(Operation *user, Value value);

  const Layer &layer;
  unsigned vectorLanes;
  int64_t l2Bytes;
  bool handSchedules, rowContractions;
  llvm::DenseMap<Value, Halide::Func> funcs;
  unsigned names = 0;
};

std::vector<Halide::Var> LayerTranslator::varsFor(int64_t rank) {
  std::vector<Halide::Var> vars;
  for (int64_t d = 0; d < rank; ++d)
    vars.emplace_back("d" + std::to_string(rank - 1 - d));
  return vars; // MLIR order
}

llvm::Expected<Halide::Func> LayerTranslator::funcOf(Operation *user,
                                                     Value value) {
  auto found = funcs.find(value);
  if (found != funcs.end())
    return found->second;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
    return opError(user, "the Halide back half reads statically shaped f32 "
                         "tensors, not " +
                             llvm::Twine(printed(value.getType())));
  // Read from outside the layer: an input of the pipeline.
  Halide::ImageParam param(Halide::Float(32), type.getRank(),
                           "in" + std::to_string(params.size()));
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    int64_t extent = type.getDimSize(d);
    param.dim(int(rank - 1 - d)).set_bounds(0, int(extent));
    param.dim(int(rank - 1 - d)).set_estimate(0, int(extent));
  }
  param.dim(0).set_stride(1);
  // A slice of a buffer (a concat's channels) starts anywhere.
  param.set_host_alignment(4);
  params.push_back(param);
  inputs.push_back(value);
  Halide::Func func = param;
  // A narrow convolution computes whole vectors (scheduleConvolution):
  // the activations the layer reads (the input, a residual) read as zero
  // past a row's end, from a copy materialized with the paddings (a select
  // at every read costs more). Inputs only padded need none.
  bool padsOnly = llvm::all_of(value.getUsers(), [](Operation *user) {
    return isa<tensor::PadOp>(user);
  });
  if (narrowConvolution && rank >= 4 && !padsOnly &&
      !mlir::inception::isWeight(value)) {
    Halide::Func extended("v" + std::to_string(names++));
    std::vector<Halide::Var> vars = varsFor(rank);
    std::vector<Halide::Expr> pure(vars.rbegin(), vars.rend());
    extended(pure) = Halide::BoundaryConditions::constant_exterior(
        param, Halide::Expr(0.0f), wholeRegion(type))(pure);
    addPadding(extended, type);
    func = extended;
  }
  funcs[value] = func;
  return func;
}

Halide::Expr LayerTranslator::at(Value value, ArrayRef<Halide::Expr> indices) {
  return funcs.lookup(value)(reversed(indices));
}

llvm::Expected<Halide::Expr> LayerTranslator::scalar(Operation *user,
                                                     Value value) {
  if (auto constant = constantFloat(value))
    return Halide::Expr(float(*constant));
  return opError(user, "the Halide back half needs a constant here");
}

/// An affine index of a linalg.generic's map, over its loops' exprs.
llvm::Expected<Halide::Expr> affine(Operation *op, AffineExpr expr,
                                    ArrayRef<Halide::Expr> loops) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return loops[dim.getPosition()];
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return Halide::Expr(int(constant.getValue()));
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return opError(op, "the Halide back half has no form of the index " +
                           llvm::Twine(printed(expr)));
  auto lhs = affine(op, binary.getLHS(), loops);
  if (!lhs)
    return lhs.takeError();
  auto rhs = affine(op, binary.getRHS(), loops);
  if (!rhs)
    return rhs.takeError();
  switch (binary.getKind()) {
  case AffineExprKind::Add:
    return *lhs + *rhs;
  case AffineExprKind::Mul:
    return *lhs * *rhs;
  case AffineExprKind::FloorDiv:
    return *lhs / *rhs; // Halide's division of integers rounds down
  case AffineExprKind::Mod:
    return *lhs % *rhs; // and its remainder is never negative
  case AffineExprKind::CeilDiv:
    return (*lhs + *rhs - 1) / *rhs;
  default:
    return opError(op, "the Halide back half has no form of the index " +
                           llvm::Twine(printed(expr)));
  }
}

/// Whether the layer reads `value` only element by element on its way to
/// the output (reshapes and elementwise ops; no window over it, as LRN's
/// over channels): a tile of the output then needs the same tile of it.
bool LayerTranslator::readPointwise(Value value) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (!inLayer(user))
      continue; // the root's result, read after the layer
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user)) {
      if (!readPointwise(user->getResult(0)))
        return false;
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || generic.getNumReductionLoops() != 0 ||
        !generic.getMatchingIndexingMap(&use).isIdentity() ||
        !readPointwise(generic.getResult(0)))
      return false;
  }
  return true;
}

/// The Halide form of one scalar op of a linalg.generic body, from its
/// operands' forms.
llvm::Expected<Halide::Expr> scalarExpr(Operation &inner,
                                        ArrayRef<Halide::Expr> operands) {
  Halide::Expr result;
  if (isa<arith::AddFOp>(inner))
    result = operands[0] + operands[1];
  else if (isa<arith::SubFOp>(inner))
    result = operands[0] - operands[1];
  else if (isa<arith::MulFOp>(inner))
    result = operands[0] * operands[1];
  else if (isa<arith::DivFOp>(inner))
    result = operands[0] / operands[1];
  else if (isa<arith::MaximumFOp, arith::MaxNumFOp>(inner))
    result = Halide::max(operands[0], operands[1]);
  else if (isa<arith::MinimumFOp, arith::MinNumFOp>(inner))
    result = Halide::min(operands[0], operands[1]);
  else if (isa<arith::NegFOp>(inner))
    result = -operands[0];
  else if (isa<math::SqrtOp>(inner))
    result = Halide::sqrt(operands[0]);
  else if (isa<math::RsqrtOp>(inner))
    result = 1.0f / Halide::sqrt(operands[0]);
  else if (isa<math::ExpOp>(inner))
    result = Halide::exp(operands[0]);
  else if (isa<math::LogOp>(inner))
    result = Halide::log(operands[0]);
  else if (isa<math::PowFOp>(inner))
    result = Halide::pow(operands[0], operands[1]);
  else if (isa<math::TanhOp>(inner))
    result = Halide::tanh(operands[0]);
  else if (isa<math::AbsFOp>(inner))
    result = Halide::abs(operands[0]);
  else if (auto select = dyn_cast<arith::SelectOp>(inner))
    result = Halide::select(operands[0], operands[1], operands[2]);
  else if (auto compare = dyn_cast<arith::CmpFOp>(inner)) {
    using P = arith::CmpFPredicate;
    switch (compare.getPredicate()) {
    case P::OGT:
    case P::UGT:
      result = operands[0] > operands[1];
      break;
    case P::OGE:
    case P::UGE:
      result = operands[0] >= operands[1];
      break;
    case P::OLT:
    case P::ULT:
      result = operands[0] < operands[1];
      break;
    case P::OLE:
    case P::ULE:
      result = operands[0] <= operands[1];
      break;
    case P::OEQ:
    case P::UEQ:
      result = operands[0] == operands[1];
      break;
    case P::ONE:
    case P::UNE:
      result = operands[0] != operands[1];
      break;
    default:
      return opError(&inner, "the Halide back half has no form of this "
                             "comparison");
    }
  } else {
    return opError(&inner, "the Halide back half has no form of '" +
                               inner.getName().getStringRef() + "'");
  }
  return result;
}

/// The most taps of a reduction that translateGeneric writes out as one
/// expression: a 7x7 window.
constexpr int64_t kMaxUnrolledTaps = 49;

llvm::Error LayerTranslator::translateGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op->getNumResults() != 1)
    return opError(op, "the Halide back half takes linalg.generic ops with "
                       "one output");
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto iterators = op.getIteratorTypesArray();
  AffineMap outputMap = maps.back();
  if (!outputMap.isProjectedPermutation() ||
      outputMap.getNumResults() != int64_t(op.getNumParallelLoops()))
    return opError(op, "the Halide back half takes outputs indexed by their "
                       "parallel loops");
  // The loops' exprs: a Var per parallel loop (named by its output
  // dimension), an RDom over the reduction loops, the innermost first.
  int64_t rank = outputMap.getNumResults();
  std::vector<Halide::Var> outputVars = varsFor(rank);
  SmallVector<Halide::Expr> loops(ranges.size());
  for (int64_t d = 0; d < rank; ++d)
    loops[outputMap.getDimPosition(d)] = outputVars[d];
  SmallVector<unsigned> reductionLoops;
  for (auto [loop, iterator] : llvm::enumerate(iterators))
    if (iterator == utils::IteratorType::reduction)
      reductionLoops.push_back(loop);
  std::optional<Halide::RDom> domain;
  if (!reductionLoops.empty()) {
    std::vector<Halide::Range> extents;
    for (unsigned loop : llvm::reverse(reductionLoops))
      extents.emplace_back(0, int(ranges[loop]));
    domain = Halide::RDom(extents, "r" + std::to_string(names));
    for (auto [i, loop] : llvm::enumerate(llvm::reverse(reductionLoops)))
      loops[loop] = (*domain)[int(i)];
  }
  for (Halide::Expr &loop : loops)
    if (!loop.defined())
      return opError(op, "the Halide back half takes loops with static sizes");

  Halide::Func func("v" + std::to_string(names++));
  // The definition's arguments: the output's Vars, innermost first.
  std::vector<Halide::Expr> pure(outputVars.rbegin(), outputVars.rend());
  Value init = op.getDpsInits()[0];
  Block &body = op.getRegion().front();
  BlockArgument outArg = body.getArguments().back();
  bool readsInit = !outArg.use_empty() || domain;
  Halide::Expr initValue;
  if (readsInit) {
    if (init.getDefiningOp<tensor::EmptyOp>())
      return opError(op, "the Halide back half found an uninitialized "
                         "accumulator");
    auto initFunc = funcOf(op, init);
    if (!initFunc)
      return initFunc.takeError();
    initValue = funcs[init](pure);
  }
  auto shape = convolutionShape(op);
  // The body's values; the output's block argument is the accumulator.
  llvm::DenseMap<Value, Halide::Expr> values;
  auto readInputs = [&]() -> llvm::Error {
    for (auto [operand, map, arg] :
         llvm::zip(op.getDpsInputOperands(), maps, body.getArguments())) {
      if (arg.use_empty())
        continue; // a pooling's window: only its shape is read
      auto input = funcOf(op, operand->get());
      if (!input)
        return input.takeError();
      SmallVector<Halide::Expr> indices;
      for (AffineExpr result : map.getResults()) {
        auto index = affine(op, result, loops);
        if (!index)
          return index.takeError();
        indices.push_back(*index);
      }
      values[arg] = at(operand->get(), indices);
    }
    return llvm::Error::success();
  };
  // For the hand templates, a reduction over a small window (pooling, a
  // depthwise or grouped convolution's taps) is written out as one
  // expression of its taps, in the loops' order: no accumulator in memory.
  // Convolutions over channels keep their domain for the convolution
  // template, and so do long reductions (dense layers). The
  // autoschedulers get every domain: Adams2019's schedule of a pool
  // written out this way and read by LRN computes its first output row
  // from the pool before producing it (Halide 14), wrong values.
  int64_t taps = 1;
  for (unsigned loop : reductionLoops)
    taps *= ranges[loop];
  bool unrolled = handSchedules && domain && taps <= kMaxUnrolledTaps &&
                  !(shape && convolutionTile(*shape, vectorLanes));
  if (!unrolled) {
    if (llvm::Error error = readInputs())
      return error;
    if (domain) {
      func(pure) = initValue;
      values[outArg] = func(pure);
    } else if (readsInit) {
      values[outArg] = initValue;
    }
  }
  auto get = [&](Value v) -> llvm::Expected<Halide::Expr> {
    if (auto found = values.find(v); found != values.end())
      return found->second;
    if (auto constant = constantFloat(v))
      return Halide::Expr(float(*constant));
    if (auto defining = v.getDefiningOp())
      return opError(defining, "the Halide back half has no form of this op");
    return opError(op, "the Halide back half reads a value it has no form of");
  };
  auto evaluateBody = [&]() -> llvm::Expected<Halide::Expr> {
    for (Operation &inner : body.without_terminator()) {
      if (isa<arith::ConstantOp>(inner))
        continue;
      SmallVector<Halide::Expr> operands;
      for (Value operand : inner.getOperands()) {
        auto expr = get(operand);
        if (!expr)
          return expr.takeError();
        operands.push_back(*expr);
      }
      auto result = scalarExpr(inner, operands);
      if (!result)
        return result.takeError();
      values[inner.getResult(0)] = *result;
    }
    return get(body.getTerminator()->getOperand(0));
  };
  if (unrolled) {
    // Every point of the window, the first reduction loop outermost.
    Halide::Expr sum = initValue;
    SmallVector<int64_t> point(reductionLoops.size(), 0);
    for (int64_t tap = 0; tap < taps; ++tap) {
      for (auto [loop, position] : llvm::zip(reductionLoops, point))
        loops[loop] = int(position);
      if (llvm::Error error = readInputs())
        return error;
      values[outArg] = sum;
      auto next = evaluateBody();
      if (!next)
        return next.takeError();
      sum = *next;
      for (int64_t i = int64_t(point.size()) - 1; i >= 0; --i) {
        if (++point[i] < ranges[reductionLoops[i]])
          break;
        point[i] = 0;
      }
    }
    func(pure) = sum;
    funcs[op.getResult(0)] = func;
    ++windowsUnrolled;
    if (op.getResult(0) != layer.root->getResult(0) &&
        !readPointwise(op.getResult(0)))
      windowsOfWindows.push_back(func);
    return llvm::Error::success();
  }
  auto yielded = evaluateBody();
  if (!yielded)
    return yielded.takeError();
  // With a domain, the update: `pure` indices, RVars in the reads.
  func(pure) = *yielded;
  if (takesPlane(op)) {
    int64_t width = (*shape)[4];
    // The activations the layer reads (its input, a residual; [.., h, w],
    // grouped or not): their rows' strides, known at run time, decide which
    // contraction a call runs. With none to test, or the row form forced,
    // every call takes the row form; the template must still take the
    // layer, as translate()'s pre-pass gave it no zero-extended inputs
    // (narrowConvolution) to read past a row's end.
    Halide::Expr denseRows;
    for (auto [param, value] : llvm::zip(params, inputs)) {
      auto type = cast<RankedTensorType>(value.getType());
      int64_t rank = type.getRank();
      if (rank < 4 || type.getDimSize(rank - 2) != (*shape)[3] ||
          type.getDimSize(rank - 1) != width)
        continue;
      Halide::Expr dense = param.dim(1).stride() == int(width);
      denseRows = denseRows.defined() ? denseRows && dense : dense;
    }
    if (!denseRows.defined() || rowContractions)
      denseRows = Halide::Internal::const_false();
    // The same body at pixel p of the flattened plane: column p % width,
    // row p / width, which Halide folds back into p where the rows are
    // dense.
    Halide::Var p("p");
    Halide::Expr column = p % int(width), row = p / int(width);
    SmallVector<Halide::Expr> rowLoops = loops;
    loops[outputMap.getDimPosition(3)] = row;
    loops[outputMap.getDimPosition(4)] = column;
    for (unsigned loop : reductionLoops)
      if (ranges[loop] == 1)
        loops[loop] = 0; // the 1x1 window's taps
    std::vector<Halide::Expr> planePure = {p, outputVars[2], outputVars[1],
                                           outputVars[0]};
    Halide::Func plane("v" + std::to_string(names++));
    plane(planePure) = readsInit ? funcs[init]({column, row, outputVars[2],
                                                outputVars[1], outputVars[0]})
                                 : Halide::Expr(0.0f);
    values[outArg] = plane(planePure);
    if (llvm::Error error = readInputs())
      return error;
    auto planeValue = evaluateBody();
    if (!planeValue)
      return planeValue.takeError();
    plane(planePure) = *planeValue;
    loops = rowLoops;
    Halide::Func chosen("v" + std::to_string(names++));
    chosen(pure) = Halide::select(
        denseRows,
        plane({pure[0] + pure[1] * int(width), pure[2], pure[3], pure[4]}),
        func(pure));
    int64_t inputRowBytes = ranges[3] * width * 4; // every input channel
    convolution =
        Convolution{func, *domain, *shape, plane, denseRows, inputRowBytes};
    // Both contractions live in the template's per-thread buffers.
    intermediateBytes +=
        2 * cast<RankedTensorType>(op.getResult(0).getType()).getNumElements() *
        4;
    funcs[op.getResult(0)] = chosen;
    return llvm::Error::success();
  }
  if (shape && readPointwise(op.getResult(0)))
    convolution = Convolution{func, *domain, *shape};
  else if (shape)
    windowedConvolution = Convolution{func, *domain, *shape};
  // A dense layer's product: [n, f] over one long reduction.
  if (!shape && domain && rank == 2 && reductionLoops.size() == 1 &&
      readPointwise(op.getResult(0)))
    dense = Dense{func, *domain, taps};
  if (domain && op.getResult(0) != layer.root->getResult(0))
    contractions.push_back(func); // the root's: see translate()
  funcs[op.getResult(0)] = func;
  return llvm::Error::success();
}

llvm::Error LayerTranslator::translate(Operation *op) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    return translateGeneric(generic);
  Value result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  int64_t rank = type.getRank();
  std::vector<Halide::Var> vars = varsFor(rank);
  std::vector<Halide::Expr> pure(vars.begin(), vars.end());
  Halide::Func func("v" + std::to_string(names++));
  SmallVector<Halide::Expr> index(pure.begin(), pure.end());
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    auto value = scalar(op, fill.getInputs()[0]);
    if (!value)
      return value.takeError();
    func(reversed(index)) = *value;
  } else if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    Value padValue = pad.getConstantPaddingValue();
    auto value = padValue ? constantFloat(padValue) : std::nullopt;
    if (!value)
      return opError(op, "the Halide back half pads with constants only");
    auto source = funcOf(op, pad.getSource());
    if (!source)
      return source.takeError();
    Halide::Func exterior = Halide::BoundaryConditions::constant_exterior(
        *source, Halide::Expr(float(*value)), wholeRegion(pad.getSourceType()));
    ArrayRef<int64_t> low = pad.getStaticLow();
    for (int64_t d = 0; d < rank; ++d) {
      if (ShapedType::isDynamic(low[d]))
        return opError(op, "the Halide back half pads by static amounts only");
      index[d] = index[d] - int(low[d]);
    }
    func(reversed(pure)) = exterior(reversed(index));
    // A padding of the layer's input (or of a slice of it: a fused branch
    // head's) is materialized (applyHandSchedule); one of a value the
    // layer computes (LRN's squares) stays inline.
    Value padded = pad.getSource();
    while (inLayer(padded.getDefiningOp()) &&
           isa<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
               tensor::CollapseShapeOp>(padded.getDefiningOp()))
      padded = padded.getDefiningOp()->getOperand(0);
    if (!inLayer(padded.getDefiningOp())) {
      addPadding(func, type);
    }
  } else if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    auto source = funcOf(op, expand.getSrc());
    if (!source)
      return source.takeError();
    SmallVector<Halide::Expr> sourceIndex;
    for (ReassociationIndices group : expand.getReassociationIndices()) {
      Halide::Expr linear = 0;
      for (int64_t d : group)
        linear = type.getDimSize(d) == 1
                     ? linear
                     : linear * int(type.getDimSize(d)) + index[d];
      sourceIndex.push_back(linear);
    }
    func(reversed(pure)) = (*source)(reversed(sourceIndex));
  } else if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    auto source = funcOf(op, collapse.getSrc());
    if (!source)
      return source.takeError();
    auto sourceType = collapse.getSrcType();
    SmallVector<Halide::Expr> sourceIndex(sourceType.getRank());
    for (auto [d, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      // The outermost dimension of more than one element takes no
      // remainder (the index is in range), so that bounds inference sees
      // one output channel read one channel, not all of them.
      int64_t outermost = -1;
      for (int64_t s : group)
        if (sourceType.getDimSize(s) != 1) {
          outermost = s;
          break;
        }
      int64_t inner = 1;
      for (int64_t s : llvm::reverse(group)) {
        int64_t size = sourceType.getDimSize(s);
        Halide::Expr scaled = inner == 1 ? index[d] : index[d] / int(inner);
        sourceIndex[s] = size == 1        ? Halide::Expr(0)
                         : s == outermost ? scaled
                                          : scaled % int(size);
        inner *= size;
      }
    }
    func(reversed(pure)) = (*source)(reversed(sourceIndex));
  } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (!slice.hasUnitStride() && slice.getStaticStrides().empty())
      return opError(op, "the Halide back half slices by static strides");
    auto source = funcOf(op, slice.getSource());
    if (!source)
      return source.takeError();
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<Halide::Expr> sourceIndex;
    unsigned next = 0;
    for (auto [offset, stride] :
         llvm::zip(slice.getStaticOffsets(), slice.getStaticStrides())) {
      if (ShapedType::isDynamic(offset) || ShapedType::isDynamic(stride))
        return opError(op, "the Halide back half slices at static offsets");
      unsigned d = sourceIndex.size();
      Halide::Expr position = int(offset);
      if (!dropped.test(d))
        position = position + index[next++] * int(stride);
      sourceIndex.push_back(position);
    }
    func(reversed(pure)) = (*source)(reversed(sourceIndex));
  } else {
    return opError(op, "the Halide back half has no form of '" +
                           op->getName().getStringRef() + "'");
  }
  funcs[result] = func;
  return llvm::Error::success();
}

llvm::Error LayerTranslator::translate() {
  for (Operation *op : layer.ops)
    if (auto generic = dyn_cast<linalg::GenericOp>(op))
      if (auto shape = convolutionShape(generic);
          shape && convolutionTile(*shape, vectorLanes) &&
          (*shape)[4] < int64_t(vectorLanes) && !takesPlane(generic))
        narrowConvolution = true;
  for (Operation *op : layer.ops) {
    if (llvm::Error error = translate(op))
      return error;
    if (op != layer.root)
      intermediateBytes +=
          cast<ShapedType>(op->getResult(0).getType()).getNumElements() * 4;
  }
  output = funcs.lookup(layer.root->getResult(0));
  auto type = cast<RankedTensorType>(layer.root->getResult(0).getType());
  int64_t rank = type.getRank();
  if (output.has_update_definition()) {
    // Halide 14 takes the output buffer for aligned to whole vectors where
    // an update reads it back (it does not where a pure definition stores
    // to it), while the output may be any slice: the contraction goes to
    // a buffer of Halide's own, the output is a copy of it.
    Halide::Func contraction = output;
    contractions.push_back(contraction);
    intermediateBytes += type.getNumElements() * 4;
    output = Halide::Func("out");
    output(contraction.args()) = contraction(contraction.args());
  }
  output.set_estimates(wholeRegion(type));
  for (int64_t d = 0; d < rank; ++d)
    output.output_buffer()
        .dim(int(rank - 1 - d))
        .set_bounds(0, int(type.getDimSize(d)));
  output.output_buffer().dim(0).set_stride(1);
  output.output_buffer().set_host_alignment(4);
  return llvm::Error::success();
}

/// The hand-written templates. A convolution gets a register tile
/// (below), its padding materialized once per call (a parallel copy with
/// its border) rather than read through a select at every tap. Every other
/// layer gets the generic template, its padding materialized only where
/// the copy stays in the L2: a larger one (GoogLeNet's first pool, 3.3 MB)
/// costs more through memory than the selects at the rows' ends, which
/// Halide's loop partitioning keeps out of the rows' interior (1 thread:
/// 0.63 -> 0.23 ms), while the selects of rows a vector or two wide cost
/// more than a copy in cache (a 28x28 pool: 0.08 -> 0.34 ms).
LayerTranslator::Template LayerTranslator::applyHandSchedule() {
  Template applied = scheduleConvolution();
  bool tiled = applied != Template::Generic;
  for (Padding &padding : paddings) {
    if (!tiled && padding.bytes > l2Bytes) {
      ++paddingsInline;
      continue;
    }
    ++paddingsMaterialized;
    std::vector<Halide::Var> args = padding.func.args();
    padding.func.compute_root().vectorize(args[0], int(vectorLanes),
                                          Halide::TailStrategy::GuardWithIf);
    if (args.size() >= 3)
      padding.func.parallel(args[2]);
  }
  if (applied == Template::Convolution)
    return applied;
  if (applied == Template::Generic && scheduleDense())
    return Template::Dense;
  scheduleGeneric();
  return applied;
}

/// A dense layer (batch rows by features, over a long reduction of
/// contiguous inputs and filter rows): each feature's dot product in
/// vectors along the reduction (rfactor: a vector of partial sums, summed
/// across at the end), which reads the filter, [f][k], in the order it is
/// stored; features shared among the threads, a few at a time so that
/// their partial sums are independent chains.
bool LayerTranslator::scheduleDense() {
  using Halide::TailStrategy;
  if (!dense || contractions.size() != 1 ||
      contractions.front().name() != dense->func.name())
    return false;
  int lanes = int(vectorLanes);
  Halide::Func product = dense->func;
  std::vector<Halide::Var> args = product.args(); // f, n
  Halide::RVar k = dense->domain[0], ko("ko"), ki("ki");
  Halide::Var lane("lane"), fo("fo"), fi("fi");
  constexpr int kFeatures = 4;
  // A thread's task reads an eighth of the L2 of filter rows (64 features
  // of 1024 inputs with a 2 MB L2): tasks of a few features cost more to
  // hand out than they compute.
  int64_t rowBytes = std::max<int64_t>(dense->length * 4, 1);
  int taskFeatures = int(std::max<int64_t>(
      kFeatures, l2Bytes / 8 / rowBytes / kFeatures * kFeatures));
  Halide::Var task("task");
  product.update().split(k, ko, ki, lanes, TailStrategy::GuardWithIf);
  Halide::Func partial = product.update().rfactor(ki, lane);
  product.compute_root().vectorize(args[0], lanes, TailStrategy::GuardWithIf);
  product.update()
      .split(args[0], task, fo, taskFeatures, TailStrategy::GuardWithIf)
      .split(fo, fo, fi, kFeatures, TailStrategy::GuardWithIf)
      .reorder(fi, fo, task)
      .parallel(task);
  // The partial sums' lanes adjacent (rfactor puts the new Var last).
  std::vector<Halide::Var> partialArgs = partial.args();
  std::vector<Halide::Var> storage = {lane};
  for (Halide::Var &var : partialArgs)
    if (var.name() != lane.name())
      storage.push_back(var);
  partial.reorder_storage(storage);
  partial.compute_at(product, fo).vectorize(lane);
  partial.update().reorder(lane, args[0], ko).vectorize(lane);
  std::vector<Halide::Var> outArgs = output.args();
  output.vectorize(outArgs[0], lanes, TailStrategy::GuardWithIf);
  return true;
}

/// A convolution without groups, as the MLIR back half's direct kernel
/// computes it but on NCHW: a tile of output pixels along a row (one or
/// two vectors) by one or two rows by a block of output channels
/// (convolutionTile) is accumulated in registers over every input channel
/// and tap, each input vector loaded once per tap for the whole block and
/// the block's filter values adjacent (packConvolutionFilters). Threads
/// share the output rows. Narrow rows (Inception's 17, 14, 8 and 7 wide)
/// take one vector and two rows; rows narrower than a vector compute a
/// whole one.
LayerTranslator::Template LayerTranslator::scheduleConvolution() {
  if (convolution && convolution->plane) {
    assert(contractions.empty() && "a layer holds one contraction");
    tilePlane(output, *convolution);
    ++convolutionPlanes;
    return Template::Convolution;
  }
  if (convolution) {
    if (contractions.size() != 1)
      return Template::Generic;
    ArrayRef<int64_t> shape = convolution->shape; // [n, g, co, oh, ow]
    auto type = cast<RankedTensorType>(layer.root->getResult(0).getType());
    ArrayRef<int64_t> out = type.getShape();
    int64_t rank = type.getRank();
    if (!convolutionTile(shape, vectorLanes) || rank < 4 ||
        out[rank - 1] != shape[4] || out[rank - 2] != shape[3] ||
        out[rank - 3] != shape[2])
      return Template::Generic;
    tileConvolution(output, *convolution);
    return Template::Convolution;
  }
  // A convolution the layer reads through a window (LRN's channels): the
  // template computes all of it once, into a buffer of its own, which the
  // rest of the layer reads; computed at each output row instead, it would
  // be recomputed for every channel of every window (a 56x56x192 one with
  // LRN: 348 ms rather than 5.5 ms on one thread).
  if (!windowedConvolution ||
      !convolutionTile(windowedConvolution->shape, vectorLanes))
    return Template::Generic;
  Halide::Func whole = windowedConvolution->func.in();
  whole.compute_root();
  tileConvolution(whole, *windowedConvolution);
  llvm::erase_if(contractions, [&](const Halide::Func &func) {
    return func.name() == windowedConvolution->func.name();
  });
  return Template::ConvolutionThenGeneric;
}

/// The convolution template's register tile of `convolution` for
/// `consumer`, a Func whose first three dimensions are the convolution's
/// output columns, rows and channels.
void LayerTranslator::tileConvolution(Halide::Func consumer,
                                      const Convolution &convolution) {
  using Halide::TailStrategy;
  ArrayRef<int64_t> shape = convolution.shape; // [n, g, co, oh, ow]
  auto tiling = convolutionTile(shape, vectorLanes);
  int lanes = int(vectorLanes);
  int rows = tiling->rows, block = tiling->block;
  int tileWidth = tiling->vectors * lanes;
  // Rows as wide as the tile shift the last tile inwards (recomputing a
  // few pixels); narrower ones compute a whole vector of the contraction
  // (its input reads zeros past the row, translateGeneric) and store what
  // the row has. Blocks divide the channels.
  TailStrategy alongRow = shape[4] < tileWidth ? TailStrategy::GuardWithIf
                                               : TailStrategy::ShiftInwards;

  std::vector<Halide::Var> args = consumer.args();
  Halide::Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), co("co"), ci("ci");
  consumer.split(args[0], xo, xi, tileWidth, alongRow)
      .split(args[1], yo, yi, rows, TailStrategy::ShiftInwards)
      .split(args[2], co, ci, block, TailStrategy::RoundUp)
      .reorder(xi, yi, ci, xo, co, yo)
      .vectorize(xi, lanes, alongRow)
      .unroll(yi)
      .unroll(ci);
  Halide::Var rowsOfImages = yo;
  for (size_t d = 3; d < args.size(); ++d) {
    Halide::Var fused("t" + std::to_string(d));
    consumer.fuse(rowsOfImages, args[d], fused);
    rowsOfImages = fused;
  }
  consumer.parallel(rowsOfImages);

  Halide::Func conv = convolution.func;
  std::vector<Halide::Var> tile = conv.args(); // ow, oh, co, g, n
  Halide::RDom r = convolution.domain;         // kx, ky, ci
  conv.compute_at(consumer, xo)
      .vectorize(tile[0], lanes, TailStrategy::RoundUp)
      .unroll(tile[1])
      .unroll(tile[2]);
  conv.update()
      .reorder(tile[0], tile[1], tile[2], r[0], r[1], r[2])
      .vectorize(tile[0], lanes, TailStrategy::RoundUp)
      .unroll(tile[1])
      .unroll(tile[2]);
}

/// The plane template (a 1x1 convolution over narrow rows, planeWidth):
/// the output in blocks of channels (the packed filter's), shared among the
/// threads; each block's contraction over the whole plane into a buffer of
/// the thread's (a 19x19 plane by 8 channels: 12 KB), then the epilogue
/// row by row into the output, whatever its row stride. Where the
/// activations' rows are dense the contraction runs over the flattened
/// plane, a register tile of `vectors` vectors of consecutive pixels by the
/// block's channels (3 x 8 = 24 accumulators); where they are not (a call
/// on a padded buffer's interior), over each row in one or two vectors.
/// Every block reads all of the input: a plane whose input outgrows three
/// quarters of the L2 (728 channels at 37x37: 4 MB) goes in chunks of rows
/// that fit, every block of a chunk before the next.
void LayerTranslator::tilePlane(Halide::Func consumer,
                                const Convolution &convolution) {
  using Halide::TailStrategy;
  ArrayRef<int64_t> shape = convolution.shape; // [n, g, co, oh, ow]
  int lanes = int(vectorLanes);
  int block = convolutionTile(shape, vectorLanes)->block;
  int vectors = std::clamp(24 / block, 1, 4);
  int rowVectors = shape[4] > lanes ? 2 : 1;

  int64_t height = shape[3];
  int64_t fitting =
      std::max<int64_t>(1, l2Bytes * 3 / 4 / convolution.inputRowBytes);
  int64_t chunks = (height + fitting - 1) / fitting;
  int chunkRows = int((height + chunks - 1) / chunks);

  std::vector<Halide::Var> args = consumer.args();
  Halide::Var co("co"), ci("ci"), yo("yo"), yi("yi");
  consumer.split(args[1], yo, yi, chunkRows, TailStrategy::GuardWithIf)
      .split(args[2], co, ci, block, TailStrategy::RoundUp)
      .reorder(args[0], yi, ci, co, yo)
      .vectorize(args[0], lanes, TailStrategy::GuardWithIf);
  Halide::Var task("task");
  consumer.fuse(co, yo, task);
  for (size_t d = 3; d < args.size(); ++d) {
    Halide::Var fused("t" + std::to_string(d));
    consumer.fuse(task, args[d], fused);
    task = fused;
  }
  consumer.parallel(task);
  // Each branch computes only the contraction its select reads.
  consumer.specialize(convolution.denseRows);

  Halide::RDom r = convolution.domain; // kx, ky, ci
  Halide::Func plane = *convolution.plane;
  std::vector<Halide::Var> pixels = plane.args(); // p, co, g, n
  Halide::Var po("po"), pi("pi");
  plane.compute_at(consumer, task)
      .vectorize(pixels[0], lanes, TailStrategy::GuardWithIf);
  // One vector as wide as the tile (not a loop of unrolled vectors: Halide
  // 14's loop partitioning drops the specialization around those).
  plane.update()
      .split(pixels[0], po, pi, vectors * lanes, TailStrategy::GuardWithIf)
      .reorder(pi, pixels[1], r[0], r[1], r[2], po)
      .vectorize(pi, vectors * lanes, TailStrategy::GuardWithIf)
      .unroll(pixels[1]);

  Halide::Func rows = convolution.func;
  std::vector<Halide::Var> tile = rows.args(); // ow, oh, co, g, n
  Halide::Var xo("xo"), xi("xi");
  rows.compute_at(consumer, task)
      .vectorize(tile[0], lanes, TailStrategy::GuardWithIf);
  rows.update()
      .split(tile[0], xo, xi, rowVectors * lanes, TailStrategy::GuardWithIf)
      .reorder(xi, tile[2], r[0], r[1], r[2], xo, tile[1])
      .vectorize(xi, rowVectors * lanes, TailStrategy::GuardWithIf)
      .unroll(tile[2]);
}

/// The generic template: the output's innermost dimension in vectors, its
/// outermost ones fused and shared among the threads, each contraction
/// computed a row (the output's second dimension) at a time inside it,
/// where its accumulators stay in L1; reshapes inlined into their readers.
void LayerTranslator::scheduleGeneric() {
  using Halide::TailStrategy;
  // Innermost dimension in vectors, the two outermost fused and shared
  // among the threads.
  auto vectorizeAndParallelize = [&](Halide::Func func) {
    std::vector<Halide::Var> args = func.args();
    func.vectorize(args[0], int(vectorLanes), TailStrategy::GuardWithIf);
    if (args.size() >= 3) {
      Halide::Var fused("fused");
      func.fuse(args[args.size() - 2], args.back(), fused).parallel(fused);
    } else if (args.size() == 2) {
      func.parallel(args[1]);
    }
  };
  std::vector<Halide::Var> args = output.args();
  vectorizeAndParallelize(output);
  for (Halide::Func &window : windowsOfWindows)
    vectorizeAndParallelize(window.compute_root());
  // A row of the output (rank 3 and more), else what a thread takes.
  Halide::Var at = args.size() >= 3 ? args[1] : args.back();
  for (Halide::Func &contraction : contractions) {
    contraction.compute_at(output, at);
    std::vector<Halide::Var> inner = contraction.args();
    contraction.vectorize(inner[0], int(vectorLanes),
                          TailStrategy::GuardWithIf);
    contraction.update().vectorize(inner[0], int(vectorLanes),
                                   TailStrategy::GuardWithIf);
  }
}

//===----------------------------------------------------------------------===//
// Target
//===----------------------------------------------------------------------===//

llvm::Expected<Halide::Target> halideTarget(const TargetDescription &target) {
  llvm::Triple triple(target.triple);
  if (triple.getArch() != llvm::Triple::x86_64 || !triple.isOSLinux())
    return compilerError("the Halide back half compiles for x86-64 Linux, "
                         "not " +
                         target.triple);
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return compilerError("no LLVM target for " + target.triple + ": " + error);
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      llvmTarget->createMCSubtargetInfo(triple, target.cpu, target.features));
  if (!subtarget)
    return compilerError("no LLVM subtarget for -mcpu=" + target.cpu);
  Halide::Target result("x86-64-linux");
  auto has = [&](const char *feature) {
    return subtarget->checkFeatures(std::string("+") + feature);
  };
  if (has("sse4.1"))
    result.set_feature(Halide::Target::SSE41);
  if (has("avx"))
    result.set_feature(Halide::Target::AVX);
  if (has("avx2"))
    result.set_feature(Halide::Target::AVX2);
  if (has("fma"))
    result.set_feature(Halide::Target::FMA);
  if (has("f16c"))
    result.set_feature(Halide::Target::F16C);
  if (has("avx512f") && has("avx512cd")) {
    result.set_feature(Halide::Target::AVX512);
    if (has("avx512bw") && has("avx512dq") && has("avx512vl"))
      result.set_feature(Halide::Target::AVX512_Skylake);
  }
  return result;
}

unsigned vectorLanes(const Halide::Target &target) {
  if (target.has_feature(Halide::Target::AVX512_Skylake))
    return 16;
  if (target.has_feature(Halide::Target::AVX))
    return 8;
  return 4;
}

/// Loads the autoscheduler plugins once per process.
llvm::Error loadScheduler(llvm::StringRef name) {
  static std::mutex mutex;
  static llvm::StringSet<llvm::MallocAllocator> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (loaded.contains(name))
    return llvm::Error::success();
  std::string path = std::string(INCEPTION_HALIDE_PLUGIN_DIR) +
                     "/libautoschedule_" + name.lower() + ".so";
  if (!llvm::sys::fs::exists(path))
    return compilerError("--halide-scheduler=" + name +
                         ": the plugin is missing: " + path);
  Halide::load_plugin(path);
  loaded.insert(name);
  return llvm::Error::success();
}

/// Makes every symbol of a Halide object hidden: a library exports its
/// ABI only, and two libraries in one process (or one of Halide's own) do
/// not share, or clash over, Halide's runtime or their layers.
llvm::Error hideSymbols(llvm::StringRef path) {
  auto objcopy = llvm::sys::findProgramByName("llvm-objcopy-22");
  if (!objcopy)
    objcopy = llvm::sys::findProgramByName("llvm-objcopy");
  if (!objcopy)
    return compilerError("llvm-objcopy-22 (llvm-22-tools) is not on PATH");
  // The symbols it defines; those it only references keep their default
  // visibility, or the C library's would not resolve.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return compilerError("cannot read Halide's object '" + path +
                         "': " + buffer.getError().message());
  auto object =
      llvm::object::ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object)
    return object.takeError();
  std::string defined;
  for (const llvm::object::SymbolRef &symbol : (*object)->symbols()) {
    auto flags = symbol.getFlags();
    auto name = symbol.getName();
    if (!flags || !name)
      return compilerError("cannot read the symbols of Halide's object");
    if ((*flags & llvm::object::SymbolRef::SF_Global) &&
        !(*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty())
      defined += name->str() + "\n";
  }
  llvm::SmallString<128> listPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "inception-halide-symbols", "txt", listPath))
    return compilerError("cannot create a temporary file: " + ec.message());
  llvm::scope_exit removeList([&] { llvm::sys::fs::remove(listPath); });
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(listPath, ec);
    if (ec)
      return compilerError("cannot write '" + listPath + "': " + ec.message());
    os << defined;
  }
  std::string message;
  std::string visibility =
      ("--set-symbols-visibility=" + listPath + "=hidden").str();
  int status = llvm::sys::ExecuteAndWait(*objcopy, {*objcopy, visibility, path},
                                         std::nullopt, {}, 0, 0, &message);
  if (status != 0)
    return compilerError(
        "llvm-objcopy failed on Halide's object: " +
        (message.empty() ? "status " + std::to_string(status) : message));
  return llvm::Error::success();
}

/// The object Halide wrote at `path`, its symbols hidden; the file goes.
llvm::Expected<std::string> takeHiddenObject(llvm::StringRef path) {
  if (llvm::Error error = hideSymbols(path)) {
    llvm::sys::fs::remove(path);
    return std::move(error);
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  llvm::sys::fs::remove(path);
  if (!buffer)
    return compilerError("cannot read Halide's object '" + path +
                         "': " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

llvm::Expected<CompiledLayers>
compileLayersOrThrow(ModuleOp module, const CompileOptions &options,
                     llvm::StringRef prefix, const LayerSelection &selected) {
  const TargetDescription &target = options.target;
  llvm::StringRef scheduler = options.halideScheduler;
  if (!llvm::is_contained(schedulerNames(), scheduler))
    return compilerError("--halide-scheduler: unknown scheduler '" + scheduler +
                         "'; the schedulers are " +
                         llvm::join(schedulerNames(), ", "));
  if (scheduler != "hand")
    if (llvm::Error error = loadScheduler(scheduler))
      return std::move(error);
  auto halide = halideTarget(target);
  if (!halide)
    return halide.takeError();
  Halide::Target layerTarget = halide->with_feature(Halide::Target::NoRuntime)
                                   .with_feature(Halide::Target::UserContext)
                                   .with_feature(Halide::Target::NoBoundsQuery);
  // The autoschedulers plan for the run's default team (--threads, else
  // every core, as OpenMP's default) and for a core's L2 (the target
  // description knows every cache level); 40 is Halide's generic balance.
  int parallelism =
      target.threads > 0
          ? int(target.threads)
          : int(std::max(1u, std::thread::hardware_concurrency()));
  Halide::MachineParams machine(parallelism, uint64_t(target.caches.l2),
                                40.0f);

  CompiledLayers compiled;
  std::vector<Halide::Module> modules;
  std::vector<Location> moduleLocations;
  OpBuilder builder(module.getContext());
  SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
  for (func::FuncOp function : functions) {
    if (function.isDeclaration())
      continue;
    for (Block &block : function.getBody()) {
      // The selected layers' convolutions take packed filters, which leave
      // the layers (weights are inputs); the CPU back half's keep theirs.
      SmallVector<linalg::GenericOp> convolutions;
      for (Layer &layer : groupLayers(block))
        if (!selected || selected(layer.root))
          for (Operation *op : layer.ops)
            if (auto generic = dyn_cast<linalg::GenericOp>(op))
              convolutions.push_back(generic);
      packConvolutionFilters(convolutions, vectorLanes(*halide));
      SmallVector<Layer> layers = groupLayers(block);
      for (Layer &layer : layers) {
        if (selected && !selected(layer.root))
          continue;
        LayerTranslator translator(layer, vectorLanes(*halide),
                                   target.caches.l2, scheduler == "hand",
                                   options.halideRowContractions);
        if (llvm::Error error = translator.translate())
          return std::move(error);
        compiled.windowsUnrolled += translator.windowsUnrolled;
        std::string name =
            (prefix + "_halide_" + llvm::Twine(compiled.layers++)).str();
        Halide::Pipeline pipeline(translator.output);
        std::vector<Halide::Argument> arguments(translator.params.begin(),
                                                translator.params.end());
        try {
          if (scheduler == "hand") {
            LayerTranslator::Template applied = translator.applyHandSchedule();
            compiled.convolutionTiles +=
                applied == LayerTranslator::Template::Convolution ||
                applied == LayerTranslator::Template::ConvolutionThenGeneric;
            compiled.denseDots += applied == LayerTranslator::Template::Dense;
            compiled.convolutionPlanes += translator.convolutionPlanes;
            compiled.paddingsMaterialized += translator.paddingsMaterialized;
            compiled.paddingsInline += translator.paddingsInline;
          } else {
            pipeline.auto_schedule(scheduler.str(), *halide, machine);
          }
          modules.push_back(
              pipeline.compile_to_module(arguments, name, layerTarget));
          moduleLocations.push_back(layer.root->getLoc());
        } catch (const Halide::Error &error) {
          // Halide's message names its Funcs, not the model's layers.
          return opError(layer.root,
                         "Halide cannot compile this layer with the " +
                             scheduler + " schedule: " +
                             llvm::StringRef(error.what()).trim());
        }
        // Every intermediate at its full size, twice over (a schedule
        // rounds extents up to whole vectors and tiles), per thread.
        compiled.scratchPerThread = std::max(
            compiled.scratchPerThread, 2 * translator.intermediateBytes +
                                           64 * int64_t(layer.ops.size() + 1));

        Operation *root = layer.root;
        builder.setInsertionPoint(root);
        auto type = cast<RankedTensorType>(root->getResult(0).getType());
        Value empty = tensor::EmptyOp::create(
            builder, root->getLoc(), type.getShape(), type.getElementType());
        auto call = mlir::inception::HalideCallOp::create(
            builder, root->getLoc(), type,
            FlatSymbolRefAttr::get(builder.getContext(), name),
            translator.inputs, empty, builder.getI64IntegerAttr(0));
        if (auto layerName = root->getAttr("inception.name"))
          call->setAttr("inception.name", layerName);
        root->getResult(0).replaceAllUsesWith(call.getResult());
        for (Operation *op : llvm::reverse(layer.ops))
          op->erase();
      }
    }
  }
  // Every call's scratch: the same per-thread arena, sized for the largest.
  if (options.halideArenaBytes)
    compiled.scratchPerThread = *options.halideArenaBytes;
  module.walk([&](mlir::inception::HalideCallOp call) {
    call.setScratch(compiled.scratchPerThread);
  });

  llvm::SmallString<128> runtimePath, layersPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "inception-halide-runtime", "o", runtimePath))
    return compilerError("cannot create a temporary file: " + ec.message());
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "inception-halide-layers", "o", layersPath))
    return compilerError("cannot create a temporary file: " + ec.message());
  Halide::compile_standalone_runtime(runtimePath.str().str(), *halide);
  auto runtime = takeHiddenObject(runtimePath);
  if (!runtime)
    return runtime.takeError();
  compiled.objects.push_back(std::move(*runtime));
  if (!modules.empty()) {
    Halide::Module linked = Halide::link_modules(prefix.str(), modules);
    try {
      linked.compile({{Halide::OutputFileType::object, layersPath.str().str()}});
    } catch (const Halide::Error &error) {
      // Halide's message names its Funcs, not the model's layers: find the
      // layer whose module fails alone.
      for (auto [module, location] : llvm::zip(modules, moduleLocations)) {
        try {
          module.compile({{Halide::OutputFileType::object,
                           layersPath.str().str()}});
        } catch (const Halide::Error &) {
          mlir::emitError(location)
              << "Halide cannot compile this layer with the " << scheduler
              << " schedule: " << llvm::StringRef(error.what()).trim();
          return llvm::make_error<ReportedError>();
        }
      }
      throw;
    }
    auto layers = takeHiddenObject(layersPath);
    if (!layers)
      return layers.takeError();
    compiled.objects.push_back(std::move(*layers));
  }
  return compiled;
}

} // namespace

llvm::Expected<CompiledLayers> compileLayers(ModuleOp module,
                                             const CompileOptions &options,
                                             llvm::StringRef prefix,
                                             const LayerSelection &selected) {
  try {
    return compileLayersOrThrow(module, options, prefix, selected);
  } catch (const Halide::Error &error) {
    return compilerError(llvm::Twine("Halide: ") + error.what());
  }
}

} // namespace inception::halide
