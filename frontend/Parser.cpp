//===- Parser.cpp - Recursive-descent parser of the model DSL -------------===//
//
// The grammar is written out in docs/dsl.md; each parse function below is
// named after the production it implements.
//
//===----------------------------------------------------------------------===//

#include "frontend/Parser.h"
#include "frontend/Lexer.h"

#include "llvm/ADT/STLExtras.h"
#include <initializer_list>

using namespace inception;
using namespace inception::ast;
using mlir::failure;
using mlir::FailureOr;
using mlir::LogicalResult;
using mlir::success;

namespace {
class Parser {
public:
  explicit Parser(const SourceLocator &locator)
      : locator(locator), lexer(locator.getBuffer()) {
    advance();
  }

  FailureOr<Model> parseFile();

private:
  // Token handling.
  void advance() { token = lexer.next(); }
  bool consumeIf(TokenKind kind) {
    if (!token.is(kind))
      return false;
    advance();
    return true;
  }
  LogicalResult expect(TokenKind kind, llvm::StringRef context);
  LogicalResult emitError(llvm::SMLoc loc, const llvm::Twine &message);
  LogicalResult emitUnexpected(llvm::StringRef expected);
  FailureOr<std::string> parseIdentifier(llvm::StringRef what);

  // Productions.
  LogicalResult parseInput(Model &model);
  LogicalResult parseBlock(Model &model);
  FailureOr<StatementPtr> parseStatement(bool inBlock);
  FailureOr<StatementPtr> parseRepeat(bool inBlock);
  FailureOr<ExprPtr> parseExpr();
  FailureOr<ExprPtr> parseProduct();
  FailureOr<ExprPtr> parseBinary(std::initializer_list<TokenKind> operators,
                                 FailureOr<ExprPtr> (Parser::*parseOperand)());
  FailureOr<ExprPtr> parseUnary();
  FailureOr<ExprPtr> parsePostfix();
  FailureOr<ExprPtr> parsePrimary();
  FailureOr<std::string> parsePath();

  /// Counts nesting on entry to a recursive production.
  struct DepthGuard {
    Parser &parser;
    explicit DepthGuard(Parser &parser) : parser(parser) { ++parser.depth; }
    ~DepthGuard() { --parser.depth; }
  };
  LogicalResult checkDepth();

  const SourceLocator &locator;
  Lexer lexer;
  Token token;
  unsigned depth = 0;
};
} // namespace

LogicalResult Parser::emitError(llvm::SMLoc loc, const llvm::Twine &message) {
  locator.emitError(loc) << message.str();
  return failure();
}

LogicalResult Parser::emitUnexpected(llvm::StringRef expected) {
  if (token.is(TokenKind::Error))
    return emitError(token.loc, token.message);
  if (token.is(TokenKind::Eof))
    return emitError(token.loc, "expected " + expected + ", found end of file");
  return emitError(token.loc, "expected " + expected + ", found '" +
                                  token.spelling + "'");
}

LogicalResult Parser::expect(TokenKind kind, llvm::StringRef context) {
  if (consumeIf(kind))
    return success();
  return emitUnexpected((describe(kind) + " " + context).str());
}

LogicalResult Parser::checkDepth() {
  if (depth > kMaxNestingDepth)
    return emitError(token.loc, "nesting is deeper than " +
                                    llvm::Twine(kMaxNestingDepth) + " levels");
  return success();
}

FailureOr<std::string> Parser::parseIdentifier(llvm::StringRef what) {
  if (!token.is(TokenKind::Identifier)) {
    if (token.kind >= TokenKind::KwModel && token.kind <= TokenKind::KwFalse)
      return emitError(token.loc, "'" + token.spelling +
                                      "' is a keyword and cannot be used as " +
                                      what);
    return emitUnexpected(what);
  }
  std::string name = token.spelling.str();
  advance();
  return name;
}

FailureOr<Model> Parser::parseFile() {
  Model model;
  model.loc = token.loc;
  if (failed(expect(TokenKind::KwModel, "at the start of the file")))
    return failure();
  FailureOr<std::string> name = parseIdentifier("a model name");
  if (failed(name))
    return failure();
  model.name = *name;
  if (failed(expect(TokenKind::LBrace, "after the model name")))
    return failure();
  while (!consumeIf(TokenKind::RBrace)) {
    if (token.is(TokenKind::Eof))
      return emitError(token.loc, "expected '}' to close model '" +
                                      model.name + "', found end of file");
    if (token.is(TokenKind::KwInput)) {
      if (failed(parseInput(model)))
        return failure();
    } else if (token.is(TokenKind::KwBlock)) {
      if (failed(parseBlock(model)))
        return failure();
    } else {
      FailureOr<StatementPtr> statement = parseStatement(/*inBlock=*/false);
      if (failed(statement))
        return failure();
      model.body.push_back(std::move(*statement));
    }
  }
  if (!token.is(TokenKind::Eof))
    return emitUnexpected("end of file after the model");
  return model;
}

