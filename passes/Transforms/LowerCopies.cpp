//===- LowerCopies.cpp - memref.copy to linalg.copy -----------------------===//

#include "passes/Passes.h"

namespace mlir::inception {
#define GEN_PASS_DEF_LOWERCOPIES
#include "passes/Passes.h.inc"

namespace {
struct LowerCopiesPass : impl::LowerCopiesBase<LowerCopiesPass> {
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace
} // namespace mlir::inception
