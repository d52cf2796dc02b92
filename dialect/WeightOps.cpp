//===- WeightOps.cpp - inception.parameter, inception.weight_transform ----===//
//
// A weight transform is one C function (runtime/ukernels/
// weight_transforms.c) whose struct ukernel_params.def lists. The verifier
// checks every extent the function will touch against its operands, so
// that folding, which runs the function inside the compiler, reads and
// writes only what the operands hold.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionOps.h"
#include "dialect/UkernelFields.h"
#include "dialect/WeightConstants.h"
#include "runtime/ukernels/ukernel_abi.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/bit.h"

using namespace mlir;
using namespace mlir::inception;

LogicalResult ParameterOp::verify() {
  if (getKey().empty())
    return emitOpError("needs a non-empty key");
  if (!getType().getElementType().isF32())
    return emitOpError("parameter '")
           << getKey() << "' must be f32, not " << getType().getElementType();
  return success();
}

std::string WeightTransformOp::getSymbol() {
  return ("inception_uk_" + getTransform()).str();
}

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The element counts the transform reads from each input and writes to
/// its output, from its integer params; nothing for an unknown transform.
std::optional<std::pair<SmallVector<int64_t>, int64_t>>
transformExtents(StringRef transform, function_ref<int64_t(StringRef)> param) {
  using Extents = std::pair<SmallVector<int64_t>, int64_t>;
  if (transform == "batch_norm_filter") {
    int64_t c = param("channels"), n = c * param("per_channel");
    return Extents{{n, c, c}, n};
  }
  if (transform == "batch_norm_bias") {
    int64_t c = param("channels");
    return Extents{{c, c, c, c, c}, c};
  }
  if (transform == "scale")
    return Extents{{param("elements")}, param("elements")};
  if (transform == "concat") {
    int64_t a = param("first_elements"), b = param("second_elements");
    return Extents{{a, b}, a + b};
  }
  if (transform == "block_filter") {
    int64_t f = param("out_channels"), b = param("block"), t = param("taps");
    if (param("depthwise"))
      return Extents{{f * t}, ceilDiv(f, b) * t * b};
    return Extents{{f * param("in_channels") * t},
                   ceilDiv(f, b) * t * param("depth") * b};
  }
  if (transform == "pad_channels")
    return Extents{{param("channels")}, param("padded")};
  if (transform == "pack_panels") {
    int64_t m = param("out_channels"), k = param("depth"), mr = param("mr");
    return Extents{{m * k}, ceilDiv(m, mr) * k * mr};
  }
  if (transform == "winograd_filter") {
    int64_t f = param("out_channels"), c = param("in_channels"),
            nr = param("nr"), b = param("source_block");
    return Extents{{b ? ceilDiv(f, b) * 9 * c * b : f * c * 9},
                   36 * ceilDiv(f, nr) * c * nr};
  }
  if (transform == "winograd1d_filter") {
    int64_t f = param("out_channels"), c = param("in_channels"),
            nr = param("nr"), b = param("source_block"), taps = param("taps");
    return Extents{{b ? ceilDiv(f, b) * taps * c * b : f * c * taps},
                   inception_uk_winograd1d_positions(taps) * ceilDiv(f, nr) *
                       c * nr};
  }
  return std::nullopt;
}

/// The relations between params the functions assume beyond the extents.
LogicalResult checkParamRelations(WeightTransformOp op,
                                  function_ref<int64_t(StringRef)> param) {
  StringRef transform = op.getTransform();
  if (transform == "block_filter" && !param("depthwise") &&
      param("depth") < param("in_channels"))
    return op.emitOpError("depth ") << param("depth") << " is less than the "
                                    << param("in_channels") << " input channels";
  if (transform == "pad_channels" && param("padded") < param("channels"))
    return op.emitOpError("pads ") << param("channels") << " channels to "
                                   << param("padded");
  if (transform == "winograd1d_filter" &&
      !inception_uk_winograd1d_positions(param("taps")))
    return op.emitOpError("no one-dimensional Winograd kernel takes ")
           << param("taps") << " taps";
  for (StringRef divisor : {"block", "mr", "nr"})
    if (op.getParams().get(divisor) && param(divisor) < 1)
      return op.emitOpError("param '") << divisor << "' must be positive";
  return success();
}

} // namespace

