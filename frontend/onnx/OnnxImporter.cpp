//===- OnnxImporter.cpp - ONNX files as model files and weights -----------===//
//
// One pass over the graph in topological order. Every ONNX value becomes
// either a named tensor of the generated model (a statement), a constant the
// importer keeps (initializers, Constant nodes, shape arithmetic), or an
// alias of another value (Identity, inference-mode Dropout). Constants that
// are an op's parameters become that op's weights under the op's key, in the
// layout the language's op declares (Gemm's B transposed where needed, alpha
// and beta folded in). A zero Pad is carried to the Conv or AveragePool that
// reads it, which is how PyTorch exports padded average pooling.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/OnnxImporter.h"

#include "frontend/SafeTensors.h"
#include "frontend/onnx/ModelWriter.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx_pb.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

using llvm::StringRef;
using llvm::Twine;

namespace inception {

bool onnxImportAvailable() { return true; }

bool isOnnxPath(StringRef path) {
  return llvm::sys::path::extension(path).equals_insensitive(".onnx");
}

llvm::Expected<ImportedModel> importOnnxFile(StringRef path) {
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size))
    return llvm::createStringError(ec, "cannot open '" + path +
                                           "': " + ec.message());
  if (size >= kMaxOnnxFileBytes)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": larger than 2 GiB, the protobuf "
                                          "limit");
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read '" + path +
                                       "': " + buffer.getError().message());
  return importOnnx((*buffer)->getBuffer(), path);
}

llvm::Error ImportedModel::writeWeights(llvm::raw_ostream &os) const {
  std::vector<TensorToWrite> tensors;
  tensors.reserve(weights.size());
  for (const ImportedTensor &tensor : weights)
    tensors.push_back({tensor.key, DType::F32, tensor.shape,
                       llvm::ArrayRef<char>(
                           reinterpret_cast<const char *>(tensor.data.data()),
                           tensor.data.size() * sizeof(float))});
  return writeSafeTensors(os, tensors);
}

namespace {

/// Extents and element counts beyond this are errors, as in the language.
constexpr int64_t kMaxElements = int64_t(1) << 40;

using Shape = llvm::SmallVector<int64_t, 4>;

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, extent] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(extent);
  return text + "]";
}

/// The shortest decimal that reads back as the same float, always with a
/// fraction or exponent so that the language reads it as a number.
std::string numberString(double value) {
  char buffer[64];
  float asFloat = static_cast<float>(value);
  auto result = static_cast<double>(asFloat) == value
                    ? std::to_chars(buffer, buffer + sizeof(buffer), asFloat)
                    : std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eEn") == std::string::npos)
    text += ".0";
  return text;
}

/// An output extent as the language computes it (docs/dsl.md).
int64_t windowOutputExtent(int64_t in, int64_t before, int64_t after,
                           int64_t kernel, int64_t stride, int64_t dilation,
                           bool ceil) {
  int64_t steps = in + before + after - ((kernel - 1) * dilation + 1);
  int64_t out = (ceil ? (steps + stride - 1) / stride : steps / stride) + 1;
  if (ceil && (out - 1) * stride >= in + before)
    --out;
  return out;
}

/// A tensor whose contents the importer knows: an initializer, a Constant
/// node's value, or shape arithmetic.
struct Constant {
  Shape shape;
  std::vector<float> floats; // for FLOAT tensors
  std::vector<int64_t> ints; // for INT64 and INT32 tensors
  bool isFloat = true;

  int64_t size() const { return isFloat ? floats.size() : ints.size(); }
};

/// What an ONNX value name stands for while importing.
struct Value {
  enum Kind { Tensor, Known, Padded } kind = Tensor;
  /// Tensor, Padded: the model's name of the tensor (for Padded, of the
  /// tensor before the padding).
  std::string name;
  /// Tensor, Padded: the shape (for Padded, after the padding).
  Shape shape;
  /// Known: its contents.
  std::shared_ptr<const Constant> constant;
  /// Padded: zeros added [top, left, bottom, right].
  std::array<int64_t, 4> pads = {0, 0, 0, 0};
};

class Importer {
public:
  Importer(const onnx::ModelProto &model, StringRef fileName)
      : model(model), graph(model.graph()), fileName(fileName.str()) {}

  llvm::Expected<ImportedModel> run();

private:
  // Errors.
  llvm::Error error(const Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   fileName + ": " + message);
  }
  std::string nodeLabel() const {
    const onnx::NodeProto &node = graph.node(currentNode);
    return "node " + std::to_string(currentNode) + " ('" + node.name() + "', " +
           node.op_type() + ")";
  }
  llvm::Error nodeError(const Twine &message) const {
    return error(nodeLabel() + ": " + message);
  }

  // Graph structure.
  llvm::Error readInitializers();
  llvm::Error readInputs();
  llvm::Expected<std::vector<int>> liveNodesInOrder();
  llvm::Error importNode(const onnx::NodeProto &node);

  // Values.
  llvm::Expected<const Value *> input(const onnx::NodeProto &node,
                                      int index) const;
  /// A tensor input, or a FLOAT constant stated as a `parameter` (once per
  /// constant) for the ops that compute with constant tensors.
  llvm::Expected<const Value *> operandInput(const onnx::NodeProto &node,
                                             int index);
  llvm::Expected<const Value *> tensorInput(const onnx::NodeProto &node,
                                            int index) const;
  llvm::Expected<std::shared_ptr<const Constant>>
  constantInput(const onnx::NodeProto &node, int index) const;
  bool hasInput(const onnx::NodeProto &node, int index) const {
    return index < node.input_size() && !node.input(index).empty();
  }
  llvm::Error define(const onnx::NodeProto &node, Value value);
  llvm::Error checkUnusedOutputs(const onnx::NodeProto &node, int first);

  // Attributes.
  const onnx::AttributeProto *attribute(const onnx::NodeProto &node,
                                        StringRef name) const;
  llvm::Expected<int64_t> intAttr(const onnx::NodeProto &node, StringRef name,
                                  int64_t fallback) const;
  llvm::Expected<float> floatAttr(const onnx::NodeProto &node, StringRef name,
                                  float fallback) const;
  llvm::Expected<std::optional<Shape>> intsAttr(const onnx::NodeProto &node,
                                                StringRef name) const;
  llvm::Expected<std::string> stringAttr(const onnx::NodeProto &node,
                                         StringRef name,
                                         StringRef fallback) const;
  llvm::Error rejectAttributesBut(const onnx::NodeProto &node,
                                  std::initializer_list<StringRef> known) const;

  // Emission.
  std::string statementName(const onnx::NodeProto &node);
  /// Adds the statement of `node`; its value is the node's first output.
  Statement &emit(const onnx::NodeProto &node, Expr expression, Shape shape);
  static void addWeight(Statement &statement, StringRef suffix,
                        llvm::ArrayRef<int64_t> shape,
                        std::vector<float> data) {
    statement.weights.push_back(
        {suffix.str(), std::vector<int64_t>(shape.begin(), shape.end()),
         std::move(data)});
  }

  // Ops.
  struct Window {
    Shape kernel, strides, dilations;
    std::array<int64_t, 4> pads;
    Shape outputHW;
  };
  llvm::Expected<Window> window(const onnx::NodeProto &node, const Shape &input,
                                std::optional<Shape> kernel, bool ceil);
  llvm::Error importConv(const onnx::NodeProto &node);
  llvm::Error importPool(const onnx::NodeProto &node, bool max);
  llvm::Error importGlobalAveragePool(const onnx::NodeProto &node);
  llvm::Error importBatchNorm(const onnx::NodeProto &node);
  llvm::Error importLRN(const onnx::NodeProto &node);
  llvm::Error importRelu(const onnx::NodeProto &node);
  llvm::Error importClip(const onnx::NodeProto &node);
  llvm::Error importConcat(const onnx::NodeProto &node);
  llvm::Error importAdd(const onnx::NodeProto &node);
  llvm::Error importMul(const onnx::NodeProto &node);
  llvm::Error importGemm(const onnx::NodeProto &node, bool matmul);
  llvm::Error importFlatten(const onnx::NodeProto &node);
  llvm::Error importReshape(const onnx::NodeProto &node);
  llvm::Error importSoftmax(const onnx::NodeProto &node);
  llvm::Error importDropout(const onnx::NodeProto &node);
  llvm::Error importIdentity(const onnx::NodeProto &node);
  llvm::Error importConstant(const onnx::NodeProto &node);
  llvm::Error importPad(const onnx::NodeProto &node);

  llvm::Expected<std::shared_ptr<Constant>>
  readTensor(const onnx::TensorProto &tensor, StringRef what) const;

  const onnx::ModelProto &model;
  const onnx::GraphProto &graph;
  std::string fileName;
  int64_t opset = 0;
  int currentNode = -1;

  llvm::StringMap<Value> values;
  /// Constants stated as parameters, by ONNX value name.
  llvm::StringMap<Value> parameters;
  llvm::StringSet<> usedNames;
  ModelDescription description;
};

