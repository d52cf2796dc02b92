//===- Weights.cpp - Where a model's parameters come from -----------------===//

#include "frontend/Weights.h"
#include "runtime/safetensors.h"
#include "dialect/ShapeInference.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include <cmath>
#include <vector>

using namespace inception;
using namespace mlir;

WeightProvider::~WeightProvider() = default;

bool ::inception::isIgnoredWeightKey(llvm::StringRef key) {
  return inception_st_is_bookkeeping_key(key.data(), key.size());
}

FailureOr<ElementsAttr> SafeTensorsWeights::get(llvm::StringRef key,
                                                RankedTensorType type,
                                                ParamRole, Location loc) {
  const TensorView *tensor = file.lookup(key);
  if (!tensor)
    return emitError(loc) << "weight '" << key << "' of shape "
                          << mlir::inception::formatShape(type.getShape())
                          << " is missing from " << file.path();
  used.insert(key);
  if (llvm::ArrayRef<int64_t>(tensor->shape) != type.getShape())
    return emitError(loc) << "weight '" << key << "' has shape "
                          << mlir::inception::formatShape(tensor->shape)
                          << " in " << file.path() << " but the model expects "
                          << mlir::inception::formatShape(type.getShape());
  if (tensor->dtype != DType::F32)
    return emitError(loc) << "weight '" << key << "' has dtype "
                          << dtypeName(tensor->dtype) << " in " << file.path()
                          << "; only F32 is supported";
  llvm::ArrayRef<char> bytes = tensor->bytes;
  // Aligned data is referenced in place; safetensors does not promise
  // alignment, so a misaligned tensor is copied once.
  AsmResourceBlob blob =
      reinterpret_cast<uintptr_t>(bytes.data()) % alignof(float) == 0
          ? UnmanagedAsmResourceBlob::allocateWithAlign(bytes, alignof(float))
          : HeapAsmResourceBlob::allocateAndCopyWithAlign(
                bytes, alignof(float), /*dataIsMutable=*/false);
  return ElementsAttr(
      DenseF32ResourceElementsAttr::get(type, key, std::move(blob)));
}

FailureOr<ElementsAttr> LoadTimeWeights::get(llvm::StringRef key,
                                             RankedTensorType, ParamRole,
                                             Location loc) {
  return emitError(loc) << "weight '" << key
                        << "' has no data: it is bound when the library loads";
}

LogicalResult SafeTensorsWeights::finish(MLIRContext *context) {
  constexpr size_t kMaxListed = 20;
  size_t unused = 0;
  Location fileLoc = FileLineColLoc::get(context, file.path(), 0, 0);
  for (const TensorView &tensor : file.tensors()) {
    if (used.contains(tensor.name) || isIgnoredWeightKey(tensor.name))
      continue;
    if (++unused <= kMaxListed)
      emitError(fileLoc) << "tensor '" << tensor.name << "' of shape "
                         << mlir::inception::formatShape(tensor.shape)
                         << " is not used by the model";
  }
  if (unused > kMaxListed)
    emitError(fileLoc) << (unused - kMaxListed) << " more unused tensors";
  return success(unused == 0);
}

namespace {
/// SplitMix64: small, fast and well mixed; one stream per parameter key.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi).
  float uniform(float lo, float hi) {
    double unit = double(next() >> 11) * 0x1.0p-53;
    return float(lo + (hi - lo) * unit);
  }
};
} // namespace

static uint64_t hashKey(llvm::StringRef key, uint64_t seed) {
  uint64_t hash = 0xcbf29ce484222325ull ^ seed; // FNV-1a
  for (char c : key)
    hash = (hash ^ uint8_t(c)) * 0x100000001b3ull;
  return hash;
}

FailureOr<ElementsAttr> RandomWeights::get(llvm::StringRef key,
                                           RankedTensorType type,
                                           ParamRole role, Location) {
  SplitMix64 rng{hashKey(key, seed)};
  int64_t count = type.getNumElements();
  // Kaiming-uniform bound for the layers followed by ReLU: the second moment
  // of the activations is kept from layer to layer.
  int64_t fanIn = count / std::max<int64_t>(type.getDimSize(0), 1);
  float bound = std::sqrt(6.0f / float(std::max<int64_t>(fanIn, 1)));
  float lo = -bound, hi = bound;
  switch (role) {
  case ParamRole::ConvWeight:
  case ParamRole::DenseWeight:
    break;
  case ParamRole::DepthwiseConvWeight:
    // A depthwise convolution feeds a pointwise one with no ReLU between
    // them (a separable convolution): the ReLU gain of 2 is applied once.
    lo = -bound / std::sqrt(2.0f), hi = bound / std::sqrt(2.0f);
    break;
  case ParamRole::ConvBias:
  case ParamRole::DenseBias:
  case ParamRole::BnOffset:
  case ParamRole::BnMean:
  case ParamRole::Tensor:
    lo = -0.1f, hi = 0.1f;
    break;
  case ParamRole::BnScale:
  case ParamRole::BnVariance:
    lo = 0.8f, hi = 1.2f;
    break;
  }
  std::vector<float> values(count);
  for (float &value : values)
    value = rng.uniform(lo, hi);
  return ElementsAttr(DenseF32ResourceElementsAttr::get(
      type, key,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(
          llvm::ArrayRef<float>(values), /*dataIsMutable=*/false)));
}
