//===- AST.h - Syntax tree of the Inception model DSL -----------*- C++ -*-===//
//
// The parser's output: a model is inputs, blocks, and statements. Nothing
// here knows about MLIR; ModelBuilder elaborates the tree into the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_AST_H
#define INCEPTION_FRONTEND_AST_H

#include "llvm/Support/SMLoc.h"
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace inception::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Argument {
  llvm::SMLoc loc;
  std::string name; // empty for a positional argument
  ExprPtr value;
};

struct Expr {
  enum class Kind { Integer, Float, Bool, Name, List, Call, Binary, Negate };
  Kind kind;
  llvm::SMLoc loc;

  int64_t intValue = 0;          // Integer
  double floatValue = 0.0;       // Float
  bool boolValue = false;        // Bool
  std::string name;              // Name; Call: the callee
  std::vector<ExprPtr> elements; // List; Binary: {lhs, rhs}; Negate: {operand}
  std::vector<Argument> args;    // Call
  std::string binaryOp;          // Binary: one of + - * / //
  /// Call: the `as` path relative to the statement's path, if any.
  std::optional<std::string> asPath;
  llvm::SMLoc asLoc;

  Expr(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

struct Statement;
using StatementPtr = std::unique_ptr<Statement>;

struct Statement {
  enum class Kind { Assign, Repeat, Output, Return };
  Kind kind;
  llvm::SMLoc loc;
  std::string name;  // Assign, Output: the bound name
  llvm::SMLoc nameLoc;
  ExprPtr value;     // Assign, Return, Repeat (the count); Output (optional)
  std::vector<StatementPtr> body; // Repeat

  Statement(Kind kind, llvm::SMLoc loc) : kind(kind), loc(loc) {}
};

struct Parameter {
  llvm::SMLoc loc;
  std::string name;
  ExprPtr defaultValue; // null when the argument is required
};

struct Block {
  llvm::SMLoc loc;
  std::string name;
  std::vector<Parameter> params;
  std::vector<StatementPtr> body;
};

struct Input {
  llvm::SMLoc loc;
  std::string name;
  std::string elementType;
  std::vector<int64_t> shape;
  std::vector<llvm::SMLoc> dimLocs;
};

struct Model {
  llvm::SMLoc loc;
  std::string name;
  std::vector<Input> inputs;
  std::vector<Block> blocks;
  std::vector<StatementPtr> body;
};

} // namespace inception::ast

#endif // INCEPTION_FRONTEND_AST_H
