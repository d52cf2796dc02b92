//===- DenseKernels.cpp - Dense layers as kernel calls --------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"

namespace mlir::inception::microkernels {

/// A dense contraction of a constant weight runs on inception_uk_dense,
/// which adds to the initialized output (the bias's broadcast).
LogicalResult selectDense(KernelSelection &selection, RewriterBase &rewriter,
                          linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !isWeight(op.getDpsInputs()[1]))
    return failure();
  rewriter.setInsertionPoint(op);
  NamedAttrList params;
  params.set("accumulate", rewriter.getI64IntegerAttr(1));
  UkernelOp ukernel = createUkernel(
      rewriter, op.getLoc(), "dense", op.getDpsInputs()[0],
      op.getDpsInputs()[1], Value(), Value(), Value(), op.getDpsInits()[0],
      params);
  replaceLayer(rewriter, op, ukernel.getResult(), {});
  ++selection.dense;
  return success();
}

LogicalResult lowerDense(KernelLowering &lowering, UkernelOp op) {
  Value input = op.getInput(), weight = op.getFilter(),
        output = op.getOutput();
  auto inputLayout = operandLayout(op, input, "input");
  auto weightLayout = operandLayout(op, weight, "weight");
  auto outputLayout = operandLayout(op, output, "output");
  if (failed(inputLayout) || failed(weightLayout) || failed(outputLayout))
    return failure();
  if (inputLayout->strides[1] != 1 || weightLayout->strides[1] != 1 ||
      outputLayout->strides[1] != 1)
    return op.emitOpError("inception-lower-ukernels: rows of the input, the "
                          "weight or the output are not contiguous");
  auto weightType = cast<MemRefType>(weight.getType());
  auto outputType = cast<MemRefType>(output.getType());
  OpBuilder builder(op);
  using D = ukernel::dense::Field;
  ukernel::KernelCall<D> call(builder, op.getLoc(), ukernel::k_dense);
  call.set(D::input, input, inputLayout->offset);
  call.set(D::input_row_stride, inputLayout->strides[0]);
  call.set(D::weight, weight, weightLayout->offset);
  call.set(D::weight_row_stride, weightLayout->strides[0]);
  call.set(D::output, output, outputLayout->offset);
  call.set(D::output_row_stride, outputLayout->strides[0]);
  call.set(D::batch, outputType.getDimSize(0));
  call.set(D::out_features, outputType.getDimSize(1));
  call.set(D::in_features, weightType.getDimSize(1));
  return call.create(lowering.symbols);
}

} // namespace mlir::inception::microkernels
