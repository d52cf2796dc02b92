//===- InceptionDialect.cpp - Inception dialect registration --------------===//

#include "dialect/InceptionDialect.h"
#include "dialect/InceptionOps.h"

using namespace mlir;
using namespace mlir::inception;

#include "dialect/InceptionDialect.cpp.inc"

void InceptionDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/InceptionOps.cpp.inc"
      >();
}
