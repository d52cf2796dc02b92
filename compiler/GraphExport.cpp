//===- GraphExport.cpp - A model as a Graphviz graph ----------------------===//

#include "compiler/GraphExport.h"
#include "compiler/Error.h"
#include "dialect/InceptionOps.h"
#include "dialect/ShapeInference.h"
#include "passes/Analysis/Cost.h"
#include "passes/Passes.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace inception {

static std::string describe(Operation *op) {
  std::string text = op->getName().stripDialect().str();
  if (auto conv = dyn_cast<mlir::inception::Conv2DOp>(op)) {
    auto filter = cast<RankedTensorType>(conv.getFilter().getType());
    text += " " + std::to_string(filter.getDimSize(2)) + "x" +
            std::to_string(filter.getDimSize(3));
    if (conv.getStrides()[0] != 1 || conv.getStrides()[1] != 1)
      text += "/" + std::to_string(conv.getStrides()[0]);
    if (conv.getGroups() != 1)
      text += " groups " + std::to_string(conv.getGroups());
    if (conv.getBias())
      text += " + bias";
    if (conv.getResidual())
      text += " + residual";
    if (conv.getFusedRelu())
      text += " + relu";
  } else if (auto dense = dyn_cast<mlir::inception::DenseOp>(op)) {
    if (dense.getBias())
      text += " + bias";
    if (dense.getFusedRelu())
      text += " + relu";
  }
  return text;
}

static std::string escape(StringRef text) {
  std::string result;
  for (char c : text) {
    if (c == '"' || c == '\\')
      result += '\\';
    result += c;
  }
  return result;
}

static std::string formatMacs(int64_t macs) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (macs >= 1000000000)
    os << llvm::format("%.2fG MACs", macs / 1e9);
  else if (macs >= 1000000)
    os << llvm::format("%.1fM MACs", macs / 1e6);
  else
    os << macs << " MACs";
  return text;
}

LogicalResult writeGraph(ModuleOp module, llvm::raw_ostream &os) {
  auto functions = llvm::to_vector(module.getOps<func::FuncOp>());
  if (functions.size() != 1)
    return module.emitError("expected exactly one model function");
  func::FuncOp function = functions.front();

  llvm::DenseMap<Value, std::string> nodeOf;
  // Clusters in order of first appearance.
  std::vector<std::pair<std::string, SmallVector<std::string>>> clusters;
  llvm::StringMap<size_t> clusterIndexOf;
  std::string nodes, edges;
  llvm::raw_string_ostream nodeStream(nodes), edgeStream(edges);
  int counter = 0;
  auto newNode = [&]() { return "n" + std::to_string(counter++); };

  for (auto [index, argument] : llvm::enumerate(function.getArguments())) {
    std::string id = newNode();
    auto attrs = function.getArgAttrDict(index);
    auto name = attrs ? attrs.getAs<StringAttr>("inception.name") : nullptr;
    auto type = cast<RankedTensorType>(argument.getType());
    nodeStream << "  " << id << " [shape=oval, label=\"input "
               << escape(name ? name.getValue() : "") << "\\n"
               << mlir::inception::formatShape(type.getShape()) << "\"];\n";
    nodeOf[argument] = id;
  }
  int64_t totalMacs = 0;
  function.walk([&](Operation *op) {
    if (!isa<mlir::inception::InceptionDialect>(op->getDialect())) {
      // Views such as the slices of a fused branch convolution are drawn as
      // the op they read from.
      if (op->getNumOperands() >= 1 && op->getNumResults() == 1)
        if (auto it = nodeOf.find(op->getOperand(0)); it != nodeOf.end())
          nodeOf[op->getResult(0)] = it->second;
      return;
    }
    std::string id = newNode();
    std::string path = mlir::inception::layerName(op->getLoc());
    mlir::inception::OpCost cost = mlir::inception::computeCost(op);
    totalMacs += cost.macs;
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    std::string label = escape(path) + "\\n" + escape(describe(op)) + "\\n" +
                        mlir::inception::formatShape(type.getShape());
    if (cost.macs)
      label += "\\n" + formatMacs(cost.macs);
    std::string line = id + " [label=\"" + label + "\"" +
                       (cost.macs ? ", style=filled, fillcolor=\"#dbe8f6\"" : "") +
                       "];";
    StringRef module = StringRef(path).split('.').first;
    auto [it, inserted] = clusterIndexOf.try_emplace(module, clusters.size());
    if (inserted)
      clusters.emplace_back(module.str(), SmallVector<std::string>());
    clusters[it->second].second.push_back(line);
    for (Value operand : op->getOperands())
      if (auto it = nodeOf.find(operand); it != nodeOf.end())
        edgeStream << "  " << it->second << " -> " << id << ";\n";
    nodeOf[op->getResult(0)] = id;
  });
  auto returnOp = cast<func::ReturnOp>(function.getBody().front().getTerminator());
  for (auto [index, result] : llvm::enumerate(returnOp.getOperands())) {
    std::string id = newNode();
    auto attrs = function.getResultAttrDict(index);
    auto name = attrs ? attrs.getAs<StringAttr>("inception.name") : nullptr;
    nodeStream << "  " << id << " [shape=oval, label=\"output "
               << escape(name ? name.getValue() : "") << "\"];\n";
    if (auto it = nodeOf.find(result); it != nodeOf.end())
      edgeStream << "  " << it->second << " -> " << id << ";\n";
  }

  os << "digraph \"" << escape(function.getName()) << "\" {\n"
     << "  label=\"" << escape(function.getName()) << ": "
     << formatMacs(totalMacs) << "\";\n"
     << "  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
     << nodes;
  int clusterIndex = 0;
  for (auto &[name, lines] : clusters) {
    bool grouped = !name.empty() && lines.size() > 1;
    if (grouped)
      os << "  subgraph cluster_" << clusterIndex++ << " {\n    label=\""
         << escape(name) << "\";\n    style=rounded;\n";
    for (const std::string &line : lines)
      os << (grouped ? "    " : "  ") << line << "\n";
    if (grouped)
      os << "  }\n";
  }
  os << edges << "}\n";
  return success();
}

llvm::Expected<std::string> renderGraphSvg(llvm::StringRef dot) {
  auto dotTool = llvm::sys::findProgramByName("dot");
  if (!dotTool)
    return compilerError("--emit=graph-svg needs Graphviz's 'dot' (apt-get install "
                "graphviz); --emit=graph writes the DOT text");
  llvm::SmallString<128> dotPath, svgPath;
  if (llvm::sys::fs::createTemporaryFile("inception-graph", "dot", dotPath) ||
      llvm::sys::fs::createTemporaryFile("inception-graph", "svg", svgPath))
    return compilerError("cannot create temporary files for graph-svg");
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(dotPath);
    llvm::sys::fs::remove(svgPath);
  });
  {
    std::error_code ec;
    llvm::raw_fd_ostream dotFile(dotPath, ec);
    if (ec)
      return compilerError("cannot write '" + dotPath + "': " + ec.message());
    dotFile << dot;
  }
  std::optional<llvm::StringRef> redirects[] = {
      std::nullopt, llvm::StringRef(svgPath), std::nullopt};
  if (llvm::sys::ExecuteAndWait(*dotTool, {*dotTool, "-Tsvg", dotPath},
                                std::nullopt, redirects) != 0)
    return compilerError("'dot -Tsvg' failed on the model graph");
  auto svg = llvm::MemoryBuffer::getFile(svgPath);
  if (!svg)
    return compilerError("cannot read the rendered SVG");
  return (*svg)->getBuffer().str();
}

} // namespace inception
