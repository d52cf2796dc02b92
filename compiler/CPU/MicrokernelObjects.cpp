//===- MicrokernelObjects.cpp - The microkernels, built per ISA level -----===//

#include "compiler/CPU/MicrokernelObjects.h"

// runtime/ukernels/UkernelObjects.S (generated) places each object between
// these symbols; UkernelLevels.inc (generated) lists the levels
// runtime/ukernels/CMakeLists.txt builds, with their tiles and features.
#define INCEPTION_UK_LEVEL(isa, march, features, mr, nr, vl)                   \
  extern "C" const char inception_ukernels_##isa##_begin[],                    \
      inception_ukernels_##isa##_end[];
#include "runtime/ukernels/UkernelLevels.inc"
#undef INCEPTION_UK_LEVEL
extern "C" const char inception_omp_runtime_begin[],
    inception_omp_runtime_end[];
extern "C" const char inception_weights_at_load_begin[],
    inception_weights_at_load_end[];
extern "C" const char inception_gpu_library_begin[],
    inception_gpu_library_end[];

namespace inception {

llvm::ArrayRef<MicrokernelObject> microkernelObjects() {
  static const MicrokernelObject objects[] = {
#define INCEPTION_UK_LEVEL(isa, march, features, mr, nr, vl)                   \
  {march, features, mr, nr, vl,                                                \
   llvm::StringRef(inception_ukernels_##isa##_begin,                           \
                   inception_ukernels_##isa##_end -                            \
                       inception_ukernels_##isa##_begin)},
#include "runtime/ukernels/UkernelLevels.inc"
#undef INCEPTION_UK_LEVEL
  };
  return objects;
}

const MicrokernelObject *findMicrokernelObject(int64_t mr, int64_t nr,
                                               int64_t vl) {
  for (const MicrokernelObject &object : microkernelObjects())
    if (object.mr == mr && object.nr == nr && object.vl == vl)
      return &object;
  return nullptr;
}

llvm::StringRef ompRuntimeObject() {
  return llvm::StringRef(inception_omp_runtime_begin,
                         inception_omp_runtime_end -
                             inception_omp_runtime_begin);
}

llvm::StringRef weightsAtLoadObject() {
  return llvm::StringRef(inception_weights_at_load_begin,
                         inception_weights_at_load_end -
                             inception_weights_at_load_begin);
}

llvm::StringRef gpuLibraryObject() {
  return llvm::StringRef(inception_gpu_library_begin,
                         inception_gpu_library_end -
                             inception_gpu_library_begin);
}

} // namespace inception
