//===- MicrokernelTiling.h - How the C microkernels are blocked -*- C++ -*-===//

#ifndef INCEPTION_COMPILER_MICROKERNELTILING_H
#define INCEPTION_COMPILER_MICROKERNELTILING_H

#include <cstdint>

namespace inception {

/// How the convolution microkernel is blocked for a target.
struct MicrokernelTiling {
  int64_t mr, nr; // the register tile: output channels x pixels
  int64_t vl;     // floats per vector register
  int64_t kc;     // rows of the im2col per packed block
  int64_t nc;     // pixels per task
  int64_t l2;     // L2 bytes: the Winograd kernel's budget per task
  int64_t l1;     // L1 bytes: half for a blocked convolution's filter run
};

} // namespace inception

#endif // INCEPTION_COMPILER_MICROKERNELTILING_H
