//===- WeightsArena.cpp - Prepared weights in one arena -------------------===//
//
// The preparation writes every prepared weight at its offset in one arena;
// runs read them there. The arena is the weight set's memory: the runtime
// allocates one per loaded set and passes it to both functions.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

namespace mlir::inception {
#define GEN_PASS_DEF_WEIGHTSARENA
#include "passes/Passes.h.inc"

namespace {
constexpr int64_t kAlignment = 64;

/// Replaces the arguments [first, first + offsets.size()) of `function` by
/// views of a new trailing i8 argument at `offsets`.
LogicalResult bindToArena(func::FuncOp function, unsigned first,
                          ArrayRef<int64_t> offsets, int64_t size) {
  MLIRContext *context = function.getContext();
  auto arenaType = MemRefType::get({size}, IntegerType::get(context, 8));
  unsigned index = function.getNumArguments();
  if (failed(function.insertArgument(index, arenaType, {}, function.getLoc())))
    return failure();
  Value arena = function.getArgument(index);
  OpBuilder builder(context);
  builder.setInsertionPointToStart(&function.getBody().front());
  BitVector erased(function.getNumArguments());
  for (auto [slot, offset] : llvm::enumerate(offsets)) {
    BlockArgument argument = function.getArgument(first + slot);
    auto type = dyn_cast<MemRefType>(argument.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return function.emitError("inception-weights-arena: prepared weight ")
             << slot << " is not a static row-major buffer: "
             << argument.getType();
    Value at = arith::ConstantIndexOp::create(builder, function.getLoc(), offset);
    Value view = memref::ViewOp::create(builder, function.getLoc(), type,
                                        arena, at, ValueRange{});
    argument.replaceAllUsesWith(view);
    erased.set(first + slot);
  }
  return function.eraseArguments(erased);
}

struct WeightsArenaPass : impl::WeightsArenaBase<WeightsArenaPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto prepare : llvm::to_vector(module.getOps<func::FuncOp>())) {
      auto target = prepare->getAttrOfType<FlatSymbolRefAttr>(kPreparesAttr);
      if (!target)
        continue;
      auto run = module.lookupSymbol<func::FuncOp>(target);
      auto slots = run ? run->getAttrOfType<DenseI64ArrayAttr>(kPreparedWeightsAttr)
                       : nullptr;
      if (!slots || slots.size() != 2) {
        prepare.emitError("inception-weights-arena: the function it prepares "
                          "for has no prepared weights");
        return signalPassFailure();
      }
      int64_t first = slots[0], count = slots[1];
      // The preparation's results became out-params after its parameters.
      auto parameters = module->getAttrOfType<ArrayAttr>(kParametersAttr);
      int64_t resultsAt = parameters ? int64_t(parameters.size()) : 0;
      if (first + count > run.getNumArguments() ||
          resultsAt + count > prepare.getNumArguments()) {
        prepare.emitError("inception-weights-arena: expects ")
            << count << " prepared weights after " << resultsAt
            << " parameters (bufferized, results as out-params)";
        return signalPassFailure();
      }
      SmallVector<int64_t> offsets;
      int64_t size = 0;
      for (int64_t slot = 0; slot < count; ++slot) {
        auto type = dyn_cast<MemRefType>(run.getArgument(first + slot).getType());
        if (!type || type != prepare.getArgument(resultsAt + slot).getType()) {
          prepare.emitError("inception-weights-arena: prepared weight ")
              << slot << " has type " << run.getArgument(first + slot).getType()
              << " in the run and "
              << prepare.getArgument(resultsAt + slot).getType()
              << " in the preparation";
          return signalPassFailure();
        }
        offsets.push_back(size);
        size = llvm::alignTo(
            size + type.getNumElements() * type.getElementTypeBitWidth() / 8,
            kAlignment);
      }
      if (failed(bindToArena(run, first, offsets, size)) ||
          failed(bindToArena(prepare, resultsAt, offsets, size)))
        return signalPassFailure();
      run->removeAttr(kPreparedWeightsAttr);
      module->setAttr(kArenaSizeAttr,
                      Builder(module.getContext()).getI64IntegerAttr(size));
    }
  }
};

} // namespace
} // namespace mlir::inception