llvm::Expected<std::shared_ptr<Constant>>
Importer::readTensor(const onnx::TensorProto &tensor, StringRef what) const {
  auto fail = [&](const Twine &message) {
    return error(what + " '" + tensor.name() + "': " + message);
  };
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL ||
      tensor.external_data_size())
    return fail("data in an external file is not supported");
  if (tensor.has_segment())
    return fail("segmented tensors are not supported");
  auto constant = std::make_shared<Constant>();
  int64_t count = 1;
  for (int64_t extent : tensor.dims()) {
    if (extent < 0 || extent > kMaxElements ||
        (extent && count > kMaxElements / extent))
      return fail(
          "shape " +
          shapeString(Shape(tensor.dims().begin(), tensor.dims().end())) +
          " is negative or has more than 2^40 elements");
    count *= extent;
    constant->shape.push_back(extent);
  }
  auto checkCount = [&](int64_t found, StringRef field) -> llvm::Error {
    if (found != count)
      return fail(Twine(field) + " holds " + Twine(found) +
                  " elements, the shape " + shapeString(constant->shape) +
                  " needs " + Twine(count));
    return llvm::Error::success();
  };
  const std::string &raw = tensor.raw_data();
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (tensor.has_raw_data()) {
      if (raw.size() % 4)
        return fail("raw_data of " + Twine(raw.size()) +
                    " bytes is not a whole number of floats");
      if (auto e = checkCount(raw.size() / 4, "raw_data"))
        return std::move(e);
      constant->floats.resize(count);
      if (count) // an empty vector's data() may be null
        std::memcpy(constant->floats.data(), raw.data(), raw.size());
    } else {
      if (auto e = checkCount(tensor.float_data_size(), "float_data"))
        return std::move(e);
      constant->floats.assign(tensor.float_data().begin(),
                              tensor.float_data().end());
    }
    return constant;
  case onnx::TensorProto::BOOL:
    constant->isFloat = false;
    if (tensor.has_raw_data()) {
      if (auto e = checkCount(raw.size(), "raw_data"))
        return std::move(e);
      for (char byte : raw)
        constant->ints.push_back(byte != 0);
    } else {
      if (auto e = checkCount(tensor.int32_data_size(), "int32_data"))
        return std::move(e);
      for (int32_t v : tensor.int32_data())
        constant->ints.push_back(v != 0);
    }
    return constant;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32: {
    constant->isFloat = false;
    bool is64 = tensor.data_type() == onnx::TensorProto::INT64;
    size_t width = is64 ? 8 : 4;
    if (tensor.has_raw_data()) {
      if (raw.size() % width)
        return fail("raw_data of " + Twine(raw.size()) +
                    " bytes is not a whole number of elements");
      if (auto e = checkCount(raw.size() / width, "raw_data"))
        return std::move(e);
      for (int64_t i = 0; i < count; ++i) {
        if (is64) {
          int64_t v;
          std::memcpy(&v, raw.data() + i * 8, 8);
          constant->ints.push_back(v);
        } else {
          int32_t v;
          std::memcpy(&v, raw.data() + i * 4, 4);
          constant->ints.push_back(v);
        }
      }
    } else if (is64) {
      if (auto e = checkCount(tensor.int64_data_size(), "int64_data"))
        return std::move(e);
      constant->ints.assign(tensor.int64_data().begin(),
                            tensor.int64_data().end());
    } else {
      if (auto e = checkCount(tensor.int32_data_size(), "int32_data"))
        return std::move(e);
      constant->ints.assign(tensor.int32_data().begin(),
                            tensor.int32_data().end());
    }
    return constant;
  }
  default:
    return fail("element type " + Twine(tensor.data_type()) +
                " is not supported (FLOAT, INT64, INT32 and BOOL are)");
  }
}

llvm::Error Importer::readInitializers() {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    if (tensor.name().empty())
      return error("an initializer has no name");
    auto constant = readTensor(tensor, "initializer");
    if (!constant)
      return constant.takeError();
    Value value;
    value.kind = Value::Known;
    value.constant = std::move(*constant);
    if (!values.try_emplace(tensor.name(), std::move(value)).second)
      return error("initializer '" + tensor.name() + "' is defined twice");
  }
  return llvm::Error::success();
}

llvm::Error Importer::readInputs() {
  int count = 0;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    // Initializers may be listed as inputs too (IR version < 4).
    if (values.count(info.name()))
      continue;
    if (++count > 1)
      return error("graph input '" + info.name() +
                   "': a compiled library takes one input; bind the others "
                   "as initializers");
    if (!info.type().has_tensor_type())
      return error("graph input '" + info.name() + "' is not a tensor");
    const onnx::TypeProto::Tensor &type = info.type().tensor_type();
    if (type.elem_type() != onnx::TensorProto::FLOAT)
      return error("graph input '" + info.name() + "' has element type " +
                   Twine(type.elem_type()) + "; only FLOAT is supported");
    if (!type.has_shape() || type.shape().dim_size() == 0)
      return error("graph input '" + info.name() + "' has no static shape");
    Shape shape;
    for (auto [i, dim] : llvm::enumerate(type.shape().dim())) {
      if (dim.has_dim_value() && dim.dim_value() > 0 &&
          dim.dim_value() <= kMaxElements) {
        shape.push_back(dim.dim_value());
      } else if (i == 0 && !dim.has_dim_value()) {
        // A symbolic batch extent: 1 here, inceptionc --batch sets another.
        shape.push_back(1);
      } else {
        return error("graph input '" + info.name() + "': extent " + Twine(i) +
                     " must be a positive number (only the batch extent may "
                     "be symbolic)");
      }
    }
    int64_t elements = 1;
    for (int64_t extent : shape) {
      if (elements > kMaxElements / extent)
        return error("graph input '" + info.name() + "' of shape " +
                     shapeString(shape) + " has more than 2^40 elements");
      elements *= extent;
    }
    std::string name = identifierFor(info.name());
    usedNames.insert(name);
    description.inputName = name;
    description.inputShape.assign(shape.begin(), shape.end());
    Value value;
    value.name = name;
    value.shape = shape;
    values[info.name()] = std::move(value);
  }
  if (count == 0)
    return error("the graph has no input besides its initializers");
  return llvm::Error::success();
}

/// The nodes the graph output depends on, each after the nodes it reads
/// (ONNX requires that order; a file that breaks it is sorted, a cycle is an
/// error).
llvm::Expected<std::vector<int>> Importer::liveNodesInOrder() {
  llvm::StringMap<int> producer;
  for (auto [index, node] : llvm::enumerate(graph.node()))
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (values.count(output) || !producer.try_emplace(output, index).second)
        return error("value '" + output + "' is defined twice (node " +
                     Twine(index) + ")");
    }
  enum State : uint8_t { Unvisited, Visiting, Done };
  std::vector<State> state(graph.node_size(), Unvisited);
  std::vector<int> order;
  // Iterative depth-first search: a deep chain must not exhaust the stack.
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = producer.find(output.name());
    if (it == producer.end()) {
      if (!values.count(output.name()))
        return error("graph output '" + output.name() +
                     "' is not produced by any node");
      continue;
    }
    std::vector<std::pair<int, int>> stack = {{it->second, 0}};
    while (!stack.empty()) {
      auto &[index, next] = stack.back();
      const onnx::NodeProto &node = graph.node(index);
      if (next == 0) {
        if (state[index] == Done) {
          stack.pop_back();
          continue;
        }
        state[index] = Visiting;
      }
      if (next < node.input_size()) {
        const std::string &name = node.input(next++);
        if (name.empty() || values.count(name))
          continue;
        auto input = producer.find(name);
        if (input == producer.end())
          return error("node " + Twine(index) + " ('" + node.name() + "', " +
                       node.op_type() + ") reads '" + name +
                       "', which no node, input or initializer defines");
        if (state[input->second] == Visiting)
          return error("the graph has a cycle through node " + Twine(index) +
                       " ('" + node.name() + "', " + node.op_type() + ")");
        if (state[input->second] == Unvisited)
          stack.push_back({input->second, 0});
        continue;
      }
      state[index] = Done;
      order.push_back(index);
      stack.pop_back();
    }
  }
  return order;
}

