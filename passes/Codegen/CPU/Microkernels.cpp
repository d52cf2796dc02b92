//===- Microkernels.cpp - Kernel selection and the calls it becomes -------===//
//
// The two passes' drivers: inception-microkernels reads the register tile
// and the cache blocking from its options or the module's target and hands
// each convolution, pooling and dense op on tensors to its family
// (Microkernels.h); inception-lower-ukernels hands each inception.ukernel
// op on buffers to its family's call builder.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/Microkernels.h"
#include "dialect/InceptionAttrs.h"
#include "passes/Codegen/CPU/Passes.h"
#include "passes/Codegen/CPU/VectorKernels.h"
#include "passes/Statistics.h"
#include "runtime/ukernels/ukernel_abi.h"
#include "passes/Codegen/CPU/KernelCalls.h"

#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::inception {
#define GEN_PASS_DEF_MICROKERNELS
#define GEN_PASS_DEF_LOWERUKERNELS
#include "passes/Codegen/CPU/Passes.h.inc"

namespace {

struct MicrokernelsPass : impl::MicrokernelsBase<MicrokernelsPass> {
  using MicrokernelsBase::MicrokernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t mr = mrOption, nr = nrOption, vl = vlOption;
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
    if (std::string why = VectorKernelShape{mr, nr, vl}.invalidReason();
        !why.empty()) {
      module.emitError() << "inception-microkernels: " << why;
      return signalPassFailure();
    }
    // The kernels' cache blocking, which sizes their scratch: the target's,
    // else the kernels' defaults.
    bool targetBlocking = target && target.hasMicrokernels();
    microkernels::KernelSelection selection{
        mr,
        nr,
        vl,
        targetBlocking ? target.getKc() : INCEPTION_UK_DEFAULT_KC,
        targetBlocking ? target.getNc() : nr * INCEPTION_UK_DEFAULT_NC_PANELS,
        target ? target.getL1() : INCEPTION_UK_DEFAULT_L1,
        target ? target.getL2() : INCEPTION_UK_DEFAULT_L2,
        winograd,
        winogradMinTiles,
        winogradTransformMinTiles};

    SmallVector<linalg::GenericOp> layers;
    module.walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kConvAttr) || op->hasAttr(kPoolAttr) ||
          op->hasAttr(kDenseAttr))
        layers.push_back(op);
    });
    IRRewriter rewriter(module.getContext());
    for (linalg::GenericOp op : layers) {
      // blocked-layout's convolutions and pooling have kernels of their
      // own; its other ops stay loops.
      bool blocked = op->hasAttr(kBlockedAttr);
      LogicalResult selected = failure();
      if (op->hasAttr(kConvAttr)) {
        selected =
            blocked ? microkernels::selectBlockedConvolution(selection,
                                                             rewriter, op)
                    : microkernels::selectConvolution(selection, rewriter, op);
        selection.kept += failed(selected);
      } else if (op->hasAttr(kPoolAttr)) {
        (void)(blocked
                   ? microkernels::selectBlockedPool(selection, rewriter, op)
                   : microkernels::selectPool(selection, rewriter, op));
      } else if (!blocked) {
        (void)microkernels::selectDense(selection, rewriter, op);
      }
    }
    // The backend links the kernels built for this register tile.
    if (selection.convolutions || selection.pools || selection.dense)
      module->setAttr(kMicrokernelAttr,
                      Builder(module).getDenseI64ArrayAttr({mr, nr, vl}));
    recordStatistic(*this, numConverted, "convolutions",
                    selection.convolutions);
    recordStatistic(*this, numKept, "kept-as-loops", selection.kept);
    recordStatistic(*this, numWinograd, "winograd", selection.winogradCount);
    recordStatistic(*this, numWinogradUntransformed, "winograd-untransformed",
                    selection.winogradUntransformedCount);
    recordStatistic(*this, numWinograd1d, "winograd1d",
                    selection.winograd1dCount);
    recordStatistic(*this, numDepthwise, "depthwise", selection.depthwiseCount);
    recordStatistic(*this, numPadsReadThrough, "pads-read-through",
                    selection.padsReadThrough);
    recordStatistic(*this, numPools, "pools", selection.pools);
    recordStatistic(*this, numDense, "dense", selection.dense);
  }
};

/// Erases `op` and the views and global reads that only it used: a filter
/// the kernel reads in packed or transformed form, whose global then goes.
void eraseWithDeadReads(Operation *op) {
  SmallVector<Value> worklist(op->getOperands());
  op->erase();
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || !isa<ViewLikeOpInterface, memref::GetGlobalOp>(def) ||
        !def->use_empty())
      continue;
    llvm::append_range(worklist, def->getOperands());
    def->erase();
  }
}

