//===- ModelBuilder.cpp - Elaborate a parsed model into MLIR --------------===//
//
// Evaluates the model body like a small interpreter: blocks are expanded at
// each call, `repeat` bodies are unrolled, and every call of a built-in op
// becomes one inception op. Values are tensors (MLIR values), numbers,
// booleans and lists. The name path of each op is the statement's name
// inside its block call (see docs/dsl.md, "Names"), and it is also the prefix
// of the op's parameter keys.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilder.h"
#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include <cmath>
#include <functional>

using namespace inception;
using namespace mlir;
using mlir::inception::formatShape;
using mlir::inception::Shape;
namespace dialect = mlir::inception;

namespace {

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

std::string describe(const RtValue &value) {
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

std::string joinPath(llvm::StringRef prefix, llvm::StringRef name) {
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

  /// Runs a shape rule with errors reported at the call as "op: message".
  template <typename Fn>
  FailureOr<Shape> inferShape(const ast::Expr &call, Fn &&rule) {
    auto emit = [&]() {
      return emitError(call.loc) << call.name << ": ";
    };
    return rule(function_ref<InFlightDiagnostic()>(emit));
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

} // namespace

//===----------------------------------------------------------------------===//
// Model, statements and scopes
//===----------------------------------------------------------------------===//

FailureOr<OwningOpRef<ModuleOp>> ModelBuilder::build(const ast::Model &model) {
  context->loadDialect<dialect::InceptionDialect, arith::ArithDialect,
                       func::FuncDialect>();
  for (const ast::Block &block : model.blocks) {
    if (builtins().count(block.name))
      return emitError(block.loc) << "block '" << block.name
                                  << "' has the name of a built-in op",
             failure();
    auto [it, inserted] = blocks.try_emplace(block.name, &block);
    if (!inserted) {
      emitError(block.loc) << "block '" << block.name << "' is defined twice";
      mlir::emitRemark(here(it->second->loc)) << "first definition is here";
      return failure();
    }
    llvm::StringSet<> params;
    for (const ast::Parameter &param : block.params)
      if (!params.insert(param.name).second)
        return emitError(param.loc) << "parameter '" << param.name
                                    << "' of block '" << block.name
                                    << "' is declared twice",
               failure();
  }

  Location modelLoc = here(model.loc);
  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc, model.name);
  builder.setInsertionPointToEnd(module->getBody());

  Scope scope;
  SmallVector<Type> inputTypes;
  for (const ast::Input &input : model.inputs) {
    if (input.elementType != "f32")
      return emitError(input.loc) << "input '" << input.name
                                  << "' has element type '"
                                  << input.elementType
                                  << "'; only f32 is supported",
             failure();
    Shape shape(input.shape.begin(), input.shape.end());
    if (options.batch && !shape.empty())
      shape[0] = *options.batch;
    auto emit = [&]() { return emitError(input.loc); };
    if (failed(dialect::verifyStaticShape(emit, "input '" + input.name + "'",
                                          shape)))
      return failure();
    inputTypes.push_back(RankedTensorType::get(shape, builder.getF32Type()));
  }
  if (model.inputs.empty())
    return emitError(model.loc) << "model '" << model.name
                                << "' declares no input",
           failure();

  auto function = func::FuncOp::create(
      builder, modelLoc, model.name, builder.getFunctionType(inputTypes, {}));
  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  for (auto [index, input] : llvm::enumerate(model.inputs)) {
    function.setArgAttr(index, "inception.name",
                        builder.getStringAttr(input.name));
    if (failed(assign(scope, input.name,
                      RtValue::ofTensor(entry->getArgument(index)), input.loc)))
      return failure();
  }

  if (failed(execute(model.body, scope, /*returned=*/nullptr)))
    return failure();

  // Outputs, in declaration order.
  SmallVector<Value> results;
  SmallVector<std::string> resultNames;
  llvm::StringSet<> outputNames;
  for (const ast::StatementPtr &statement : model.body) {
    if (statement->kind != ast::Statement::Kind::Output)
      continue;
    results.push_back(scope.lookup(statement->name)->value.tensor);
    resultNames.push_back(statement->name);
  }
  if (results.empty())
    return emitError(model.loc) << "model '" << model.name
                                << "' declares no output",
           failure();
  func::ReturnOp::create(builder, modelLoc, results);
  function.setType(builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [index, name] : llvm::enumerate(resultNames))
    function.setResultAttr(index, "inception.name", builder.getStringAttr(name));

  if (weightErrors > kMaxWeightErrors)
    mlir::emitError(modelLoc) << (weightErrors - kMaxWeightErrors)
                              << " more weight errors not shown";
  if (weightErrors)
    return failure();
  if (failed(weights.finish(context)))
    return failure();
  if (failed(mlir::verify(*module)))
    return failure();
  return module;
}

LogicalResult ModelBuilder::countOp(llvm::SMLoc loc) {
  if (++opCount > kMaxOps)
    return emitError(loc) << "the model expands to more than " << kMaxOps
                          << " ops";
  return success();
}

std::string ModelBuilder::statementPath(const Scope &scope,
                                        llvm::StringRef name) const {
  std::string path = name.empty() ? scope.prefix : joinPath(scope.prefix, name);
  for (int64_t index : scope.repeatIndices)
    path += "." + std::to_string(index);
  return path;
}

LogicalResult ModelBuilder::assign(Scope &scope, llvm::StringRef name,
                                   RtValue value, llvm::SMLoc loc) {
  if (auto it = scope.names.find(name); it != scope.names.end()) {
    emitError(loc) << "'" << name << "' is already defined"
                   << (scope.parent ? " in this repeat iteration" : "");
    mlir::emitRemark(here(it->second.loc)) << "previous definition is here";
    return failure();
  }
  // A repeat body rebinds the names of its enclosing scopes: that is how a
  // value is carried from one iteration to the next.
  if (Binding *outer = scope.parent ? scope.parent->lookup(name) : nullptr)
    outer->value = value;
  scope.names[name] = {std::move(value), loc};
  return success();
}

LogicalResult
ModelBuilder::execute(const std::vector<ast::StatementPtr> &statements,
                      Scope &scope, std::optional<RtValue> *returned) {
  for (const ast::StatementPtr &statement : statements) {
    if (returned && *returned)
      return emitError(statement->loc) << "statement after 'return'";
    switch (statement->kind) {
    case ast::Statement::Kind::Assign: {
      FailureOr<RtValue> value = eval(*statement->value, scope,
                                      statementPath(scope, statement->name));
      if (failed(value) ||
          failed(assign(scope, statement->name, *value, statement->nameLoc)))
        return failure();
      break;
    }
    case ast::Statement::Kind::Output: {
      if (statement->value) {
        FailureOr<RtValue> value =
            eval(*statement->value, scope, statement->name);
        if (failed(value) || failed(assign(scope, statement->name, *value,
                                           statement->nameLoc)))
          return failure();
      }
      Binding *binding = scope.lookup(statement->name);
      if (!binding)
        return emitError(statement->nameLoc)
               << "unknown name '" << statement->name << "' in 'output'";
      if (binding->value.kind != RtValue::Kind::Tensor)
        return emitError(statement->nameLoc)
               << "output '" << statement->name << "' must be a tensor, got "
               << describe(binding->value);
      for (const ast::StatementPtr &other : statements) {
        if (other.get() == statement.get())
          break;
        if (other->kind == ast::Statement::Kind::Output &&
            other->name == statement->name)
          return emitError(statement->nameLoc)
                 << "'" << statement->name << "' is declared as an output twice";
      }
      break;
    }
    case ast::Statement::Kind::Return: {
      FailureOr<RtValue> value =
          eval(*statement->value, scope, statementPath(scope, ""));
      if (failed(value))
        return failure();
      *returned = *value;
      break;
    }
    case ast::Statement::Kind::Repeat:
      if (failed(executeRepeat(*statement, scope)))
        return failure();
      break;
    }
  }
  return success();
}

LogicalResult ModelBuilder::executeRepeat(const ast::Statement &statement,
                                          Scope &scope) {
  FailureOr<RtValue> count = eval(*statement.value, scope, "");
  if (failed(count))
    return failure();
  if (count->kind != RtValue::Kind::Int)
    return emitError(statement.value->loc)
           << "repeat count must be an integer, got " << describe(*count);
  if (count->intValue < 1 || count->intValue > kMaxRepeatCount)
    return emitError(statement.value->loc)
           << "repeat count must be in [1, " << kMaxRepeatCount << "], got "
           << count->intValue;
  for (int64_t index = 0; index < count->intValue; ++index) {
    Scope iteration;
    iteration.parent = &scope;
    iteration.prefix = scope.prefix;
    iteration.repeatIndices = scope.repeatIndices;
    iteration.repeatIndices.push_back(index);
    if (failed(execute(statement.body, iteration, /*returned=*/nullptr)))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

FailureOr<RtValue> ModelBuilder::eval(const ast::Expr &expr, Scope &scope,
                                      llvm::StringRef path) {
  switch (expr.kind) {
  case ast::Expr::Kind::Integer:
    return RtValue::ofInt(expr.intValue);
  case ast::Expr::Kind::Float:
    return RtValue::ofFloat(expr.floatValue);
  case ast::Expr::Kind::Bool:
    return RtValue::ofBool(expr.boolValue);
  case ast::Expr::Kind::Name: {
    if (Binding *binding = scope.lookup(expr.name))
      return binding->value;
    if (blocks.count(expr.name) || builtins().count(expr.name))
      return emitError(expr.loc) << "'" << expr.name
                                 << "' is an op; call it with '(...)'",
             failure();
    return emitError(expr.loc) << "unknown name '" << expr.name << "'",
           failure();
  }
  case ast::Expr::Kind::List: {
    RtValue list;
    list.kind = RtValue::Kind::List;
    for (const ast::ExprPtr &element : expr.elements) {
      FailureOr<RtValue> value = eval(*element, scope, path);
      if (failed(value))
        return failure();
      list.list.push_back(std::move(*value));
    }
    return list;
  }
  case ast::Expr::Kind::Negate: {
    FailureOr<RtValue> operand = eval(*expr.elements[0], scope, path);
    if (failed(operand))
      return failure();
    if (operand->kind == RtValue::Kind::Int &&
        operand->intValue != std::numeric_limits<int64_t>::min())
      return RtValue::ofInt(-operand->intValue);
    if (operand->kind == RtValue::Kind::Float)
      return RtValue::ofFloat(-operand->floatValue);
    return emitError(expr.loc) << "cannot negate " << describe(*operand),
           failure();
  }
  case ast::Expr::Kind::Binary:
    return evalBinary(expr, scope, path);
  case ast::Expr::Kind::Call:
    return evalCall(expr, scope, path);
  }
  return failure();
}

FailureOr<RtValue> ModelBuilder::evalBinary(const ast::Expr &expr, Scope &scope,
                                            llvm::StringRef path) {
  FailureOr<RtValue> lhs = eval(*expr.elements[0], scope, path);
  if (failed(lhs))
    return failure();
  FailureOr<RtValue> rhs = eval(*expr.elements[1], scope, path);
  if (failed(rhs))
    return failure();
  auto isNumber = [](const RtValue &v) {
    return v.kind == RtValue::Kind::Int || v.kind == RtValue::Kind::Float;
  };
  if (!isNumber(*lhs) || !isNumber(*rhs))
    return emitError(expr.loc) << "'" << expr.binaryOp
                               << "' needs two numbers, got "
                               << describe(*lhs) << " and " << describe(*rhs),
           failure();
  const std::string &op = expr.binaryOp;
  if (lhs->kind == RtValue::Kind::Int && rhs->kind == RtValue::Kind::Int) {
    int64_t a = lhs->intValue, b = rhs->intValue, result = 0;
    bool overflow = false;
    if (op == "+") {
      overflow = __builtin_add_overflow(a, b, &result);
    } else if (op == "-") {
      overflow = __builtin_sub_overflow(a, b, &result);
    } else if (op == "*") {
      overflow = __builtin_mul_overflow(a, b, &result);
    } else {
      if (b == 0)
        return emitError(expr.loc) << "division by zero", failure();
      if (op == "/" && a % b != 0)
        return emitError(expr.loc)
                   << a << " / " << b << " is not an integer; write " << a
                   << " // " << b << " to round down or " << a << ".0 / "
                   << b << " for a fraction",
               failure();
      overflow = (a == std::numeric_limits<int64_t>::min() && b == -1);
      if (!overflow) {
        // Python's floor division: round toward negative infinity.
        result = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0)))
          --result;
      }
    }
    if (overflow)
      return emitError(expr.loc) << "integer overflow in " << a << " " << op
                                 << " " << b,
             failure();
    return RtValue::ofInt(result);
  }
  auto asDouble = [](const RtValue &v) {
    return v.kind == RtValue::Kind::Int ? double(v.intValue) : v.floatValue;
  };
  double a = asDouble(*lhs), b = asDouble(*rhs), result = 0.0;
  if (op == "+") {
    result = a + b;
  } else if (op == "-") {
    result = a - b;
  } else if (op == "*") {
    result = a * b;
  } else {
    if (b == 0.0)
      return emitError(expr.loc) << "division by zero", failure();
    result = op == "/" ? a / b : std::floor(a / b);
  }
  if (!std::isfinite(result))
    return emitError(expr.loc) << "arithmetic result is not finite", failure();
  return RtValue::ofFloat(result);
}

FailureOr<RtValue> ModelBuilder::evalCall(const ast::Expr &call, Scope &scope,
                                          llvm::StringRef path) {
  std::string callPath =
      call.asPath ? joinPath(path, *call.asPath) : path.str();
  if (callPath.empty())
    return emitError(call.loc) << "the call to '" << call.name
                               << "' has no name; assign it to a name or "
                               << "add 'as NAME'",
           failure();
  if (auto it = blocks.find(call.name); it != blocks.end())
    return callBlock(*it->second, call, scope, path, callPath);
  if (builtins().count(call.name))
    return callBuiltin(call, scope, path, callPath);
  return emitError(call.loc) << "unknown op or block '" << call.name << "'",
         failure();
}

FailureOr<RtValue> ModelBuilder::callBlock(const ast::Block &block,
                                           const ast::Expr &call, Scope &scope,
                                           llvm::StringRef path,
                                           llvm::StringRef callPath) {
  for (const Frame &frame : frames) {
    if (frame.block != &block)
      continue;
    InFlightDiagnostic diag = emitError(call.loc);
    diag << "block '" << block.name << "' is called recursively: ";
    for (const Frame &active : frames)
      diag << active.block->name << " -> ";
    return diag << block.name, failure();
  }
  if (frames.size() >= kMaxCallDepth)
    return emitError(call.loc) << "blocks are nested more than "
                               << kMaxCallDepth << " calls deep",
           failure();

  // Arguments are evaluated in the caller's scope and path.
  Scope callee;
  callee.prefix = callPath.str();
  std::vector<std::optional<std::pair<RtValue, llvm::SMLoc>>> bound(
      block.params.size());
  size_t positional = 0;
  for (const ast::Argument &arg : call.args) {
    size_t index;
    if (arg.name.empty()) {
      index = positional++;
      if (index >= block.params.size())
        return emitError(arg.loc) << "block '" << block.name << "' takes "
                                  << block.params.size() << " argument"
                                  << (block.params.size() == 1 ? "" : "s")
                                  << " but more were given",
               failure();
    } else {
      auto it = llvm::find_if(block.params, [&](const ast::Parameter &p) {
        return p.name == arg.name;
      });
      if (it == block.params.end())
        return emitError(arg.loc) << "block '" << block.name
                                  << "' has no parameter '" << arg.name << "'",
               failure();
      index = it - block.params.begin();
      if (bound[index])
        return emitError(arg.loc) << "argument '" << arg.name
                                  << "' of block '" << block.name
                                  << "' is given twice",
               failure();
    }
    FailureOr<RtValue> value = eval(*arg.value, scope, path);
    if (failed(value))
      return failure();
    bound[index] = std::make_pair(std::move(*value), arg.loc);
  }

  for (auto [index, param] : llvm::enumerate(block.params))
    if (!bound[index] && !param.defaultValue)
      return emitError(call.loc) << "missing argument '" << param.name
                                 << "' in the call to block '" << block.name
                                 << "'",
             failure();

  frames.push_back({&block, here(call.loc)});
  llvm::scope_exit popFrame([&] { frames.pop_back(); });
  // Defaults are evaluated inside the block, so they may use earlier
  // parameters ("stride = 1, pad = stride").
  for (auto [index, param] : llvm::enumerate(block.params)) {
    if (!bound[index]) {
      FailureOr<RtValue> value =
          eval(*param.defaultValue, callee, callee.prefix);
      if (failed(value))
        return failure();
      bound[index] = std::make_pair(std::move(*value), param.loc);
    }
    callee.names[param.name] = {bound[index]->first, param.loc};
  }

  std::optional<RtValue> returned;
  if (failed(execute(block.body, callee, &returned)))
    return failure();
  if (!returned)
    return emitError(block.loc) << "block '" << block.name
                                << "' does not return a value",
           failure();
  return *returned;
}

//===----------------------------------------------------------------------===//
// Built-in ops
//===----------------------------------------------------------------------===//

const llvm::StringMap<ModelBuilder::BuiltinFn> &ModelBuilder::builtins() {
  static const llvm::StringMap<BuiltinFn> table = {
      {"conv2d", &ModelBuilder::buildConv2d},
      {"batch_norm", &ModelBuilder::buildBatchNorm},
      {"relu", &ModelBuilder::buildRelu},
      {"max_pool", &ModelBuilder::buildMaxPool},
      {"avg_pool", &ModelBuilder::buildAvgPool},
      {"global_avg_pool", &ModelBuilder::buildGlobalAvgPool},
      {"lrn", &ModelBuilder::buildLrn},
      {"concat", &ModelBuilder::buildConcat},
      {"add", &ModelBuilder::buildAdd},
      {"scale", &ModelBuilder::buildScale},
      {"dense", &ModelBuilder::buildDense},
      {"flatten", &ModelBuilder::buildFlatten},
      {"softmax", &ModelBuilder::buildSoftmax},
      {"dropout", &ModelBuilder::buildDropout},
  };
  return table;
}

FailureOr<RtValue> ModelBuilder::callBuiltin(const ast::Expr &call,
                                             Scope &scope, llvm::StringRef path,
                                             llvm::StringRef opPath) {
  if (failed(countOp(call.loc)))
    return failure();
  return (this->*builtins().lookup(call.name))(call, scope, path, opPath);
}

FailureOr<BuiltinArgs> ModelBuilder::bindBuiltinArgs(const ast::Expr &call,
                                                     Scope &scope,
                                                     llvm::StringRef path,
                                                     ArrayRef<ArgSpec> specs) {
  BuiltinArgs args(call.name, call.loc,
                   [this](llvm::SMLoc loc) { return here(loc); });
  size_t positional = 0;
  for (const ast::Argument &arg : call.args) {
    llvm::StringRef name = arg.name;
    if (name.empty()) {
      if (positional >= specs.size())
        return emitError(arg.loc) << call.name << " takes at most "
                                  << specs.size() << " positional argument"
                                  << (specs.size() == 1 ? "" : "s"),
               failure();
      name = specs[positional++].name;
    } else if (llvm::none_of(specs, [&](const ArgSpec &spec) {
                 return name == spec.name;
               })) {
      InFlightDiagnostic diag = emitError(arg.loc);
      diag << call.name << " has no argument '" << name << "'; it takes ";
      llvm::interleaveComma(specs, diag,
                            [&](const ArgSpec &spec) { diag << spec.name; });
      return failure();
    }
    if (args.has(name))
      return emitError(arg.loc) << call.name << ": argument '" << name
                                << "' is given twice",
             failure();
    FailureOr<RtValue> value = eval(*arg.value, scope, path);
    if (failed(value))
      return failure();
    args.set(name, std::move(*value), arg.loc);
  }
  for (const ArgSpec &spec : specs)
    if (spec.required && !args.has(spec.name))
      return emitError(call.loc) << call.name << ": missing argument '"
                                 << spec.name << "'",
             failure();
  return args;
}

Value ModelBuilder::param(llvm::StringRef opPath, llvm::StringRef name,
                          ArrayRef<int64_t> shape, Type elementType,
                          ParamRole role, Location loc,
                          llvm::SMLoc sourceLoc) {
  std::string key = joinPath(opPath, name);
  auto type = RankedTensorType::get(shape, elementType);
  auto [owner, inserted] = paramOwners.try_emplace(key, loc);
  FailureOr<ElementsAttr> data = failure();
  if (weightErrors >= kMaxWeightErrors) {
    // Past the cap, only count: one renamed layer can miss hundreds of keys.
    ++weightErrors;
  } else if (!inserted) {
    ++weightErrors;
    emitError(sourceLoc) << "weight key '" << key
                         << "' is already used by another op; give one of "
                         << "them a distinct name with 'as' or a new statement";
    mlir::emitRemark(owner->second) << "the other op is here";
  } else {
    data = weights.get(key, type, role, loc);
    if (failed(data))
      ++weightErrors;
  }
  if (failed(data)) {
    // Keep going to report the other missing or mismatched weights too.
    data = ElementsAttr(DenseElementsAttr::get(type, 0.0f));
  }
  return arith::ConstantOp::create(builder, loc, cast<TypedAttr>(*data));
}

static Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}
static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}
static RankedTensorType tensorType(ArrayRef<int64_t> shape, Value like) {
  return RankedTensorType::get(shape, elementTypeOf(like));
}

