//===- LaunchCalls.cpp - Kernel launches as calls of the launcher ---------===//

#include "passes/Codegen/GPU/Passes.h"

namespace mlir::inception {
#define GEN_PASS_DEF_GPULAUNCHCALLS
#include "passes/Codegen/GPU/Passes.h.inc"

namespace {

constexpr llvm::StringLiteral kLauncher = "inception_gpu_launch";

/// The host global whose address `value` is, through offsets and casts;
/// none otherwise.
LLVM::AddressOfOp hostGlobal(Value value) {
  while (Operation *definition = value.getDefiningOp()) {
    if (auto global = dyn_cast<LLVM::AddressOfOp>(definition))
      return global;
    if (auto offset = dyn_cast<LLVM::GEPOp>(definition))
      value = offset.getBase();
    else if (isa<LLVM::AddrSpaceCastOp, LLVM::BitcastOp>(definition))
      value = definition->getOperand(0);
    else
      break;
  }
  return {};
}

struct GPULaunchCallsPass : impl::GPULaunchCallsBase<GPULaunchCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(context);
    auto i32 = IntegerType::get(context, 32);
    SmallVector<Attribute> kernels;
    llvm::StringMap<int32_t> kernelIndex;
    DenseMap<Operation *, Value> states;
    // Where each function's next argument slots go: after the last ones, so
    // that the entry block lists them in launch order.
    DenseMap<Operation *, Operation *> lastSlot;

    OpBuilder builder(context);
    builder.setInsertionPointToEnd(module.getBody());
    auto launcher = module.lookupSymbol<LLVM::LLVMFuncOp>(kLauncher);
    if (!launcher)
      launcher = LLVM::LLVMFuncOp::create(
          builder, module.getLoc(), kLauncher,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptr, i32, i32, i32, i32, i32, i32, i32,
                                       i32, ptr}));

    WalkResult walk = module.walk([&](gpu::LaunchFuncOp launch) {
      auto function = launch->getParentOfType<LLVM::LLVMFuncOp>();
      if (!function || launch.getAsyncToken() ||
          !launch.getAsyncDependencies().empty() || launch.hasClusterSize()) {
        launch.emitError("expected a synchronous launch without clusters "
                         "in a function lowered to LLVM");
        return WalkResult::interrupt();
      }
      Location loc = launch.getLoc();
      Value &state = states[function];
      if (!state) {
        LLVM::LLVMFunctionType type = function.getFunctionType();
        SmallVector<Type> parameters = {ptr};
        llvm::append_range(parameters, type.getParams());
        function.setFunctionTypeAttr(TypeAttr::get(LLVM::LLVMFunctionType::get(
            type.getReturnType(), parameters, type.isVarArg())));
        if (ArrayAttr attributes = function.getArgAttrsAttr()) {
          SmallVector<Attribute> shifted = {builder.getDictionaryAttr({})};
          llvm::append_range(shifted, attributes);
          function.setArgAttrsAttr(builder.getArrayAttr(shifted));
        }
        state = function.getBody().front().insertArgument(0u, ptr, loc);
      }
      std::string name = (launch.getKernelModuleName().getValue() + "::" +
                          launch.getKernelName().getValue())
                             .str();
      auto [entry, added] = kernelIndex.try_emplace(name, kernels.size());
      if (added)
        kernels.push_back(builder.getStringAttr(launch.getKernelName().getValue()));

      // The arguments' slots live in the entry block, so that a run's
      // stack does not grow with its launches.
      OpBuilder allocas(context);
      if (Operation *last = lastSlot.lookup(function))
        allocas.setInsertionPointAfter(last);
      else
        allocas.setInsertionPointToStart(&function.getBody().front());
      auto one = LLVM::ConstantOp::create(allocas, loc, i32, 1);
      ValueRange arguments = launch.getKernelOperands();
      for (auto [index, argument] : llvm::enumerate(arguments))
        if (LLVM::AddressOfOp global = hostGlobal(argument)) {
          launch.emitError("kernel argument ")
              << index << " is the host address of @"
              << global.getGlobalName()
              << ": a kernel reads device memory, so a compile-time table "
                 "must be the kernel module's own global";
          return WalkResult::interrupt();
        }
      auto array = LLVM::AllocaOp::create(
          allocas, loc, ptr, LLVM::LLVMArrayType::get(ptr, arguments.size()),
          one);
      lastSlot[function] = array;
      OpBuilder b(launch);
      for (auto [index, argument] : llvm::enumerate(arguments)) {
        auto slot = LLVM::AllocaOp::create(allocas, loc, ptr,
                                           argument.getType(), one);
        lastSlot[function] = slot;
        LLVM::StoreOp::create(b, loc, argument, slot);
        auto element = LLVM::GEPOp::create(
            b, loc, ptr, ptr, array,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
        LLVM::StoreOp::create(b, loc, slot, element);
      }
      auto toI32 = [&](Value value) -> Value {
        if (value.getType() == i32)
          return value;
        return LLVM::TruncOp::create(b, loc, i32, value);
      };
      Value kernel = LLVM::ConstantOp::create(b, loc, i32, entry->second);
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      SmallVector<Value> operands = {state,          kernel,
                                     toI32(grid.x),  toI32(grid.y),
                                     toI32(grid.z),  toI32(block.x),
                                     toI32(block.y), toI32(block.z)};
      operands.push_back(
          launch.getDynamicSharedMemorySize()
              ? toI32(launch.getDynamicSharedMemorySize())
              : LLVM::ConstantOp::create(b, loc, i32, 0).getResult());
      operands.push_back(array);
      LLVM::CallOp::create(b, loc, launcher, operands);
      launch.erase();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    module->setAttr(kGPUKernelsAttr, builder.getArrayAttr(kernels));
  }
};

} // namespace
} // namespace mlir::inception