const onnx::AttributeProto *Importer::attribute(const onnx::NodeProto &node,
                                                StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

llvm::Expected<int64_t> Importer::intAttr(const onnx::NodeProto &node,
                                          StringRef name,
                                          int64_t fallback) const {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return fallback;
  if (attr->type() != onnx::AttributeProto::INT)
    return nodeError("attribute '" + name + "' must be an INT");
  return attr->i();
}

llvm::Expected<float> Importer::floatAttr(const onnx::NodeProto &node,
                                          StringRef name,
                                          float fallback) const {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return fallback;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return nodeError("attribute '" + name + "' must be a FLOAT");
  if (!std::isfinite(attr->f()))
    return nodeError("attribute '" + name + "' is not finite");
  return attr->f();
}

llvm::Expected<std::optional<Shape>>
Importer::intsAttr(const onnx::NodeProto &node, StringRef name) const {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return std::nullopt;
  if (attr->type() != onnx::AttributeProto::INTS)
    return nodeError("attribute '" + name + "' must be INTS");
  return Shape(attr->ints().begin(), attr->ints().end());
}

llvm::Expected<std::string> Importer::stringAttr(const onnx::NodeProto &node,
                                                 StringRef name,
                                                 StringRef fallback) const {
  const onnx::AttributeProto *attr = attribute(node, name);
  if (!attr)
    return fallback.str();
  if (attr->type() != onnx::AttributeProto::STRING)
    return nodeError("attribute '" + name + "' must be a STRING");
  return attr->s();
}

llvm::Error
Importer::rejectAttributesBut(const onnx::NodeProto &node,
                              std::initializer_list<StringRef> known) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (!llvm::is_contained(known, StringRef(attr.name())))
      return nodeError("attribute '" + attr.name() + "' is not supported");
  return llvm::Error::success();
}

llvm::Expected<const Value *> Importer::input(const onnx::NodeProto &node,
                                              int index) const {
  if (!hasInput(node, index))
    return nodeError("input " + Twine(index) + " is missing");
  auto it = values.find(node.input(index));
  if (it == values.end())
    return nodeError("reads '" + node.input(index) +
                     "', which no node, input or initializer defines");
  return &it->second;
}

llvm::Expected<const Value *>
Importer::operandInput(const onnx::NodeProto &node, int index) {
  auto value = input(node, index);
  if (!value)
    return value.takeError();
  if ((*value)->kind != Value::Known)
    return tensorInput(node, index);
  const std::string &onnxName = node.input(index);
  if (auto it = parameters.find(onnxName); it != parameters.end())
    return &it->second;
  const Constant &constant = *(*value)->constant;
  if (!constant.isFloat || constant.shape.empty() ||
      constant.shape.size() > 6 || constant.size() == 0)
    return nodeError("input " + Twine(index) + " ('" + onnxName +
                     "') is a constant of shape " +
                     shapeString(constant.shape) +
                     "; only FLOAT tensors of rank 1 to 6 can be stated as "
                     "parameters");
  Statement &statement = description.statements.emplace_back();
  std::string base = identifierFor(onnxName);
  statement.name = base;
  for (int suffix = 1; !usedNames.insert(statement.name).second; ++suffix)
    statement.name = base + "_" + std::to_string(suffix);
  statement.kind = "parameter";
  statement.expr << "parameter(" + shapeString(constant.shape) + ")";
  statement.weights.push_back(
      {"value",
       std::vector<int64_t>(constant.shape.begin(), constant.shape.end()),
       constant.floats});
  Value tensor;
  tensor.name = statement.name;
  tensor.shape = constant.shape;
  return &(parameters[onnxName] = std::move(tensor));
}

llvm::Expected<const Value *> Importer::tensorInput(const onnx::NodeProto &node,
                                                    int index) const {
  auto value = input(node, index);
  if (!value)
    return value.takeError();
  if ((*value)->kind == Value::Known)
    return nodeError("input " + Twine(index) + " ('" + node.input(index) +
                     "') is a constant; the model language computes on "
                     "tensors that flow from the model's input");
  if ((*value)->kind == Value::Padded)
    return nodeError("reads the output of a Pad; only Conv and AveragePool "
                     "take padding");
  return *value;
}

llvm::Expected<std::shared_ptr<const Constant>>
Importer::constantInput(const onnx::NodeProto &node, int index) const {
  auto value = input(node, index);
  if (!value)
    return value.takeError();
  if ((*value)->kind != Value::Known)
    return nodeError("input " + Twine(index) + " ('" + node.input(index) +
                     "') must be a constant (an initializer or Constant)");
  return (*value)->constant;
}

llvm::Error Importer::define(const onnx::NodeProto &node, Value value) {
  if (node.output_size() == 0 || node.output(0).empty())
    return nodeError("has no output");
  values[node.output(0)] = std::move(value);
  return llvm::Error::success();
}

/// Outputs from `first` on (batch-norm statistics, pooling indices, dropout
/// masks) exist only in training; a graph that reads one is not imported.
llvm::Error Importer::checkUnusedOutputs(const onnx::NodeProto &node,
                                         int first) {
  for (int i = first; i < node.output_size(); ++i) {
    if (node.output(i).empty())
      continue;
    for (const onnx::NodeProto &other : graph.node())
      if (llvm::is_contained(other.input(), node.output(i)))
        return nodeError("output " + Twine(i) + " ('" + node.output(i) +
                         "') is read by node '" + other.name() +
                         "'; only the first output is supported");
    for (const onnx::ValueInfoProto &output : graph.output())
      if (output.name() == node.output(i))
        return nodeError("output " + Twine(i) + " ('" + node.output(i) +
                         "') is a graph output; only the first output is "
                         "supported");
  }
  return llvm::Error::success();
}

/// A name for the statement of `node` from its ONNX name. PyTorch ends a
/// node's name with its op type: a Conv's or Gemm's scope names its weights
/// ("/inception_3a/branch1/conv/Conv": `inception_3a_branch1_conv`, weight
/// `inception_3a_branch1_conv.weight`) and a Concat's scope is the module it
/// joins, so those drop the op type; other ops keep it in lower case
/// (`inception_3a_branch1_relu`). Names are made unique with a suffix.
std::string Importer::statementName(const onnx::NodeProto &node) {
  StringRef type = node.op_type();
  StringRef full = node.name();
  auto [scope, last] = full.rsplit('/');
  StringRef rest = last;
  bool endsInType = full.contains('/') && rest.consume_front(type) &&
                    (rest.empty() || (rest.consume_front("_") &&
                                      llvm::all_of(rest, llvm::isDigit)));
  bool scopeNames = llvm::is_contained(
      {"Conv", "Gemm", "MatMul", "BatchNormalization", "Concat"}, type);
  std::string base;
  if (endsInType && scopeNames && !scope.trim("/").empty())
    base = identifierFor(scope);
  else if (endsInType && StringRef(scope.rsplit('/').second.lower())
                             .starts_with(type.lower()))
    base = identifierFor(scope); // "/maxpool1/MaxPool": `maxpool1`
  else if (endsInType)
    base = identifierFor((scope + "/" + type.lower() + rest).str());
  else if (!full.empty())
    base = identifierFor(full);
  else
    base = identifierFor(type.lower());
  if (isReservedWord(base))
    base += "_";
  std::string name = base;
  for (int suffix = 1; !usedNames.insert(name).second; ++suffix)
    name = base + "_" + std::to_string(suffix);
  return name;
}

