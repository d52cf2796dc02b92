//===- Passes.h - The GPU back half's passes --------------------*- C++ -*-===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_PASSES_H
#define INCEPTION_PASSES_CODEGEN_GPU_PASSES_H

#include "dialect/InceptionDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::inception {

#define GEN_PASS_DECL
#include "passes/Codegen/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Codegen/GPU/Passes.h.inc"

/// The module attribute listing the kernels a library launches, by name,
/// in the order inception_gpu_launch numbers them.
inline constexpr llvm::StringLiteral kGPUKernelsAttr = "inception.gpu_kernels";

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_GPU_PASSES_H
