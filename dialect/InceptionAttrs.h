//===- InceptionAttrs.h - Inception dialect attributes ----------*- C++ -*-===//

#ifndef INCEPTION_DIALECT_INCEPTIONATTRS_H
#define INCEPTION_DIALECT_INCEPTIONATTRS_H

#include "dialect/InceptionDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#define GET_ATTRDEF_CLASSES
#include "dialect/InceptionAttrs.h.inc"

namespace mlir::inception {
/// The target attached to `op`'s module (or to `op` itself, a module), or
/// null where the module has none: passes then use their own options.
TargetAttr lookupTarget(Operation *op);
} // namespace mlir::inception

#endif // INCEPTION_DIALECT_INCEPTIONATTRS_H
