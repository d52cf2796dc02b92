//===- ModelWriter.h - Imported statements as a model file ------*- C++ -*-===//
//
// The importer's output before it is text: one statement per op, each an
// expression of tokens (so that references and literal arguments can be
// renamed and abstracted) with the parameters it owns. writeModel renders
// them in the model language; runs of statements that an exporter scoped
// alike (PyTorch's module paths in node names) and that have the same
// structure become one `block` called once per run, as models/ writes an
// Inception module once.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_ONNX_MODELWRITER_H
#define INCEPTION_FRONTEND_ONNX_MODELWRITER_H

#include "frontend/onnx/OnnxImporter.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace inception {

/// A piece of an expression.
struct Token {
  enum Kind {
    Text,    // spelled as is
    Ref,     // the value of the statement (or input) named `text`
    Literal, // a constant argument `argName` of the op, spelled `text`
  };
  Kind kind;
  std::string text;
  std::string argName;
};

/// An expression in the model language, built from tokens.
class Expr {
public:
  Expr &operator<<(llvm::StringRef text) {
    tokens.push_back({Token::Text, text.str(), ""});
    return *this;
  }
  Expr &ref(llvm::StringRef name) {
    tokens.push_back({Token::Ref, name.str(), ""});
    return *this;
  }
  Expr &literal(llvm::StringRef argName, llvm::StringRef spelling) {
    tokens.push_back({Token::Literal, spelling.str(), argName.str()});
    return *this;
  }
  /// `, NAME = VALUE`.
  Expr &named(llvm::StringRef argName, llvm::StringRef spelling) {
    *this << ", " + argName.str() + " = ";
    return literal(argName, spelling);
  }
  const std::vector<Token> &getTokens() const { return tokens; }

private:
  std::vector<Token> tokens;
};

/// A parameter a statement's op owns, keyed `<op path>.<suffix>`.
struct StatementWeight {
  std::string suffix;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

struct Statement {
  /// Unique among the statements and inputs.
  std::string name;
  /// The exporter's scope of the node ("/inception_3a/branch1/conv/Conv":
  /// inception_3a, branch1, conv); empty when the node name has none.
  std::vector<std::string> scope;
  /// The ONNX op type in lower case ("concat"): the statement's name inside
  /// a block where its own name is the block's.
  std::string kind;
  Expr expr;
  std::vector<StatementWeight> weights;
};

struct ModelDescription {
  /// Comment lines before the model.
  std::string header;
  std::string modelName;
  std::string inputName;
  std::vector<int64_t> inputShape;
  std::vector<Statement> statements;
  std::string outputName;
  /// The statement (or input) whose value is the output.
  std::string outputValue;
};

/// `text` as an identifier of the model language: other characters become
/// '_' (runs of them one), a leading digit gets a 'v', a reserved word a
/// trailing '_'.
std::string identifierFor(llvm::StringRef text);
bool isReservedWord(llvm::StringRef name);

/// Renders `model` in the model language, with blocks for repeated scopes,
/// and its weights under the keys the rendered ops give them.
ImportedModel writeModel(ModelDescription model);

} // namespace inception

#endif // INCEPTION_FRONTEND_ONNX_MODELWRITER_H
