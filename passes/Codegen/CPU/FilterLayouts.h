//===- FilterLayouts.h - Filters in the forms the kernels read --*- C++ -*-===//
//
// The filter forms the microkernels read that are computed at compile time
// (FilterTransforms.cpp builds the constants with these; the kernels'
// unit tests feed the kernels with them).
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_FILTERLAYOUTS_H
#define INCEPTION_PASSES_CODEGEN_CPU_FILTERLAYOUTS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace mlir::inception::microkernels {

/// The filter [m][k] (m output channels, k = input channels x kernel taps)
/// in panels of `mr` output channels, k-major, for inception_uk_conv2d:
/// packed[(m / mr) * depth * mr + k * mr + m % mr], zero rows past the
/// last channel.
std::vector<float> packFilterPanels(llvm::ArrayRef<float> filter,
                                    int64_t outChannels, int64_t depth,
                                    int64_t mr);

/// The filter [co][ci][3][3] transformed for inception_uk_winograd3x3:
/// u[((xi * panels + co / nr) * ci_count + ci) * nr + co % nr] holds
/// (G g G^T)[xi / 6][xi % 6], zero for channels past the last.
std::vector<float> winogradFilter(llvm::ArrayRef<float> filter,
                                  int64_t outChannels, int64_t inChannels,
                                  int64_t nr);

} // namespace mlir::inception::microkernels

#endif // INCEPTION_PASSES_CODEGEN_CPU_FILTERLAYOUTS_H