Statement &Importer::emit(const onnx::NodeProto &node, Expr expression,
                          Shape shape) {
  Statement &statement = description.statements.emplace_back();
  statement.name = statementName(node);
  statement.kind = StringRef(node.op_type()).lower();
  statement.expr = std::move(expression);
  // The scope: the node name's segments but the last (the op's own).
  llvm::SmallVector<StringRef> segments;
  StringRef(node.name()).split(segments, '/', -1, /*KeepEmpty=*/false);
  if (StringRef(node.name()).starts_with("/") && segments.size() > 1)
    for (StringRef segment : llvm::ArrayRef(segments).drop_back())
      statement.scope.push_back(segment.str());
  Value value;
  value.name = statement.name;
  value.shape = std::move(shape);
  values[node.output(0)] = std::move(value);
  return statement;
}

/// Kernel, strides, dilations and padding of a Conv or pool, auto_pad
/// resolved against the input's extents, and the output's extents.
llvm::Expected<Importer::Window> Importer::window(const onnx::NodeProto &node,
                                                  const Shape &input,
                                                  std::optional<Shape> kernel,
                                                  bool ceil) {
  Window w;
  if (!kernel) {
    auto attr = intsAttr(node, "kernel_shape");
    if (!attr)
      return attr.takeError();
    if (!*attr)
      return nodeError("attribute 'kernel_shape' is missing");
    kernel = **attr;
  }
  if (kernel->size() != 2)
    return nodeError("a " + Twine(kernel->size()) +
                     "-D window is not supported; only 2-D");
  w.kernel = *kernel;
  auto readPair = [&](StringRef name, Shape &into) -> llvm::Error {
    auto attr = intsAttr(node, name);
    if (!attr)
      return attr.takeError();
    into = attr->value_or(Shape{1, 1});
    if (into.size() != 2 ||
        llvm::any_of(into, [](int64_t v) { return v < 1 || v > kMaxElements; }))
      return nodeError("attribute '" + name +
                       "' must be two integers in [1, 2^40], got " +
                       shapeString(into));
    return llvm::Error::success();
  };
  if (auto e = readPair("strides", w.strides))
    return std::move(e);
  if (auto e = readPair("dilations", w.dilations))
    return std::move(e);
  for (int64_t k : w.kernel)
    if (k < 1 || k > input[2] + input[3] + 1024)
      return nodeError("kernel extent " + Twine(k) + " is out of range");
  auto autoPad = stringAttr(node, "auto_pad", "NOTSET");
  if (!autoPad)
    return autoPad.takeError();
  auto pads = intsAttr(node, "pads");
  if (!pads)
    return pads.takeError();
  if (*autoPad == "NOTSET") {
    Shape p = pads->value_or(Shape{0, 0, 0, 0});
    if (p.size() != 4 ||
        llvm::any_of(p, [](int64_t v) { return v < 0 || v > kMaxElements; }))
      return nodeError("attribute 'pads' must be four integers in [0, 2^40], "
                       "got " +
                       shapeString(p));
    w.pads = {p[0], p[1], p[2], p[3]};
  } else if (*autoPad == "VALID") {
    w.pads = {0, 0, 0, 0};
  } else if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    if (*pads)
      return nodeError("'pads' and auto_pad = " + *autoPad +
                       " exclude each other");
    for (int d = 0; d < 2; ++d) {
      int64_t in = input[2 + d], s = w.strides[d];
      int64_t span = (w.kernel[d] - 1) * w.dilations[d] + 1;
      int64_t out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>((out - 1) * s + span - in, 0);
      int64_t small = total / 2, large = total - small;
      bool upper = *autoPad == "SAME_UPPER";
      w.pads[d] = upper ? small : large;
      w.pads[d + 2] = upper ? large : small;
    }
  } else {
    return nodeError("auto_pad '" + *autoPad +
                     "' is not one of NOTSET, "
                     "VALID, SAME_UPPER, SAME_LOWER");
  }
  for (int d = 0; d < 2; ++d) {
    int64_t span = (w.kernel[d] - 1) * w.dilations[d] + 1;
    if (input[2 + d] + w.pads[d] + w.pads[d + 2] < span)
      return nodeError("the window " + shapeString(w.kernel) +
                       " is larger than the padded input " +
                       shapeString(input));
    w.outputHW.push_back(
        windowOutputExtent(input[2 + d], w.pads[d], w.pads[d + 2], w.kernel[d],
                           w.strides[d], w.dilations[d], ceil));
  }
  return w;
}

/// `text` for a comment line: printable ASCII, anything else (a newline in
/// a producer's name would end the comment) as '?'.
std::string commentText(StringRef text) {
  std::string printable;
  for (char c : text)
    printable += (c >= 0x20 && c < 0x7f) ? c : '?';
  return printable;
}

std::string listOrScalar(llvm::ArrayRef<int64_t> values) {
  if (llvm::all_equal(values))
    return std::to_string(values.front());
  return shapeString(values);
}

llvm::Error Importer::importConv(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"auto_pad", "dilations", "group",
                                          "kernel_shape", "pads", "strides"}))
    return e;
  auto x = input(node, 0);
  if (!x)
    return x.takeError();
  std::array<int64_t, 4> extraPads = {0, 0, 0, 0};
  if ((*x)->kind == Value::Padded)
    extraPads = (*x)->pads;
  else if (auto t = tensorInput(node, 0); !t)
    return t.takeError();
  // The window (auto_pad included) is the ONNX Conv's, over the padded
  // tensor; the language's conv reads the tensor before the Pad.
  const Shape &inShape = (*x)->shape;
  if (inShape.size() != 4)
    return nodeError("input of shape " + shapeString(inShape) +
                     " is not 4-D (N, C, H, W)");
  auto weight = constantInput(node, 1);
  if (!weight)
    return weight.takeError();
  const Constant &w = **weight;
  if (!w.isFloat || w.shape.size() != 4)
    return nodeError("weight must be a 4-D FLOAT constant, got " +
                     shapeString(w.shape));
  auto group = intAttr(node, "group", 1);
  if (!group)
    return group.takeError();
  if (*group < 1 || inShape[1] % *group || w.shape[0] % *group ||
      w.shape[1] * *group != inShape[1])
    return nodeError("weight " + shapeString(w.shape) +
                     " with group = " + Twine(*group) +
                     " does not fit the input " + shapeString(inShape));
  auto kernelAttr = intsAttr(node, "kernel_shape");
  if (!kernelAttr)
    return kernelAttr.takeError();
  Shape kernel = {w.shape[2], w.shape[3]};
  if (*kernelAttr && **kernelAttr != kernel)
    return nodeError("kernel_shape " + shapeString(**kernelAttr) +
                     " disagrees with the weight " + shapeString(w.shape));
  auto win = window(node, inShape, kernel, /*ceil=*/false);
  if (!win)
    return win.takeError();
  std::array<int64_t, 4> pads;
  for (int i = 0; i < 4; ++i)
    pads[i] = win->pads[i] + extraPads[i];
  bool hasBias = hasInput(node, 2);
  Expr expr;
  expr << "conv2d(";
  expr.ref((*x)->name) << ", ";
  expr.literal("out", std::to_string(w.shape[0]));
  expr.named("kernel", listOrScalar(kernel));
  if (!llvm::all_equal(win->strides) || win->strides[0] != 1)
    expr.named("stride", listOrScalar(win->strides));
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    expr.named("pad", listOrScalar(pads));
  if (!llvm::all_equal(win->dilations) || win->dilations[0] != 1)
    expr.named("dilation", listOrScalar(win->dilations));
  if (*group != 1)
    expr.named("groups", std::to_string(*group));
  if (!hasBias)
    expr << ", bias = false";
  expr << ")";
  Statement &statement =
      emit(node, std::move(expr),
           {inShape[0], w.shape[0], win->outputHW[0], win->outputHW[1]});
  addWeight(statement, "weight", w.shape, w.floats);
  if (hasBias) {
    auto bias = constantInput(node, 2);
    if (!bias)
      return bias.takeError();
    if (!(*bias)->isFloat || (*bias)->shape != Shape{w.shape[0]})
      return nodeError("bias must be a FLOAT constant of shape [" +
                       Twine(w.shape[0]) + "], got " +
                       shapeString((*bias)->shape));
    addWeight(statement, "bias", (*bias)->shape, (*bias)->floats);
  }
  return llvm::Error::success();
}

