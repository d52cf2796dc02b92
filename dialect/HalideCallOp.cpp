//===- HalideCallOp.cpp - inception.halide_call: verifier, bufferization --===//
//
// Bufferizes like inception.ukernel: the output takes its destination's
// buffer (a concat's slice, a padded buffer's interior), the inputs are
// only read.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

using namespace mlir;
using namespace mlir::inception;

LogicalResult HalideCallOp::verify() {
  bool tensors = isa<RankedTensorType>(getOutput().getType());
  for (Value operand : getOperands()) {
    auto shaped = cast<ShapedType>(operand.getType());
    if (isa<RankedTensorType>(shaped) != tensors)
      return emitOpError("takes tensors or buffers, not both");
    if (!shaped.hasStaticShape() || !shaped.getElementType().isF32())
      return emitOpError("takes statically shaped f32 operands, not ")
             << shaped;
  }
  if (tensors != bool(getResult()))
    return emitOpError(tensors ? "on tensors returns its output"
                               : "on buffers returns nothing");
  if (getResult() && getResult().getType() != getOutput().getType())
    return emitOpError("returns a result of its output's type, not ")
           << getResult().getType();
  if (getScratchAttr().getInt() < 0) // getScratch() is unsigned
    return emitOpError("needs a scratch size of zero or more bytes");
  return success();
}

void HalideCallOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  getReadInputsWriteInitEffects(*this, effects);
}

bool HalideCallOp::bufferizesToMemoryRead(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return !isDpsInit(&operand);
}

bool HalideCallOp::bufferizesToMemoryWrite(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return isDpsInit(&operand);
}

bufferization::AliasingValueList
HalideCallOp::getAliasingValues(OpOperand &operand,
                                const bufferization::AnalysisState &) {
  return getInitAliasingResult(*this, operand);
}

LogicalResult
HalideCallOp::bufferize(RewriterBase &rewriter,
                        const bufferization::BufferizationOptions &options,
                        bufferization::BufferizationState &state) {
  FailureOr<SmallVector<Value>> buffers =
      getOperandBuffers(rewriter, *this, options, state);
  if (failed(buffers))
    return failure();
  rewriter.setInsertionPoint(*this);
  auto onBuffers = HalideCallOp::create(
      rewriter, getLoc(), TypeRange(), getCalleeAttr(),
      ArrayRef<Value>(*buffers).drop_back(), buffers->back(), getScratchAttr());
  bufferization::replaceOpWithBufferizedValues(rewriter, *this,
                                               onBuffers.getOutput());
  return success();
}
