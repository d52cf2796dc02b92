//===- LexerTest.cpp - Tokens of the model DSL ----------------------------===//

#include "frontend/Lexer.h"

#include "gtest/gtest.h"
#include <vector>

using namespace inception;

static std::vector<Token> lexAll(llvm::StringRef text) {
  Lexer lexer(text);
  std::vector<Token> tokens;
  do {
    tokens.push_back(lexer.next());
  } while (!tokens.back().is(TokenKind::Eof) &&
           !tokens.back().is(TokenKind::Error));
  return tokens;
}

TEST(Lexer, KeywordsIdentifiersAndPunctuation) {
  auto tokens = lexAll("model m { x = conv2d(y, 64, kernel = [1, 7]) as a.0 }");
  std::vector<TokenKind> kinds;
  for (const Token &token : tokens)
    kinds.push_back(token.kind);
  std::vector<TokenKind> expected = {
      TokenKind::KwModel,    TokenKind::Identifier, TokenKind::LBrace,
      TokenKind::Identifier, TokenKind::Equal,      TokenKind::Identifier,
      TokenKind::LParen,     TokenKind::Identifier, TokenKind::Comma,
      TokenKind::Integer,    TokenKind::Comma,      TokenKind::Identifier,
      TokenKind::Equal,      TokenKind::LSquare,    TokenKind::Integer,
      TokenKind::Comma,      TokenKind::Integer,    TokenKind::RSquare,
      TokenKind::RParen,     TokenKind::KwAs,       TokenKind::Identifier,
      TokenKind::Dot,        TokenKind::Integer,    TokenKind::RBrace,
      TokenKind::Eof};
  EXPECT_EQ(kinds, expected);
}

TEST(Lexer, CommentsRunToEndOfLine) {
  auto tokens = lexAll("# a comment ( { \nx # another\n");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].spelling, "x");
  EXPECT_TRUE(tokens[1].is(TokenKind::Eof));
}

TEST(Lexer, Numbers) {
  auto tokens = lexAll("0 42 1.5 1e-3 2.5E+2 9223372036854775807");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].intValue, 0);
  EXPECT_EQ(tokens[1].intValue, 42);
  EXPECT_TRUE(tokens[2].is(TokenKind::Float));
  EXPECT_DOUBLE_EQ(tokens[2].floatValue, 1.5);
  EXPECT_DOUBLE_EQ(tokens[3].floatValue, 1e-3);
  EXPECT_DOUBLE_EQ(tokens[4].floatValue, 250.0);
  EXPECT_EQ(tokens[5].intValue, INT64_MAX);
}

TEST(Lexer, PathSegmentAfterIntegerIsNotAFloat) {
  auto tokens = lexAll("1.conv");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_TRUE(tokens[0].is(TokenKind::Integer));
  EXPECT_TRUE(tokens[1].is(TokenKind::Dot));
  EXPECT_TRUE(tokens[2].is(TokenKind::Identifier));
}

TEST(Lexer, IntegerOverflowIsAnError) {
  auto tokens = lexAll("9223372036854775808");
  ASSERT_TRUE(tokens.back().is(TokenKind::Error));
  EXPECT_NE(tokens.back().message.find("does not fit in 64 bits"),
            std::string::npos);
}

TEST(Lexer, FloatOverflowIsAnError) {
  auto tokens = lexAll("1e999");
  ASSERT_TRUE(tokens.back().is(TokenKind::Error));
  EXPECT_NE(tokens.back().message.find("too large"), std::string::npos);
}

TEST(Lexer, MalformedNumberIsAnError) {
  auto tokens = lexAll("12abc");
  ASSERT_TRUE(tokens.back().is(TokenKind::Error));
  EXPECT_EQ(tokens.back().message, "invalid number '12abc'");
}

TEST(Lexer, UnexpectedCharacters) {
  auto tokens = lexAll("x = @");
  ASSERT_TRUE(tokens.back().is(TokenKind::Error));
  EXPECT_EQ(tokens.back().message, "unexpected character '@'");
  std::string withNul("x \0", 3);
  tokens = lexAll(withNul);
  ASSERT_TRUE(tokens.back().is(TokenKind::Error));
  EXPECT_EQ(tokens.back().message, "unexpected character byte 0x0");
}

TEST(Lexer, LocationsPointIntoTheBuffer) {
  llvm::StringRef text = "model  m";
  auto tokens = lexAll(text);
  EXPECT_EQ(tokens[1].loc.getPointer(), text.data() + 7);
}
