//===- FactorizeConv.cpp - k x k convolutions as k x 1 then 1 x k ---------===//

#include "dialect/InceptionOps.h"
#include "passes/Passes.h"
#include "passes/Statistics.h"

#include "passes/Transforms/SymmetricEigen.h"
#include "dialect/WeightConstants.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include <cmath>

namespace mlir::inception {
#define GEN_PASS_DEF_FACTORIZECONV
#include "passes/Passes.h.inc"

namespace {

/// A convolution's kernel W[o, c, i, j] (o < C_out, c < C_in, i, j < k) as
/// the matrix M[(c, i), (o, j)] of shape (C_in*k) x (C_out*k): a rank-r
/// factorization M = A B is a k x 1 convolution into r channels (A) followed
/// by a 1 x k convolution (B).
struct KernelMatrix {
  int64_t out, in, k;
  std::vector<double> m; // row-major, rows() x cols()

  int64_t rows() const { return in * k; }
  int64_t cols() const { return out * k; }
  double &at(int64_t row, int64_t col) { return m[row * cols() + col]; }
  double at(int64_t row, int64_t col) const { return m[row * cols() + col]; }

  KernelMatrix(ArrayRef<float> w, int64_t out, int64_t in, int64_t k)
      : out(out), in(in), k(k), m(size_t(in * k * out * k)) {
    for (int64_t o = 0; o < out; ++o)
      for (int64_t c = 0; c < in; ++c)
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < k; ++j)
            at(c * k + i, o * k + j) = w[((o * in + c) * k + i) * k + j];
  }

  /// The Gram matrix of the smaller side: M^T M when there are no more
  /// columns than rows, else M M^T.
  std::vector<double> gram() const {
    bool ofColumns = cols() <= rows();
    int64_t n = ofColumns ? cols() : rows(), inner = ofColumns ? rows() : cols();
    // The side's vectors, each contiguous, so the dot products stream.
    std::vector<double> vectors(size_t(n * inner));
    for (int64_t row = 0; row < rows(); ++row)
      for (int64_t col = 0; col < cols(); ++col)
        vectors[ofColumns ? col * inner + row : row * inner + col] = at(row, col);
    std::vector<double> g(size_t(n * n));
    for (int64_t a = 0; a < n; ++a) {
      const double *va = &vectors[a * inner];
      for (int64_t b = 0; b <= a; ++b) {
        const double *vb = &vectors[b * inner];
        double sum = 0;
        for (int64_t t = 0; t < inner; ++t)
          sum += va[t] * vb[t];
        g[a * n + b] = g[b * n + a] = sum;
      }
    }
    return g;
  }
};

/// MACs of the convolution and of its two factors at rank r.
struct MacCount {
  int64_t original, factorized;
};
MacCount countMacs(Conv2DOp conv, int64_t rank) {
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  auto output = conv.getType();
  auto filter = cast<RankedTensorType>(conv.getFilter().getType());
  int64_t batch = output.getDimSize(0), out = output.getDimSize(1),
          outH = output.getDimSize(2), outW = output.getDimSize(3),
          in = filter.getDimSize(1), k = filter.getDimSize(2),
          inW = input.getDimSize(3);
  // The k x 1 factor runs over the input's full width (it pads only
  // vertically); the 1 x k factor produces the output.
  return {batch * out * outH * outW * in * k * k,
          batch * rank * outH * inW * in * k + batch * out * outH * outW * rank * k};
}

struct FactorizeConvPass : impl::FactorizeConvBase<FactorizeConvPass> {
  using FactorizeConvBase::FactorizeConvBase;

