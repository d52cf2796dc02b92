//===- SequentializeInnerLoops.cpp - One parallel loop per nest -----------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::inception {
#define GEN_PASS_DEF_SEQUENTIALIZEINNERLOOPS
#include "passes/Passes.h.inc"

namespace {

/// Replaces `loop` (without reductions) by a parallel loop over its first
/// `parallel` dimensions (none for 0) holding a nest of scf.for loops over
/// the others.
void sequentialize(scf::ParallelOp loop, unsigned parallel = 0) {
  OpBuilder builder(loop);
  IRMapping mapping;
  Location loc = loop.getLoc();
  SmallVector<Value> inductionVars = loop.getInductionVars();
  if (parallel > 0) {
    auto outer = scf::ParallelOp::create(
        builder, loc, loop.getLowerBound().take_front(parallel),
        loop.getUpperBound().take_front(parallel),
        loop.getStep().take_front(parallel));
    mapping.map(ArrayRef<Value>(inductionVars).take_front(parallel),
                outer.getInductionVars());
    builder.setInsertionPointToStart(outer.getBody());
  }
  for (auto [iv, lower, upper, step] :
       llvm::drop_begin(llvm::zip(inductionVars, loop.getLowerBound(),
                                  loop.getUpperBound(), loop.getStep()),
                        parallel)) {
    auto forOp = scf::ForOp::create(builder, loc, lower, upper, step);
    mapping.map(iv, forOp.getInductionVar());
    builder.setInsertionPointToStart(forOp.getBody());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    builder.clone(op, mapping);
  loop.erase();
}

/// Whether `value`, a load's or store's memref, has its innermost dimension
/// `lanes` long and contiguous.
bool contiguousRow(Value memref, int64_t lanes) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.getRank() >= 1 && type.getShape().back() == lanes &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Rewrites `row`, an scf.for over the whole innermost dimension of an
/// elementwise op (a blocked tensor's lanes: 4 to 16, a constant), as one
/// vector of that many lanes: its loads and stores, whose last index is the
/// loop's and that index only, become vector loads and stores, its arith
/// ops the same ops on vectors (values from outside broadcast). LLVM
/// unrolls such a short loop fully before its loop vectorizer sees it, and
/// its SLP vectorizer then leaves the 16 scalar loads and stores apart (it
/// cannot tell the buffers apart): Xception's ReLUs into a padded buffer's
/// interior ran a scalar max and blend per float. Leaves any other loop
/// alone.
void vectorizeRow(scf::ForOp row) {
  auto lower = getConstantIntValue(row.getLowerBound());
  auto upper = getConstantIntValue(row.getUpperBound());
  auto step = getConstantIntValue(row.getStep());
  if (!lower || !upper || !step || *lower != 0 || *step != 1 || *upper < 4 ||
      *upper > 16 || !llvm::isPowerOf2_64(*upper) || row.getNumResults())
    return;
  int64_t lanes = *upper;
  Value iv = row.getInductionVar();
  // Its loads and stores index the row last and only there; every other
  // op is a scalar arith op, so none reads the (index-typed) row index.
  auto rowAccess = [&](Value memref, ValueRange indices) {
    return !indices.empty() && indices.back() == iv &&
           !llvm::is_contained(indices.drop_back(), iv) &&
           contiguousRow(memref, lanes);
  };
  for (Operation &op : row.getBody()->without_terminator()) {
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (!rowAccess(load.getMemRef(), load.getIndices()))
        return;
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (store.getValueToStore() == iv ||
          !rowAccess(store.getMemRef(), store.getIndices()))
        return;
    } else {
      auto scalar = [](Type type) { return type.isIntOrFloat(); };
      if (!isa<arith::ArithDialect>(op.getDialect()) || op.getNumRegions() ||
          op.getNumResults() != 1 ||
          !llvm::all_of(op.getOperandTypes(), scalar) ||
          !llvm::all_of(op.getResultTypes(), scalar))
        return;
    }
  }

  OpBuilder b(row);
  Location loc = row.getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  // The row's values as vectors; its constants, moved out, as scalars.
  IRMapping vectors, constants;
  auto vectorOf = [&](Value scalar) -> Value {
    if (Value mapped = vectors.lookupOrNull(scalar))
      return mapped;
    // Defined outside the row, or a constant: the same in every lane.
    return vector::BroadcastOp::create(
        b, loc, VectorType::get({lanes}, scalar.getType()),
        constants.lookupOrDefault(scalar));
  };
  auto rowIndices = [&](ValueRange indices) {
    SmallVector<Value> result(indices.drop_back());
    result.push_back(zero);
    return result;
  };
  for (Operation &op : row.getBody()->without_terminator()) {
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      vectors.map(load.getResult(),
                  vector::LoadOp::create(
                      b, loc, VectorType::get({lanes}, load.getType()),
                      load.getMemRef(), rowIndices(load.getIndices())));
    } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
      vector::StoreOp::create(b, loc, vectorOf(store.getValueToStore()),
                              store.getMemRef(),
                              rowIndices(store.getIndices()));
    } else if (isa<arith::ConstantOp>(op)) {
      b.clone(op, constants);
    } else {
      OperationState state(loc, op.getName());
      for (Value operand : op.getOperands())
        state.addOperands(vectorOf(operand));
      state.addTypes(VectorType::get({lanes}, op.getResult(0).getType()));
      state.addAttributes(op.getAttrs());
      vectors.map(op.getResult(0), b.create(state)->getResult(0));
    }
  }
  row.erase();
}

