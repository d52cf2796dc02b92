//===- BackendPlan.h - Which back half computes each layer ------*- C++ -*-===//
//
// `inceptionc --backend=auto` compiles every layer with both host back
// halves (CPU and Halide), times each layer of both libraries on the build
// machine, and keeps the faster per layer; the choices are a plan that
// `--backend-plan=FILE` writes and reads back, so that a build need not
// depend on timings (docs/halide.md, "Choosing per layer").
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_BACKENDPLAN_H
#define INCEPTION_COMPILER_BACKENDPLAN_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace inception {

/// The back halves a plan chooses between.
llvm::ArrayRef<llvm::StringRef> plannedBackends();

struct BackendPlan {
  struct Layer {
    std::string name;
    /// One of plannedBackends().
    std::string backend;
    /// The timings the choice came from (milliseconds), when timed.
    std::optional<double> cpuMs, halideMs;
  };
  /// In the model's order.
  std::vector<Layer> layers;
  /// What the plan was made from (target, threads, whole-run times):
  /// comment lines of the file.
  std::vector<std::string> notes;

  /// The layer named `name`, or null.
  const Layer *find(llvm::StringRef name) const;

  /// The file: `#` notes, then one `<layer> <backend> [<cpu ms> <halide
  /// ms>]` line per layer.
  std::string print() const;

  /// A plan file's text; errors name `path` and the line.
  static llvm::Expected<BackendPlan> parse(llvm::StringRef text,
                                           llvm::StringRef path);
};

/// A profiled library's timings: each layer's median over the rounds (its
/// parts summed within a run), in the library's layer order, and the
/// median of whole runs.
struct LibraryTimes {
  std::vector<std::string> layers;
  std::vector<double> layerMs;
  double runMs = 0;
};

/// Loads the libraries at `paths` (compiled with --profile) into this
/// process and runs them in turn on one random input, round after round
/// after a warm-up, on `threads` threads (0: each library's default). A
/// library whose weights bind at load gets random parameters of a normal
/// scale. The libraries stay loaded: their thread teams outlive a run.
llvm::Expected<std::vector<LibraryTimes>>
timeLibraries(llvm::ArrayRef<std::string> paths, int threads, int rounds);

} // namespace inception

#endif // INCEPTION_COMPILER_BACKENDPLAN_H