/// The call of a weight transform on buffers: its inputs and then its
/// output are the struct's pointers, its params the rest, by name.
LogicalResult lowerWeightTransform(SymbolTable &symbols, WeightTransformOp op) {
  std::string symbol = op.getSymbol();
  OpBuilder builder(op);
  ukernel::KernelCallBuilder call(builder, op.getLoc(), symbol,
                                  ukernel::kernelFields(symbol));
  LogicalResult result = success();
  forEachTransformField(
      op,
      [&](unsigned slot, unsigned operand) {
        Value buffer = op->getOperand(operand);
        std::optional<StaticLayout> layout = staticLayout(buffer);
        if (!layout || !memref::isStaticShapeAndContiguousRowMajor(
                           cast<MemRefType>(buffer.getType()))) {
          result = op.emitOpError("inception-lower-ukernels: operand ")
                   << operand << " of the weight transform is not contiguous";
          return;
        }
        call.setAddress(slot, buffer, layout->offset);
      },
      [&](unsigned slot, int64_t value) { call.setInteger(slot, value); },
      [&](unsigned slot, double value) { call.setReal(slot, value); });
  if (failed(result))
    return failure();
  return call.create(symbols);
}

struct LowerUkernelsPass : impl::LowerUkernelsBase<LowerUkernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<UkernelOp> ops;
    module.walk([&](UkernelOp op) { ops.push_back(op); });
    SmallVector<WeightTransformOp> transforms;
    module.walk([&](WeightTransformOp op) { transforms.push_back(op); });
    SmallVector<HalideCallOp> halideCalls;
    module.walk([&](HalideCallOp op) { halideCalls.push_back(op); });
    if (ops.empty() && transforms.empty() && halideCalls.empty())
      return markAllAnalysesPreserved();
    SymbolTable symbols(module);
    for (HalideCallOp op : halideCalls) {
      if (op.hasPureTensorSemantics()) {
        op.emitOpError("inception-lower-ukernels: runs after bufferization");
        return signalPassFailure();
      }
      if (failed(microkernels::lowerHalideCall(symbols, op)))
        return signalPassFailure();
      eraseWithDeadReads(op);
    }
    for (WeightTransformOp op : transforms) {
      if (op.hasPureTensorSemantics()) {
        op.emitOpError("inception-lower-ukernels: runs after bufferization");
        return signalPassFailure();
      }
      if (failed(lowerWeightTransform(symbols, op)))
        return signalPassFailure();
      eraseWithDeadReads(op);
    }
    microkernels::KernelLowering lowering{symbols};
    using Lower = LogicalResult (*)(microkernels::KernelLowering &, UkernelOp);
    const llvm::StringMap<Lower> families = {
        {"conv2d", microkernels::lowerConvolution},
        {"winograd3x3", microkernels::lowerConvolution},
        {"depthwise2d", microkernels::lowerConvolution},
        {"conv2d_blocked", microkernels::lowerBlockedConvolution},
        {"winograd3x3_blocked", microkernels::lowerBlockedConvolution},
        {"winograd3x3_blocked_untransformed",
         microkernels::lowerBlockedConvolution},
        {"winograd1d_blocked", microkernels::lowerBlockedConvolution},
        {"depthwise2d_blocked", microkernels::lowerBlockedConvolution},
        {"pool2d", microkernels::lowerPool},
        {"pool2d_blocked", microkernels::lowerPool},
        {"dense", microkernels::lowerDense},
    };
    uint64_t inputRelus = 0;
    for (UkernelOp op : ops)
      if (!op.hasPureTensorSemantics())
        inputRelus += microkernels::fuseInputRelu(op);
    recordStatistic(*this, numInputRelus, "input-relus", inputRelus);
    for (UkernelOp op : ops)
      if (op.getKernel().ends_with("_blocked") && !op.hasPureTensorSemantics())
        microkernels::fillBorderOnly(op);
    for (UkernelOp op : ops) {
      if (op.hasPureTensorSemantics()) {
        op.emitOpError("inception-lower-ukernels: runs after bufferization");
        return signalPassFailure();
      }
      auto family = families.find(op.getKernel());
      if (family == families.end()) {
        op.emitOpError("inception-lower-ukernels: no kernel '")
            << op.getKernel() << "'";
        return signalPassFailure();
      }
      if (failed(family->second(lowering, op)))
        return signalPassFailure();
      eraseWithDeadReads(op);
    }
    // Filters now read only in packed form.
    for (memref::GlobalOp global :
         llvm::to_vector(module.getOps<memref::GlobalOp>()))
      if (global.isPrivate() && SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
    recordStatistic(*this, numCalls, "calls", ops.size());
    recordStatistic(*this, numTransforms, "weight-transforms",
                    transforms.size());
  }
};

} // namespace
} // namespace mlir::inception
