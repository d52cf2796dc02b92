//===- Pipelines.h - The compiler's pass pipelines --------------*- C++ -*-===//
//
// One definition of each pipeline serves inceptionc and inception-opt (where
// they are registered by name), so lit tests run exactly what the driver runs.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_PIPELINES_H
#define INCEPTION_PASSES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::inception {

/// The graph optimizations of -O1 and above, on the inception dialect:
/// strip-training-ops, fold-batch-norm, fuse-epilogue, fuse-branches,
/// canonicalize.
LogicalResult buildGraphOptimizationPipeline(OpPassManager &pm);
/// inception dialect -> linalg on tensors.
LogicalResult buildLowerToLinalgPipeline(OpPassManager &pm);
/// linalg on tensors -> LLVM dialect: bufferization, results as out-params,
/// workspace planning, one function per op whose outermost parallel loop is
/// an OpenMP worksharing loop, and the conversion to LLVM with bare-pointer
/// function signatures (the kernel is `void f(in*, out*, workspace*)`).
/// With `externalWeights`, the parameters come from a fourth argument, a
/// packed weights buffer (see inception-externalize-weights).
LogicalResult buildLinalgToLLVMPipeline(OpPassManager &pm,
                                        bool externalWeights = false);

/// Registers them, as `inception-optimize-graph`, `inception-lower-to-linalg`
/// and `inception-linalg-to-llvm{external-weights}`, and the project's passes.
void registerPassesAndPipelines();

} // namespace mlir::inception

#endif // INCEPTION_PASSES_PIPELINES_H
