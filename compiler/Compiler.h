//===- Compiler.h - Compile a model module into its artifacts ---*- C++ -*-===//
//
// The compiler as a library: one entry, compileModel, runs the shared front
// half (graph passes, lowering to linalg on tensors) and one backend's back
// half, and returns what was asked for in memory. Tools do the I/O.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_COMPILER_H
#define INCEPTION_COMPILER_COMPILER_H

#include "compiler/Target.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace inception {

/// What a compilation produces; each stops the pipeline at its stage.
enum class EmitKind {
  Mlir, Optimized, Summary, Weights, Graph, GraphSvg, Target, Linalg, Buffers,
  LLVMDialect, LLVMIR, Assembly, Object, SharedLibrary, StaticLibrary, Header,
  PTX,
};

/// An output kind's --emit name and description.
struct EmitKindInfo {
  EmitKind kind;
  llvm::StringLiteral name;
  llvm::StringLiteral description;
};

/// Every output kind, in the order --help lists them.
llvm::ArrayRef<EmitKindInfo> emitKinds();
llvm::StringRef emitKindName(EmitKind kind);

/// The kind an output file's extension names (`.so`, `.a`, `.h`, `.o`,
/// `.s`, `.ll`, `.mlir`, `.dot`, `.svg`, `.safetensors`, `.ptx`), if any.
std::optional<EmitKind> emitKindForPath(llvm::StringRef path);

/// What to write: `emit` when given (an error when -o's extension names
/// another kind, unless both are MLIR text), else the kind `outputPath`'s
/// extension names (an error when it names none), else a shared library.
llvm::Expected<EmitKind> resolveEmitKind(std::optional<EmitKind> emit,
                                         std::optional<llvm::StringRef> outputPath);

/// Whether the kind is binary or written beside companions (a library and
/// its header): such kinds never go to standard output.
bool isFileOnlyKind(EmitKind kind);

/// The file a kind is written to when no -o names one, for model `model`:
/// `lib<model>.so`, `lib<model>.a`, `<model>.h`, `<model>.o`; empty for
/// kinds that go to standard output.
std::string defaultOutputName(EmitKind kind, llvm::StringRef model);

struct CompileOptions {
  EmitKind emit = EmitKind::SharedLibrary;
  /// The back half: "cpu", "gpu", "halide" or "auto" (see
  /// registeredBackends()).
  std::string backend = "cpu";
  unsigned optLevel = 3;
  /// Optimization passes to run instead of -O's, checked by compileModel.
  std::optional<std::string> passes;
  TargetDescription target;
  /// Parameters in a `<model>.weights` file beside the library.
  bool externalWeights = false;
  /// No weights in the library: it takes a safetensors state_dict at load
  /// and prepares it (the module's parameters are inception.parameter ops).
  bool weightsAtLoad = false;
  /// Per-layer timing through the library's run_profiled.
  bool profileLayers = false;
  /// With --backend=auto: the plan file to read (when it exists) or to
  /// write (with the choices timed here) (compiler/BackendPlan.h).
  std::optional<std::string> backendPlan;
  /// With --backend=halide or auto: "hand" (the schedule templates) or a Halide 14
  /// autoscheduler (Adams2019, Li2018, Mullapudi2016).
  std::string halideScheduler = "hand";
  /// The per-thread arena of the Halide layers' allocations instead of the
  /// compiler's bound: how tests make a layer run out of it.
  std::optional<int64_t> halideArenaBytes;
  /// With --backend=halide or auto: the plane template's convolutions run
  /// their row form whatever the buffers' strides: how tests check it.
  bool halideRowContractions = false;
  /// The GPU architectures a --backend=gpu library has kernels for.
  std::vector<std::string> gpuArchs = {"sm_80", "sm_90"};
  /// With --backend=gpu: a CPU library of the kernels' loop nests before
  /// they are mapped to the GPU (blocks an OpenMP loop, threads
  /// sequential), the weights beside it or bound at load: how tests check
  /// the GPU tiling without a GPU.
  bool gpuLoopsOnHost = false;
  /// Textual IR with weight data in full.
  bool printWeights = false;
};

/// A file written beside the primary output.
struct Artifact {
  std::string fileName;
  std::string contents;
};

struct Artifacts {
  /// The output --emit asked for.
  std::string primary;
  /// Files that belong beside it: a library's header and weights file.
  std::vector<Artifact> companions;
};

/// Failures already reported through the module's diagnostic engine.
class ReportedError : public llvm::ErrorInfo<ReportedError> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;
};

/// The backend names compileModel accepts.
llvm::ArrayRef<llvm::StringRef> registeredBackends();

/// Compiles `module` (the inception dialect, as the frontend builds it) in
/// place, up to `options.emit`. Diagnostics with a location go to the
/// context's handler and come back as ReportedError; others are errors
/// with a message.
llvm::Expected<Artifacts> compileModel(mlir::ModuleOp module,
                                       const CompileOptions &options);

} // namespace inception

#endif // INCEPTION_COMPILER_COMPILER_H