// input := 'input' IDENT ':' IDENT '[' INT (',' INT)* ']'
LogicalResult Parser::parseInput(Model &model) {
  Input input;
  input.loc = token.loc;
  advance();
  FailureOr<std::string> name = parseIdentifier("an input name");
  if (failed(name))
    return failure();
  input.name = *name;
  if (failed(expect(TokenKind::Colon, "after the input name")))
    return failure();
  FailureOr<std::string> elementType = parseIdentifier("an element type");
  if (failed(elementType))
    return failure();
  input.elementType = *elementType;
  if (failed(expect(TokenKind::LSquare, "to start the input shape")))
    return failure();
  do {
    if (!token.is(TokenKind::Integer))
      return emitUnexpected("an integer extent in the input shape");
    input.shape.push_back(token.intValue);
    input.dimLocs.push_back(token.loc);
    advance();
  } while (consumeIf(TokenKind::Comma));
  if (failed(expect(TokenKind::RSquare, "to end the input shape")))
    return failure();
  model.inputs.push_back(std::move(input));
  return success();
}

// block := 'block' IDENT '(' (param (',' param)*)? ')' '{' statement* '}'
LogicalResult Parser::parseBlock(Model &model) {
  Block block;
  block.loc = token.loc;
  advance();
  FailureOr<std::string> name = parseIdentifier("a block name");
  if (failed(name))
    return failure();
  block.name = *name;
  if (failed(expect(TokenKind::LParen, "after the block name")))
    return failure();
  if (!consumeIf(TokenKind::RParen)) {
    do {
      Parameter param;
      param.loc = token.loc;
      FailureOr<std::string> paramName = parseIdentifier("a parameter name");
      if (failed(paramName))
        return failure();
      param.name = *paramName;
      if (consumeIf(TokenKind::Equal)) {
        FailureOr<ExprPtr> value = parseExpr();
        if (failed(value))
          return failure();
        param.defaultValue = std::move(*value);
      }
      block.params.push_back(std::move(param));
    } while (consumeIf(TokenKind::Comma));
    if (failed(expect(TokenKind::RParen, "to close the parameter list")))
      return failure();
  }
  if (failed(expect(TokenKind::LBrace, "to start the block body")))
    return failure();
  while (!consumeIf(TokenKind::RBrace)) {
    if (token.is(TokenKind::Eof))
      return emitError(token.loc, "expected '}' to close block '" +
                                      block.name + "', found end of file");
    FailureOr<StatementPtr> statement = parseStatement(/*inBlock=*/true);
    if (failed(statement))
      return failure();
    block.body.push_back(std::move(*statement));
  }
  model.blocks.push_back(std::move(block));
  return success();
}

// statement := IDENT '=' expr | 'repeat' expr '{' statement* '}'
//            | 'output' IDENT ('=' expr)?      (model body only)
//            | 'return' expr                   (block body only)
FailureOr<StatementPtr> Parser::parseStatement(bool inBlock) {
  llvm::SMLoc loc = token.loc;
  if (token.is(TokenKind::KwRepeat))
    return parseRepeat(inBlock);
  if (token.is(TokenKind::KwReturn)) {
    if (!inBlock)
      return emitError(loc, "'return' is only allowed inside a block");
    advance();
    auto statement = std::make_unique<Statement>(Statement::Kind::Return, loc);
    FailureOr<ExprPtr> value = parseExpr();
    if (failed(value))
      return failure();
    statement->value = std::move(*value);
    return statement;
  }
  if (token.is(TokenKind::KwOutput)) {
    if (inBlock)
      return emitError(loc, "'output' is only allowed in the model body, "
                            "not inside a block");
    advance();
    auto statement = std::make_unique<Statement>(Statement::Kind::Output, loc);
    statement->nameLoc = token.loc;
    FailureOr<std::string> name = parseIdentifier("an output name");
    if (failed(name))
      return failure();
    statement->name = *name;
    if (consumeIf(TokenKind::Equal)) {
      FailureOr<ExprPtr> value = parseExpr();
      if (failed(value))
        return failure();
      statement->value = std::move(*value);
    }
    return statement;
  }
  if (token.is(TokenKind::KwInput) || token.is(TokenKind::KwBlock))
    return emitError(loc, "'" + token.spelling +
                              "' is only allowed at the top level of the model");
  auto statement = std::make_unique<Statement>(Statement::Kind::Assign, loc);
  statement->nameLoc = loc;
  FailureOr<std::string> name =
      parseIdentifier(inBlock ? "a statement ('NAME = ...', 'repeat' or "
                                "'return')"
                              : "a statement ('NAME = ...', 'input', "
                                "'block', 'repeat' or 'output')");
  if (failed(name))
    return failure();
  statement->name = *name;
  if (failed(expect(TokenKind::Equal, "after '" + *name + "'")))
    return failure();
  FailureOr<ExprPtr> value = parseExpr();
  if (failed(value))
    return failure();
  statement->value = std::move(*value);
  return statement;
}

