//===- ModelBuilderImpl.h - The model elaborator, privately -----*- C++ -*-===//
//
// Shared by ModelBuilder.cpp (scopes, statements, expressions, blocks) and
// BuiltinOps.cpp (one function per built-in op); not installed.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_FRONTEND_MODELBUILDERIMPL_H
#define INCEPTION_FRONTEND_MODELBUILDERIMPL_H

#include "frontend/ModelBuilder.h"
#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include <functional>

namespace inception::detail {

using namespace mlir;
using mlir::inception::formatShape;
using mlir::inception::Shape;
namespace dialect = mlir::inception;


/// A value of the DSL.
struct RtValue {
  enum class Kind { Tensor, Int, Float, Bool, List } kind = Kind::Int;
  Value tensor;
  int64_t intValue = 0;
  double floatValue = 0.0;
  bool boolValue = false;
  std::vector<RtValue> list;

  static RtValue ofTensor(Value v) { RtValue r; r.kind = Kind::Tensor; r.tensor = v; return r; }
  static RtValue ofInt(int64_t v) { RtValue r; r.kind = Kind::Int; r.intValue = v; return r; }
  static RtValue ofFloat(double v) { RtValue r; r.kind = Kind::Float; r.floatValue = v; return r; }
  static RtValue ofBool(bool v) { RtValue r; r.kind = Kind::Bool; r.boolValue = v; return r; }
};

inline std::string describe(const RtValue &value) {
  switch (value.kind) {
  case RtValue::Kind::Tensor: {
    auto type = cast<RankedTensorType>(value.tensor.getType());
    return "a tensor of shape " + formatShape(type.getShape());
  }
  case RtValue::Kind::Int: return "the integer " + std::to_string(value.intValue);
  case RtValue::Kind::Float: return "a number";
  case RtValue::Kind::Bool: return value.boolValue ? "true" : "false";
  case RtValue::Kind::List: return "a list";
  }
  return "a value";
}

struct Binding {
  RtValue value;
  llvm::SMLoc loc;
};

/// The names visible in one block call (or the model body); each unrolled
/// repeat iteration is a child scope that may rebind its parents' names.
struct Scope {
  Scope *parent = nullptr;
  std::string prefix; // name path of the block call; empty in the model body
  SmallVector<int64_t> repeatIndices;
  llvm::StringMap<Binding> names;

  Binding *lookup(llvm::StringRef name) {
    for (Scope *scope = this; scope; scope = scope->parent) {
      auto it = scope->names.find(name);
      if (it != scope->names.end())
        return &it->second;
    }
    return nullptr;
  }
};

inline std::string joinPath(llvm::StringRef prefix, llvm::StringRef name) {
  if (prefix.empty())
    return name.str();
  return (prefix + "." + name).str();
}

/// The evaluated arguments of a built-in op call, with typed accessors that
/// report errors naming the op and the argument.
class BuiltinArgs {
public:
  BuiltinArgs(llvm::StringRef op, llvm::SMLoc callLoc,
              std::function<Location(llvm::SMLoc)> here)
      : op(op), callLoc(callLoc), here(std::move(here)) {}

  void set(llvm::StringRef name, RtValue value, llvm::SMLoc loc) {
    values[name] = {std::move(value), loc};
  }
  bool has(llvm::StringRef name) const { return values.count(name); }
  InFlightDiagnostic error(llvm::StringRef name) const {
    auto it = values.find(name);
    return emitError(here(it == values.end() ? callLoc : it->second.second))
           << op << ": argument '" << name << "' ";
  }

