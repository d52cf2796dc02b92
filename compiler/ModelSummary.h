//===- ModelSummary.h - Op, convolution and parameter counts ----*- C++ -*-===//

#ifndef INCEPTION_COMPILER_MODELSUMMARY_H
#define INCEPTION_COMPILER_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

namespace inception {

/// What `inceptionc --emit=summary` prints. Parameters are counted the way
/// PyTorch's `sum(p.numel() for p in model.parameters())` counts them:
/// weights and biases, including batch-norm scale and shift; the running
/// statistics are buffers and are counted apart.
struct ModelSummary {
  std::string name;
  llvm::SmallVector<std::pair<std::string, mlir::RankedTensorType>> inputs;
  llvm::SmallVector<std::pair<std::string, mlir::RankedTensorType>> outputs;
  llvm::MapVector<llvm::StringRef, int64_t> opCounts; // by op name
  int64_t convolutions = 0;
  int64_t parameters = 0;
  int64_t buffers = 0;
  int64_t macs = 0; // multiply-accumulates of one run (passes/Analysis/Cost.h)

  static mlir::FailureOr<ModelSummary> compute(mlir::ModuleOp module);
  void print(llvm::raw_ostream &os) const;
};

} // namespace inception

#endif // INCEPTION_COMPILER_MODELSUMMARY_H