FailureOr<StatementPtr> Parser::parseRepeat(bool inBlock) {
  DepthGuard guard(*this);
  if (failed(checkDepth()))
    return failure();
  auto statement =
      std::make_unique<Statement>(Statement::Kind::Repeat, token.loc);
  advance();
  FailureOr<ExprPtr> count = parseExpr();
  if (failed(count))
    return failure();
  statement->value = std::move(*count);
  if (failed(expect(TokenKind::LBrace, "to start the repeat body")))
    return failure();
  while (!consumeIf(TokenKind::RBrace)) {
    if (token.is(TokenKind::Eof))
      return emitError(token.loc,
                       "expected '}' to close 'repeat', found end of file");
    if (token.is(TokenKind::KwReturn) || token.is(TokenKind::KwOutput))
      return emitError(token.loc, "'" + token.spelling +
                                      "' is not allowed inside 'repeat'");
    FailureOr<StatementPtr> inner = parseStatement(inBlock);
    if (failed(inner))
      return failure();
    statement->body.push_back(std::move(*inner));
  }
  return statement;
}

// expr := product (('+' | '-') product)*
FailureOr<ExprPtr> Parser::parseExpr() {
  DepthGuard guard(*this);
  if (failed(checkDepth()))
    return failure();
  return parseBinary({TokenKind::Plus, TokenKind::Minus},
                     &Parser::parseProduct);
}

// product := unary (('*' | '/' | '//') unary)*
FailureOr<ExprPtr> Parser::parseProduct() {
  return parseBinary({TokenKind::Star, TokenKind::Slash, TokenKind::SlashSlash},
                     &Parser::parseUnary);
}

/// One left-associative precedence level: operands joined by `operators`.
FailureOr<ExprPtr>
Parser::parseBinary(std::initializer_list<TokenKind> operators,
                    FailureOr<ExprPtr> (Parser::*parseOperand)()) {
  FailureOr<ExprPtr> lhs = (this->*parseOperand)();
  if (failed(lhs))
    return failure();
  while (llvm::is_contained(operators, token.kind)) {
    auto binary = std::make_unique<Expr>(Expr::Kind::Binary, token.loc);
    binary->binaryOp = token.spelling.str();
    advance();
    FailureOr<ExprPtr> rhs = (this->*parseOperand)();
    if (failed(rhs))
      return failure();
    binary->elements.push_back(std::move(*lhs));
    binary->elements.push_back(std::move(*rhs));
    lhs = std::move(binary);
  }
  return lhs;
}

// unary := '-' unary | postfix
FailureOr<ExprPtr> Parser::parseUnary() {
  if (!token.is(TokenKind::Minus))
    return parsePostfix();
  DepthGuard guard(*this);
  if (failed(checkDepth()))
    return failure();
  auto negate = std::make_unique<Expr>(Expr::Kind::Negate, token.loc);
  advance();
  FailureOr<ExprPtr> operand = parseUnary();
  if (failed(operand))
    return failure();
  negate->elements.push_back(std::move(*operand));
  return ExprPtr(std::move(negate));
}

// postfix := primary ('as' path)?
FailureOr<ExprPtr> Parser::parsePostfix() {
  FailureOr<ExprPtr> expr = parsePrimary();
  if (failed(expr))
    return failure();
  if (!token.is(TokenKind::KwAs))
    return expr;
  llvm::SMLoc asLoc = token.loc;
  if ((*expr)->kind != Expr::Kind::Call)
    return emitError(asLoc, "'as' can only name a call");
  if ((*expr)->asPath)
    return emitError(asLoc, "the call is already named with 'as'");
  advance();
  FailureOr<std::string> path = parsePath();
  if (failed(path))
    return failure();
  (*expr)->asPath = *path;
  (*expr)->asLoc = asLoc;
  return expr;
}

