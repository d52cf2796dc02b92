//===- InceptionFolds.cpp - Folders of the Inception ops ------------------===//
//
// Only true identities fold here: each folder returns an existing value that
// is equal, element for element, to the op's result.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"

using namespace mlir;
using namespace mlir::inception;

/// A 1x1 window with unit stride and no padding reads each element once.
static bool isIdentityWindow(ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> padding) {
  auto allOnes = [](ArrayRef<int64_t> values) {
    return llvm::all_of(values, [](int64_t v) { return v == 1; });
  };
  auto allZeros = [](ArrayRef<int64_t> values) {
    return llvm::all_of(values, [](int64_t v) { return v == 0; });
  };
  return allOnes(kernel) && allOnes(strides) && allZeros(padding);
}

OpFoldResult MaxPool2DOp::fold(FoldAdaptor) {
  if (isIdentityWindow(getKernelSize(), getStrides(), getPadding()) &&
      getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult AvgPool2DOp::fold(FoldAdaptor) {
  if (isIdentityWindow(getKernelSize(), getStrides(), getPadding()) &&
      getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult GlobalAvgPool2DOp::fold(FoldAdaptor) {
  // The mean over a 1x1 plane is that element.
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // relu(relu(x)) == relu(x).
  if (auto producer = getInput().getDefiningOp<ReluOp>())
    return getInput();
  return {};
}

OpFoldResult ScaleOp::fold(FoldAdaptor) {
  if (getFactor().isExactlyValue(1.0))
    return getInput();
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs().front().getType() == getType())
    return getInputs().front();
  return {};
}

OpFoldResult FlattenOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}