FailureOr<RtValue> ModelBuilder::buildConv2d(const ast::Expr &call,
                                             Scope &scope, llvm::StringRef path,
                                             llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path,
      {{"x", true}, {"out", true}, {"kernel", true}, {"stride", false},
       {"pad", false}, {"dilation", false}, {"groups", false},
       {"bias", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<int64_t> out = args->integer("out", 1);
  FailureOr<Shape> kernel = args->integers("kernel", {2}, 1);
  FailureOr<Shape> stride =
      args->has("stride") ? args->integers("stride", {2}, 1) : Shape{1, 1};
  FailureOr<Shape> pad = args->padding("pad");
  FailureOr<Shape> dilation =
      args->has("dilation") ? args->integers("dilation", {2}, 1) : Shape{1, 1};
  FailureOr<int64_t> groups = args->integer("groups", 1, 1);
  FailureOr<bool> hasBias = args->boolean("bias", true);
  if (failed(input) || failed(out) || failed(kernel) || failed(stride) ||
      failed(pad) || failed(dilation) || failed(groups) || failed(hasBias))
    return failure();
  ArrayRef<int64_t> inShape = shapeOf(*input);
  if (inShape.size() != 4)
    return args->error("x") << "must be a 4-D NCHW tensor, got "
                            << formatShape(inShape),
           failure();
  if (inShape[1] % *groups != 0)
    return args->error("groups") << "(" << *groups
                                 << ") must divide the input channels ("
                                 << inShape[1] << ")",
           failure();
  Shape filterShape{*out, inShape[1] / *groups, (*kernel)[0], (*kernel)[1]};
  Shape biasShape{*out};
  dialect::Conv2dGeometry geometry{*stride, *pad, *dilation, *groups};
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferConv2dShape(
        emit, inShape, filterShape,
        *hasBias ? std::optional<ArrayRef<int64_t>>(biasShape) : std::nullopt,
        geometry);
  });
  if (failed(result))
    return failure();
  Location loc = opLoc(call, opPath);
  Type elementType = elementTypeOf(*input);
  bool depthwise = *groups > 1 && *groups == inShape[1];
  Value filter = param(opPath, "weight", filterShape, elementType,
                       depthwise ? ParamRole::DepthwiseConvWeight
                                 : ParamRole::ConvWeight,
                       loc, call.loc);
  Value bias = *hasBias ? param(opPath, "bias", biasShape, elementType,
                                ParamRole::ConvBias, loc, call.loc)
                        : Value();
  auto op = dialect::Conv2DOp::create(
      builder, loc, tensorType(*result, *input), *input, filter, bias,
      builder.getDenseI64ArrayAttr(*stride), builder.getDenseI64ArrayAttr(*pad),
      builder.getDenseI64ArrayAttr(*dilation),
      builder.getI64IntegerAttr(*groups), UnitAttr());
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildBatchNorm(const ast::Expr &call,
                                                Scope &scope,
                                                llvm::StringRef path,
                                                llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"x", true}, {"eps", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<double> eps = args->number("eps", 1e-5);
  if (failed(input) || failed(eps))
    return failure();
  if (!(*eps > 0.0))
    return args->error("eps") << "must be positive, got " << *eps, failure();
  ArrayRef<int64_t> inShape = shapeOf(*input);
  Shape paramShape{inShape.size() > 1 ? inShape[1] : 1};
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferBatchNormShape(emit, inShape, paramShape);
  });
  if (failed(result))
    return failure();
  Location loc = opLoc(call, opPath);
  Type elementType = elementTypeOf(*input);
  auto makeParam = [&](llvm::StringRef name, ParamRole role) {
    return param(opPath, name, paramShape, elementType, role, loc, call.loc);
  };
  Value scale = makeParam("weight", ParamRole::BnScale);
  Value offset = makeParam("bias", ParamRole::BnOffset);
  Value mean = makeParam("running_mean", ParamRole::BnMean);
  Value variance = makeParam("running_var", ParamRole::BnVariance);
  auto op = dialect::BatchNormOp::create(builder, loc, tensorType(*result, *input),
                                         *input, scale, offset, mean, variance,
                                         builder.getF64FloatAttr(*eps));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildRelu(const ast::Expr &call, Scope &scope,
                                           llvm::StringRef path,
                                           llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(call, scope, path, {{"x", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  if (failed(input))
    return failure();
  auto op = dialect::ReluOp::create(builder, opLoc(call, opPath),
                                    (*input).getType(), *input);
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildMaxPool(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path,
      {{"x", true}, {"kernel", true}, {"stride", false}, {"pad", false},
       {"ceil", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<Shape> kernel = args->integers("kernel", {2}, 1);
  // PyTorch: the stride defaults to the kernel size.
  FailureOr<Shape> stride =
      args->has("stride") ? args->integers("stride", {2}, 1) : kernel;
  FailureOr<Shape> pad = args->padding("pad");
  FailureOr<bool> ceil = args->boolean("ceil", false);
  if (failed(input) || failed(kernel) || failed(stride) || failed(pad) ||
      failed(ceil))
    return failure();
  dialect::Pool2dGeometry geometry{*kernel, *stride, *pad, *ceil};
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferPool2dShape(emit, shapeOf(*input), geometry);
  });
  if (failed(result))
    return failure();
  auto op = dialect::MaxPool2DOp::create(
      builder, opLoc(call, opPath), tensorType(*result, *input), *input,
      builder.getDenseI64ArrayAttr(*kernel),
      builder.getDenseI64ArrayAttr(*stride), builder.getDenseI64ArrayAttr(*pad),
      *ceil ? builder.getUnitAttr() : UnitAttr());
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildAvgPool(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path,
      {{"x", true}, {"kernel", true}, {"stride", false}, {"pad", false},
       {"ceil", false}, {"count_include_pad", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<Shape> kernel = args->integers("kernel", {2}, 1);
  FailureOr<Shape> stride =
      args->has("stride") ? args->integers("stride", {2}, 1) : kernel;
  FailureOr<Shape> pad = args->padding("pad");
  FailureOr<bool> ceil = args->boolean("ceil", false);
  FailureOr<bool> countPad = args->boolean("count_include_pad", true);
  if (failed(input) || failed(kernel) || failed(stride) || failed(pad) ||
      failed(ceil) || failed(countPad))
    return failure();
  dialect::Pool2dGeometry geometry{*kernel, *stride, *pad, *ceil};
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferPool2dShape(emit, shapeOf(*input), geometry);
  });
  if (failed(result))
    return failure();
  auto op = dialect::AvgPool2DOp::create(
      builder, opLoc(call, opPath), tensorType(*result, *input), *input,
      builder.getDenseI64ArrayAttr(*kernel),
      builder.getDenseI64ArrayAttr(*stride), builder.getDenseI64ArrayAttr(*pad),
      *ceil ? builder.getUnitAttr() : UnitAttr(),
      builder.getBoolAttr(*countPad));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildGlobalAvgPool(const ast::Expr &call,
                                                    Scope &scope,
                                                    llvm::StringRef path,
                                                    llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(call, scope, path, {{"x", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  if (failed(input))
    return failure();
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferGlobalAvgPool2dShape(emit, shapeOf(*input));
  });
  if (failed(result))
    return failure();
  auto op = dialect::GlobalAvgPool2DOp::create(
      builder, opLoc(call, opPath), tensorType(*result, *input), *input);
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildLrn(const ast::Expr &call, Scope &scope,
                                          llvm::StringRef path,
                                          llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path,
      {{"x", true}, {"size", true}, {"alpha", false}, {"beta", false},
       {"k", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<int64_t> size = args->integer("size", 1);
  FailureOr<double> alpha = args->number("alpha", 1e-4);
  FailureOr<double> beta = args->number("beta", 0.75);
  FailureOr<double> k = args->number("k", 1.0);
  if (failed(input) || failed(size) || failed(alpha) || failed(beta) ||
      failed(k))
    return failure();
  if (*alpha < 0.0)
    return args->error("alpha") << "must not be negative", failure();
  if (!(*k > 0.0))
    return args->error("k") << "must be positive", failure();
  ArrayRef<int64_t> inShape = shapeOf(*input);
  if (inShape.size() != 4)
    return args->error("x") << "must be a 4-D NCHW tensor, got "
                            << formatShape(inShape),
           failure();
  auto op = dialect::LRNOp::create(
      builder, opLoc(call, opPath), (*input).getType(), *input,
      builder.getI64IntegerAttr(*size), builder.getF64FloatAttr(*alpha),
      builder.getF64FloatAttr(*beta), builder.getF64FloatAttr(*k));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildConcat(const ast::Expr &call,
                                             Scope &scope, llvm::StringRef path,
                                             llvm::StringRef opPath) {
  // concat(x0, x1, ..., axis = 1): any number of positional tensors.
  SmallVector<Value> inputs;
  int64_t axis = 1;
  for (const ast::Argument &arg : call.args) {
    if (!arg.name.empty() && arg.name != "axis")
      return emitError(arg.loc) << "concat has no argument '" << arg.name
                                << "'; it takes tensors and 'axis'",
             failure();
    FailureOr<RtValue> value = eval(*arg.value, scope, path);
    if (failed(value))
      return failure();
    if (arg.name == "axis") {
      if (value->kind != RtValue::Kind::Int)
        return emitError(arg.loc) << "concat: argument 'axis' must be an "
                                  << "integer, got " << describe(*value),
               failure();
      axis = value->intValue;
      continue;
    }
    if (value->kind != RtValue::Kind::Tensor)
      return emitError(arg.loc) << "concat: input " << inputs.size()
                                << " must be a tensor, got "
                                << describe(*value),
             failure();
    if (!inputs.empty() && elementTypeOf(value->tensor) != elementTypeOf(inputs[0]))
      return emitError(arg.loc) << "concat: inputs mix element types",
             failure();
    inputs.push_back(value->tensor);
  }
  if (inputs.empty())
    return emitError(call.loc) << "concat: needs at least one input",
           failure();
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : inputs)
    shapes.push_back(shapeOf(input));
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferConcatShape(emit, shapes, axis);
  });
  if (failed(result))
    return failure();
  auto op = dialect::ConcatOp::create(builder, opLoc(call, opPath),
                                      tensorType(*result, inputs[0]), inputs,
                                      builder.getI64IntegerAttr(axis));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildAdd(const ast::Expr &call, Scope &scope,
                                          llvm::StringRef path,
                                          llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"x", true}, {"y", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> lhs = args->tensor("x");
  FailureOr<Value> rhs = args->tensor("y");
  if (failed(lhs) || failed(rhs))
    return failure();
  if (elementTypeOf(*lhs) != elementTypeOf(*rhs))
    return emitError(call.loc) << "add: operands mix element types", failure();
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferElementwiseShape(emit, shapeOf(*lhs), shapeOf(*rhs));
  });
  if (failed(result))
    return failure();
  auto op = dialect::AddOp::create(builder, opLoc(call, opPath),
                                   tensorType(*result, *lhs), *lhs, *rhs);
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildScale(const ast::Expr &call, Scope &scope,
                                            llvm::StringRef path,
                                            llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"x", true}, {"factor", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<double> factor = args->number("factor", 1.0);
  if (failed(input) || failed(factor))
    return failure();
  auto op = dialect::ScaleOp::create(builder, opLoc(call, opPath),
                                     (*input).getType(), *input,
                                     builder.getF64FloatAttr(*factor));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildDense(const ast::Expr &call, Scope &scope,
                                            llvm::StringRef path,
                                            llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path, {{"x", true}, {"out", true}, {"bias", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<int64_t> out = args->integer("out", 1);
  FailureOr<bool> hasBias = args->boolean("bias", true);
  if (failed(input) || failed(out) || failed(hasBias))
    return failure();
  ArrayRef<int64_t> inShape = shapeOf(*input);
  if (inShape.size() != 2)
    return args->error("x") << "must be a 2-D [batch, features] tensor, got "
                            << formatShape(inShape) << "; use flatten first",
           failure();
  Shape weightShape{*out, inShape[1]};
  Shape biasShape{*out};
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferDenseShape(
        emit, inShape, weightShape,
        *hasBias ? std::optional<ArrayRef<int64_t>>(biasShape) : std::nullopt);
  });
  if (failed(result))
    return failure();
  Location loc = opLoc(call, opPath);
  Type elementType = elementTypeOf(*input);
  Value weight = param(opPath, "weight", weightShape, elementType,
                       ParamRole::DenseWeight, loc, call.loc);
  Value bias = *hasBias ? param(opPath, "bias", biasShape, elementType,
                                ParamRole::DenseBias, loc, call.loc)
                        : Value();
  auto op = dialect::DenseOp::create(builder, loc, tensorType(*result, *input),
                                     *input, weight, bias, UnitAttr());
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildFlatten(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(call, scope, path, {{"x", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  if (failed(input))
    return failure();
  FailureOr<Shape> result = inferShape(call, [&](auto emit) {
    return dialect::inferFlattenShape(emit, shapeOf(*input));
  });
  if (failed(result))
    return failure();
  auto op = dialect::FlattenOp::create(builder, opLoc(call, opPath),
                                       tensorType(*result, *input), *input);
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildSoftmax(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"x", true}, {"axis", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<int64_t> axis = args->integer("axis", 0, 1);
  if (failed(input) || failed(axis))
    return failure();
  if (*axis >= int64_t(shapeOf(*input).size()))
    return args->error("axis") << "(" << *axis << ") is out of range for "
                               << formatShape(shapeOf(*input)),
           failure();
  auto op = dialect::SoftmaxOp::create(builder, opLoc(call, opPath),
                                       (*input).getType(), *input,
                                       builder.getI64IntegerAttr(*axis));
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildDropout(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"x", true}, {"p", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<double> ratio = args->number("p", 0.5);
  if (failed(input) || failed(ratio))
    return failure();
  if (!(*ratio >= 0.0 && *ratio < 1.0))
    return args->error("p") << "must be in [0, 1), got " << *ratio, failure();
  auto op = dialect::DropoutOp::create(builder, opLoc(call, opPath),
                                       (*input).getType(), *input,
                                       builder.getF64FloatAttr(*ratio));
  return RtValue::ofTensor(op.getResult());
}

namespace inception {
FailureOr<OwningOpRef<ModuleOp>> buildModule(const ast::Model &model,
                                             const SourceLocator &locator,
                                             WeightProvider &weights,
                                             const BuildOptions &options) {
  return ModelBuilder(locator, weights, options).build(model);
}
} // namespace inception
