//===- SymmetricEigen.h - Eigenvalues of symmetric matrices -----*- C++ -*-===//
//
// factorize-conv needs the singular values (and, when it factorizes, the
// singular vectors) of a convolution kernel; they are the eigenvalues and
// eigenvectors of its Gram matrix. The project depends on no linear algebra
// library, so this is the classic Householder tridiagonalization followed by
// the implicit QL algorithm (EISPACK's tred2/tql2), in double precision.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_TRANSFORMS_SYMMETRICEIGEN_H
#define INCEPTION_PASSES_TRANSFORMS_SYMMETRICEIGEN_H

#include <optional>
#include <vector>

namespace mlir::inception {

struct SymmetricEigen {
  /// Eigenvalues, largest first.
  std::vector<double> values;
  /// With vectors requested: n x n, row-major, eigenvector i in column i.
  std::vector<double> vectors;
};

/// Eigen-decomposes the symmetric n x n row-major matrix `a` (only its
/// values are read). Nothing when the QL iteration does not converge.
std::optional<SymmetricEigen> decomposeSymmetric(std::vector<double> a,
                                                 int n, bool wantVectors);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_TRANSFORMS_SYMMETRICEIGEN_H
