//===- MicrokernelObjects.cpp - The microkernels, built per ISA level -----===//

#include "compiler/CPU/MicrokernelObjects.h"

// runtime/ukernels/UkernelObjects.S (generated) places each object between
// these symbols.
extern "C" const char inception_ukernels_x86_64_v4_begin[],
    inception_ukernels_x86_64_v4_end[], inception_ukernels_x86_64_v3_begin[],
    inception_ukernels_x86_64_v3_end[], inception_omp_runtime_begin[],
    inception_omp_runtime_end[];

namespace inception {

llvm::ArrayRef<MicrokernelObject> microkernelObjects() {
  // runtime/ukernels/CMakeLists.txt builds these levels with these tiles.
  static const MicrokernelObject objects[] = {
      {"x86-64-v4",
       "+avx,+avx2,+bmi,+bmi2,+f16c,+fma,+lzcnt,+movbe,+xsave,+avx512f,"
       "+avx512bw,+avx512cd,+avx512dq,+avx512vl",
       6, 64, 16,
       llvm::StringRef(inception_ukernels_x86_64_v4_begin,
                       inception_ukernels_x86_64_v4_end -
                           inception_ukernels_x86_64_v4_begin)},
      {"x86-64-v3", "+avx,+avx2,+bmi,+bmi2,+f16c,+fma,+lzcnt,+movbe,+xsave",
       6, 16, 8,
       llvm::StringRef(inception_ukernels_x86_64_v3_begin,
                       inception_ukernels_x86_64_v3_end -
                           inception_ukernels_x86_64_v3_begin)},
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

} // namespace inception
