//===- KernelCalls.h - Calls to the C microkernels, built one way -*- C++ -*-===//
//
// The C microkernels (runtime/ukernels/) each take a pointer to a parameter
// struct that runtime/ukernels/ukernel_params.def lists. This file expands
// the same list into field indices (dialect/UkernelFields.h), so that the
// compiler stores every field where the C struct has it: a call is an i64
// array on the stack (one 8-byte slot per field, in the list's order) and
// one `index` argument, its address.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_KERNELCALLS_H
#define INCEPTION_PASSES_CODEGEN_CPU_KERNELCALLS_H

#include "dialect/UkernelFields.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::inception::ukernel {

/// Names the parameter array of a kernel call (the kernel's symbol).
constexpr llvm::StringLiteral kParamsAttr = "inception.ukernel_params";
/// Names the field a store into that array sets, for the reader of the IR.
constexpr llvm::StringLiteral kFieldAttr = "inception.ukernel_field";

/// The pieces every call to C built here shares (KernelCallBuilder's, and
/// HalideCalls.cpp's halide_buffer_ts):

/// The address, as an `index`, of byte `byteOffset` of `buffer`'s
/// allocation.
Value bufferAddress(OpBuilder &builder, Location loc, Value buffer,
                    int64_t byteOffset);
/// An i64 array of `slots` at the entry of the function around `builder`'s
/// insertion point, after the arrays of earlier calls, so that they read in
/// the calls' order: a fixed stack slot, not a dynamic allocation where the
/// call is. `name` (kParamsAttr) says whose it is.
Value entryArray(OpBuilder &builder, Location loc, int64_t slots,
                 llvm::StringRef name);
/// `bytes` of scratch per thread, that plan-workspace places in the
/// per-thread region (kThreadScratchAttr).
Value threadScratch(OpBuilder &builder, Location loc, int64_t bytes);
/// The private declaration of `name` in `symbols`' module, made if missing.
func::FuncOp declareFunction(SymbolTable &symbols, OpBuilder &builder,
                             Location loc, llvm::StringRef name,
                             FunctionType type);

/// Builds one kernel call: every field set, then `create`.
class KernelCallBuilder {
public:
  KernelCallBuilder(OpBuilder &builder, Location loc, llvm::StringRef symbol,
                    llvm::ArrayRef<FieldInfo> fields);

  void setInteger(unsigned field, int64_t value);
  /// A double, stored as its bits.
  void setReal(unsigned field, double value);
  /// The address of element `offset` (floats) of `buffer`'s allocation.
  void setAddress(unsigned field, Value buffer, int64_t offset);
  void setNull(unsigned field);
  /// `bytes` of scratch per thread: the address of a buffer that
  /// plan-workspace places in the per-thread region (kThreadScratchAttr).
  void setThreadScratch(unsigned scratch, unsigned perThread, int64_t bytes);

  /// Declares the kernel if needed, stores the fields into an i64 array
  /// allocated at the function's entry and calls the kernel with its
  /// address. Fails, with an error, where a field was left unset.
  FailureOr<func::CallOp> create(SymbolTable &symbols);

  OpBuilder &getBuilder() { return builder; }

private:
  OpBuilder &builder;
  Location loc;
  llvm::StringRef symbol;
  llvm::ArrayRef<FieldInfo> fields;
  /// Per field: its address, or its integer (materialized by `create` next
  /// to its store, where the IR reads best).
  SmallVector<Value> addresses;
  SmallVector<std::optional<int64_t>> integers;
};

/// The typed face of KernelCallBuilder: fields of the kernel's own struct.
template <typename Field> class KernelCall : public KernelCallBuilder {
public:
  KernelCall(OpBuilder &builder, Location loc, Kernel<Field> kernel)
      : KernelCallBuilder(builder, loc, kernel.symbol, fieldsOf<Field>()) {}

  void set(Field field, int64_t value) { setInteger(unsigned(field), value); }
  void set(Field field, Value buffer, int64_t offset) {
    setAddress(unsigned(field), buffer, offset);
  }
  void setNull(Field field) { KernelCallBuilder::setNull(unsigned(field)); }
  void setThreadScratch(Field scratch, Field perThread, int64_t bytes) {
    KernelCallBuilder::setThreadScratch(unsigned(scratch), unsigned(perThread),
                                        bytes);
  }
};

} // namespace mlir::inception::ukernel

#endif // INCEPTION_PASSES_CODEGEN_CPU_KERNELCALLS_H
