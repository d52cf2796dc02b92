//===- SymmetricEigen.cpp - Eigenvalues of symmetric matrices -------------===//
//
// After JAMA's EigenvalueDecomposition (public domain), itself from EISPACK.
//
//===----------------------------------------------------------------------===//

#include "passes/Transforms/SymmetricEigen.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mlir::inception {
namespace {

/// Householder reduction to tridiagonal form. On return `d` holds the
/// diagonal, `e` the subdiagonal (e[0] = 0), and `v`, with vectors, the
/// accumulated orthogonal transformation.
void tridiagonalize(std::vector<double> &v, int n, std::vector<double> &d,
                    std::vector<double> &e, bool wantVectors) {
  // Column-major: the inner loops below run down columns.
  auto V = [&](int i, int j) -> double & { return v[size_t(j) * n + i]; };
  for (int j = 0; j < n; ++j)
    d[j] = V(n - 1, j);
  for (int i = n - 1; i > 0; --i) {
    double scale = 0.0, h = 0.0;
    for (int k = 0; k < i; ++k)
      scale += std::abs(d[k]);
    if (scale == 0.0) {
      e[i] = d[i - 1];
      for (int j = 0; j < i; ++j) {
        d[j] = V(i - 1, j);
        V(i, j) = 0.0;
        V(j, i) = 0.0;
      }
    } else {
      for (int k = 0; k < i; ++k) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      double f = d[i - 1];
      double g = std::sqrt(h);
      if (f > 0)
        g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (int j = 0; j < i; ++j)
        e[j] = 0.0;
      for (int j = 0; j < i; ++j) {
        f = d[j];
        V(j, i) = f;
        g = e[j] + V(j, j) * f;
        for (int k = j + 1; k <= i - 1; ++k) {
          g += V(k, j) * d[k];
          e[k] += V(k, j) * f;
        }
        e[j] = g;
      }
      f = 0.0;
      for (int j = 0; j < i; ++j) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      double hh = f / (h + h);
      for (int j = 0; j < i; ++j)
        e[j] -= hh * d[j];
      for (int j = 0; j < i; ++j) {
        f = d[j];
        g = e[j];
        for (int k = j; k <= i - 1; ++k)
          V(k, j) -= (f * e[k] + g * d[k]);
        d[j] = V(i - 1, j);
        V(i, j) = 0.0;
      }
    }
    d[i] = h;
  }

  if (wantVectors) {
    for (int i = 0; i < n - 1; ++i) {
      V(n - 1, i) = V(i, i);
      V(i, i) = 1.0;
      double h = d[i + 1];
      if (h != 0.0) {
        for (int k = 0; k <= i; ++k)
          d[k] = V(k, i + 1) / h;
        for (int j = 0; j <= i; ++j) {
          double g = 0.0;
          for (int k = 0; k <= i; ++k)
            g += V(k, i + 1) * V(k, j);
          for (int k = 0; k <= i; ++k)
            V(k, j) -= g * d[k];
        }
      }
      for (int k = 0; k <= i; ++k)
        V(k, i + 1) = 0.0;
    }
    for (int j = 0; j < n; ++j) {
      d[j] = V(n - 1, j);
      V(n - 1, j) = 0.0;
    }
    V(n - 1, n - 1) = 1.0;
  } else {
    // The diagonal, which the accumulation above would have restored.
    for (int j = 0; j < n - 1; ++j)
      d[j] = V(j, j);
    d[n - 1] = V(n - 1, n - 1);
  }
  e[0] = 0.0;
}

/// Implicit QL iteration on the tridiagonal matrix; false if it does not
/// converge.
bool diagonalize(std::vector<double> &v, int n, std::vector<double> &d,
                 std::vector<double> &e, bool wantVectors) {
  auto V = [&](int i, int j) -> double & { return v[size_t(j) * n + i]; };
  for (int i = 1; i < n; ++i)
    e[i - 1] = e[i];
  e[n - 1] = 0.0;
  double f = 0.0, tst1 = 0.0;
  const double eps = std::ldexp(1.0, -52);
  for (int l = 0; l < n; ++l) {
    tst1 = std::max(tst1, std::abs(d[l]) + std::abs(e[l]));
    int m = l;
    while (m < n && std::abs(e[m]) > eps * tst1)
      ++m;
    if (m > l) {
      int iterations = 0;
      do {
        if (++iterations > 60)
          return false;
        double g = d[l];
        double p = (d[l + 1] - g) / (2.0 * e[l]);
        double r = std::hypot(p, 1.0);
        if (p < 0)
          r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        double dl1 = d[l + 1];
        double h = g - d[l];
        for (int i = l + 2; i < n; ++i)
          d[i] -= h;
        f += h;
        p = d[m];
        double c = 1.0, c2 = c, c3 = c;
        double el1 = e[l + 1];
        double s = 0.0, s2 = 0.0;
        for (int i = m - 1; i >= l; --i) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = std::hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (wantVectors)
            for (int k = 0; k < n; ++k) {
              h = V(k, i + 1);
              V(k, i + 1) = s * V(k, i) + c * h;
              V(k, i) = c * V(k, i) - s * h;
            }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (std::abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0.0;
  }
  return true;
}

} // namespace

std::optional<SymmetricEigen> decomposeSymmetric(std::vector<double> a, int n,
                                                 bool wantVectors) {
  // `a` is symmetric, so reading it column-major reads the same matrix.
  std::vector<double> d(n), e(n);
  tridiagonalize(a, n, d, e, wantVectors);
  if (!diagonalize(a, n, d, e, wantVectors))
    return std::nullopt;
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](int x, int y) { return d[x] > d[y]; });
  SymmetricEigen result;
  result.values.resize(n);
  for (int i = 0; i < n; ++i)
    result.values[i] = d[order[i]];
  if (wantVectors) {
    result.vectors.resize(size_t(n) * n);
    for (int row = 0; row < n; ++row)
      for (int i = 0; i < n; ++i)
        result.vectors[size_t(row) * n + i] = a[size_t(order[i]) * n + row];
  }
  return result;
}

} // namespace mlir::inception
