//===- LibraryInterface.h - The C interface of a compiled model -*- C++ -*-===//

#ifndef INCEPTION_COMPILER_LIBRARYINTERFACE_H
#define INCEPTION_COMPILER_LIBRARYINTERFACE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include <optional>
#include <string>
#include <vector>

namespace inception {

struct TensorInterface {
  std::string name;
  std::vector<int64_t> shape;
  int64_t numElements() const;
};

/// A library whose weights bind at load (inceptionc --weights-at-load).
struct LoadTimeWeights {
  /// The parameters its preparation takes, in order: state_dict keys
  /// (as names) and shapes.
  std::vector<TensorInterface> parameters;
  /// Keys the model file declares that the compiled model does not read.
  std::vector<std::string> ignoredKeys;
  /// The weights arena a preparation fills and runs read.
  int64_t arenaSize = 0;
  /// The scratch the preparation needs (it allocates it itself).
  int64_t prepareWorkspaceSize = 0;
};

/// A library that runs on a GPU (inceptionc --backend=gpu).
struct GPUInterface {
  /// The kernels the host function launches, by index.
  std::vector<std::string> kernelNames;
  /// A binary of the kernels for sm_<major><minor>: its bytes are the
  /// library's hidden symbol inception_gpu_image_<index>.
  struct Image {
    int major = 0, minor = 0;
    int64_t size = 0;
  };
  std::vector<Image> images;
  /// The device buffers a run uses besides its input and output.
  int64_t deviceWorkspaceSize = 0;
  int64_t weightsSize = 0;
  /// Whether the packed weights are built in (the hidden symbol
  /// inception_gpu_weights), uploaded once per workspace; else the weights
  /// bind at load.
  bool builtinWeights = false;
};

/// What a compiled model's C interface exposes.
struct ModelInterface {
  std::string name;
  TensorInterface input, output;
  /// The workspace a run needs: workspaceSize bytes, and workspacePerThread
  /// more for each thread of the run.
  int64_t workspaceSize = 0;
  int64_t workspacePerThread = 0;
  /// Threads a run uses unless the caller says otherwise; 0: OpenMP's
  /// default (OMP_NUM_THREADS, else every core).
  int64_t defaultThreads = 0;
  /// With --external-weights: the size and FNV-1a checksum of the weights
  /// file the library maps when it first runs.
  std::optional<std::pair<int64_t, uint64_t>> externalWeights;
  /// With --profile: the layers the kernel marks, by index.
  std::vector<std::string> layerNames;
  /// Each layer's back half ("cpu", "halide"), as layerNames.
  std::vector<std::string> layerBackends;
  /// With --weights-at-load: what the library takes at load.
  std::optional<LoadTimeWeights> loadTimeWeights;
  /// With --backend=gpu: its kernels and device memory.
  std::optional<GPUInterface> gpu;
  /// With --backend=halide: layers whose failure a run reports
  /// (runtime/halide/halide_glue.c).
  bool halideLayers = false;

  /// The weights file's name, found beside the library.
  std::string weightsFileName() const { return name + ".weights"; }

  /// Reads the model function of a module in the inception dialect. A
  /// library takes exactly one f32 input and one f32 output.
  static mlir::FailureOr<ModelInterface> fromModule(mlir::ModuleOp module);

  /// The symbol of the generated kernel: `void kernel(const float *input,
  /// float *output, void *workspace)`.
  std::string kernelSymbol() const { return name + "_kernel"; }

  /// The symbol of the generated weight preparation (inception-hoist-
  /// weights'): `void prepare(const float *parameter..., void *workspace,
  /// void *weights)`.
  std::string prepareSymbol() const { return kernelSymbol() + "_prepare"; }
};

/// Alignment of the workspace the kernels expect, in bytes.
constexpr int64_t kWorkspaceAlignment = 64;

/// `<model>.h`: the names, shapes and sizes as macros, and the prototypes of
/// `<model>_workspace_size[_threads]` and `<model>_run[_threads]`.
std::string generateHeader(const ModelInterface &model);

/// The C source of the library's entry points around the kernel: argument
/// checks, the workspace fallback, and `inception_model_info_v1`.
std::string generateWrapper(const ModelInterface &model);

/// The checksum a library compiled with --external-weights checks its weights
/// file against: 64-bit FNV-1a over 8-byte little-endian words, then the
/// trailing bytes. The generated wrapper computes the same function.
uint64_t weightsChecksum(llvm::ArrayRef<char> data);

/// Compiles `wrapperSource` and links it with `objectPath` and the given
/// relocatable objects (their bytes: the OpenMP runtime, the microkernels,
/// MicrokernelObjects.h) into a shared library (or, with `isStatic`, a
/// static archive) at `outputPath`, using the system's C compiler ($CC,
/// else clang-22, else cc) and archiver. The library needs nothing but the
/// C library, libm and libpthread.
llvm::Error linkLibrary(llvm::StringRef objectPath,
                        llvm::StringRef wrapperSource,
                        llvm::StringRef outputPath, bool isStatic,
                        llvm::ArrayRef<llvm::StringRef> objects);

} // namespace inception

#endif // INCEPTION_COMPILER_LIBRARYINTERFACE_H
