//===- ParserTest.cpp - Syntax of the model DSL ---------------------------===//

#include "frontend/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace inception;

namespace {
/// Parses `text` and records the diagnostics it produces.
struct ParseResult {
  mlir::FailureOr<ast::Model> model = mlir::failure();
  std::vector<std::string> errors;
  std::vector<std::pair<unsigned, unsigned>> lineColumns;
};

ParseResult parse(llvm::StringRef text) {
  mlir::MLIRContext context;
  llvm::SourceMgr sourceMgr;
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, "test.inception"),
      llvm::SMLoc());
  ParseResult result;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    result.errors.push_back(d.str());
    auto loc = mlir::cast<mlir::FileLineColLoc>(d.getLocation());
    result.lineColumns.emplace_back(loc.getLine(), loc.getColumn());
    return mlir::success();
  });
  SourceLocator locator(sourceMgr, id, &context);
  result.model = parseModel(locator);
  return result;
}
} // namespace

TEST(Parser, ModelWithInputsBlocksAndStatements) {
  ParseResult result = parse(R"(
model net {
  input image: f32[1, 3, 8, 8]
  block unit(x, out, k = 3) {
    c = conv2d(x, out, kernel = k, pad = k / 2)
    return relu(c)
  }
  a = unit(image, 4) as first
  repeat 2 {
    a = unit(a, 4, k = 1)
  }
  output logits = flatten(global_avg_pool(a))
}
)");
  ASSERT_TRUE(succeeded(result.model)) << result.errors.front();
  const ast::Model &model = *result.model;
  EXPECT_EQ(model.name, "net");
  ASSERT_EQ(model.inputs.size(), 1u);
  EXPECT_EQ(model.inputs[0].shape, (std::vector<int64_t>{1, 3, 8, 8}));
  ASSERT_EQ(model.blocks.size(), 1u);
  ASSERT_EQ(model.blocks[0].params.size(), 3u);
  EXPECT_EQ(model.blocks[0].params[2].name, "k");
  EXPECT_NE(model.blocks[0].params[2].defaultValue, nullptr);
  ASSERT_EQ(model.body.size(), 3u);
  EXPECT_EQ(model.body[0]->kind, ast::Statement::Kind::Assign);
  EXPECT_EQ(model.body[0]->value->asPath, std::optional<std::string>("first"));
  EXPECT_EQ(model.body[1]->kind, ast::Statement::Kind::Repeat);
  EXPECT_EQ(model.body[1]->body.size(), 1u);
  EXPECT_EQ(model.body[2]->kind, ast::Statement::Kind::Output);
  const ast::Argument &named = model.body[1]->body[0]->value->args[2];
  EXPECT_EQ(named.name, "k");
}

TEST(Parser, OperatorPrecedence) {
  ParseResult result = parse("model m { x = 1 + 2 * 3 - -4 }");
  ASSERT_TRUE(succeeded(result.model));
  const ast::Expr &expr = *result.model->body[0]->value;
  // ((1 + (2 * 3)) - (-4))
  ASSERT_EQ(expr.kind, ast::Expr::Kind::Binary);
  EXPECT_EQ(expr.binaryOp, "-");
  EXPECT_EQ(expr.elements[1]->kind, ast::Expr::Kind::Negate);
  EXPECT_EQ(expr.elements[0]->binaryOp, "+");
  EXPECT_EQ(expr.elements[0]->elements[1]->binaryOp, "*");
}

TEST(Parser, DottedIndexPaths) {
  ParseResult result = parse("model m { x = f(y) as 1.2.conv }");
  ASSERT_TRUE(succeeded(result.model));
  EXPECT_EQ(*result.model->body[0]->value->asPath, "1.2.conv");
}

struct ErrorCase {
  const char *source;
  const char *message;
  unsigned line, column;
};

class ParserErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrors, ReportsAtLocation) {
  const ErrorCase &c = GetParam();
  ParseResult result = parse(c.source);
  EXPECT_TRUE(failed(result.model));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], c.message);
  EXPECT_EQ(result.lineColumns[0], std::make_pair(c.line, c.column));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParserErrors,
    testing::Values(
        ErrorCase{"", "expected 'model' at the start of the file, found end of file", 1, 1},
        ErrorCase{"model {", "expected a model name, found '{'", 1, 7},
        ErrorCase{"model m {\n  x = 1\n", "expected '}' to close model 'm', found end of file", 3, 1},
        ErrorCase{"model m { x = }", "expected an expression, found '}'", 1, 15},
        ErrorCase{"model m { x = f(1, }", "expected an expression, found '}'", 1, 20},
        ErrorCase{"model m { x = f(a = 1, 2) }", "positional argument after a named argument in the call to 'f'", 1, 24},
        ErrorCase{"model m { x = 3 as y }", "'as' can only name a call", 1, 17},
        ErrorCase{"model m { return x }", "'return' is only allowed inside a block", 1, 11},
        ErrorCase{"model m { block b() { output y = x } }", "'output' is only allowed in the model body, not inside a block", 1, 23},
        ErrorCase{"model m { input x: f32[1, a] }", "expected an integer extent in the input shape, found 'a'", 1, 27},
        ErrorCase{"model m { model = 1 }", "'model' is a keyword and cannot be used as a statement ('NAME = ...', 'input', 'block', 'repeat' or 'output')", 1, 11},
        ErrorCase{"model m { x = 99999999999999999999 }", "integer '99999999999999999999' does not fit in 64 bits", 1, 15},
        ErrorCase{"model m { x = [1, 2 }", "expected ']' to close the list, found '}'", 1, 21},
        ErrorCase{"model m { repeat 2 { output y } }", "'output' is not allowed inside 'repeat'", 1, 22},
        ErrorCase{"model m { } trailing", "expected end of file after the model, found 'trailing'", 1, 13}));

TEST(Parser, DeepNestingIsRejectedNotACrash) {
  std::string text = "model m { x = " + std::string(100000, '(') + "1" +
                     std::string(100000, ')') + " }";
  ParseResult result = parse(text);
  EXPECT_TRUE(failed(result.model));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "nesting is deeper than 200 levels");
}

TEST(Parser, DeepNegationIsRejectedNotACrash) {
  std::string text = "model m { x = " + std::string(100000, '-') + "1 }";
  ParseResult result = parse(text);
  EXPECT_TRUE(failed(result.model));
  EXPECT_EQ(result.errors.at(0), "nesting is deeper than 200 levels");
}
