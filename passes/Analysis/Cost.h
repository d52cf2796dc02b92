//===- Cost.h - MACs and bytes of the Inception ops -------------*- C++ -*-===//
//
// The one cost model that --emit=summary, --emit=graph and the benchmarks
// share: multiply-accumulates of the contractions, and the bytes each op
// reads and writes when it runs alone.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_ANALYSIS_COST_H
#define INCEPTION_PASSES_ANALYSIS_COST_H

#include "mlir/IR/Operation.h"

namespace mlir::inception {

struct OpCost {
  int64_t macs = 0;         // multiply-accumulates (conv2d, dense)
  int64_t bytesRead = 0;    // every tensor operand, weights included
  int64_t bytesWritten = 0; // every tensor result

  OpCost &operator+=(const OpCost &other) {
    macs += other.macs;
    bytesRead += other.bytesRead;
    bytesWritten += other.bytesWritten;
    return *this;
  }
};

/// The cost of one op of the inception dialect (zero for other ops).
OpCost computeCost(Operation *op);
/// The summed cost of every inception op nested in `root`.
OpCost computeTotalCost(Operation *root);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_ANALYSIS_COST_H
