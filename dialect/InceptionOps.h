//===- InceptionOps.h - Inception dialect operations ------------*- C++ -*-===//

#ifndef INCEPTION_DIALECT_INCEPTIONOPS_H
#define INCEPTION_DIALECT_INCEPTIONOPS_H

#include "dialect/InceptionDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"

#define GET_OP_CLASSES
#include "dialect/InceptionOps.h.inc"

namespace mlir::inception {
/// The buffers of `op`'s operands, in order, for the destination-style ops
/// (inception.ukernel, inception.weight_transform), which bufferize into
/// their destination.
FailureOr<SmallVector<Value>>
getOperandBuffers(RewriterBase &rewriter, Operation *op,
                  const bufferization::BufferizationOptions &options,
                  bufferization::BufferizationState &state);

/// For the destination-style ops whose inputs are only read and whose one
/// init is only written (inception.weight_transform, inception.halide_call):
/// their memory effects on buffers, and the result the init's buffer
/// becomes.
void getReadInputsWriteInitEffects(
    DestinationStyleOpInterface op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects);
bufferization::AliasingValueList
getInitAliasingResult(DestinationStyleOpInterface op, OpOperand &operand);

/// The fields of the struct `op`'s C function takes, in order: for each
/// pointer, `pointer(slot, operand)` with the operand that fills it (the
/// inputs, then the output, by their index among the op's operands); for
/// the others `integer(slot, value)` or `real(slot, value)` from the param
/// of its name. The one statement of that convention, for the folder and
/// the lowering to a call.
void forEachTransformField(WeightTransformOp op,
                           function_ref<void(unsigned, unsigned)> pointer,
                           function_ref<void(unsigned, int64_t)> integer,
                           function_ref<void(unsigned, double)> real);
} // namespace mlir::inception

#endif // INCEPTION_DIALECT_INCEPTIONOPS_H
