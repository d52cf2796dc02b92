//===- Weights.h - Where a model's parameters come from ---------*- C++ -*-===//

#ifndef INCEPTION_FRONTEND_WEIGHTS_H
#define INCEPTION_FRONTEND_WEIGHTS_H

#include "frontend/SafeTensors.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringSet.h"

namespace inception {

/// What a parameter is for; random initialization depends on it.
enum class ParamRole {
  ConvWeight, DepthwiseConvWeight, ConvBias, BnScale, BnOffset, BnMean,
  BnVariance, DenseWeight, DenseBias,
  /// A tensor the model states as is (the `parameter` builtin).
  Tensor,
};

/// Supplies the constant for each parameter key the model declares.
class WeightProvider {
public:
  virtual ~WeightProvider();
  /// Returns the data of `key`, shaped `type`; on failure, reports at `loc`.
  virtual mlir::FailureOr<mlir::ElementsAttr>
  get(llvm::StringRef key, mlir::RankedTensorType type, ParamRole role,
      mlir::Location loc) = 0;
  /// Called once every parameter was requested: reports what was left over.
  virtual mlir::LogicalResult finish(mlir::MLIRContext *context) {
    return mlir::success();
  }
  /// Whether parameters are bound when the library loads
  /// (inception.parameter ops) rather than now (constants of `get`).
  virtual bool bindsAtLoad() const { return false; }
};

/// No data: every parameter is an inception.parameter of its key and shape,
/// bound when the library loads (inceptionc --weights-at-load).
class LoadTimeWeights : public WeightProvider {
public:
  mlir::FailureOr<mlir::ElementsAttr> get(llvm::StringRef key,
                                          mlir::RankedTensorType type,
                                          ParamRole role,
                                          mlir::Location loc) override;
  bool bindsAtLoad() const override { return true; }
};

/// Binds parameters to the tensors of a safetensors file by key. The
/// constants are views of the mapped file: `file` must outlive the module.
class SafeTensorsWeights : public WeightProvider {
public:
  explicit SafeTensorsWeights(const SafeTensorsFile &file) : file(file) {}
  mlir::FailureOr<mlir::ElementsAttr> get(llvm::StringRef key,
                                          mlir::RankedTensorType type,
                                          ParamRole role,
                                          mlir::Location loc) override;
  /// Fails for every tensor no parameter used, except the
  /// `num_batches_tracked` counters PyTorch stores beside batch norms.
  mlir::LogicalResult finish(mlir::MLIRContext *context) override;

private:
  const SafeTensorsFile &file;
  llvm::StringSet<> used;
};

/// Deterministic pseudo-random parameters: the same seed and key always give
/// the same values, whatever order the model requests them in. Scaled like
/// Kaiming initialization, with batch-norm statistics near the identity, so
/// activations stay finite through the deepest model of the family.
class RandomWeights : public WeightProvider {
public:
  explicit RandomWeights(uint64_t seed) : seed(seed) {}
  mlir::FailureOr<mlir::ElementsAttr> get(llvm::StringRef key,
                                          mlir::RankedTensorType type,
                                          ParamRole role,
                                          mlir::Location loc) override;

private:
  uint64_t seed;
};

/// True for the PyTorch bookkeeping tensors a model never reads.
bool isIgnoredWeightKey(llvm::StringRef key);

} // namespace inception

#endif // INCEPTION_FRONTEND_WEIGHTS_H