LogicalResult WeightTransformOp::verify() {
  const ukernel::TransformInfo *info =
      ukernel::lookupTransform(getTransform());
  if (!info)
    return emitOpError("unknown weight transform '") << getTransform() << "'";
  ArrayRef<ukernel::FieldInfo> fields = ukernel::kernelFields(info->symbol);
  bool tensors = isa<RankedTensorType>(getOutput().getType());
  for (Value operand : getOperands()) {
    auto type = cast<ShapedType>(operand.getType());
    if (isa<RankedTensorType>(type) != tensors)
      return emitOpError("takes tensors or buffers, not both");
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return emitOpError("takes static f32 operands, not ") << type;
    if (auto memref = dyn_cast<MemRefType>(type);
        memref && !memref.getLayout().isIdentity())
      return emitOpError("takes row-major buffers, not ") << type;
  }
  if (tensors != bool(getResult()))
    return emitOpError(tensors ? "on tensors returns its output"
                               : "on buffers returns nothing");
  if (getResult() && getResult().getType() != getOutput().getType())
    return emitOpError("returns a result of its output's type, not ")
           << getResult().getType();
  size_t pointers = llvm::count_if(
      fields, [](const ukernel::FieldInfo &f) { return f.isPointer(); });
  if (getInputs().size() + 1 != pointers)
    return emitOpError("'") << getTransform() << "' takes " << pointers - 1
                            << " inputs, not " << getInputs().size();
  size_t scalars = 0;
  for (const ukernel::FieldInfo &field : fields) {
    if (field.isPointer())
      continue;
    ++scalars;
    Attribute value = getParams().get(field.name);
    bool real = field.kind == ukernel::FieldKind::Real;
    if (!value || (real ? !isa<FloatAttr>(value) : !isa<IntegerAttr>(value)))
      return emitOpError("'") << getTransform() << "' needs param '"
                              << field.name << "', "
                              << (real ? "a float" : "an integer");
    if (!real && cast<IntegerAttr>(value).getInt() < 0)
      return emitOpError("param '") << field.name << "' must not be negative";
  }
  if (getParams().size() != scalars)
    for (NamedAttribute param : getParams())
      if (llvm::none_of(fields, [&](const ukernel::FieldInfo &f) {
            return f.name == param.getName().getValue();
          }))
        return emitOpError("'") << getTransform() << "' has no param '"
                                << param.getName().getValue() << "'";
  auto param = [&](StringRef name) {
    auto value = getParams().getAs<IntegerAttr>(name);
    return value ? value.getInt() : 0;
  };
  if (failed(checkParamRelations(*this, param)))
    return failure();
  auto extents = transformExtents(getTransform(), param);
  auto count = [](Value v) {
    return cast<ShapedType>(v.getType()).getNumElements();
  };
  for (auto [index, input] : llvm::enumerate(getInputs()))
    if (count(input) != extents->first[index])
      return emitOpError("input ") << index << " has " << count(input)
                                   << " elements; '" << getTransform()
                                   << "' reads " << extents->first[index];
  if (count(getOutput()) != extents->second)
    return emitOpError("output has ") << count(getOutput()) << " elements; '"
                                      << getTransform() << "' writes "
                                      << extents->second;
  return success();
}

LogicalResult WeightTransformOp::fold(FoldAdaptor adaptor,
                                     SmallVectorImpl<OpFoldResult> &results) {
  if (!getResult())
    return failure();
  std::vector<std::vector<float>> inputs;
  std::string name;
  for (Attribute input : adaptor.getInputs()) {
    std::optional<std::vector<float>> data = readF32Elements(input);
    if (!data)
      return failure();
    inputs.push_back(std::move(*data));
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(input);
        resource && name.empty())
      name = resource.getRawHandle().getKey().str();
  }
  auto type = cast<RankedTensorType>(getOutput().getType());
  std::vector<float> output(type.getNumElements());
  // The struct: one 8-byte slot per field, in the list's order.
  SmallVector<uint64_t> slots;
  forEachTransformField(
      *this,
      [&](unsigned, unsigned operand) {
        const float *data =
            operand < inputs.size() ? inputs[operand].data() : output.data();
        slots.push_back(uint64_t(reinterpret_cast<uintptr_t>(data)));
      },
      [&](unsigned, int64_t value) { slots.push_back(uint64_t(value)); },
      [&](unsigned, double value) {
        slots.push_back(llvm::bit_cast<uint64_t>(value));
      });
  ukernel::lookupTransform(getTransform())->function(slots.data());
  results.push_back(f32ResourceElements(type.getShape(),
                                        (name.empty() ? "weight" : name) +
                                            "." + getTransform().str(),
                                        output, getContext()));
  return success();
}

void mlir::inception::forEachTransformField(
    WeightTransformOp op, function_ref<void(unsigned, unsigned)> pointer,
    function_ref<void(unsigned, int64_t)> integer,
    function_ref<void(unsigned, double)> real) {
  unsigned nextOperand = 0;
  for (auto [slot, field] :
       llvm::enumerate(ukernel::kernelFields(op.getSymbol()))) {
    if (field.isPointer())
      pointer(slot, nextOperand++);
    else if (field.kind == ukernel::FieldKind::Real)
      real(slot,
           op.getParams().getAs<FloatAttr>(field.name).getValueAsDouble());
    else
      integer(slot, op.getParams().getAs<IntegerAttr>(field.name).getInt());
  }
}

void WeightTransformOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  getReadInputsWriteInitEffects(*this, effects);
}

bool WeightTransformOp::bufferizesToMemoryRead(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return !isDpsInit(&operand);
}

bool WeightTransformOp::bufferizesToMemoryWrite(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return isDpsInit(&operand);
}

bufferization::AliasingValueList
WeightTransformOp::getAliasingValues(OpOperand &operand,
                                     const bufferization::AnalysisState &) {
  return getInitAliasingResult(*this, operand);
}

LogicalResult WeightTransformOp::bufferize(
    RewriterBase &rewriter, const bufferization::BufferizationOptions &options,
    bufferization::BufferizationState &state) {
  FailureOr<SmallVector<Value>> buffers =
      getOperandBuffers(rewriter, *this, options, state);
  if (failed(buffers))
    return failure();
  rewriter.setInsertionPoint(*this);
  auto onBuffers = WeightTransformOp::create(
      rewriter, getLoc(), TypeRange(), getTransformAttr(),
      ValueRange(*buffers).drop_back(), buffers->back(), getParamsAttr());
  bufferization::replaceOpWithBufferizedValues(rewriter, *this,
                                               onBuffers.getOutput());
  return success();
}