llvm::Error Importer::importPool(const onnx::NodeProto &node, bool max) {
  if (auto e = rejectAttributesBut(
          node, {"auto_pad", "ceil_mode", "count_include_pad", "dilations",
                 "kernel_shape", "pads", "strides", "storage_order"}))
    return e;
  if (auto e = checkUnusedOutputs(node, 1))
    return e;
  auto x = input(node, 0);
  if (!x)
    return x.takeError();
  bool padded = (*x)->kind == Value::Padded;
  if (padded && max)
    return nodeError("reads a Pad's zeros; a max pool pads with -inf");
  if (!padded)
    if (auto t = tensorInput(node, 0); !t)
      return t.takeError();
  Shape inShape = (*x)->shape;
  if (inShape.size() != 4)
    return nodeError("input of shape " + shapeString(inShape) +
                     " is not 4-D (N, C, H, W)");
  auto ceil = intAttr(node, "ceil_mode", 0);
  auto includePad = intAttr(node, "count_include_pad", 0);
  auto storage = intAttr(node, "storage_order", 0);
  if (!ceil || !includePad || !storage)
    return llvm::joinErrors(
        llvm::joinErrors(ceil.takeError(), includePad.takeError()),
        storage.takeError());
  if (*storage != 0)
    return nodeError("storage_order = 1 (column-major indices) is not "
                     "supported");
  auto win = window(node, inShape, std::nullopt, *ceil != 0);
  if (!win)
    return win.takeError();
  if (win->dilations != Shape{1, 1})
    return nodeError("dilated pooling is not supported");
  std::array<int64_t, 4> pads = win->pads;
  bool countPad = *includePad != 0;
  if (padded) {
    // PyTorch's export of padded average pooling: Pad, then AveragePool
    // counting the zeros it reads; the language states that as
    // count_include_pad over the tensor before the Pad.
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; }) && !countPad)
      return nodeError("pads both through a Pad and with count_include_pad "
                       "= 0; the divisor would mix both rules");
    for (int i = 0; i < 4; ++i)
      pads[i] += (*x)->pads[i];
    countPad = true;
    inShape[2] -= (*x)->pads[0] + (*x)->pads[2];
    inShape[3] -= (*x)->pads[1] + (*x)->pads[3];
    // With ceil_mode the language drops a last window that starts in the
    // padding, ONNX only one past the (padded) input: they must agree.
    for (int d = 0; d < 2; ++d)
      if (windowOutputExtent(inShape[2 + d], pads[d], pads[d + 2],
                             win->kernel[d], win->strides[d], 1,
                             *ceil != 0) != win->outputHW[d])
        return nodeError("ceil_mode over a Pad's zeros makes a last window "
                         "that starts in the padding, which the model "
                         "language drops");
  }
  for (int d = 0; d < 2; ++d)
    if (pads[d] * 2 > win->kernel[d] || pads[d + 2] * 2 > win->kernel[d])
      return nodeError("padding " + shapeString(pads) +
                       " is more than half the window " +
                       shapeString(win->kernel) +
                       "; the model language pools with at most half");
  Expr expr;
  expr << (max ? "max_pool(" : "avg_pool(");
  expr.ref((*x)->name) << ", ";
  expr.literal("kernel", listOrScalar(win->kernel));
  if (win->strides != win->kernel)
    expr.named("stride", listOrScalar(win->strides));
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    expr.named("pad", listOrScalar(pads));
  if (*ceil)
    expr << ", ceil = true";
  if (!max)
    expr << ", count_include_pad = " << (countPad ? "true" : "false");
  expr << ")";
  emit(node, std::move(expr),
       {inShape[0], inShape[1], win->outputHW[0], win->outputHW[1]});
  return llvm::Error::success();
}

llvm::Error Importer::importGlobalAveragePool(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {}))
    return e;
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  if ((*x)->shape.size() != 4)
    return nodeError("input of shape " + shapeString((*x)->shape) +
                     " is not 4-D (N, C, H, W)");
  emit(node, std::move(Expr() << "global_avg_pool(").ref((*x)->name) << ")",
       {(*x)->shape[0], (*x)->shape[1], 1, 1});
  return llvm::Error::success();
}

llvm::Error Importer::importBatchNorm(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(
          node, {"epsilon", "momentum", "training_mode", "spatial"}))
    return e;
  auto training = intAttr(node, "training_mode", 0);
  auto spatial = intAttr(node, "spatial", 1);
  auto eps = floatAttr(node, "epsilon", 1e-5f);
  if (!training || !spatial || !eps)
    return llvm::joinErrors(
        llvm::joinErrors(training.takeError(), spatial.takeError()),
        eps.takeError());
  if (*training)
    return nodeError("training_mode = 1 normalizes with the batch's "
                     "statistics; only inference (running statistics) is "
                     "supported");
  if (*spatial != 1)
    return nodeError("spatial = 0 (per-element statistics) is not supported");
  if (*eps <= 0)
    return nodeError("epsilon must be positive, got " + numberString(*eps));
  if (auto e = checkUnusedOutputs(node, 1))
    return e;
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  if ((*x)->shape.size() != 4)
    return nodeError("input of shape " + shapeString((*x)->shape) +
                     " is not 4-D (N, C, H, W)");
  int64_t channels = (*x)->shape[1];
  std::array<std::shared_ptr<const Constant>, 4> params;
  for (int i = 0; i < 4; ++i) {
    auto param = constantInput(node, i + 1);
    if (!param)
      return param.takeError();
    if (!(*param)->isFloat || (*param)->shape != Shape{channels})
      return nodeError("input " + Twine(i + 1) +
                       " must be a FLOAT constant "
                       "of shape [" +
                       Twine(channels) + "], got " +
                       shapeString((*param)->shape));
    params[i] = *param;
  }
  Expr expr;
  expr << "batch_norm(";
  expr.ref((*x)->name).named("eps", numberString(*eps)) << ")";
  Statement &statement = emit(node, std::move(expr), (*x)->shape);
  const char *keys[] = {"weight", "bias", "running_mean", "running_var"};
  for (int i = 0; i < 4; ++i)
    addWeight(statement, keys[i], params[i]->shape, params[i]->floats);
  return llvm::Error::success();
}

llvm::Error Importer::importLRN(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"alpha", "beta", "bias", "size"}))
    return e;
  auto size = intAttr(node, "size", 0);
  auto alpha = floatAttr(node, "alpha", 1e-4f);
  auto beta = floatAttr(node, "beta", 0.75f);
  auto bias = floatAttr(node, "bias", 1.0f);
  if (!size || !alpha || !beta || !bias)
    return llvm::joinErrors(
        llvm::joinErrors(size.takeError(), alpha.takeError()),
        llvm::joinErrors(beta.takeError(), bias.takeError()));
  if (*size < 1)
    return nodeError("attribute 'size' must be a positive integer");
  if (*alpha < 0 || *bias <= 0)
    return nodeError("alpha must not be negative and bias must be positive, "
                     "got alpha = " +
                     numberString(*alpha) + ", bias = " + numberString(*bias));
  // ONNX centers an even window one channel later than PyTorch, whose
  // window the language states.
  if (*size % 2 == 0)
    return nodeError("an even size (" + Twine(*size) +
                     ") centers the window "
                     "differently in ONNX and in the model language; only "
                     "odd sizes are supported");
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  if ((*x)->shape.size() != 4)
    return nodeError("input of shape " + shapeString((*x)->shape) +
                     " is not 4-D (N, C, H, W)");
  Expr expr;
  expr << "lrn(";
  expr.ref((*x)->name) << ", ";
  expr.literal("size", std::to_string(*size))
          .named("alpha", numberString(*alpha))
          .named("beta", numberString(*beta))
          .named("k", numberString(*bias))
      << ")";
  emit(node, std::move(expr), (*x)->shape);
  return llvm::Error::success();
}

llvm::Error Importer::importRelu(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {}))
    return e;
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  emit(node, std::move(Expr() << "relu(").ref((*x)->name) << ")", (*x)->shape);
  return llvm::Error::success();
}

