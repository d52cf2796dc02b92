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

#endif // INCEPTION_DIALECT_INCEPTIONOPS_H
