//===- InceptionDialect.cpp - Inception dialect registration --------------===//

#include "dialect/InceptionDialect.h"
#include "dialect/InceptionAttrs.h"
#include "dialect/InceptionOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::inception;

#include "dialect/InceptionDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialect/InceptionAttrs.cpp.inc"

void InceptionDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/InceptionOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialect/InceptionAttrs.cpp.inc"
      >();
}

Operation *InceptionDialect::materializeConstant(OpBuilder &builder,
                                                Attribute value, Type type,
                                                Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

LogicalResult
TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   StringRef triple, StringRef cpu, StringRef features,
                   int64_t vectorWidth, int64_t l1, int64_t l2, int64_t l3,
                   int64_t mr, int64_t nr, int64_t kc, int64_t nc,
                   int64_t threads) {
  if (triple.empty())
    return emitError() << "target needs a triple";
  if (l1 <= 0 || l2 <= 0 || l3 <= 0)
    return emitError() << "target cache sizes must be positive, got L1 " << l1
                       << ", L2 " << l2 << ", L3 " << l3;
  if (vectorWidth < 0 || mr < 0 || nr < 0 || kc < 0 || nc < 0)
    return emitError() << "target blocking must not be negative";
  // A target either has microkernels, with a whole register tile that is
  // whole vectors wide, or none at all.
  bool none = vectorWidth == 0 && mr == 0 && nr == 0 && kc == 0 && nc == 0;
  bool whole = vectorWidth > 0 && mr > 0 && nr > 0 && kc > 0 && nc > 0 &&
               nr % vectorWidth == 0 && nc % nr == 0;
  if (!none && !whole)
    return emitError() << "target microkernel blocking is inconsistent: "
                          "vector_width "
                       << vectorWidth << ", mr " << mr << ", nr " << nr
                       << ", kc " << kc << ", nc " << nc
                       << " (nr a multiple of vector_width, nc of nr, or "
                          "all 0)";
  if (threads < 0 || threads > 4096)
    return emitError() << "target threads must be in [0, 4096], got "
                       << threads;
  return success();
}

TargetAttr mlir::inception::lookupTarget(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    module = op->getParentOfType<ModuleOp>();
  if (!module)
    return nullptr;
  return module->getAttrOfType<TargetAttr>(InceptionDialect::kTargetAttrName);
}