  FailureOr<Value> tensor(llvm::StringRef name) const {
    const RtValue &value = get(name);
    if (value.kind != RtValue::Kind::Tensor)
      return error(name) << "must be a tensor, got " << describe(value);
    return value.tensor;
  }
  FailureOr<int64_t> integer(llvm::StringRef name, int64_t min,
                             std::optional<int64_t> fallback = {}) const {
    if (!has(name) && fallback)
      return *fallback;
    const RtValue &value = get(name);
    if (value.kind != RtValue::Kind::Int)
      return error(name) << "must be an integer, got " << describe(value);
    if (value.intValue < min || value.intValue > dialect::kMaxExtent)
      return error(name) << "must be in [" << min << ", "
                         << dialect::kMaxExtent << "], got " << value.intValue;
    return value.intValue;
  }
  FailureOr<double> number(llvm::StringRef name, double fallback) const {
    if (!has(name))
      return fallback;
    const RtValue &value = get(name);
    if (value.kind == RtValue::Kind::Int)
      return double(value.intValue);
    if (value.kind != RtValue::Kind::Float)
      return error(name) << "must be a number, got " << describe(value);
    return value.floatValue;
  }
  FailureOr<bool> boolean(llvm::StringRef name, bool fallback) const {
    if (!has(name))
      return fallback;
    const RtValue &value = get(name);
    if (value.kind != RtValue::Kind::Bool)
      return error(name) << "must be true or false, got " << describe(value);
    return value.boolValue;
  }
  /// An integer or a list of integers of one of the `sizes`; an integer `v`
  /// stands for `sizes[0]` copies of it.
  FailureOr<Shape> integers(llvm::StringRef name, ArrayRef<size_t> sizes,
                            int64_t min) const {
    const RtValue &value = get(name);
    Shape result;
    if (value.kind == RtValue::Kind::Int) {
      result.assign(sizes[0], value.intValue);
    } else if (value.kind == RtValue::Kind::List) {
      for (const RtValue &element : value.list) {
        if (element.kind != RtValue::Kind::Int)
          return error(name) << "must be a list of integers, got a list "
                             << "holding " << describe(element);
        result.push_back(element.intValue);
      }
      if (!llvm::is_contained(sizes, result.size())) {
        InFlightDiagnostic diag = error(name);
        diag << "must be an integer or a list of ";
        llvm::interleave(sizes, diag, " or ");
        return diag << " integers, got " << result.size();
      }
    } else {
      return error(name) << "must be an integer or a list, got "
                         << describe(value);
    }
    for (int64_t v : result)
      if (v < min || v > dialect::kMaxExtent)
        return error(name) << "values must be in [" << min << ", "
                           << dialect::kMaxExtent << "], got "
                           << formatShape(result);
    return result;
  }
  /// PyTorch's padding forms: p, [h, w], or the explicit [top, left, bottom,
  /// right]; the result is always the explicit form.
  FailureOr<Shape> padding(llvm::StringRef name) const {
    if (!has(name))
      return Shape{0, 0, 0, 0};
    FailureOr<Shape> values = integers(name, {4, 2}, 0);
    if (failed(values))
      return failure();
    if (values->size() == 2)
      return Shape{(*values)[0], (*values)[1], (*values)[0], (*values)[1]};
    return values;
  }

private:
  const RtValue &get(llvm::StringRef name) const {
    return values.find(name)->second.first; // bound by the caller's spec
  }

  std::string op;
  llvm::SMLoc callLoc;
  std::function<Location(llvm::SMLoc)> here;
  llvm::StringMap<std::pair<RtValue, llvm::SMLoc>> values;
};

/// One parameter of a built-in op: a name, and whether it must be given.
struct ArgSpec {
  const char *name;
  bool required;
};

class ModelBuilder {
public:
  ModelBuilder(const SourceLocator &locator, WeightProvider &weights,
               const BuildOptions &options)
      : locator(locator), weights(weights), options(options),
        context(locator.getContext()), builder(context) {}

  FailureOr<OwningOpRef<ModuleOp>> build(const ast::Model &model);

private:
  Location here(llvm::SMLoc loc) const {
    Location fileLoc = locator.get(loc);
    if (frames.empty())
      return fileLoc;
    return CallSiteLoc::get(fileLoc, frames.back().callLoc);
  }
  InFlightDiagnostic emitError(llvm::SMLoc loc) const {
    return mlir::emitError(here(loc));
  }
  LogicalResult countOp(llvm::SMLoc loc);

  LogicalResult execute(const std::vector<ast::StatementPtr> &statements,
                        Scope &scope, std::optional<RtValue> *returned);
  LogicalResult assign(Scope &scope, llvm::StringRef name, RtValue value,
                       llvm::SMLoc loc);
  LogicalResult executeRepeat(const ast::Statement &statement, Scope &scope);
  std::string statementPath(const Scope &scope, llvm::StringRef name) const;