// path := segment ('.' segment)*, segment := IDENT | INT
FailureOr<std::string> Parser::parsePath() {
  std::string path;
  do {
    if (!path.empty())
      path += '.';
    if (token.is(TokenKind::Identifier) || token.is(TokenKind::Integer)) {
      path += token.spelling.str();
      advance();
    } else if (token.is(TokenKind::Float) &&
               token.spelling.find_first_not_of("0123456789.") ==
                   llvm::StringRef::npos) {
      // "as 1.2" lexes as one number; as a path it is two segments.
      path += token.spelling.str();
      advance();
    } else {
      return emitUnexpected("a name or an index after 'as'");
    }
  } while (consumeIf(TokenKind::Dot));
  return path;
}

// primary := INT | FLOAT | 'true' | 'false' | '[' (expr (',' expr)*)? ']'
//          | '(' expr ')' | IDENT | IDENT '(' arguments ')'
FailureOr<ExprPtr> Parser::parsePrimary() {
  llvm::SMLoc loc = token.loc;
  switch (token.kind) {
  case TokenKind::Integer: {
    auto expr = std::make_unique<Expr>(Expr::Kind::Integer, loc);
    expr->intValue = token.intValue;
    advance();
    return ExprPtr(std::move(expr));
  }
  case TokenKind::Float: {
    auto expr = std::make_unique<Expr>(Expr::Kind::Float, loc);
    expr->floatValue = token.floatValue;
    advance();
    return ExprPtr(std::move(expr));
  }
  case TokenKind::KwTrue:
  case TokenKind::KwFalse: {
    auto expr = std::make_unique<Expr>(Expr::Kind::Bool, loc);
    expr->boolValue = token.is(TokenKind::KwTrue);
    advance();
    return ExprPtr(std::move(expr));
  }
  case TokenKind::LSquare: {
    auto expr = std::make_unique<Expr>(Expr::Kind::List, loc);
    advance();
    if (!consumeIf(TokenKind::RSquare)) {
      do {
        FailureOr<ExprPtr> element = parseExpr();
        if (failed(element))
          return failure();
        expr->elements.push_back(std::move(*element));
      } while (consumeIf(TokenKind::Comma));
      if (failed(expect(TokenKind::RSquare, "to close the list")))
        return failure();
    }
    return ExprPtr(std::move(expr));
  }
  case TokenKind::LParen: {
    advance();
    FailureOr<ExprPtr> inner = parseExpr();
    if (failed(inner) || failed(expect(TokenKind::RParen, "to close '('")))
      return failure();
    return inner;
  }
  case TokenKind::Identifier:
    break;
  default:
    return emitUnexpected("an expression");
  }

  std::string name = token.spelling.str();
  advance();
  if (!token.is(TokenKind::LParen)) {
    auto expr = std::make_unique<Expr>(Expr::Kind::Name, loc);
    expr->name = std::move(name);
    return ExprPtr(std::move(expr));
  }
  auto call = std::make_unique<Expr>(Expr::Kind::Call, loc);
  call->name = std::move(name);
  advance();
  bool sawNamed = false;
  if (!consumeIf(TokenKind::RParen)) {
    do {
      Argument arg;
      arg.loc = token.loc;
      // A named argument is IDENT '=' ...; anything else is positional.
      if (token.is(TokenKind::Identifier)) {
        Lexer lookahead = lexer;
        if (lookahead.next().is(TokenKind::Equal)) {
          arg.name = token.spelling.str();
          advance();
          advance();
          sawNamed = true;
        }
      }
      if (arg.name.empty() && sawNamed)
        return emitError(arg.loc, "positional argument after a named "
                                  "argument in the call to '" +
                                      call->name + "'");
      FailureOr<ExprPtr> value = parseExpr();
      if (failed(value))
        return failure();
      arg.value = std::move(*value);
      call->args.push_back(std::move(arg));
    } while (consumeIf(TokenKind::Comma));
    if (failed(expect(TokenKind::RParen,
                      "to close the call to '" + call->name + "'")))
      return failure();
  }
  return ExprPtr(std::move(call));
}

FailureOr<Model> inception::parseModel(const SourceLocator &locator) {
  return Parser(locator).parseFile();
}
