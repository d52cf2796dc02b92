//===- KernelCalls.cpp - Calls to the C microkernels, built one way -------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::inception::ukernel {

ArrayRef<FieldInfo> kernelFields(StringRef symbol) {
#define INCEPTION_UK_KERNEL(kernel, params)                                    \
  if (symbol == k_##kernel.symbol)                                             \
    return fieldsOf<params::Field>();
#include "runtime/ukernels/ukernel_params.def"
  return {};
}

KernelCallBuilder::KernelCallBuilder(OpBuilder &builder, Location loc,
                                     StringRef symbol,
                                     ArrayRef<FieldInfo> fields)
    : builder(builder), loc(loc), symbol(symbol), fields(fields),
      addresses(fields.size()), integers(fields.size()) {}

void KernelCallBuilder::setInteger(unsigned field, int64_t value) {
  assert(!fields[field].pointer && "an address field given an integer");
  integers[field] = value;
}

void KernelCallBuilder::setAddress(unsigned field, Value buffer,
                                   int64_t offset) {
  assert(fields[field].pointer && "an integer field given an address");
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, buffer);
  auto elementBytes = cast<MemRefType>(buffer.getType()).getElementTypeBitWidth() / 8;
  Value bytes =
      arith::ConstantIndexOp::create(builder, loc, offset * elementBytes);
  addresses[field] = arith::AddIOp::create(builder, loc, base, bytes);
}

void KernelCallBuilder::setNull(unsigned field) {
  assert(fields[field].pointer && "an integer field given a null address");
  addresses[field] = arith::ConstantIndexOp::create(builder, loc, 0);
}

void KernelCallBuilder::setThreadScratch(unsigned scratch, unsigned perThread,
                                         int64_t bytes) {
  auto buffer = memref::AllocOp::create(
      builder, loc, MemRefType::get({bytes}, builder.getI8Type()));
  buffer->setAttr(kThreadScratchAttr, builder.getUnitAttr());
  setAddress(scratch, buffer, 0);
  setInteger(perThread, bytes);
}

FailureOr<func::CallOp> KernelCallBuilder::create(SymbolTable &symbols) {
  for (auto [field, address, integer] :
       llvm::zip(fields, addresses, integers))
    if (!address && !integer)
      return emitError(loc) << "inception-microkernels: the call to " << symbol
                            << " leaves its field '" << field.name << "' unset";
  Type index = builder.getIndexType();
  auto module = cast<ModuleOp>(symbols.getOp());
  auto kernel = symbols.lookup<func::FuncOp>(symbol);
  if (!kernel) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    kernel = func::FuncOp::create(builder, loc, symbol,
                                  builder.getFunctionType({index}, {}));
    kernel.setPrivate();
    symbols.insert(kernel);
  }
  // The array at the function's entry: a fixed stack slot, not a dynamic
  // allocation where the call is.
  Value params;
  {
    OpBuilder::InsertionGuard guard(builder);
    Block *insertion = builder.getInsertionBlock();
    Region *body = insertion->getParent();
    while (!isa<FunctionOpInterface>(body->getParentOp()))
      body = body->getParentOp()->getParentRegion();
    builder.setInsertionPointToStart(&body->front());
    auto alloca = memref::AllocaOp::create(
        builder, loc,
        MemRefType::get({int64_t(fields.size())}, builder.getI64Type()));
    alloca->setAttr(kParamsAttr, builder.getStringAttr(symbol));
    params = alloca;
  }
  Type i64 = builder.getI64Type();
  for (auto [slot, field] : llvm::enumerate(fields)) {
    Value stored =
        integers[slot]
            ? arith::ConstantIntOp::create(builder, loc, *integers[slot], 64)
                  .getResult()
            : arith::IndexCastOp::create(builder, loc, i64, addresses[slot])
                  .getResult();
    auto store = memref::StoreOp::create(
        builder, loc, stored, params,
        ValueRange{arith::ConstantIndexOp::create(builder, loc, int64_t(slot))});
    store->setAttr(kFieldAttr, builder.getStringAttr(field.name));
  }
  Value address =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, params);
  return func::CallOp::create(builder, loc, kernel, ValueRange{address});
}

