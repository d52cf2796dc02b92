//===- LayerBodies.h - A layer's computation at one point -------*- C++ -*-===//
//
// The kernels inception-gpu-tile builds compute a fused kernel's ops one
// output point at a time: its operands loaded through their indexing maps
// (through a padded buffer's interior or its fill), its body, the initial
// value its reductions start from, and the store of its result through the
// epilogue. These are those pieces, shared by the kernel shapes.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_GPU_LAYERBODIES_H
#define INCEPTION_PASSES_CODEGEN_GPU_LAYERBODIES_H

#include "passes/Codegen/GPU/KernelFusion.h"

namespace mlir::inception {

/// The value of `op`'s operand `operand` at the loop indices `indices`:
/// a load through its indexing map (through the padding, for a padded
/// buffer of `paddings`), or the scalar itself.
Value loadOperand(OpBuilder &builder, Location loc, linalg::GenericOp op,
                  OpOperand &operand, ValueRange indices,
                  ArrayRef<PaddedInput> paddings = {});

/// The body of `op` at `indices`, its outputs' block arguments bound to
/// `outputs` (a null value: one the body does not read): the values it
/// yields.
SmallVector<Value> emitBody(OpBuilder &builder, Location loc,
                            linalg::GenericOp op, ValueRange indices,
                            ValueRange outputs,
                            ArrayRef<PaddedInput> paddings = {});

/// `linear` as indices of `extents`, the last varying fastest.
SmallVector<Value> delinearize(OpBuilder &builder, Location loc, Value linear,
                               ArrayRef<int64_t> extents);

/// The conjunction of `conditions` (null for none).
Value allOf(OpBuilder &builder, Location loc, ArrayRef<Value> conditions);

/// The values `kernel`'s layer starts from at the output point `point`
/// (its parallel indices): the initializer's, or its outputs loaded (null
/// for an output the layer only writes).
SmallVector<Value> initialValues(OpBuilder &builder, Location loc,
                                 FusedKernel &kernel, ArrayRef<Value> point);

/// Stores `values`, the layer's results at the output point `point`: the
/// layer's outputs, then the epilogue's, which reads them.
void storeResults(OpBuilder &builder, Location loc, FusedKernel &kernel,
                  ValueRange values, ArrayRef<Value> point);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_CODEGEN_GPU_LAYERBODIES_H
