//===- UkernelFields.cpp - The microkernels' parameter structs ------------===//

#include "dialect/UkernelFields.h"
#include "runtime/ukernels/ukernel_abi.h"

#include <cstring>

namespace mlir::inception::ukernel {

llvm::ArrayRef<FieldInfo> kernelFields(llvm::StringRef symbol) {
#define INCEPTION_UK_KERNEL(kernel, params)                                    \
  if (symbol == "inception_uk_" #kernel)                                       \
    return fieldsOf<params::Field>();
#include "runtime/ukernels/ukernel_params.def"
  return {};
}

const TransformInfo *lookupTransform(llvm::StringRef name) {
  static const TransformInfo transforms[] = {
#define INCEPTION_UK_TRANSFORM(kernel, params)                                 \
  {"inception_uk_" #kernel,                                                    \
   [](const void *p) {                                                         \
     inception_uk_##kernel(                                                    \
         static_cast<const inception_uk_##params##_params *>(p));              \
   }},
#include "runtime/ukernels/ukernel_params.def"
  };
  for (const TransformInfo &transform : transforms)
    if (transform.symbol.drop_front(strlen("inception_uk_")) == name)
      return &transform;
  return nullptr;
}

} // namespace mlir::inception::ukernel
