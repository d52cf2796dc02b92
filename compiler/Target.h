//===- Target.h - The one description of the compilation target -*- C++ -*-===//
//
// Built once, from the host or from -mtriple/-mcpu/--cache-sizes, attached
// to the module as `inception.target` (mlir::inception::TargetAttr), and
// read from there by every pass and emitter that needs it. The defaults for
// what cannot be learnt live here and nowhere else.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_TARGET_H
#define INCEPTION_COMPILER_TARGET_H

#include "compiler/MicrokernelTiling.h"
#include "dialect/InceptionAttrs.h"
#include "runtime/ukernels/ukernel_abi.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include <memory>
#include <optional>
#include <string>

namespace inception {

/// Data cache sizes in bytes.
struct CacheSizes {
  int64_t l1 = 0, l2 = 0, l3 = 0;
};

/// The sizes assumed for a level the host does not report (those of a
/// common core), and for cross compilation without --cache-sizes: the
/// microkernels' own defaults for L1 and L2.
constexpr CacheSizes kDefaultCacheSizes = {INCEPTION_UK_DEFAULT_L1,
                                           INCEPTION_UK_DEFAULT_L2, 32 << 20};

/// What the command line asks for; empty means "the host's".
struct TargetRequest {
  std::string triple;     // -mtriple
  std::string cpu;        // -mcpu ("native": the host's)
  std::string cacheSizes; // --cache-sizes L1,L2,L3
  int64_t threads = 0;    // --threads
};

/// The machine a module is compiled for and how code is blocked for it.
struct TargetDescription {
  std::string triple;   // never empty
  std::string cpu;      // never empty: the host's name, -mcpu, or "generic"
  std::string features; // the host's features when compiling for its CPU
  CacheSizes caches;    // every level known
  /// Where the cache sizes came from: "sysfs", "sysconf", "--cache-sizes"
  /// or "defaults" (several, comma-separated, when levels differ).
  std::string cacheSource;
  /// The CPU microkernels' blocking; none where there are no microkernels
  /// for the target (non-x86, x86 without AVX2 and FMA, cross compilation).
  std::optional<MicrokernelTiling> microkernel;
  int64_t threads = 0; // a run's default thread count; 0: OpenMP's

  static llvm::Expected<TargetDescription> create(const TargetRequest &request);
  /// The description a module carries, or an error naming what is missing.
  static llvm::Expected<TargetDescription> fromAttr(mlir::inception::TargetAttr);

  mlir::inception::TargetAttr toAttr(mlir::MLIRContext *context) const;
  /// The human-readable form --emit=target prints.
  void print(llvm::raw_ostream &os) const;
};

/// The host's data cache sizes: sysfs where it exists (a VM's sysconf can
/// report the whole socket's L3), else sysconf, else kDefaultCacheSizes; per
/// level. `source` says which.
CacheSizes hostCacheSizes(std::string *source = nullptr);

/// The data (or unified) caches by level that a sysfs cache folder
/// (/sys/devices/system/cpu/cpu0/cache) describes in its index<N>/{level,
/// type, size} files; 0 for a level it does not.
CacheSizes readSysfsCacheSizes(llvm::StringRef cacheDir);

/// Parses `L1,L2,L3` sizes such as `48K,2M,32M` (a number with an optional
/// K, M or G suffix each, all three given).
llvm::Expected<CacheSizes> parseCacheSizes(llvm::StringRef text);

/// An LLVM target machine for the description, at `optLevel` (0-3).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetDescription &target, unsigned optLevel);

} // namespace inception

#endif // INCEPTION_COMPILER_TARGET_H
