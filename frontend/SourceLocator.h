//===- SourceLocator.h - Source positions as MLIR locations -----*- C++ -*-===//

#ifndef INCEPTION_FRONTEND_SOURCELOCATOR_H
#define INCEPTION_FRONTEND_SOURCELOCATOR_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/SourceMgr.h"

namespace inception {

/// Turns positions in one model buffer into FileLineColLocs, so that every
/// diagnostic (the parser's, the builder's, a pass's) names `file:line:col`
/// and the SourceMgr diagnostic handler can print the line with a caret.
class SourceLocator {
public:
  SourceLocator(const llvm::SourceMgr &sourceMgr, unsigned bufferId,
                mlir::MLIRContext *context)
      : sourceMgr(sourceMgr), bufferId(bufferId), context(context) {}

  mlir::Location get(llvm::SMLoc loc) const {
    auto [line, column] = sourceMgr.getLineAndColumn(loc, bufferId);
    return mlir::FileLineColLoc::get(
        context,
        sourceMgr.getMemoryBuffer(bufferId)->getBufferIdentifier(), line,
        column);
  }

  mlir::InFlightDiagnostic emitError(llvm::SMLoc loc) const {
    return mlir::emitError(get(loc));
  }

  mlir::MLIRContext *getContext() const { return context; }
  llvm::StringRef getBuffer() const {
    return sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  }

private:
  const llvm::SourceMgr &sourceMgr;
  unsigned bufferId;
  mlir::MLIRContext *context;
};

} // namespace inception

#endif // INCEPTION_FRONTEND_SOURCELOCATOR_H