struct SequentializeInnerLoopsPass
    : impl::SequentializeInnerLoopsBase<SequentializeInnerLoopsPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> inner;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>() ||
          loop->getParentOfType<scf::ForOp>())
        inner.push_back(loop);
    });
    // Innermost first, so that every loop is erased after its children.
    for (scf::ParallelOp loop : llvm::reverse(inner)) {
      if (loop.getNumReductions() != 0) {
        loop.emitError("parallel loops with reductions are not expected here");
        return signalPassFailure();
      }
      sequentialize(loop);
    }
    // The outermost loops of elementwise ops (no loop in their body).
    SmallVector<scf::ParallelOp> elementwise;
    getOperation().walk([&](scf::ParallelOp loop) {
      bool hasLoops = false;
      loop.getBody()->walk([&](LoopLikeOpInterface) { hasLoops = true; });
      if (loop.getNumLoops() > 1 && loop.getNumReductions() == 0 && !hasLoops)
        elementwise.push_back(loop);
    });
    // Its last dimension, the contiguous row, becomes an scf.for inside
    // the others: an innermost loop LLVM vectorizes, rather than one
    // collapsed loop delinearizing every index.
    for (scf::ParallelOp loop : elementwise)
      sequentialize(loop, loop.getNumLoops() - 1);
    // Rows of a blocked tensor's lanes: one vector each.
    SmallVector<scf::ForOp> rows;
    getOperation().walk([&](scf::ForOp row) {
      bool hasLoops = false;
      row.getBody()->walk([&](LoopLikeOpInterface) { hasLoops = true; });
      if (!hasLoops)
        rows.push_back(row);
    });
    for (scf::ForOp row : rows)
      vectorizeRow(row);
  }
};

} // namespace
} // namespace mlir::inception

namespace mlir::inception {
#define GEN_PASS_DEF_INLINEALLOCASCOPES
#include "passes/Passes.h.inc"

namespace {
/// Where a static alloca of `scope` can live instead: the entry of the
/// region that runs once per thread around it (an OpenMP parallel
/// region's, else the function's).
Block *hoistingTarget(memref::AllocaScopeOp scope) {
  if (auto parallel = scope->getParentOfType<omp::ParallelOp>())
    return &parallel.getRegion().front();
  return &scope->getParentOfType<FunctionOpInterface>()
              .getFunctionBody()
              .front();
}

struct InlineAllocaScopesPass
    : impl::InlineAllocaScopesBase<InlineAllocaScopesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation().walk([&](memref::AllocaScopeOp scope) {
      if (scope.getNumResults() != 0)
        return;
      bool staticOnly = true;
      scope.walk([&](memref::AllocaOp alloca) {
        staticOnly &= alloca.getType().hasStaticShape() &&
                      alloca.getDynamicSizes().empty() &&
                      alloca.getSymbolOperands().empty();
      });
      if (staticOnly)
        scopes.push_back(scope);
    });
    for (memref::AllocaScopeOp scope : scopes) {
      // A static buffer of one iteration is dead before the next: one
      // buffer per thread serves them all, and the stack does not grow.
      Block *target = hoistingTarget(scope);
      SmallVector<memref::AllocaOp> allocas;
      scope.walk([&](memref::AllocaOp alloca) { allocas.push_back(alloca); });
      for (memref::AllocaOp alloca : allocas)
        alloca->moveBefore(target, target->begin());
      Block &body = scope.getBodyRegion().front();
      body.getTerminator()->erase();
      scope->getBlock()->getOperations().splice(
          Block::iterator(scope), body.getOperations());
      scope.erase();
    }
  }
};
} // namespace
} // namespace mlir::inception
