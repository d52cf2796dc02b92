//===- ModelBuilder.cpp - Elaborate a parsed model into MLIR --------------===//
//
// Evaluates the model body like a small interpreter: blocks are expanded at
// each call, `repeat` bodies are unrolled, and every call of a built-in op
// becomes one inception op (BuiltinOps.cpp). Values are tensors (MLIR
// values), numbers, booleans and lists. The name path of each op is the
// statement's name inside its block call (see docs/dsl.md, "Names"), and it
// is also the prefix of the op's parameter keys.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilderImpl.h"

#include "dialect/InceptionOps.h"
#include "dialect/WeightConstants.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include <cmath>

using namespace inception::detail;

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
  if (weights.bindsAtLoad()) {
    // Every key the model declares, in order: the library lists those its
    // passes leave unused as keys a weights file may still hold.
    SmallVector<Attribute> keys;
    function.walk([&](mlir::inception::ParameterOp parameter) {
      keys.push_back(parameter.getKeyAttr());
    });
    (*module)->setAttr(mlir::inception::kParameterKeysAttr,
                       builder.getArrayAttr(keys));
  }
  if (failed(mlir::verify(*module)))
    return failure();
  return module;
}

LogicalResult ModelBuilder::countOp(llvm::SMLoc loc) {
  if (++opCount > options.maxOps)
    return emitError(loc) << "the model expands to more than " << options.maxOps
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

namespace inception {
FailureOr<OwningOpRef<ModuleOp>> buildModule(const ast::Model &model,
                                             const SourceLocator &locator,
                                             WeightProvider &weights,
                                             const BuildOptions &options) {
  return detail::ModelBuilder(locator, weights, options).build(model);
}
} // namespace inception
