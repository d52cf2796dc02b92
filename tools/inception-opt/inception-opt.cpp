//===- inception-opt.cpp - The project's mlir-opt -------------------------===//
//
// Runs any registered pass or pipeline on .mlir input; lit tests drive every
// pass of the project through this tool.
//
//===----------------------------------------------------------------------===//

#include "dialect/InceptionDialect.h"
#include "passes/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  mlir::inception::registerPassesAndPipelines();
  registry.insert<mlir::inception::InceptionDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Inception compiler pass driver\n", registry));
}
