//===- KernelCalls.cpp - Calls to the C microkernels, built one way -------===//

#include "passes/Codegen/CPU/KernelCalls.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/bit.h"

namespace mlir::inception::ukernel {

Value bufferAddress(OpBuilder &builder, Location loc, Value buffer,
                    int64_t byteOffset) {
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(builder, loc, buffer);
  return arith::AddIOp::create(
      builder, loc, base,
      arith::ConstantIndexOp::create(builder, loc, byteOffset));
}

Value entryArray(OpBuilder &builder, Location loc, int64_t slots,
                 StringRef name) {
  OpBuilder::InsertionGuard guard(builder);
  Block *insertion = builder.getInsertionBlock();
  Region *body = insertion->getParent();
  while (!isa<FunctionOpInterface>(body->getParentOp()))
    body = body->getParentOp()->getParentRegion();
  Block &entry = body->front();
  builder.setInsertionPointToStart(&entry);
  for (Operation &op : entry) {
    if (!op.hasAttr(kParamsAttr))
      break;
    builder.setInsertionPointAfter(&op);
  }
  auto alloca = memref::AllocaOp::create(
      builder, loc, MemRefType::get({slots}, builder.getI64Type()));
  alloca->setAttr(kParamsAttr, builder.getStringAttr(name));
  return alloca;
}

Value threadScratch(OpBuilder &builder, Location loc, int64_t bytes) {
  auto buffer = memref::AllocOp::create(
      builder, loc, MemRefType::get({bytes}, builder.getI8Type()));
  buffer->setAttr(kThreadScratchAttr, builder.getUnitAttr());
  return buffer;
}

func::FuncOp declareFunction(SymbolTable &symbols, OpBuilder &builder,
                             Location loc, StringRef name, FunctionType type) {
  if (auto existing = symbols.lookup<func::FuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(builder);
  auto module = cast<ModuleOp>(symbols.getOp());
  builder.setInsertionPointToStart(module.getBody());
  auto function = func::FuncOp::create(builder, loc, name, type);
  function.setPrivate();
  symbols.insert(function);
  return function;
}

KernelCallBuilder::KernelCallBuilder(OpBuilder &builder, Location loc,
                                     StringRef symbol,
                                     ArrayRef<FieldInfo> fields)
    : builder(builder), loc(loc), symbol(symbol), fields(fields),
      addresses(fields.size()), integers(fields.size()) {}

void KernelCallBuilder::setInteger(unsigned field, int64_t value) {
  assert(fields[field].kind == FieldKind::Integer &&
         "a field that is no integer given an integer");
  integers[field] = value;
}

void KernelCallBuilder::setReal(unsigned field, double value) {
  assert(fields[field].kind == FieldKind::Real &&
         "a field that is no real given a real");
  integers[field] = llvm::bit_cast<int64_t>(value);
}

void KernelCallBuilder::setAddress(unsigned field, Value buffer,
                                   int64_t offset) {
  assert(fields[field].isPointer() && "an integer field given an address");
  auto elementBytes = cast<MemRefType>(buffer.getType()).getElementTypeBitWidth() / 8;
  addresses[field] = bufferAddress(builder, loc, buffer, offset * elementBytes);
}

void KernelCallBuilder::setNull(unsigned field) {
  assert(fields[field].isPointer() && "an integer field given a null address");
  addresses[field] = arith::ConstantIndexOp::create(builder, loc, 0);
}

void KernelCallBuilder::setThreadScratch(unsigned scratch, unsigned perThread,
                                         int64_t bytes) {
  setAddress(scratch, threadScratch(builder, loc, bytes), 0);
  setInteger(perThread, bytes);
}

FailureOr<func::CallOp> KernelCallBuilder::create(SymbolTable &symbols) {
  for (auto [field, address, integer] :
       llvm::zip(fields, addresses, integers))
    if (!address && !integer)
      return emitError(loc) << "inception-lower-ukernels: the call to " << symbol
                            << " leaves its field '" << field.name << "' unset";
  Type index = builder.getIndexType();
  auto kernel = declareFunction(symbols, builder, loc, symbol,
                                builder.getFunctionType({index}, {}));
  Value params = entryArray(builder, loc, int64_t(fields.size()), symbol);
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

} // namespace mlir::inception::ukernel