  FailureOr<RtValue> eval(const ast::Expr &expr, Scope &scope,
                          llvm::StringRef path);
  FailureOr<RtValue> evalBinary(const ast::Expr &expr, Scope &scope,
                                llvm::StringRef path);
  FailureOr<RtValue> evalCall(const ast::Expr &call, Scope &scope,
                              llvm::StringRef path);
  FailureOr<RtValue> callBlock(const ast::Block &block, const ast::Expr &call,
                               Scope &scope, llvm::StringRef path,
                               llvm::StringRef callPath);
  FailureOr<RtValue> callBuiltin(const ast::Expr &call, Scope &scope,
                                 llvm::StringRef path, llvm::StringRef opPath);
  FailureOr<BuiltinArgs> bindBuiltinArgs(const ast::Expr &call, Scope &scope,
                                         llvm::StringRef path,
                                         ArrayRef<ArgSpec> specs);

  /// A parameter constant `opPath.name` of `shape`.
  Value param(llvm::StringRef opPath, llvm::StringRef name,
              ArrayRef<int64_t> shape, Type elementType, ParamRole role,
              Location loc, llvm::SMLoc sourceLoc);

  // The built-in ops, one function each.
  using BuiltinFn = FailureOr<RtValue> (ModelBuilder::*)(
      const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  static const llvm::StringMap<BuiltinFn> &builtins();
  FailureOr<RtValue> buildConv2d(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildBatchNorm(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildRelu(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildClip(const ast::Expr &, Scope &, llvm::StringRef,
                               llvm::StringRef);
  FailureOr<RtValue> buildParameter(const ast::Expr &, Scope &, llvm::StringRef,
                                    llvm::StringRef);
  FailureOr<RtValue> buildMaxPool(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildAvgPool(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildGlobalAvgPool(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildLrn(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildConcat(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildAdd(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildScale(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildDense(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildFlatten(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildSoftmax(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);
  FailureOr<RtValue> buildDropout(const ast::Expr &, Scope &, llvm::StringRef, llvm::StringRef);

  /// An op whose only argument is the input tensor, shaped by `rule`.
  using ShapeRule =
      function_ref<FailureOr<Shape>(dialect::EmitErrorFn, ArrayRef<int64_t>)>;
  template <typename OpTy>
  FailureOr<RtValue> buildSingleInput(const ast::Expr &call, Scope &scope,
                                      llvm::StringRef path,
                                      llvm::StringRef opPath, ShapeRule rule);

  /// The checked arguments of max_pool and avg_pool, and the result shape.
  struct PoolArgs {
    Value input;
    Shape kernel, stride, pad;
    bool ceil;
    bool countIncludePad;
    Shape result;
  };
  FailureOr<PoolArgs> bindPoolArgs(const ast::Expr &call, Scope &scope,
                                   llvm::StringRef path, bool average);

  /// Runs a shape rule with errors reported at the call as "op: message".
  template <typename Fn>
  FailureOr<Shape> inferShape(const ast::Expr &call, Fn &&rule) {
    auto emit = [&]() {
      return emitError(call.loc) << call.name << ": ";
    };
    FailureOr<Shape> shape = rule(function_ref<InFlightDiagnostic()>(emit));
    // A result is held to the limits of an input: it is the next op's.
    if (succeeded(shape) &&
        failed(mlir::inception::verifyStaticShape(emit, "result", *shape)))
      return failure();
    return shape;
  }
  Location opLoc(const ast::Expr &call, llvm::StringRef opPath) const {
    return NameLoc::get(StringAttr::get(context, opPath), here(call.loc));
  }

  struct Frame {
    const ast::Block *block;
    Location callLoc;
  };

  const SourceLocator &locator;
  WeightProvider &weights;
  const BuildOptions &options;
  MLIRContext *context;
  OpBuilder builder;
  llvm::StringMap<const ast::Block *> blocks;
  SmallVector<Frame> frames;
  llvm::StringMap<Location> paramOwners;
  int64_t weightErrors = 0;
  int64_t opCount = 0;
};

} // namespace inception::detail

#endif // INCEPTION_FRONTEND_MODELBUILDERIMPL_H