/// The parameter array a kernel call passes, or null.
static memref::AllocaOp paramsOf(func::CallOp call) {
  if (call.getNumOperands() != 1)
    return {};
  auto address =
      call.getOperand(0).getDefiningOp<memref::ExtractAlignedPointerAsIndexOp>();
  auto params =
      address ? address.getSource().getDefiningOp<memref::AllocaOp>() : nullptr;
  if (!params || !params->hasAttr(kParamsAttr))
    return {};
  return params;
}

/// The parameter array `user` stores into, or null when it is no such
/// store.
static memref::AllocaOp paramsStoredBy(Operation *user) {
  auto store = dyn_cast<memref::StoreOp>(user);
  auto params =
      store ? store.getMemRef().getDefiningOp<memref::AllocaOp>() : nullptr;
  return params && params->hasAttr(kParamsAttr) ? params : nullptr;
}

Value kernelCallBuffer(func::CallOp call, StringRef field) {
  ArrayRef<FieldInfo> fields = kernelFields(call.getCallee());
  memref::AllocaOp params = paramsOf(call);
  auto found = llvm::find_if(
      fields, [&](const FieldInfo &info) { return info.name == field; });
  if (!params || found == fields.end())
    return {};
  int64_t slot = found - fields.begin();
  // The last store to the slot before the call is the one it reads.
  memref::StoreOp store;
  for (Operation *user : params->getUsers()) {
    auto candidate = dyn_cast<memref::StoreOp>(user);
    std::optional<int64_t> index =
        candidate ? getConstantIntValue(candidate.getIndices()[0])
                  : std::nullopt;
    if (index != slot || candidate->getBlock() != call->getBlock() ||
        !candidate->isBeforeInBlock(call))
      continue;
    if (!store || store->isBeforeInBlock(candidate))
      store = candidate;
  }
  if (!store)
    return {};
  auto cast = store.getValue().getDefiningOp<arith::IndexCastOp>();
  auto add = cast ? cast.getIn().getDefiningOp<arith::AddIOp>() : nullptr;
  auto base = add ? add.getLhs()
                        .getDefiningOp<memref::ExtractAlignedPointerAsIndexOp>()
                  : nullptr;
  return base ? base.getSource() : Value();
}

SmallVector<func::CallOp> kernelCallsAddressing(Value view) {
  SmallVector<func::CallOp> calls;
  for (Operation *base : view.getUsers()) {
    if (!isa<memref::ExtractAlignedPointerAsIndexOp>(base))
      continue;
    for (Operation *add : base->getUsers())
      for (Operation *cast : add->getUsers())
        for (Operation *store : cast->getUsers()) {
          memref::AllocaOp params = paramsStoredBy(store);
          if (!params)
            continue;
          for (Operation *address : params->getUsers())
            if (isa<memref::ExtractAlignedPointerAsIndexOp>(address))
              for (Operation *user : address->getUsers())
                if (auto call = dyn_cast<func::CallOp>(user);
                    call && !llvm::is_contained(calls, call))
                  calls.push_back(call);
        }
  }
  return calls;
}

bool onlyKernelParameters(Value address, ArrayRef<StringRef> kernels) {
  for (Operation *add : address.getUsers()) {
    if (!isa<arith::AddIOp>(add))
      return false;
    for (Operation *cast : add->getUsers()) {
      if (!isa<arith::IndexCastOp>(cast))
        return false;
      for (Operation *store : cast->getUsers()) {
        memref::AllocaOp params = paramsStoredBy(store);
        if (!params ||
            !llvm::is_contained(
                kernels,
                params->getAttrOfType<StringAttr>(kParamsAttr).getValue()))
          return false;
      }
    }
  }
  return true;
}

} // namespace mlir::inception::ukernel
