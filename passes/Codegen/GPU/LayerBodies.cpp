//===- LayerBodies.cpp - A layer's computation at one point ---------------===//

#include "passes/Codegen/GPU/LayerBodies.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::inception {

SmallVector<Value> delinearize(OpBuilder &builder, Location loc, Value linear,
                               ArrayRef<int64_t> extents) {
  SmallVector<Value> indices(extents.size());
  for (int64_t dim = extents.size() - 1; dim >= 0; --dim) {
    Value extent = arith::ConstantIndexOp::create(builder, loc, extents[dim]);
    indices[dim] = dim == 0 ? linear
                            : arith::RemUIOp::create(builder, loc, linear,
                                                     extent)
                                  .getResult();
    if (dim != 0)
      linear = arith::DivUIOp::create(builder, loc, linear, extent);
  }
  return indices;
}

Value allOf(OpBuilder &builder, Location loc, ArrayRef<Value> conditions) {
  Value all;
  for (Value condition : conditions)
    all = all ? arith::AndIOp::create(builder, loc, all, condition).getResult()
              : condition;
  return all;
}

Value loadOperand(OpBuilder &builder, Location loc, linalg::GenericOp op,
                  OpOperand &operand, ValueRange indices,
                  ArrayRef<PaddedInput> paddings) {
  Value source = operand.get();
  if (!isa<MemRefType>(source.getType()))
    return source;
  AffineMap map = op.getMatchingIndexingMap(&operand);
  SmallVector<Value> subscripts;
  for (AffineExpr result : map.getResults())
    subscripts.push_back(affine::AffineApplyOp::create(
        builder, loc, AffineMap::get(map.getNumDims(), 0, result), indices));
  const PaddedInput *padding = llvm::find_if(
      paddings, [&](const PaddedInput &p) { return p.read == source; });
  if (padding == paddings.end())
    return memref::LoadOp::create(builder, loc, source, subscripts);
  // The subscripts in the padded buffer, each group of the expand_shape
  // linearized.
  SmallVector<Value> padded;
  for (const ReassociationIndices &group : padding->groups) {
    Value index;
    for (int64_t dim : group)
      index = index ? arith::AddIOp::create(
                          builder, loc,
                          arith::MulIOp::create(
                              builder, loc, index,
                              arith::ConstantIndexOp::create(
                                  builder, loc, padding->readShape[dim])),
                          subscripts[dim])
                          .getResult()
                    : subscripts[dim];
    padded.push_back(index);
  }
  // Inside the interior when every subscript less its offset is below the
  // interior's extent (as unsigned: below the offset wraps around).
  SmallVector<Value> interior, below;
  for (auto [subscript, offset, extent] :
       llvm::zip(padded, padding->offsets, padding->sizes)) {
    Value shifted = arith::SubIOp::create(
        builder, loc, subscript,
        arith::ConstantIndexOp::create(builder, loc, offset));
    interior.push_back(shifted);
    below.push_back(arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::ult, shifted,
        arith::ConstantIndexOp::create(builder, loc, extent)));
  }
  Value inside = allOf(builder, loc, below);
  Type element = cast<MemRefType>(source.getType()).getElementType();
  auto read = scf::IfOp::create(builder, loc, TypeRange{element}, inside,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&read.getThenRegion().front());
  scf::YieldOp::create(builder, loc,
                       emitBody(builder, loc, padding->writer, interior, {}));
  builder.setInsertionPointToStart(&read.getElseRegion().front());
  scf::YieldOp::create(builder, loc,
                       emitBody(builder, loc, padding->fill, padded, {}));
  return read.getResult(0);
}