  void runOnOperation() override {
    if (rank < 0 || energy < 0 || energy > 1 || tolerance < 0) {
      getOperation().emitError() << llvm::formatv(
          "factorize-conv: rank must be >= 0, energy in [0, 1] and tolerance "
          ">= 0 (got rank={0}, energy={1}, tolerance={2})",
          int64_t(rank), llvm::format("%g", double(energy)),
          llvm::format("%g", double(tolerance)));
      return signalPassFailure();
    }
    if (rank > 0 && energy > 0) {
      getOperation().emitError()
          << "factorize-conv: give rank= or energy=, not both";
      return signalPassFailure();
    }
    SmallVector<Conv2DOp> candidates;
    int64_t unknown = 0;
    getOperation().walk([&](Conv2DOp conv) {
      auto filter = cast<RankedTensorType>(conv.getFilter().getType());
      if (conv.getGroups() != 1 || filter.getDimSize(2) != filter.getDimSize(3) ||
          filter.getDimSize(2) < 3)
        return;
      if (hasF32Data(conv.getFilter()))
        candidates.push_back(conv);
      else if (isWeight(conv.getFilter()))
        ++unknown;
    });
    // The rank is chosen from the filter's values, which a library whose
    // weights bind at load does not have.
    if (unknown)
      emitRemark(getOperation().getLoc())
          << "factorize-conv: skipped " << unknown
          << " convolutions whose filters are not known at compile time "
             "(weights bound at load): the factorization's rank depends on "
             "their values";
    for (Conv2DOp conv : candidates)
      factorize(conv);
  }

