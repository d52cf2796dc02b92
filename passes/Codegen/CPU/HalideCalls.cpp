//===- HalideCalls.cpp - inception.halide_call on buffers as a call -------===//
//
// A Halide pipeline compiled ahead of time takes its user context and a
// `halide_buffer_t *` per buffer (HalideRuntime.h). Each is built here as
// an i64 array at the function's entry, 64-bit fields in the struct's
// order, its `halide_dimension_t`s after it:
//
//   [0] device  [1] device_interface  [2] host  [3] flags
//   [4] type (code 2: float, 32 bits, 1 lane) | dimensions << 32
//   [5] dim (the address of [7])  [6] padding
//   [7 + 2d] min | extent << 32   [8 + 2d] stride | flags << 32
//
// Halide dimension d is the memref's dimension rank-1-d, so that Halide's
// innermost is the row-major innermost; strides and the offset come from
// the buffer's static layout (a concat's slice, a padded buffer's
// interior). The user context is runtime/halide/halide_glue.c's
// inception_halide_context: the per-thread scratch the workspace plan
// places, and its size.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Codegen/CPU/Microkernels.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::inception::microkernels {

using ukernel::bufferAddress;
using ukernel::declareFunction;
using ukernel::entryArray;

namespace {

void store(OpBuilder &builder, Location loc, Value array, int64_t slot,
           Value value) {
  if (value.getType().isIndex())
    value =
        arith::IndexCastOp::create(builder, loc, builder.getI64Type(), value);
  memref::StoreOp::create(
      builder, loc, value, array,
      ValueRange{arith::ConstantIndexOp::create(builder, loc, slot)});
}

void store(OpBuilder &builder, Location loc, Value array, int64_t slot,
           int64_t value) {
  store(builder, loc, array, slot,
        arith::ConstantIntOp::create(builder, loc, value, 64));
}

} // namespace

LogicalResult lowerHalideCall(SymbolTable &symbols, HalideCallOp op) {
  OpBuilder builder(op);
  Location loc = op.getLoc();
  Type index = builder.getIndexType();
  constexpr int64_t kFloat32 = 2 | 32 << 8 | 1 << 16; // halide_type_t

  SmallVector<Value> arguments;
  StringRef callee = op.getCallee();
  Value context = entryArray(builder, loc, 2, callee);
  if (int64_t bytes = llvm::alignTo(op.getScratch(), 64)) {
    Value scratch = ukernel::threadScratch(builder, loc, bytes);
    store(builder, loc, context, 0, bufferAddress(builder, loc, scratch, 0));
    store(builder, loc, context, 1, bytes);
  } else {
    store(builder, loc, context, 0, int64_t(0));
    store(builder, loc, context, 1, int64_t(0));
  }
  Value contextAddress =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, context);
  arguments.push_back(contextAddress);

  for (Value buffer : op->getOperands()) {
    auto type = cast<MemRefType>(buffer.getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(offset) ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return op.emitOpError("inception-lower-ukernels: a buffer whose layout "
                            "is not static: ")
             << type;
    int64_t rank = type.getRank();
    Value array = entryArray(builder, loc, 7 + 2 * rank, callee);
    Value arrayAddress =
        memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, array);
    store(builder, loc, array, 0, int64_t(0));
    store(builder, loc, array, 1, int64_t(0));
    store(builder, loc, array, 2,
          bufferAddress(builder, loc, buffer, offset * 4));
    store(builder, loc, array, 3, int64_t(0));
    store(builder, loc, array, 4, kFloat32 | rank << 32);
    store(builder, loc, array, 5,
          arith::AddIOp::create(
              builder, loc, arrayAddress,
              arith::ConstantIndexOp::create(builder, loc, 56)));
    store(builder, loc, array, 6, int64_t(0));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = rank - 1 - d;
      if (type.getDimSize(dim) > INT32_MAX || strides[dim] > INT32_MAX)
        return op.emitOpError("inception-lower-ukernels: a buffer too large "
                              "for Halide's 32-bit extents: ")
               << type;
      store(builder, loc, array, 7 + 2 * d, type.getDimSize(dim) << 32);
      store(builder, loc, array, 8 + 2 * d, strides[dim]);
    }
    arguments.push_back(arrayAddress);
  }

  auto enter = declareFunction(symbols, builder, loc, "inception_halide_enter",
                               builder.getFunctionType({index}, {}));
  func::CallOp::create(builder, loc, enter, ValueRange{contextAddress});
  SmallVector<Type> argumentTypes(arguments.size(), index);
  auto layer = declareFunction(
      symbols, builder, loc, callee,
      builder.getFunctionType(argumentTypes, {builder.getI32Type()}));
  auto call = func::CallOp::create(builder, loc, layer, arguments);
  // The profile names the layer's back half (inception-profile-layers).
  call->setAttr(kBackendAttr, builder.getStringAttr("halide"));
  auto status =
      declareFunction(symbols, builder, loc, "inception_halide_status",
                      builder.getFunctionType({builder.getI32Type()}, {}));
  func::CallOp::create(builder, loc, status, call.getResult(0));
  return success();
}

} // namespace mlir::inception::microkernels
