//===- InceptionDialect.h - Inception dialect -------------------*- C++ -*-===//

#ifndef INCEPTION_DIALECT_INCEPTIONDIALECT_H
#define INCEPTION_DIALECT_INCEPTIONDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "dialect/InceptionDialect.h.inc"

#endif // INCEPTION_DIALECT_INCEPTIONDIALECT_H