/// Clip (ReLU6 among others): `clip`, or `relu` for [0, inf).
llvm::Error Importer::importClip(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"min", "max"}))
    return e;
  float low = -std::numeric_limits<float>::infinity();
  float high = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    auto min = floatAttr(node, "min", low);
    auto max = floatAttr(node, "max", high);
    if (!min || !max)
      return llvm::joinErrors(min.takeError(), max.takeError());
    low = *min;
    high = *max;
  } else {
    for (int i = 1; i <= 2; ++i) {
      if (!hasInput(node, i))
        continue;
      auto bound = constantInput(node, i);
      if (!bound)
        return bound.takeError();
      if (!(*bound)->isFloat || (*bound)->size() != 1)
        return nodeError("bound " + Twine(i) + " must be a FLOAT scalar");
      (i == 1 ? low : high) = (*bound)->floats[0];
    }
  }
  // An infinite bound toward its own side is no bound.
  bool noMin = low == -std::numeric_limits<float>::infinity();
  bool noMax = high == std::numeric_limits<float>::infinity();
  if (!(noMin || std::isfinite(low)) || !(noMax || std::isfinite(high)) ||
      low > high)
    return nodeError("bounds [" + numberString(low) + ", " +
                     numberString(high) + "] are not an interval");
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  if (noMin && noMax) {
    values[node.output(0)] = **x;
    return llvm::Error::success();
  }
  // Clip(min = 0) is a ReLU, which the passes fuse into convolutions.
  if (low == 0 && noMax) {
    emit(node, std::move(Expr() << "relu(").ref((*x)->name) << ")",
         (*x)->shape);
    return llvm::Error::success();
  }
  Expr expr;
  expr << "clip(";
  expr.ref((*x)->name);
  if (!noMin)
    expr.named("min", numberString(low));
  if (!noMax)
    expr.named("max", numberString(high));
  emit(node, std::move(expr << ")"), (*x)->shape);
  return llvm::Error::success();
}

llvm::Error Importer::importConcat(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"axis"}))
    return e;
  auto axisAttr = intAttr(node, "axis", std::numeric_limits<int64_t>::min());
  if (!axisAttr)
    return axisAttr.takeError();
  if (*axisAttr == std::numeric_limits<int64_t>::min())
    return nodeError("attribute 'axis' is missing");
  std::vector<const Value *> parts;
  for (int i = 0; i < node.input_size(); ++i) {
    auto part = operandInput(node, i);
    if (!part)
      return part.takeError();
    parts.push_back(*part);
  }
  if (parts.empty())
    return nodeError("has no inputs");
  int64_t rank = parts[0]->shape.size();
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  if (axis < 0 || axis >= rank)
    return nodeError("axis " + Twine(*axisAttr) + " is out of range for rank " +
                     Twine(rank));
  Shape shape = parts[0]->shape;
  shape[axis] = 0;
  Expr expr;
  expr << "concat(";
  for (auto [i, part] : llvm::enumerate(parts)) {
    Shape expected = shape, found = part->shape;
    if ((int64_t)found.size() == rank) {
      shape[axis] += found[axis];
      found[axis] = expected[axis] = 0;
    }
    if (found != expected)
      return nodeError("input " + Twine(i) + " of shape " +
                       shapeString(part->shape) + " does not match input 0 " +
                       shapeString(parts[0]->shape) + " off axis " +
                       Twine(axis));
    if (i)
      expr << ", ";
    expr.ref(part->name);
  }
  if (parts.size() == 1) {
    values[node.output(0)] = *parts[0];
    return llvm::Error::success();
  }
  if (axis != 1)
    expr.named("axis", std::to_string(axis));
  emit(node, std::move(expr << ")"), shape);
  return llvm::Error::success();
}

/// Add of two tensors, Sum of any number, of one shape: nested adds in one
/// statement. A constant operand is stated as a parameter.
llvm::Error Importer::importAdd(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {}))
    return e;
  if (node.input_size() < 2 ||
      (node.op_type() == "Add" && node.input_size() != 2))
    return nodeError("takes " + Twine(node.input_size()) + " inputs");
  std::vector<const Value *> terms;
  for (int i = 0; i < node.input_size(); ++i) {
    auto term = operandInput(node, i);
    if (!term)
      return term.takeError();
    if (!terms.empty() && (*term)->shape != terms.front()->shape)
      return nodeError("shapes " + shapeString(terms.front()->shape) + " and " +
                       shapeString((*term)->shape) +
                       " differ; broadcasting is not supported");
    terms.push_back(*term);
  }
  Expr expr;
  for (size_t i = 1; i < terms.size(); ++i)
    expr << "add(";
  expr.ref(terms[0]->name);
  for (size_t i = 1; i < terms.size(); ++i) {
    expr << ", ";
    expr.ref(terms[i]->name) << ")";
  }
  emit(node, std::move(expr), terms[0]->shape);
  return llvm::Error::success();
}

/// A tensor times a constant scalar (Inception-ResNet's residual scaling).
llvm::Error Importer::importMul(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {}))
    return e;
  auto a = input(node, 0);
  if (!a)
    return a.takeError();
  auto b = input(node, 1);
  if (!b)
    return b.takeError();
  int tensorIndex = (*a)->kind == Value::Known ? 1 : 0;
  const Value *scalar = tensorIndex ? *a : *b;
  if (scalar->kind != Value::Known)
    return nodeError("multiplies two tensors; only a tensor times a constant "
                     "scalar is supported");
  if (!scalar->constant->isFloat || scalar->constant->size() != 1)
    return nodeError("the constant factor has shape " +
                     shapeString(scalar->constant->shape) +
                     "; only a FLOAT scalar is supported");
  auto x = tensorInput(node, tensorIndex);
  if (!x)
    return x.takeError();
  // A one-element factor of higher rank would broadcast the result's rank.
  if (scalar->constant->shape.size() > (*x)->shape.size())
    return nodeError("the factor's rank exceeds the tensor's");
  Expr expr;
  expr << "scale(";
  expr.ref((*x)->name) << ", ";
  expr.literal("factor", numberString(scalar->constant->floats[0])) << ")";
  emit(node, std::move(expr), (*x)->shape);
  return llvm::Error::success();
}

/// Gemm and MatMul with a constant right-hand side: a dense layer, its
/// weight stored [out, in] as the language declares it.
llvm::Error Importer::importGemm(const onnx::NodeProto &node, bool matmul) {
  if (auto e = rejectAttributesBut(
          node, matmul ? std::initializer_list<StringRef>{}
                       : std::initializer_list<StringRef>{
                             "alpha", "beta", "transA", "transB", "broadcast"}))
    return e;
  auto alpha = floatAttr(node, "alpha", 1.0f);
  auto beta = floatAttr(node, "beta", 1.0f);
  auto transA = intAttr(node, "transA", 0);
  auto transB = intAttr(node, "transB", 0);
  if (!alpha || !beta || !transA || !transB)
    return llvm::joinErrors(
        llvm::joinErrors(alpha.takeError(), beta.takeError()),
        llvm::joinErrors(transA.takeError(), transB.takeError()));
  if (*transA)
    return nodeError("transA = 1 transposes the activations; not supported");
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  if ((*x)->shape.size() != 2)
    return nodeError("input of shape " + shapeString((*x)->shape) +
                     " is not 2-D; flatten it first");
  auto b = constantInput(node, 1);
  if (!b)
    return b.takeError();
  const Constant &weight = **b;
  if (!weight.isFloat || weight.shape.size() != 2)
    return nodeError("B must be a 2-D FLOAT constant, got " +
                     shapeString(weight.shape));
  int64_t in = (*x)->shape[1], batch = (*x)->shape[0];
  int64_t out = *transB ? weight.shape[0] : weight.shape[1];
  if ((*transB ? weight.shape[1] : weight.shape[0]) != in)
    return nodeError("B " + shapeString(weight.shape) +
                     (*transB ? " (transposed)" : "") +
                     " does not fit the input " + shapeString((*x)->shape));
  std::vector<float> data(out * in);
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i)
      data[o * in + i] =
          *alpha * weight.floats[*transB ? o * in + i : i * out + o];
  std::optional<std::vector<float>> bias;
  if (!matmul && hasInput(node, 2)) {
    auto c = constantInput(node, 2);
    if (!c)
      return c.takeError();
    const Constant &cc = **c;
    // C broadcasts to [batch, out]; only a row (the same for every batch
    // element) is a bias.
    bool row =
        cc.size() == 1 ||
        (cc.shape.size() >= 1 && cc.shape.back() == out && cc.size() == out) ||
        (cc.size() == out * batch && batch == 1);
    if (!cc.isFloat || !row)
      return nodeError("C of shape " + shapeString(cc.shape) +
                       " is not a bias of " + Twine(out) + " (a scalar, [" +
                       Twine(out) + "] or [1, " + Twine(out) + "])");
    bias.emplace(out);
    for (int64_t o = 0; o < out; ++o)
      (*bias)[o] = *beta * cc.floats[cc.size() == 1 ? 0 : o];
  }
  Expr expr;
  expr << "dense(";
  expr.ref((*x)->name) << ", ";
  expr.literal("out", std::to_string(out)) << (bias ? ")" : ", bias = false)");
  Statement &statement = emit(node, std::move(expr), {batch, out});
  addWeight(statement, "weight", {out, in}, std::move(data));
  if (bias)
    addWeight(statement, "bias", {out}, std::move(*bias));
  return llvm::Error::success();
}