  void factorize(Conv2DOp conv) {
    auto filterType = cast<RankedTensorType>(conv.getFilter().getType());
    int64_t out = filterType.getDimSize(0), in = filterType.getDimSize(1),
            k = filterType.getDimSize(2);
    std::vector<float> weights = *readF32Constant(conv.getFilter());
    KernelMatrix matrix(weights, out, in, k);
    bool ofColumns = matrix.cols() <= matrix.rows();
    int64_t n = std::min(matrix.rows(), matrix.cols());

    // The singular values first: most kernels are left alone, and that
    // needs no singular vectors.
    std::vector<double> gram = matrix.gram();
    std::optional<SymmetricEigen> spectrum =
        decomposeSymmetric(gram, int(n), /*wantVectors=*/false);
    if (!spectrum) {
      conv.emitWarning("factorize-conv: the singular value iteration did not "
                       "converge; convolution left alone");
      return;
    }
    std::vector<double> &energies = spectrum->values; // sigma^2, largest first
    for (double &e : energies)
      e = std::max(e, 0.0);
    double total = 0;
    for (double e : energies)
      total += e;
    if (total == 0)
      return;
    // tail[r]: the energy a rank-r factorization loses.
    std::vector<double> tail(n + 1, 0.0);
    for (int64_t r = n - 1; r >= 0; --r)
      tail[r] = tail[r + 1] + energies[r];
    auto relativeError = [&](int64_t r) { return std::sqrt(tail[r] / total); };

    int64_t chosen;
    bool forced = rank > 0 || energy > 0;
    if (rank > 0) {
      chosen = std::min<int64_t>(rank, n);
    } else if (energy > 0) {
      chosen = 1;
      while (chosen < n && 1.0 - tail[chosen] / total < energy)
        ++chosen;
    } else {
      chosen = 1;
      while (chosen < n && relativeError(chosen) > tolerance)
        ++chosen;
    }
    MacCount macs = countMacs(conv, chosen);
    if (!forced && macs.factorized >= macs.original) {
      recordStatistic(*this, numLeft, "left-alone", 1);
      return;
    }

    std::optional<SymmetricEigen> basis =
        decomposeSymmetric(std::move(gram), int(n), /*wantVectors=*/true);
    if (!basis) {
      conv.emitWarning("factorize-conv: the singular vector iteration did not "
                       "converge; convolution left alone");
      return;
    }
    // M ~= A B with A: rows x r, B: r x cols. From the Gram of the columns,
    // B = V_r^T and A = M V_r; from the Gram of the rows, A = U_r and
    // B = U_r^T M. Each factor then gets sqrt(sigma) of the scale.
    int64_t rows = matrix.rows(), cols = matrix.cols();
    std::vector<double> a(size_t(rows * chosen)), b(size_t(chosen * cols));
    auto vec = [&](int64_t i, int64_t r) { return basis->vectors[i * n + r]; };
    for (int64_t r = 0; r < chosen; ++r) {
      if (ofColumns) {
        for (int64_t col = 0; col < cols; ++col)
          b[r * cols + col] = vec(col, r);
        for (int64_t row = 0; row < rows; ++row) {
          double sum = 0;
          for (int64_t col = 0; col < cols; ++col)
            sum += matrix.at(row, col) * vec(col, r);
          a[row * chosen + r] = sum;
        }
      } else {
        for (int64_t row = 0; row < rows; ++row)
          a[row * chosen + r] = vec(row, r);
        for (int64_t col = 0; col < cols; ++col) {
          double sum = 0;
          for (int64_t row = 0; row < rows; ++row)
            sum += vec(row, r) * matrix.at(row, col);
          b[r * cols + col] = sum;
        }
      }
      double sigma = std::sqrt(std::max(basis->values[r], 0.0));
      if (sigma > 0) {
        double aScale = ofColumns ? 1 / std::sqrt(sigma) : std::sqrt(sigma);
        double bScale = ofColumns ? std::sqrt(sigma) : 1 / std::sqrt(sigma);
        for (int64_t row = 0; row < rows; ++row)
          a[row * chosen + r] *= aScale;
        for (int64_t col = 0; col < cols; ++col)
          b[r * cols + col] *= bScale;
      }
    }

    // Filters: first[r, c, i, 0] = A[(c, i), r]; second[o, r, 0, j] =
    // B[r, (o, j)].
    std::vector<float> first(size_t(chosen * in * k)), second(size_t(out * chosen * k));
    for (int64_t r = 0; r < chosen; ++r)
      for (int64_t c = 0; c < in; ++c)
        for (int64_t i = 0; i < k; ++i)
          first[(r * in + c) * k + i] = float(a[(c * k + i) * chosen + r]);
    for (int64_t o = 0; o < out; ++o)
      for (int64_t r = 0; r < chosen; ++r)
        for (int64_t j = 0; j < k; ++j)
          second[(o * chosen + r) * k + j] = float(b[r * cols + o * k + j]);

    OpBuilder builder(conv);
    Location loc = conv.getLoc();
    std::string name = constantName(conv.getFilter(), "conv.weight");
    ArrayRef<int64_t> strides = conv.getStrides(), padding = conv.getPadding(),
                      dilations = conv.getDilations();
    auto input = cast<RankedTensorType>(conv.getInput().getType());
    auto resultType = conv.getType();
    auto midType = RankedTensorType::get(
        {resultType.getDimSize(0), chosen, resultType.getDimSize(2),
         input.getDimSize(3)},
        resultType.getElementType());
    Value firstFilter = createF32Constant(builder, loc, {chosen, in, k, 1},
                                          name + ".factor_kx1", first);
    auto vertical = Conv2DOp::create(
        builder, loc, midType, conv.getInput(), firstFilter, /*bias=*/Value(),
        /*residual=*/Value(), builder.getDenseI64ArrayAttr({strides[0], 1}),
        builder.getDenseI64ArrayAttr({padding[0], 0, padding[2], 0}),
        builder.getDenseI64ArrayAttr({dilations[0], 1}),
        builder.getI64IntegerAttr(1), UnitAttr());
    Value secondFilter = createF32Constant(builder, loc, {out, chosen, 1, k},
                                           name + ".factor_1xk", second);
    auto horizontal = Conv2DOp::create(
        builder, loc, resultType, vertical.getResult(), secondFilter,
        conv.getBias(), conv.getResidual(),
        builder.getDenseI64ArrayAttr({1, strides[1]}),
        builder.getDenseI64ArrayAttr({0, padding[1], 0, padding[3]}),
        builder.getDenseI64ArrayAttr({1, dilations[1]}),
        builder.getI64IntegerAttr(1), conv.getFusedReluAttr());
    conv.getResult().replaceAllUsesWith(horizontal.getResult());
    conv.erase();

    double error = relativeError(chosen);
    if (forced)
      emitRemark(loc) << llvm::formatv(
          "factorize-conv: {0}x{0} convolution {1} -> {2} at rank {3} of {4}: "
          "relative kernel error {5:e3}, MACs {6} -> {7}",
          k, in, out, chosen, n, error, macs.original, macs.factorized);
    recordStatistic(*this, numFactorized, "factorized", 1);
    recordStatistic(*this, macsBefore, "macs-before", macs.original);
    recordStatistic(*this, macsAfter, "macs-after", macs.factorized);
  }
};

} // namespace
} // namespace mlir::inception
