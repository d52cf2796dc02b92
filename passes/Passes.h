//===- Passes.h - Inception compiler passes ---------------------*- C++ -*-===//

#ifndef INCEPTION_PASSES_PASSES_H
#define INCEPTION_PASSES_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::inception {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// The workspace size in bytes PlanWorkspace records on the entry point.
constexpr llvm::StringLiteral kWorkspaceSizeAttr = "inception.workspace_size";

/// Patterns lowering each op family to linalg; used by
/// ConvertInceptionToLinalg.
void populateConvolutionLoweringPatterns(RewritePatternSet &patterns);
void populatePoolingLoweringPatterns(RewritePatternSet &patterns);
void populateElementwiseLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_PASSES_H