llvm::Error Importer::importFlatten(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"axis"}))
    return e;
  auto axis = intAttr(node, "axis", 1);
  if (!axis)
    return axis.takeError();
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  int64_t rank = (*x)->shape.size();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return nodeError("axis " + Twine(*axis) + " is out of range for rank " +
                     Twine(rank));
  if (a != 1)
    return nodeError("axis = " + Twine(*axis) +
                     ": only flattening after the "
                     "first extent (axis = 1) is supported");
  int64_t rest = 1;
  for (int64_t i = 1; i < rank; ++i)
    rest *= (*x)->shape[i];
  if (rank == 2) {
    values[node.output(0)] = **x;
    return llvm::Error::success();
  }
  emit(node, std::move(Expr() << "flatten(").ref((*x)->name) << ")",
       {(*x)->shape[0], rest});
  return llvm::Error::success();
}

/// A Reshape that flattens all but the first extent (PyTorch's
/// `x.view(x.size(0), -1)`), or that changes nothing.
llvm::Error Importer::importReshape(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"allowzero"}))
    return e;
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  Shape target;
  if (opset < 5) {
    auto attr = intsAttr(node, "shape");
    if (!attr)
      return attr.takeError();
    if (!*attr)
      return nodeError("attribute 'shape' is missing");
    target = **attr;
  } else {
    auto shape = constantInput(node, 1);
    if (!shape)
      return shape.takeError();
    if ((*shape)->isFloat || (*shape)->shape.size() != 1)
      return nodeError("the shape must be a 1-D INT64 constant");
    target.assign((*shape)->ints.begin(), (*shape)->ints.end());
  }
  auto allowZero = intAttr(node, "allowzero", 0);
  if (!allowZero)
    return allowZero.takeError();
  const Shape &in = (*x)->shape;
  int64_t total = 1;
  for (int64_t e : in)
    total *= e;
  int64_t known = 1, inferred = -1;
  for (auto [i, extent] : llvm::enumerate(target)) {
    if (extent == 0 && !*allowZero) {
      if (i >= in.size())
        return nodeError("shape " + shapeString(target) + " copies extent " +
                         Twine(i) + " the input " + shapeString(in) +
                         " does not have");
      extent = in[i];
    }
    if (extent == -1) {
      if (inferred >= 0)
        return nodeError("shape " + shapeString(target) + " has two -1");
      inferred = i;
      continue;
    }
    if (extent < 0)
      return nodeError("shape " + shapeString(target) +
                       " has a negative "
                       "extent");
    if (extent && known > kMaxElements / extent)
      return nodeError("shape " + shapeString(target) + " is too large");
    known *= extent;
  }
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return nodeError("shape " + shapeString(target) + " does not divide " +
                       Twine(total) + " elements");
    target[inferred] = total / known;
    known = total;
  }
  if (known != total)
    return nodeError("shape " + shapeString(target) + " holds " + Twine(known) +
                     " elements, the input " + shapeString(in) + " " +
                     Twine(total));
  if (target == in) {
    values[node.output(0)] = **x;
    return llvm::Error::success();
  }
  if (target.size() != 2 || target[0] != in[0])
    return nodeError("reshape " + shapeString(in) + " to " +
                     shapeString(target) +
                     ": only flattening all but the "
                     "first extent is supported");
  emit(node, std::move(Expr() << "flatten(").ref((*x)->name) << ")", target);
  return llvm::Error::success();
}

llvm::Error Importer::importSoftmax(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"axis"}))
    return e;
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  int64_t rank = (*x)->shape.size();
  auto axisAttr = intAttr(node, "axis", opset < 13 ? 1 : -1);
  if (!axisAttr)
    return axisAttr.takeError();
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  if (axis < 0 || axis >= rank)
    return nodeError("axis " + Twine(*axisAttr) + " is out of range for rank " +
                     Twine(rank));
  // Before opset 13 the input is flattened to 2-D at `axis` and normalized
  // over everything after it: one axis only when it is the last.
  if (opset < 13 && axis != rank - 1)
    return nodeError("Softmax-" + Twine(opset) + " with axis " + Twine(axis) +
                     " of rank " + Twine(rank) +
                     " normalizes over several "
                     "axes; only the last axis is supported");
  Expr expr;
  expr << "softmax(";
  expr.ref((*x)->name);
  if (axis != 1)
    expr.named("axis", std::to_string(axis));
  emit(node, std::move(expr << ")"), (*x)->shape);
  return llvm::Error::success();
}

llvm::Error Importer::importDropout(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"ratio", "seed", "is_test"}))
    return e;
  if (auto e = checkUnusedOutputs(node, 1))
    return e;
  // In training mode a ratio of 0 drops nothing: still the identity.
  if (hasInput(node, 2)) {
    auto training = constantInput(node, 2);
    if (!training)
      return training.takeError();
    auto isZero = [](const Constant &c) {
      return c.size() == 1 && (c.isFloat ? c.floats[0] == 0 : c.ints[0] == 0);
    };
    bool dropsNothing = false;
    if (hasInput(node, 1)) {
      auto ratio = constantInput(node, 1);
      if (!ratio)
        return ratio.takeError();
      dropsNothing = isZero(**ratio);
    }
    if (!isZero(**training) && !dropsNothing)
      return nodeError("training_mode is not a constant false and the ratio "
                       "not 0; only inference (identity) is supported");
  }
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  values[node.output(0)] = **x;
  return llvm::Error::success();
}

llvm::Error Importer::importIdentity(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {}))
    return e;
  auto x = input(node, 0);
  if (!x)
    return x.takeError();
  values[node.output(0)] = **x;
  return llvm::Error::success();
}

llvm::Error Importer::importConstant(const onnx::NodeProto &node) {
  if (node.attribute_size() != 1)
    return nodeError("must have exactly one attribute giving its value");
  const onnx::AttributeProto &attr = node.attribute(0);
  auto constant = std::make_shared<Constant>();
  if (attr.name() == "value" && attr.type() == onnx::AttributeProto::TENSOR) {
    auto tensor = readTensor(attr.t(), "Constant value");
    if (!tensor)
      return tensor.takeError();
    constant = std::move(*tensor);
  } else if (attr.name() == "value_float" &&
             attr.type() == onnx::AttributeProto::FLOAT) {
    constant->floats = {attr.f()};
  } else if (attr.name() == "value_floats" &&
             attr.type() == onnx::AttributeProto::FLOATS) {
    constant->floats.assign(attr.floats().begin(), attr.floats().end());
    constant->shape = {(int64_t)constant->floats.size()};
  } else if (attr.name() == "value_int" &&
             attr.type() == onnx::AttributeProto::INT) {
    constant->isFloat = false;
    constant->ints = {attr.i()};
  } else if (attr.name() == "value_ints" &&
             attr.type() == onnx::AttributeProto::INTS) {
    constant->isFloat = false;
    constant->ints.assign(attr.ints().begin(), attr.ints().end());
    constant->shape = {(int64_t)constant->ints.size()};
  } else {
    return nodeError("attribute '" + attr.name() + "' of type " +
                     Twine(attr.type()) + " is not a supported value");
  }
  Value value;
  value.kind = Value::Known;
  value.constant = std::move(constant);
  return define(node, std::move(value));
}

