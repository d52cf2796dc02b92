//===- UkernelFields.h - The microkernels' parameter structs ----*- C++ -*-===//
//
// runtime/ukernels/ukernel_params.def lists every microkernel's (and weight
// transform's) parameter struct. This file expands that list into field
// indices and kinds, for the compiler's kernel calls (passes/Codegen/CPU/
// KernelCalls.h) and for inception.weight_transform, which runs the
// transforms while it folds. test/unit/UkernelAbiTest.cpp checks the C
// structs' offsets against these indices.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_DIALECT_UKERNELFIELDS_H
#define INCEPTION_DIALECT_UKERNELFIELDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::inception::ukernel {

/// What a field of a parameter struct holds.
enum class FieldKind { Pointer, Integer, Real };

/// A field of a parameter struct: its name in C and its kind.
struct FieldInfo {
  llvm::StringLiteral name;
  FieldKind kind;
  bool isPointer() const { return kind == FieldKind::Pointer; }
};

// ukernel::<params>::Field, one enumerator per field, in slot order.
#define INCEPTION_UK_PARAMS(params)                                            \
  namespace params {                                                           \
  enum class Field : unsigned {
#define INCEPTION_UK_POINTER(params, type, name) name,
#define INCEPTION_UK_INTEGER(params, name) name,
#define INCEPTION_UK_REAL(params, name) name,
#define INCEPTION_UK_PARAMS_END(params)                                        \
  count                                                                        \
  }                                                                            \
  ;                                                                            \
  }
#include "runtime/ukernels/ukernel_params.def"

/// The fields of the struct whose indices are `Field`.
template <typename Field> llvm::ArrayRef<FieldInfo> fieldsOf();

#define INCEPTION_UK_PARAMS(params)                                            \
  namespace params {                                                           \
  inline constexpr FieldInfo kFields[] = {
#define INCEPTION_UK_POINTER(params, type, name) {#name, FieldKind::Pointer},
#define INCEPTION_UK_INTEGER(params, name) {#name, FieldKind::Integer},
#define INCEPTION_UK_REAL(params, name) {#name, FieldKind::Real},
#define INCEPTION_UK_PARAMS_END(params)                                        \
  }                                                                            \
  ;                                                                            \
  }                                                                            \
  template <> inline llvm::ArrayRef<FieldInfo> fieldsOf<params::Field>() {     \
    return params::kFields;                                                    \
  }
#include "runtime/ukernels/ukernel_params.def"

/// A kernel: its symbol and, in its type, the struct it takes.
template <typename Field> struct Kernel {
  llvm::StringLiteral symbol;
};

// ukernel::k<kernel>, e.g. k_conv2d_blocked for inception_uk_conv2d_blocked.
#define INCEPTION_UK_KERNEL(kernel, params)                                    \
  inline constexpr Kernel<params::Field> k_##kernel{"inception_uk_" #kernel};
#include "runtime/ukernels/ukernel_params.def"

/// The fields of the struct the kernel `symbol` takes; empty for any other
/// symbol.
llvm::ArrayRef<FieldInfo> kernelFields(llvm::StringRef symbol);

/// The fields of the struct the kernel `symbol` takes; empty for any other
/// symbol.
llvm::ArrayRef<FieldInfo> kernelFields(llvm::StringRef symbol);

/// A weight transform (INCEPTION_UK_TRANSFORM): its symbol and the host's
/// build of it, which takes a pointer to its struct.
struct TransformInfo {
  llvm::StringLiteral symbol;
  void (*function)(const void *params);
};

/// The weight transform named `name` (its symbol without `inception_uk_`),
/// or null.
const TransformInfo *lookupTransform(llvm::StringRef name);

} // namespace mlir::inception::ukernel

#endif // INCEPTION_DIALECT_UKERNELFIELDS_H
