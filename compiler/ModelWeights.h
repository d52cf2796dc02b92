//===- ModelWeights.h - The parameters a module holds -----------*- C++ -*-===//

#ifndef INCEPTION_COMPILER_MODELWEIGHTS_H
#define INCEPTION_COMPILER_MODELWEIGHTS_H

#include "frontend/SafeTensors.h"
#include "mlir/IR/BuiltinOps.h"

namespace inception {

/// Every `dense_resource` parameter constant of `module`, keyed by its
/// resource key (the parameter's name path), in op order. The views point
/// into the module's blobs. Fails on a constant whose data is not available
/// (elided when the module was printed) or not f32.
mlir::FailureOr<std::vector<TensorToWrite>> collectWeights(mlir::ModuleOp module);

} // namespace inception

#endif // INCEPTION_COMPILER_MODELWEIGHTS_H
