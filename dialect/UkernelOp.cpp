//===- UkernelOp.cpp - inception.ukernel: verifier, effects, bufferization ===//
//
// The op is in destination-passing style on tensors and bufferizes like a
// linalg op: its output takes the buffer its destination gets, which
// one-shot bufferization (and elide-concat after it) may place in a
// concat's slice or a padded buffer's interior.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

using namespace mlir;
using namespace mlir::inception;

int64_t UkernelOp::getParam(StringRef name, int64_t otherwise) {
  if (auto value = getParams().getAs<IntegerAttr>(name))
    return value.getInt();
  return otherwise;
}

LogicalResult UkernelOp::verify() {
  bool tensors = isa<RankedTensorType>(getOutput().getType());
  for (Value operand : getOperands())
    if (isa<RankedTensorType>(operand.getType()) != tensors)
      return emitOpError("takes tensors or buffers, not both");
  if (tensors != bool(getResult()))
    return emitOpError(tensors ? "on tensors returns its output"
                               : "on buffers returns nothing");
  if (getResult() && getResult().getType() != getOutput().getType())
    return emitOpError("returns a result of its output's type, not ")
           << getResult().getType();
  for (NamedAttribute param : getParams())
    if (!isa<IntegerAttr, FloatAttr, DenseI64ArrayAttr>(param.getValue()))
      return emitOpError("param '")
             << param.getName().getValue() << "' is not a number or an array";
  if (getParam(kInputReluParam) && !takesInputRelu())
    return emitOpError("'")
           << kInputReluParam
           << "' is for depthwise2d_blocked kernels of 3x3 taps, stride and "
              "dilation 1 along rows";
  return success();
}

bool UkernelOp::takesInputRelu() {
  auto strides = getParams().getAs<DenseI64ArrayAttr>("strides");
  auto dilations = getParams().getAs<DenseI64ArrayAttr>("dilations");
  return getKernel() == "depthwise2d_blocked" && getParam("kernel_h") == 3 &&
         getParam("kernel_w") == 3 && strides && strides.size() == 2 &&
         strides[1] == 1 && dilations && dilations.size() == 2 &&
         dilations[1] == 1;
}

void UkernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (hasPureTensorSemantics())
    return;
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    bool output = isDpsInit(&operand);
    if (!output || accumulates())
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
    // A kernel that fills its padded input's border writes the input too.
    if (output || (&operand == &getInputMutable() && fillsInputBorder()))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

bool UkernelOp::bufferizesToMemoryRead(OpOperand &operand,
                                       const bufferization::AnalysisState &) {
  return !isDpsInit(&operand) || accumulates();
}

bool UkernelOp::bufferizesToMemoryWrite(OpOperand &operand,
                                        const bufferization::AnalysisState &) {
  return isDpsInit(&operand);
}

bufferization::AliasingValueList
UkernelOp::getAliasingValues(OpOperand &operand,
                             const bufferization::AnalysisState &) {
  if (!isDpsInit(&operand))
    return {};
  return {{getResult(), bufferization::BufferRelation::Equivalent}};
}

FailureOr<SmallVector<Value>> mlir::inception::getOperandBuffers(
    RewriterBase &rewriter, Operation *op,
    const bufferization::BufferizationOptions &options,
    bufferization::BufferizationState &state) {
  SmallVector<Value> buffers;
  for (Value operand : op->getOperands()) {
    FailureOr<Value> buffer =
        bufferization::getBuffer(rewriter, operand, options, state);
    if (failed(buffer))
      return failure();
    buffers.push_back(*buffer);
  }
  return buffers;
}

void mlir::inception::getReadInputsWriteInitEffects(
    DestinationStyleOpInterface op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (op.hasPureTensorSemantics())
    return;
  for (OpOperand &operand : op->getOpOperands())
    effects.emplace_back(op.isDpsInit(&operand)
                             ? static_cast<MemoryEffects::Effect *>(
                                   MemoryEffects::Write::get())
                             : MemoryEffects::Read::get(),
                         &operand, SideEffects::DefaultResource::get());
}

bufferization::AliasingValueList
mlir::inception::getInitAliasingResult(DestinationStyleOpInterface op,
                                       OpOperand &operand) {
  if (!op.isDpsInit(&operand))
    return {};
  return {{op->getResult(0), bufferization::BufferRelation::Equivalent}};
}

LogicalResult
UkernelOp::bufferize(RewriterBase &rewriter,
                     const bufferization::BufferizationOptions &options,
                     bufferization::BufferizationState &state) {
  FailureOr<SmallVector<Value>> buffers =
      getOperandBuffers(rewriter, *this, options, state);
  if (failed(buffers))
    return failure();
  rewriter.setInsertionPoint(*this);
  auto onBuffers = UkernelOp::create(rewriter, getLoc(), TypeRange(),
                                     *buffers, (*this)->getAttrs());
  bufferization::replaceOpWithBufferizedValues(rewriter, *this,
                                               onBuffers.getOutput());
  return success();
}
