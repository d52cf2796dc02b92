//===- SymmetricEigenTest.cpp - factorize-conv's eigensolver --------------===//

#include "passes/Transforms/SymmetricEigen.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using mlir::inception::decomposeSymmetric;

namespace {

/// A random symmetric matrix B^T B of rank `rank` (n x n, row-major).
std::vector<double> gramOfRank(int n, int rank, unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal;
  std::vector<double> b(size_t(rank) * n);
  for (double &v : b)
    v = normal(generator);
  std::vector<double> a(size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int r = 0; r < rank; ++r)
        a[i * n + j] += b[r * n + i] * b[r * n + j];
  return a;
}

TEST(SymmetricEigen, DiagonalIsSortedLargestFirst) {
  std::vector<double> a = {1, 0, 0, 0, 5, 0, 0, 0, 3};
  auto eigen = decomposeSymmetric(a, 3, /*wantVectors=*/false);
  ASSERT_TRUE(eigen);
  EXPECT_DOUBLE_EQ(eigen->values[0], 5);
  EXPECT_DOUBLE_EQ(eigen->values[1], 3);
  EXPECT_DOUBLE_EQ(eigen->values[2], 1);
  EXPECT_TRUE(eigen->vectors.empty());
}

TEST(SymmetricEigen, VectorsSatisfyTheEigenEquationAndAreOrthonormal) {
  const int n = 40;
  std::vector<double> a = gramOfRank(n, n, 1);
  auto eigen = decomposeSymmetric(a, n, /*wantVectors=*/true);
  ASSERT_TRUE(eigen);
  double scale = eigen->values[0];
  auto v = [&](int row, int k) { return eigen->vectors[row * n + k]; };
  for (int k = 0; k < n; ++k) {
    for (int row = 0; row < n; ++row) {
      double av = 0;
      for (int j = 0; j < n; ++j)
        av += a[row * n + j] * v(j, k);
      EXPECT_NEAR(av, eigen->values[k] * v(row, k), 1e-10 * scale);
    }
    for (int other = 0; other < n; ++other) {
      double dot = 0;
      for (int row = 0; row < n; ++row)
        dot += v(row, k) * v(row, other);
      EXPECT_NEAR(dot, k == other ? 1.0 : 0.0, 1e-10);
    }
  }
}

TEST(SymmetricEigen, ValuesAloneMatchValuesWithVectors) {
  const int n = 33;
  std::vector<double> a = gramOfRank(n, n, 2);
  auto alone = decomposeSymmetric(a, n, false);
  auto with = decomposeSymmetric(a, n, true);
  ASSERT_TRUE(alone && with);
  for (int k = 0; k < n; ++k)
    EXPECT_NEAR(alone->values[k], with->values[k], 1e-10 * with->values[0]);
}

TEST(SymmetricEigen, LowRankLeavesZeros) {
  // Rank 3 of 20: three positive eigenvalues, the rest zero to rounding.
  const int n = 20;
  auto eigen = decomposeSymmetric(gramOfRank(n, 3, 3), n, false);
  ASSERT_TRUE(eigen);
  for (int k = 0; k < 3; ++k)
    EXPECT_GT(eigen->values[k], 1e-3 * eigen->values[0]);
  for (int k = 3; k < n; ++k)
    EXPECT_NEAR(eigen->values[k], 0.0, 1e-12 * eigen->values[0]);
}

TEST(SymmetricEigen, TraceIsTheSumOfEigenvalues) {
  const int n = 64;
  std::vector<double> a = gramOfRank(n, 50, 4);
  double trace = 0;
  for (int i = 0; i < n; ++i)
    trace += a[i * n + i];
  auto eigen = decomposeSymmetric(a, n, false);
  ASSERT_TRUE(eigen);
  double sum = 0;
  for (double value : eigen->values)
    sum += value;
  EXPECT_NEAR(sum, trace, 1e-10 * trace);
}

TEST(SymmetricEigen, OneByOne) {
  auto eigen = decomposeSymmetric({7.0}, 1, true);
  ASSERT_TRUE(eigen);
  EXPECT_DOUBLE_EQ(eigen->values[0], 7.0);
  EXPECT_DOUBLE_EQ(eigen->vectors[0], 1.0);
}

} // namespace
