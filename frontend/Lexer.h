//===- Lexer.h - Tokens of the Inception model DSL --------------*- C++ -*-===//

#ifndef INCEPTION_FRONTEND_LEXER_H
#define INCEPTION_FRONTEND_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include <cstdint>
#include <string>

namespace inception {

enum class TokenKind {
  Eof,
  Error, // a malformed token; its text holds the message
  Identifier,
  Integer,
  Float,
  // Keywords.
  KwModel, KwInput, KwOutput, KwBlock, KwReturn, KwRepeat, KwAs, KwTrue,
  KwFalse,
  // Punctuation.
  LParen, RParen, LBrace, RBrace, LSquare, RSquare, Comma, Equal, Colon, Dot,
  Plus, Minus, Star, Slash, SlashSlash,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  llvm::StringRef spelling; // the characters of the token in the source
  llvm::SMLoc loc;
  int64_t intValue = 0;
  double floatValue = 0.0;
  std::string message; // for TokenKind::Error

  bool is(TokenKind k) const { return kind == k; }
};

/// Describes a token kind for diagnostics ("'{'", "an identifier").
llvm::StringRef describe(TokenKind kind);

/// Splits a model source into tokens. Comments run from '#' to the end of
/// the line. Integer literals that do not fit in 64 bits and floating-point
/// literals that overflow are returned as error tokens, never clamped.
class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer)
      : buffer(buffer), cursor(buffer.begin()) {}

  Token next();

private:
  Token make(TokenKind kind, const char *start);
  Token error(const char *start, std::string message);
  Token lexNumber(const char *start);
  Token lexIdentifier(const char *start);

  llvm::StringRef buffer;
  const char *cursor;
};

} // namespace inception

#endif // INCEPTION_FRONTEND_LEXER_H
