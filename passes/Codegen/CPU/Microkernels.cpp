//===- Microkernels.cpp - Convolutions and pooling as kernel calls --------===//
//
// The pass's driver: it reads the register tile and the cache blocking from
// the options or the module's target, hands each convolution, pooling and
// dense op to its family (Microkernels.h) and records what became of them.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/Microkernels.h"
#include "dialect/InceptionAttrs.h"
#include "passes/Codegen/CPU/Passes.h"
#include "passes/Codegen/CPU/VectorKernels.h"
#include "passes/Statistics.h"
#include "runtime/ukernels/ukernel_abi.h"

namespace mlir::inception {
#define GEN_PASS_DEF_MICROKERNELS
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
    SymbolTable symbols(module);
    microkernels::KernelSelection selection{
        symbols,
        mr,
        nr,
        vl,
        targetBlocking ? target.getKc() : INCEPTION_UK_DEFAULT_KC,
        targetBlocking ? target.getNc() : nr * INCEPTION_UK_DEFAULT_NC_PANELS,
        target ? target.getL1() : INCEPTION_UK_DEFAULT_L1,
        target ? target.getL2() : INCEPTION_UK_DEFAULT_L2,
        winograd,
        {}};

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
    uint64_t converted = 0, kept = 0, pooled = 0, dense = 0;
    for (linalg::GenericOp op : pools)
      pooled += succeeded(microkernels::selectPool(selection, op));
    for (linalg::GenericOp op : denses)
      dense += succeeded(microkernels::selectDense(selection, op));
    for (linalg::GenericOp op : blockedPools)
      pooled += succeeded(microkernels::selectBlockedPool(selection, op));
    for (linalg::GenericOp op : blockedConvolutions) {
      bool done =
          succeeded(microkernels::selectBlockedConvolution(selection, op));
      converted += done;
      kept += !done;
    }
    for (linalg::GenericOp op : convolutions) {
      bool done = succeeded(microkernels::selectConvolution(selection, op));
      converted += done;
      kept += !done;
    }
    if (selection.failedCall)
      return signalPassFailure();
    // Filters now read only in packed form.
    for (memref::GlobalOp global :
         llvm::to_vector(module.getOps<memref::GlobalOp>()))
      if (global.isPrivate() && SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
    // The backend links the kernels built for this register tile.
    if (converted || pooled || dense)
      module->setAttr(kMicrokernelAttr,
                      Builder(module).getDenseI64ArrayAttr({mr, nr, vl}));
    recordStatistic(*this, numConverted, "convolutions", converted);
    recordStatistic(*this, numKept, "kept-as-loops", kept);
    recordStatistic(*this, numWinograd, "winograd", selection.winogradCount);
    recordStatistic(*this, numDepthwise, "depthwise", selection.depthwiseCount);
    recordStatistic(*this, numForwarded, "copies-read-through",
                    selection.forwardedCount);
    recordStatistic(*this, numPools, "pools", pooled);
    recordStatistic(*this, numDense, "dense", dense);
  }
};

} // namespace
} // namespace mlir::inception
