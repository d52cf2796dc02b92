//===- ModelSummary.cpp - Op, convolution and parameter counts ------------===//

#include "compiler/ModelSummary.h"
#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"
#include "passes/Analysis/Cost.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
namespace dialect = mlir::inception;

namespace inception {

static int64_t numElements(Value value) {
  return value ? cast<RankedTensorType>(value.getType()).getNumElements() : 0;
}

static std::string argName(DictionaryAttr attrs, size_t index) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("inception.name"))
      return name.str();
  return "#" + std::to_string(index);
}

FailureOr<ModelSummary> ModelSummary::compute(ModuleOp module) {
  auto functions = module.getOps<func::FuncOp>();
  if (std::distance(functions.begin(), functions.end()) != 1)
    return module.emitError("expected exactly one model function"), failure();
  func::FuncOp function = *functions.begin();

  ModelSummary summary;
  summary.name = function.getName().str();
  for (auto [index, type] : llvm::enumerate(function.getArgumentTypes()))
    summary.inputs.emplace_back(argName(function.getArgAttrDict(index), index),
                                cast<RankedTensorType>(type));
  for (auto [index, type] : llvm::enumerate(function.getResultTypes()))
    summary.outputs.emplace_back(
        argName(function.getResultAttrDict(index), index),
        cast<RankedTensorType>(type));

  summary.macs = mlir::inception::computeTotalCost(function).macs;
  function.walk([&](Operation *op) {
    if (!isa<dialect::InceptionDialect>(op->getDialect()))
      return;
    ++summary.opCounts[op->getName().stripDialect()];
    if (auto conv = dyn_cast<dialect::Conv2DOp>(op)) {
      ++summary.convolutions;
      summary.parameters += numElements(conv.getFilter()) +
                            numElements(conv.getBias());
    } else if (auto dense = dyn_cast<dialect::DenseOp>(op)) {
      summary.parameters += numElements(dense.getWeight()) +
                            numElements(dense.getBias());
    } else if (auto bn = dyn_cast<dialect::BatchNormOp>(op)) {
      summary.parameters += numElements(bn.getScale()) +
                            numElements(bn.getOffset());
      summary.buffers += numElements(bn.getMean()) +
                         numElements(bn.getVariance());
    }
  });
  return summary;
}

static void printTensor(llvm::raw_ostream &os, RankedTensorType type) {
  os << type.getElementType() << dialect::formatShape(type.getShape());
}

void ModelSummary::print(llvm::raw_ostream &os) const {
  os << "model: " << name << "\n";
  for (const auto &[inputName, type] : inputs) {
    os << "input " << inputName << ": ";
    printTensor(os, type);
    os << "\n";
  }
  for (const auto &[outputName, type] : outputs) {
    os << "output " << outputName << ": ";
    printTensor(os, type);
    os << "\n";
  }
  int64_t total = 0;
  for (const auto &entry : opCounts)
    total += entry.second;
  os << "ops: " << total << "\n";
  for (const auto &[opName, count] : opCounts)
    os << "  " << opName << ": " << count << "\n";
  os << "convolutions: " << convolutions << "\n";
  os << "parameters: " << parameters << "\n";
  os << "buffers: " << buffers << "\n";
  os << "macs: " << macs << "\n";
}

} // namespace inception
