//===- Error.h - The compiler library's one kind of failure -----*- C++ -*-===//

#ifndef INCEPTION_COMPILER_ERROR_H
#define INCEPTION_COMPILER_ERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace inception {

/// A failure the compiler library reports to its caller with `message`
/// (what went wrong and where, a sentence without a trailing period).
inline llvm::Error compilerError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace inception

#endif // INCEPTION_COMPILER_ERROR_H
