//===- inception-opt.cpp - The project's mlir-opt -------------------------===//
//
// Runs any registered pass or pipeline on .mlir input; lit tests drive every
// pass of the project through this tool.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionDialect.h"
#include "passes/Pipelines.h"
#include "passes/Statistics.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

// MLIR's --mlir-pass-statistics prints Pass::Statistic, which counts nothing
// in an LLVM built without LLVM_ENABLE_STATS; this prints the project's own.
static llvm::cl::opt<bool>
    printStatistics("inception-stats",
                    llvm::cl::desc("Print what the Inception passes did"),
                    llvm::cl::init(false));

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates each GPU module to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::registerAllPasses();
  mlir::inception::registerPassesAndPipelines();
  registry.insert<mlir::inception::InceptionDialect>();
  mlir::LogicalResult result = mlir::MlirOptMain(
      argc, argv, "Inception compiler pass driver\n", registry);
  if (printStatistics && mlir::succeeded(result))
    mlir::inception::printStatistics(llvm::errs());
  return mlir::asMainReturnCode(result);
}
