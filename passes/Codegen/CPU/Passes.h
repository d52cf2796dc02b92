//===- Passes.h - The CPU back half's passes --------------------*- C++ -*-===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_PASSES_H
#define INCEPTION_PASSES_CODEGEN_CPU_PASSES_H

#include "dialect/InceptionDialect.h"
#include "passes/Passes.h"

namespace mlir::inception {

#define GEN_PASS_DECL
#include "passes/Codegen/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Codegen/CPU/Passes.h.inc"

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_CPU_PASSES_H
