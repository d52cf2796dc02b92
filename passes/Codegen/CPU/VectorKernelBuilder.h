//===- VectorKernelBuilder.h - What the tile builders share -----*- C++ -*-===//
//
// The helpers every vector-dialect tile builder uses (VectorKernels.cpp,
// BlockedVectorKernels.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELBUILDER_H
#define INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::inception {

/// What every kernel function's builder shares. The kernels are called from
/// C with plain pointers: each memref<f32> argument is a float pointer under
/// the bare-pointer calling convention, reinterpreted here as the view it
/// points to.
struct KernelBuilder {
  KernelBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  OpBuilder &b;
  Location loc;
  Block *entry = nullptr;
  llvm::DenseMap<int64_t, Value> constants;
  llvm::DenseMap<Type, Value> zeroVectors;

  Block::BlockArgListType start(func::FuncOp function) {
    entry = function.addEntryBlock();
    b.setInsertionPointToStart(entry);
    return entry->getArguments();
  }

  /// The index constant `value`, made once at the function's entry.
  Value index(int64_t value) {
    Value &constant = constants[value];
    if (!constant) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(entry);
      constant = arith::ConstantIndexOp::create(b, loc, value);
    }
    return constant;
  }

  /// The zero vector of `type`, made once at the function's entry.
  Value zeros(VectorType type) {
    Value &constant = zeroVectors[type];
    if (!constant) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(entry);
      constant = arith::ConstantOp::create(b, loc,
                                           DenseElementsAttr::get(type, 0.0f));
    }
    return constant;
  }

  /// `base` as a rows x cols view with row stride `stride`.
  Value view(Value base, OpFoldResult rows, int64_t cols, OpFoldResult stride) {
    auto staticOrDynamic = [](OpFoldResult value) {
      return getConstantIntValue(value).value_or(ShapedType::kDynamic);
    };
    auto type = MemRefType::get(
        {staticOrDynamic(rows), cols}, b.getF32Type(),
        StridedLayoutAttr::get(b.getContext(), 0,
                               {staticOrDynamic(stride), 1}));
    return memref::ReinterpretCastOp::create(
        b, loc, type, base, b.getIndexAttr(0), {rows, b.getIndexAttr(cols)},
        {stride, b.getIndexAttr(1)});
  }

  /// `base` as a contiguous vector of `size` floats.
  Value view(Value base, Value size) {
    auto type = MemRefType::get({ShapedType::kDynamic}, b.getF32Type());
    return memref::ReinterpretCastOp::create(b, loc, type, base,
                                             b.getIndexAttr(0), {size},
                                             {b.getIndexAttr(1)});
  }

  /// The mask of the lanes of a vector at element i that lie before n: the
  /// first n - i, all of them when n - i >= vl (create_mask clamps).
  Value tailMask(VectorType type, Value n, Value i) {
    Value left = arith::SubIOp::create(b, loc, n, i);
    auto maskType = VectorType::get(type.getShape(), b.getI1Type());
    return vector::CreateMaskOp::create(b, loc, maskType, ValueRange{left});
  }

  /// The lanes of `view` at `at` that `mask` selects, zero elsewhere.
  Value maskedLoad(VectorType type, Value view, ValueRange at, Value mask) {
    return vector::MaskedLoadOp::create(b, loc, type, view, at, mask,
                                        zeros(type));
  }

  /// The multiple of `step` at or below `n`.
  Value roundDown(Value n, int64_t step) {
    Value rest = arith::RemUIOp::create(b, loc, n, index(step));
    return arith::SubIOp::create(b, loc, n, rest);
  }
};

/// Builds the register tile of a convolution on blocked activations (or,
/// with `depthwise`, of a blocked depthwise convolution) into `function`:
/// `blocks` blocks of `vl` output channels by `pixels` pixels, the pixel
/// step an argument when `strided` (BlockedVectorKernels.cpp); with
/// `prefetch`, it also brings lines of memory into L2 as it goes, from a
/// pointer and a line count per input block, its two last arguments.
void buildBlockedConvTile(func::FuncOp function, OpBuilder &builder,
                          Location loc, int64_t blocks, int64_t pixels,
                          int64_t vl, bool strided, bool depthwise,
                          bool prefetch = false);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_CPU_VECTORKERNELBUILDER_H
