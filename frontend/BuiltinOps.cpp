//===- BuiltinOps.cpp - The built-in ops of the model language ------------===//
//
// One function per built-in op: bind and check the arguments, check the
// shapes with the dialect's shape rule (so the error points at the call),
// request the parameters, and build the op.
//
//===----------------------------------------------------------------------===//

#include "frontend/ModelBuilderImpl.h"

#include "dialect/InceptionOps.h"
#include "dialect/WeightConstants.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace inception::detail;

static Type elementTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType();
}
static ArrayRef<int64_t> shapeOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape();
}
static RankedTensorType tensorType(ArrayRef<int64_t> shape, Value like) {
  return RankedTensorType::get(shape, elementTypeOf(like));
}

//===----------------------------------------------------------------------===//
// Built-in ops
//===----------------------------------------------------------------------===//

const llvm::StringMap<ModelBuilder::BuiltinFn> &ModelBuilder::builtins() {
  static const llvm::StringMap<BuiltinFn> table = {
      {"conv2d", &ModelBuilder::buildConv2d},
      {"batch_norm", &ModelBuilder::buildBatchNorm},
      {"relu", &ModelBuilder::buildRelu},
      {"clip", &ModelBuilder::buildClip},
      {"parameter", &ModelBuilder::buildParameter},
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
  } else if (weights.bindsAtLoad()) {
    return mlir::inception::ParameterOp::create(builder, loc, type, key);
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
      /*residual=*/Value(), builder.getDenseI64ArrayAttr(*stride), builder.getDenseI64ArrayAttr(*pad),
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

template <typename OpTy>
FailureOr<RtValue> ModelBuilder::buildSingleInput(
    const ast::Expr &call, Scope &scope, llvm::StringRef path,
    llvm::StringRef opPath, ShapeRule rule) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(call, scope, path, {{"x", true}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  if (failed(input))
    return failure();
  FailureOr<Shape> result = inferShape(
      call, [&](auto emit) { return rule(emit, shapeOf(*input)); });
  if (failed(result))
    return failure();
  auto op = OpTy::create(builder, opLoc(call, opPath),
                         tensorType(*result, *input), *input);
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildRelu(const ast::Expr &call, Scope &scope,
                                           llvm::StringRef path,
                                           llvm::StringRef opPath) {
  return buildSingleInput<dialect::ReluOp>(
      call, scope, path, opPath,
      [](dialect::EmitErrorFn, ArrayRef<int64_t> shape) -> FailureOr<Shape> {
        return Shape(shape);
      });
}

FailureOr<RtValue> ModelBuilder::buildClip(const ast::Expr &call, Scope &scope,
                                           llvm::StringRef path,
                                           llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(
      call, scope, path, {{"x", true}, {"min", false}, {"max", false}});
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  if (failed(input))
    return failure();
  FloatAttr bounds[2];
  const char *names[] = {"min", "max"};
  for (auto [i, name] : llvm::enumerate(names)) {
    if (!args->has(name))
      continue;
    FailureOr<double> bound = args->number(name, 0.0);
    if (failed(bound))
      return failure();
    bounds[i] = builder.getF64FloatAttr(*bound);
  }
  if (!bounds[0] && !bounds[1])
    return emitError(call.loc) << "clip needs a min, a max or both", failure();
  if (bounds[0] && bounds[1] &&
      bounds[0].getValueAsDouble() > bounds[1].getValueAsDouble())
    return emitError(call.loc)
               << "clip: min " << bounds[0].getValueAsDouble()
               << " is greater than max " << bounds[1].getValueAsDouble(),
           failure();
  auto op =
      dialect::ClipOp::create(builder, opLoc(call, opPath), (*input).getType(),
                              *input, bounds[0], bounds[1]);
  return RtValue::ofTensor(op.getResult());
}

/// A tensor of the weights file, key `<path>.value`, as the model states it
/// (PyTorch's nn.Parameter used directly; ONNX's constant operands).
FailureOr<RtValue> ModelBuilder::buildParameter(const ast::Expr &call,
                                                Scope &scope,
                                                llvm::StringRef path,
                                                llvm::StringRef opPath) {
  FailureOr<BuiltinArgs> args =
      bindBuiltinArgs(call, scope, path, {{"shape", true}});
  if (failed(args))
    return failure();
  FailureOr<Shape> shape = args->integers("shape", {1, 2, 3, 4, 5, 6}, 1);
  if (failed(shape) || failed(inferShape(call, [&](auto) -> FailureOr<Shape> {
        return *shape;
      })))
    return failure();
  return RtValue::ofTensor(param(opPath, "value", *shape, builder.getF32Type(),
                                 ParamRole::Tensor, opLoc(call, opPath),
                                 call.loc));
}

FailureOr<RtValue> ModelBuilder::buildGlobalAvgPool(const ast::Expr &call,
                                                    Scope &scope,
                                                    llvm::StringRef path,
                                                    llvm::StringRef opPath) {
  return buildSingleInput<dialect::GlobalAvgPool2DOp>(
      call, scope, path, opPath, dialect::inferGlobalAvgPool2dShape);
}

FailureOr<RtValue> ModelBuilder::buildFlatten(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  return buildSingleInput<dialect::FlattenOp>(call, scope, path, opPath,
                                              dialect::inferFlattenShape);
}

FailureOr<ModelBuilder::PoolArgs>
ModelBuilder::bindPoolArgs(const ast::Expr &call, Scope &scope,
                           llvm::StringRef path, bool average) {
  SmallVector<ArgSpec> specs = {{"x", true},    {"kernel", true},
                                {"stride", false}, {"pad", false},
                                {"ceil", false}};
  if (average)
    specs.push_back({"count_include_pad", false});
  FailureOr<BuiltinArgs> args = bindBuiltinArgs(call, scope, path, specs);
  if (failed(args))
    return failure();
  FailureOr<Value> input = args->tensor("x");
  FailureOr<Shape> kernel = args->integers("kernel", {2}, 1);
  // PyTorch: the stride defaults to the kernel size.
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
  return PoolArgs{*input, *kernel, *stride, *pad, *ceil, *countPad, *result};
}

FailureOr<RtValue> ModelBuilder::buildMaxPool(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<PoolArgs> pool = bindPoolArgs(call, scope, path, /*average=*/false);
  if (failed(pool))
    return failure();
  auto op = dialect::MaxPool2DOp::create(
      builder, opLoc(call, opPath), tensorType(pool->result, pool->input),
      pool->input, builder.getDenseI64ArrayAttr(pool->kernel),
      builder.getDenseI64ArrayAttr(pool->stride),
      builder.getDenseI64ArrayAttr(pool->pad),
      pool->ceil ? builder.getUnitAttr() : UnitAttr());
  return RtValue::ofTensor(op.getResult());
}

FailureOr<RtValue> ModelBuilder::buildAvgPool(const ast::Expr &call,
                                              Scope &scope,
                                              llvm::StringRef path,
                                              llvm::StringRef opPath) {
  FailureOr<PoolArgs> pool = bindPoolArgs(call, scope, path, /*average=*/true);
  if (failed(pool))
    return failure();
  auto op = dialect::AvgPool2DOp::create(
      builder, opLoc(call, opPath), tensorType(pool->result, pool->input),
      pool->input, builder.getDenseI64ArrayAttr(pool->kernel),
      builder.getDenseI64ArrayAttr(pool->stride),
      builder.getDenseI64ArrayAttr(pool->pad),
      pool->ceil ? builder.getUnitAttr() : UnitAttr(),
      builder.getBoolAttr(pool->countIncludePad));
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

