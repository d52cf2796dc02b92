//===- Parser.h - Recursive-descent parser of the model DSL -----*- C++ -*-===//

#ifndef INCEPTION_FRONTEND_PARSER_H
#define INCEPTION_FRONTEND_PARSER_H

#include "frontend/AST.h"
#include "frontend/SourceLocator.h"
#include "mlir/Support/LLVM.h"

namespace inception {

/// Parses one model file. Reports the first syntax error through MLIR's
/// diagnostic engine at its FileLineColLoc and fails.
mlir::FailureOr<ast::Model> parseModel(const SourceLocator &locator);

/// Deepest nesting of expressions or repeat bodies the parser accepts; deeper
/// input is rejected with a diagnostic instead of exhausting the stack.
constexpr unsigned kMaxNestingDepth = 200;

} // namespace inception

#endif // INCEPTION_FRONTEND_PARSER_H
