//===- Lexer.cpp - Tokens of the Inception model DSL ----------------------===//

#include "frontend/Lexer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace inception;

llvm::StringRef inception::describe(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof: return "end of file";
  case TokenKind::Error: return "an invalid token";
  case TokenKind::Identifier: return "an identifier";
  case TokenKind::Integer: return "an integer";
  case TokenKind::Float: return "a number";
  case TokenKind::KwModel: return "'model'";
  case TokenKind::KwInput: return "'input'";
  case TokenKind::KwOutput: return "'output'";
  case TokenKind::KwBlock: return "'block'";
  case TokenKind::KwReturn: return "'return'";
  case TokenKind::KwRepeat: return "'repeat'";
  case TokenKind::KwAs: return "'as'";
  case TokenKind::KwTrue: return "'true'";
  case TokenKind::KwFalse: return "'false'";
  case TokenKind::LParen: return "'('";
  case TokenKind::RParen: return "')'";
  case TokenKind::LBrace: return "'{'";
  case TokenKind::RBrace: return "'}'";
  case TokenKind::LSquare: return "'['";
  case TokenKind::RSquare: return "']'";
  case TokenKind::Comma: return "','";
  case TokenKind::Equal: return "'='";
  case TokenKind::Colon: return "':'";
  case TokenKind::Dot: return "'.'";
  case TokenKind::Plus: return "'+'";
  case TokenKind::Minus: return "'-'";
  case TokenKind::Star: return "'*'";
  case TokenKind::Slash: return "'/'";
  case TokenKind::SlashSlash: return "'//'";
  }
  return "a token";
}

Token Lexer::make(TokenKind kind, const char *start) {
  Token token;
  token.kind = kind;
  token.spelling = llvm::StringRef(start, cursor - start);
  token.loc = llvm::SMLoc::getFromPointer(start);
  return token;
}

Token Lexer::error(const char *start, std::string message) {
  Token token = make(TokenKind::Error, start);
  token.message = std::move(message);
  return token;
}

static bool isIdentifierStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
static bool isIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
static bool isDigit(char c) { return c >= '0' && c <= '9'; }

Token Lexer::next() {
  const char *end = buffer.end();
  // Skip whitespace and comments.
  while (cursor != end) {
    char c = *cursor;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++cursor;
    } else if (c == '#') {
      while (cursor != end && *cursor != '\n')
        ++cursor;
    } else {
      break;
    }
  }
  const char *start = cursor;
  if (cursor == end)
    return make(TokenKind::Eof, start);

  char c = *cursor++;
  switch (c) {
  case '(': return make(TokenKind::LParen, start);
  case ')': return make(TokenKind::RParen, start);
  case '{': return make(TokenKind::LBrace, start);
  case '}': return make(TokenKind::RBrace, start);
  case '[': return make(TokenKind::LSquare, start);
  case ']': return make(TokenKind::RSquare, start);
  case ',': return make(TokenKind::Comma, start);
  case '=': return make(TokenKind::Equal, start);
  case ':': return make(TokenKind::Colon, start);
  case '.': return make(TokenKind::Dot, start);
  case '+': return make(TokenKind::Plus, start);
  case '-': return make(TokenKind::Minus, start);
  case '*': return make(TokenKind::Star, start);
  case '/':
    if (cursor != buffer.end() && *cursor == '/') {
      ++cursor;
      return make(TokenKind::SlashSlash, start);
    }
    return make(TokenKind::Slash, start);
  default: break;
  }
  if (isDigit(c))
    return lexNumber(start);
  if (isIdentifierStart(c))
    return lexIdentifier(start);
  std::string shown;
  if (std::isprint(static_cast<unsigned char>(c)))
    shown = std::string("'") + c + "'";
  else
    shown = "byte 0x" + llvm::utohexstr(static_cast<unsigned char>(c), true);
  return error(start, "unexpected character " + shown);
}

Token Lexer::lexNumber(const char *start) {
  const char *end = buffer.end();
  while (cursor != end && isDigit(*cursor))
    ++cursor;
  bool isFloat = false;
  // "1.5" is a number, "1.conv" is the path segment 1 followed by '.'.
  if (cursor + 1 < end && *cursor == '.' && isDigit(cursor[1])) {
    isFloat = true;
    ++cursor;
    while (cursor != end && isDigit(*cursor))
      ++cursor;
  }
  if (cursor != end && (*cursor == 'e' || *cursor == 'E')) {
    const char *exponent = cursor + 1;
    if (exponent != end && (*exponent == '+' || *exponent == '-'))
      ++exponent;
    if (exponent != end && isDigit(*exponent)) {
      isFloat = true;
      cursor = exponent;
      while (cursor != end && isDigit(*cursor))
        ++cursor;
    }
  }
  if (cursor != end && isIdentifierChar(*cursor)) {
    while (cursor != end && isIdentifierChar(*cursor))
      ++cursor;
    return error(start, "invalid number '" +
                            std::string(start, cursor - start) + "'");
  }
  Token token = make(isFloat ? TokenKind::Float : TokenKind::Integer, start);
  std::string text = token.spelling.str();
  if (isFloat) {
    errno = 0;
    token.floatValue = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(token.floatValue))
      return error(start, "number '" + text + "' is too large");
    return token;
  }
  uint64_t value = 0;
  for (char digit : text) {
    if (value > (uint64_t(INT64_MAX) - (digit - '0')) / 10)
      return error(start, "integer '" + text + "' does not fit in 64 bits");
    value = value * 10 + (digit - '0');
  }
  token.intValue = static_cast<int64_t>(value);
  return token;
}

Token Lexer::lexIdentifier(const char *start) {
  const char *end = buffer.end();
  while (cursor != end && isIdentifierChar(*cursor))
    ++cursor;
  llvm::StringRef text(start, cursor - start);
  TokenKind kind = llvm::StringSwitch<TokenKind>(text)
                       .Case("model", TokenKind::KwModel)
                       .Case("input", TokenKind::KwInput)
                       .Case("output", TokenKind::KwOutput)
                       .Case("block", TokenKind::KwBlock)
                       .Case("return", TokenKind::KwReturn)
                       .Case("repeat", TokenKind::KwRepeat)
                       .Case("as", TokenKind::KwAs)
                       .Case("true", TokenKind::KwTrue)
                       .Case("false", TokenKind::KwFalse)
                       .Default(TokenKind::Identifier);
  return make(kind, start);
}
