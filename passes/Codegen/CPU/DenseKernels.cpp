//===- DenseKernels.cpp - Dense layers as kernel calls --------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"

namespace mlir::inception::microkernels {

/// A dense contraction as a call to inception_uk_dense, which adds to
/// the initialized output.
LogicalResult selectDense(KernelSelection &selection, linalg::GenericOp op) {
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
  using D = ukernel::dense::Field;
  ukernel::KernelCall<D> call(builder, loc, ukernel::k_dense);
  call.set(D::input, input, inputLayout->offset);
  call.set(D::input_row_stride, inputLayout->strides[0]);
  call.set(D::weight, weight, weightLayout->offset);
  call.set(D::weight_row_stride, weightLayout->strides[0]);
  call.set(D::output, output, outputLayout->offset);
  call.set(D::output_row_stride, outputLayout->strides[0]);
  call.set(D::batch, outputType.getDimSize(0));
  call.set(D::out_features, outputType.getDimSize(1));
  call.set(D::in_features, weightType.getDimSize(1));
  if (failed(call.create(selection.symbols)))
    return selection.fail();
  op.erase();
  return success();
}

} // namespace mlir::inception::microkernels
