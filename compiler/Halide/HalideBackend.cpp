//===- HalideBackend.cpp - The Halide back half ---------------------------===//
//
// Each layer of the linalg on tensors becomes a Halide pipeline, compiled
// ahead of time for the target (HalideLayers.cpp); what is left (the
// concats' copies, the model's reshapes) and everything around the layers
// (the memory plan, the library's ABI, its threads) is the CPU back half's.
// Debian's Halide 14 links LLVM 14 and this compiler LLVM 22: both live in
// one process, because Debian's libLLVM-N.so versions every symbol
// (LLVM_14, LLVM_22), so each library binds its own (docs/halide.md).
//
//===----------------------------------------------------------------------===//

#include "compiler/Backend.h"
#include "compiler/Error.h"
#include "compiler/ModelLibrary.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#ifdef INCEPTION_HAVE_HALIDE
#include "compiler/Halide/HalideLayers.h"
#endif

extern "C" const char inception_halide_glue_begin[],
    inception_halide_glue_end[];

using namespace mlir;

namespace inception {
namespace {

class HalideBackend final : public Backend {
public:
  llvm::StringRef name() const override { return "halide"; }

  llvm::Expected<Artifacts>
  compile(ModuleOp module, ModelInterface &model, ArrayRef<std::string> passes,
          const CompileOptions &options) const override {
#ifndef INCEPTION_HAVE_HALIDE
    (void)module, (void)model, (void)passes, (void)options;
    return compilerError(
        "--backend=halide: this inceptionc was built without Halide; install "
        "libhalide14-0-dev (tools/setup.sh --halide) and rebuild");
#else
    auto layers = halide::compileLayers(module, options.target,
                                        options.halideScheduler, model.name);
    if (!layers)
      return layers.takeError();
    mlir::inception::recordStatistic("halide", "layers", layers->layers);
    mlir::inception::recordStatistic("halide", "arena-bytes-per-thread",
                                     layers->scratchPerThread);
    model.halideLayers = true;
    std::vector<std::string> objects = std::move(layers->objects);
    objects.emplace_back(inception_halide_glue_begin,
                         inception_halide_glue_end -
                             inception_halide_glue_begin);
    return compileOnHost(module, model, passes, options, objects);
#endif
  }
};

} // namespace

const Backend &halideBackend() {
  static const HalideBackend backend;
  return backend;
}

} // namespace inception