SmallVector<Value> emitBody(OpBuilder &builder, Location loc,
                            linalg::GenericOp op, ValueRange indices,
                            ValueRange outputs, ArrayRef<PaddedInput> paddings) {
  Block *body = op.getBody();
  IRMapping mapping;
  for (OpOperand *input : op.getDpsInputOperands())
    mapping.map(body->getArgument(input->getOperandNumber()),
                loadOperand(builder, loc, op, *input, indices, paddings));
  for (auto [argument, value] :
       llvm::zip(op.getRegionOutputArgs(), outputs))
    if (value)
      mapping.map(argument, value);
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), indices[index.getDim()]);
      continue;
    }
    builder.clone(inner, mapping);
  }
  return llvm::map_to_vector(
      body->getTerminator()->getOperands(),
      [&](Value value) { return mapping.lookupOrDefault(value); });
}

/// A point's loop indices: its parallel ones, then 0 for each reduction
/// (the outputs' maps read no reduction dimension).
static SmallVector<Value> withZeroReductions(OpBuilder &builder, Location loc,
                                             linalg::GenericOp op,
                                             ArrayRef<Value> point) {
  SmallVector<Value> all(point);
  if (op.getNumReductionLoops() == 0)
    return all;
  Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
  all.append(op.getNumReductionLoops(), zero);
  return all;
}

SmallVector<Value> initialValues(OpBuilder &builder, Location loc,
                                 FusedKernel &kernel, ArrayRef<Value> point) {
  linalg::GenericOp op = kernel.layer;
  if (kernel.initializer)
    return emitBody(builder, loc, kernel.initializer, point, {});
  bool hasReductions = op.getNumReductionLoops() != 0;
  SmallVector<Value> values;
  for (auto [operand, argument] :
       llvm::zip(op.getDpsInitsMutable(), op.getRegionOutputArgs()))
    values.push_back(argument.use_empty() && !hasReductions
                         ? Value()
                         : loadOperand(builder, loc, op, operand,
                                       withZeroReductions(builder, loc, op,
                                                          point)));
  return values;
}

/// Stores `values` into `owner`'s outputs at the loop indices `at`.
static void storeOutputs(OpBuilder &builder, Location loc,
                         linalg::GenericOp owner, ValueRange values,
                         ValueRange at) {
  for (auto [operand, value] : llvm::zip(owner.getDpsInitsMutable(), values)) {
    AffineMap map = owner.getMatchingIndexingMap(&operand);
    SmallVector<Value> subscripts;
    for (AffineExpr result : map.getResults())
      subscripts.push_back(affine::AffineApplyOp::create(
          builder, loc, AffineMap::get(map.getNumDims(), 0, result), at));
    memref::StoreOp::create(builder, loc, value, operand.get(), subscripts);
  }
}

void storeResults(OpBuilder &builder, Location loc, FusedKernel &kernel,
                  ValueRange values, ArrayRef<Value> point) {
  linalg::GenericOp op = kernel.layer;
  linalg::GenericOp epilogue = kernel.epilogue;
  // The layer's output is stored unless the epilogue overwrites it in
  // place.
  if (!epilogue || epilogue.getDpsInits()[0] != op.getDpsInits()[0])
    storeOutputs(builder, loc, op, values,
                 withZeroReductions(builder, loc, op, point));
  if (!epilogue)
    return;
  Block *body = epilogue.getBody();
  IRMapping mapping;
  for (OpOperand *input : epilogue.getDpsInputOperands())
    mapping.map(body->getArgument(input->getOperandNumber()),
                input->get() == op.getDpsInits()[0]
                    ? values[0]
                    : loadOperand(builder, loc, epilogue, *input, point));
  BlockArgument output = epilogue.getRegionOutputArgs()[0];
  if (!output.use_empty())
    mapping.map(output, loadOperand(builder, loc, epilogue,
                                    epilogue.getDpsInitsMutable()[0], point));
  for (Operation &inner : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), point[index.getDim()]);
      continue;
    }
    builder.clone(inner, mapping);
  }
  storeOutputs(builder, loc, epilogue,
               llvm::map_to_vector(
                   body->getTerminator()->getOperands(),
                   [&](Value v) { return mapping.lookupOrDefault(v); }),
               point);
}

} // namespace mlir::inception
