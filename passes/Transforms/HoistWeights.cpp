//===- HoistWeights.cpp - Weight computations into a preparation ---------===//
//
// IREE's const-eval hoisting, for weights bound at load: what depends only
// on inception.parameter ops runs once, when the weights load, not at
// every run.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"
#include "dialect/WeightConstants.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::inception {
#define GEN_PASS_DEF_HOISTWEIGHTS
#include "passes/Passes.h.inc"

namespace {

/// Ops with no operands and no effects (constants, tensor.empty): cloned
/// into the preparation where it needs them, left where the run needs them.
bool isLeaf(Operation *op) {
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         isMemoryEffectFree(op) && !isa<ParameterOp>(op);
}

/// Whether `op` may run in the preparation: it computes from its operands
/// alone and is no terminator.
bool isHoistable(Operation *op) {
  return !op->hasTrait<OpTrait::IsTerminator>() &&
         computesFromOperandsAlone(op);
}

struct HoistWeightsPass : impl::HoistWeightsBase<HoistWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions;
    for (auto function : module.getOps<func::FuncOp>())
      if (function.isPublic() && !function.isExternal() &&
          !function->hasAttr(kPreparesAttr))
        functions.push_back(function);
    llvm::StringSet<> used;
    SmallVector<Attribute> parameters;
    for (func::FuncOp function : functions)
      if (failed(hoist(function, used, parameters)))
        return signalPassFailure();
    if (parameters.empty())
      return;
    Builder builder(module.getContext());
    module->setAttr(kParametersAttr, builder.getArrayAttr(parameters));
    SmallVector<Attribute> ignored;
    if (auto declared = module->getAttrOfType<ArrayAttr>(kParameterKeysAttr))
      for (auto key : declared.getAsRange<StringAttr>())
        if (!used.contains(key.getValue()))
          ignored.push_back(key);
    module->setAttr(kIgnoredKeysAttr, builder.getArrayAttr(ignored));
  }

  LogicalResult hoist(func::FuncOp function, llvm::StringSet<> &used,
                      SmallVector<Attribute> &parameters) {
    if (!function.getBody().hasOneBlock())
      return function.emitError(
          "inception-hoist-weights: expects a function of one block");
    Block &body = function.getBody().front();
    // What computes from parameters alone, in program order.
    llvm::SetVector<Operation *> hoisted;
    SmallVector<ParameterOp> parameterOps;
    for (Operation &op : body) {
      if (auto parameter = dyn_cast<ParameterOp>(op)) {
        hoisted.insert(&op);
        parameterOps.push_back(parameter);
        continue;
      }
      if (!isHoistable(&op) || isLeaf(&op))
        continue;
      bool fromParameters = false, onlyWeights = true;
      for (Value operand : op.getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (def && hoisted.contains(def))
          fromParameters = true;
        else if (!def || def->getBlock() != &body || !isLeaf(def))
          onlyWeights = false;
      }
      if (fromParameters && onlyWeights)
        hoisted.insert(&op);
    }
    if (hoisted.empty())
      return success();

    // The prepared weights: hoisted values the rest of the function reads.
    llvm::SetVector<Value> prepared;
    for (Operation *op : hoisted)
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers())
          if (!hoisted.contains(body.findAncestorOpInBlock(*user)))
            prepared.insert(result);

    OpBuilder builder(function);
    builder.setInsertionPointAfter(function);
    SmallVector<Type> parameterTypes, preparedTypes;
    for (ParameterOp parameter : parameterOps)
      parameterTypes.push_back(parameter.getType());
    for (Value value : prepared)
      preparedTypes.push_back(value.getType());
    auto prepare = func::FuncOp::create(
        builder, function.getLoc(), (function.getName() + "_prepare").str(),
        builder.getFunctionType(parameterTypes, preparedTypes));
    prepare->setAttr(kPreparesAttr, SymbolRefAttr::get(function));
    Block *entry = prepare.addEntryBlock();
    IRMapping mapping;
    for (auto [parameter, argument] :
         llvm::zip(parameterOps, entry->getArguments())) {
      mapping.map(parameter.getResult(), argument);
      if (!used.insert(parameter.getKey()).second)
        return parameter.emitError("inception-hoist-weights: parameter '")
               << parameter.getKey() << "' is declared twice";
      SmallVector<Attribute> shape;
      for (int64_t extent : parameter.getType().getShape())
        shape.push_back(builder.getI64IntegerAttr(extent));
      parameters.push_back(builder.getArrayAttr(
          {parameter.getKeyAttr(), builder.getArrayAttr(shape)}));
    }
    builder.setInsertionPointToStart(entry);
    for (Operation *op : hoisted) {
      if (isa<ParameterOp>(op))
        continue;
      for (Value operand : op->getOperands())
        if (!mapping.contains(operand))
          mapping.map(operand, builder.clone(*operand.getDefiningOp(), mapping)
                                   ->getResult(0));
      builder.clone(*op, mapping);
    }
    SmallVector<Value> results;
    for (Value value : prepared)
      results.push_back(mapping.lookup(value));
    func::ReturnOp::create(builder, function.getLoc(), results);

    // The run function reads them as read-only arguments.
    unsigned first = function.getNumArguments();
    for (auto [index, value] : llvm::enumerate(prepared)) {
      if (failed(function.insertArgument(first + index, value.getType(),
                                         builder.getDictionaryAttr(
                                             builder.getNamedAttr(
                                                 "bufferization.writable",
                                                 builder.getBoolAttr(false))),
                                         value.getLoc())))
        return failure();
      Value(value).replaceAllUsesWith(function.getArgument(first + index));
    }
    function->setAttr(kPreparedWeightsAttr,
                      builder.getDenseI64ArrayAttr(
                          {int64_t(first), int64_t(prepared.size())}));
    for (Operation *op : llvm::reverse(hoisted))
      op->erase();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      if (isLeaf(&op) && op.use_empty())
        op.erase();
    recordStatistic(*this, numHoisted, "hoisted-ops",
                    hoisted.size() - parameterOps.size());
    recordStatistic(*this, numPrepared, "prepared-weights", prepared.size());
    recordStatistic(*this, numParameters, "parameters", parameterOps.size());
    return success();
  }
};

} // namespace
} // namespace mlir::inception
