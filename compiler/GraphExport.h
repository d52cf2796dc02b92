//===- GraphExport.h - A model as a Graphviz graph --------------*- C++ -*-===//

#ifndef INCEPTION_COMPILER_GRAPHEXPORT_H
#define INCEPTION_COMPILER_GRAPHEXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace inception {

/// Writes the model function of `module` as a Graphviz DOT graph: one node
/// per inception op, labelled with its name path, kind (with fused
/// epilogues), result shape and MACs; ops are grouped in clusters by the
/// first segment of their name path (an Inception module, a stem layer).
mlir::LogicalResult writeGraph(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Renders DOT text to SVG with Graphviz's `dot`, which must be on PATH.
llvm::Expected<std::string> renderGraphSvg(llvm::StringRef dot);

} // namespace inception

#endif // INCEPTION_COMPILER_GRAPHEXPORT_H
