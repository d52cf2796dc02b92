//===- MicrokernelObjects.h - The microkernels, built per ISA level -*- C++ -*-===//
//
// runtime/ukernels/CMakeLists.txt builds the C microkernels and their
// register tiles once per ISA level into a relocatable object; the compiler
// carries each object's bytes and links the one a module's register tile
// needs into its library.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_COMPILER_CPU_MICROKERNELOBJECTS_H
#define INCEPTION_COMPILER_CPU_MICROKERNELOBJECTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace inception {

/// One ISA level's microkernels.
struct MicrokernelObject {
  llvm::StringRef isa;      // x86-64-v4: the -march they were built for
  /// Every feature of the level, as LLVM's subtarget spells them: the
  /// kernels may use anything it implies, so a CPU needs them all.
  llvm::StringRef features;
  int64_t mr, nr, vl;       // the register tile
  llvm::StringRef bytes;    // the ELF relocatable object
};

/// Every level built, the widest first (the target takes the first its
/// CPU runs: compiler/Target.cpp).
llvm::ArrayRef<MicrokernelObject> microkernelObjects();

/// The level built for the register tile mr x nr (vectors of vl floats), or
/// null.
const MicrokernelObject *findMicrokernelObject(int64_t mr, int64_t nr,
                                               int64_t vl);

/// The OpenMP entry points a library's parallel loops and kernels call,
/// on a thread pool the library owns (runtime/ukernels/omp_runtime.c): an
/// ELF relocatable object that every library links, for the host.
llvm::StringRef ompRuntimeObject();

/// What a library that takes its weights at load links, for the host: the
/// weight transforms its preparation calls (runtime/ukernels/
/// weight_transforms.c) and the loader behind its <model>_load_weights
/// (runtime/weights_loader.c, runtime/safetensors.c), hidden; an ELF
/// relocatable object.
llvm::StringRef weightsAtLoadObject();

/// What every GPU library links: its run time (runtime/gpu_library.c) and
/// the CUDA driver it opens at run time (runtime/cuda_driver.c), hidden;
/// an ELF relocatable object.
llvm::StringRef gpuLibraryObject();

} // namespace inception

#endif // INCEPTION_COMPILER_CPU_MICROKERNELOBJECTS_H