/// A zero constant Pad of the two spatial extents, carried to its reader.
llvm::Error Importer::importPad(const onnx::NodeProto &node) {
  if (auto e = rejectAttributesBut(node, {"mode", "pads", "value"}))
    return e;
  auto mode = stringAttr(node, "mode", "constant");
  if (!mode)
    return mode.takeError();
  if (*mode != "constant")
    return nodeError("mode '" + *mode +
                     "' is not supported; only constant "
                     "(zero) padding");
  auto x = tensorInput(node, 0);
  if (!x)
    return x.takeError();
  Shape pads;
  float fill = 0;
  if (opset < 11) {
    auto attr = intsAttr(node, "pads");
    auto value = floatAttr(node, "value", 0.0f);
    if (!attr || !value)
      return llvm::joinErrors(attr.takeError(), value.takeError());
    if (!*attr)
      return nodeError("attribute 'pads' is missing");
    pads = **attr;
    fill = *value;
  } else {
    auto constant = constantInput(node, 1);
    if (!constant)
      return constant.takeError();
    if ((*constant)->isFloat)
      return nodeError("pads must be INT64");
    pads.assign((*constant)->ints.begin(), (*constant)->ints.end());
    if (hasInput(node, 2)) {
      auto value = constantInput(node, 2);
      if (!value)
        return value.takeError();
      if (!(*value)->isFloat || (*value)->size() != 1)
        return nodeError("the constant value must be a FLOAT scalar");
      fill = (*value)->floats[0];
    }
    if (hasInput(node, 3))
      return nodeError("padding selected axes (input 'axes') is not "
                       "supported");
  }
  if (fill != 0)
    return nodeError("pads with " + numberString(fill) +
                     "; only zero "
                     "padding is supported");
  const Shape &in = (*x)->shape;
  if (in.size() != 4 || pads.size() != 8 || pads[0] || pads[1] || pads[4] ||
      pads[5] ||
      llvm::any_of(pads, [](int64_t p) { return p < 0 || p > kMaxElements; }))
    return nodeError("pads " + shapeString(pads) + " of a " + shapeString(in) +
                     " tensor: only non-negative padding "
                     "of the last two extents of a 4-D tensor is supported");
  Value value;
  value.kind = Value::Padded;
  value.name = (*x)->name;
  value.pads = {pads[2], pads[3], pads[6], pads[7]};
  value.shape = {in[0], in[1], in[2] + pads[2] + pads[6],
                 in[3] + pads[3] + pads[7]};
  if (llvm::all_of(value.pads, [](int64_t p) { return p == 0; })) {
    values[node.output(0)] = **x;
    return llvm::Error::success();
  }
  return define(node, std::move(value));
}

/// The op types the importer takes, each with its translation.
struct OpImporter {
  StringRef type;
  llvm::Error (*import)(Importer &, const onnx::NodeProto &);
};

llvm::Error Importer::importNode(const onnx::NodeProto &node) {
  using N = const onnx::NodeProto &;
  static const OpImporter importers[] = {
      {"Conv", [](Importer &i, N n) { return i.importConv(n); }},
      {"BatchNormalization",
       [](Importer &i, N n) { return i.importBatchNorm(n); }},
      {"Relu", [](Importer &i, N n) { return i.importRelu(n); }},
      {"Clip", [](Importer &i, N n) { return i.importClip(n); }},
      {"MaxPool", [](Importer &i, N n) { return i.importPool(n, true); }},
      {"AveragePool", [](Importer &i, N n) { return i.importPool(n, false); }},
      {"GlobalAveragePool",
       [](Importer &i, N n) { return i.importGlobalAveragePool(n); }},
      {"LRN", [](Importer &i, N n) { return i.importLRN(n); }},
      {"Concat", [](Importer &i, N n) { return i.importConcat(n); }},
      {"Add", [](Importer &i, N n) { return i.importAdd(n); }},
      {"Sum",
       [](Importer &i, N n) {
         return n.input_size() == 1 ? i.importIdentity(n) : i.importAdd(n);
       }},
      {"Mul", [](Importer &i, N n) { return i.importMul(n); }},
      {"Gemm", [](Importer &i, N n) { return i.importGemm(n, false); }},
      {"MatMul", [](Importer &i, N n) { return i.importGemm(n, true); }},
      {"Flatten", [](Importer &i, N n) { return i.importFlatten(n); }},
      {"Reshape", [](Importer &i, N n) { return i.importReshape(n); }},
      {"Softmax", [](Importer &i, N n) { return i.importSoftmax(n); }},
      {"Dropout", [](Importer &i, N n) { return i.importDropout(n); }},
      {"Identity", [](Importer &i, N n) { return i.importIdentity(n); }},
      {"Constant", [](Importer &i, N n) { return i.importConstant(n); }},
      {"Pad", [](Importer &i, N n) { return i.importPad(n); }},
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeError("domain '" + node.domain() + "' is not supported");
  if (node.output_size() == 0 || node.output(0).empty())
    return nodeError("has no output");
  for (const OpImporter &op : importers) {
    if (op.type != node.op_type())
      continue;
    if (auto e = op.import(*this, node))
      return e;
    // A zero extent (an empty weight, say) makes an empty tensor, which no
    // op of the language takes.
    const Value &result = values.find(node.output(0))->second;
    if (result.kind != Value::Known &&
        llvm::any_of(result.shape, [](int64_t e) { return e < 1; }))
      return nodeError("its result " + shapeString(result.shape) +
                       " is empty; the model language has no empty tensors");
    return llvm::Error::success();
  }
  return nodeError(
      "op type '" + node.op_type() + "' is not supported (supported: " +
      llvm::join(llvm::map_range(importers,
                                 [](const OpImporter &op) { return op.type; }),
                 ", ") +
      "; docs/onnx.md)");
}

llvm::Expected<ImportedModel> Importer::run() {
  if (!model.has_graph())
    return error("no graph (is this an ONNX model file?)");
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  if (opset == 0)
    return error("imports no version of the default operator set");
  if (opset > 18)
    return error("opset " + Twine(opset) +
                 " is newer than the importer "
                 "knows (up to 18)");
  if (graph.output_size() != 1)
    return error("a compiled library has one output; the graph has " +
                 Twine(graph.output_size()));
  if (auto e = readInitializers())
    return std::move(e);
  if (auto e = readInputs())
    return std::move(e);
  auto order = liveNodesInOrder();
  if (!order)
    return order.takeError();
  for (int index : *order) {
    currentNode = index;
    if (auto e = importNode(graph.node(index)))
      return std::move(e);
  }
  const std::string &outputName = graph.output(0).name();
  const Value &result = values.find(outputName)->second;
  if (result.kind != Value::Tensor)
    return error("graph output '" + outputName +
                 "' is a constant or a Pad's output, not a computed tensor");
  // PyTorch names outputs by number ("1176"): a name that is not an
  // identifier becomes `result`.
  std::string outputBase = identifierFor(outputName);
  if (outputBase != outputName)
    outputBase = "result";
  description.outputName = outputBase;
  for (int suffix = 1; usedNames.count(description.outputName); ++suffix)
    description.outputName = outputBase + "_" + std::to_string(suffix);
  description.outputValue = result.name;

  // The library and its symbols are named after the file, as the model
  // files' are after theirs.
  description.modelName = identifierFor(llvm::sys::path::stem(fileName));
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += " " + model.producer_version();
  description.header =
      "# Imported from " + commentText(llvm::sys::path::filename(fileName)) +
      " (" + commentText(producer.empty() ? "" : producer + ", ") + "opset " +
      std::to_string(opset) + ") by inception-import.\n";
  return writeModel(std::move(description));
}

} // namespace

llvm::Expected<ImportedModel> importOnnx(StringRef bytes, StringRef fileName) {
  if (bytes.size() > kMaxOnnxFileBytes - 1)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   fileName + ": larger than 2 GiB, the "
                                              "protobuf limit");
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        fileName + ": not a valid ONNX model (the protobuf does not parse: "
                   "truncated or not ONNX)");
  return Importer(model, fileName).run();
}

} // namespace inception
