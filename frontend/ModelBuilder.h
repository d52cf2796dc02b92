//===- ModelBuilder.h - Elaborate a parsed model into MLIR ------*- C++ -*-===//

#ifndef INCEPTION_FRONTEND_MODELBUILDER_H
#define INCEPTION_FRONTEND_MODELBUILDER_H

#include "frontend/AST.h"
#include "frontend/SourceLocator.h"
#include "frontend/Weights.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include <optional>

namespace inception {

/// Limits that keep a hostile model from exhausting memory or the stack.
constexpr unsigned kMaxCallDepth = 64;
constexpr int64_t kMaxRepeatCount = 4096;
constexpr int64_t kMaxOps = 1000000;

struct BuildOptions {
  /// Replaces the leading (batch) extent of every input.
  std::optional<int64_t> batch;
  /// The most ops the model may expand to (the fuzz target lowers it so
  /// that one input cannot take seconds).
  int64_t maxOps = kMaxOps;
};

/// Weight errors reported before the rest are only counted.
constexpr int64_t kMaxWeightErrors = 20;

/// Expands blocks and repeats, checks every op's arguments and shapes, binds
/// parameters through `weights`, and returns a module holding one function
/// named after the model. Every error is reported at its source location.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
buildModule(const ast::Model &model, const SourceLocator &locator,
            WeightProvider &weights, const BuildOptions &options = {});

} // namespace inception

#endif // INCEPTION_FRONTEND_MODELBUILDER_H
