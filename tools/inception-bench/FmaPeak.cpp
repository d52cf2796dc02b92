//===- FmaPeak.cpp - The machine's measured FMA throughput ----------------===//

#include "tools/inception-bench/FmaPeak.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace inception {
namespace {

// Enough independent accumulators to cover FMA latency times throughput on
// current cores (4 cycles x 2 ports); the loop body is nothing but FMAs.
constexpr int kChains = 12;
constexpr long kIterations = 10'000'000;

template <int Width> using Vector = float __attribute__((vector_size(Width * 4)));

// Inlined into each target-specific caller, so it is compiled for it.
template <int Width>
__attribute__((always_inline)) inline double fmaLoop() {
  Vector<Width> acc[kChains], x, y;
  for (int i = 0; i < Width; ++i) {
    x[i] = 1.0f + 1e-7f * i;
    y[i] = 1e-7f;
  }
  for (int c = 0; c < kChains; ++c)
    acc[c] = x * float(c);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < kIterations; ++i)
    for (int c = 0; c < kChains; ++c)
      acc[c] = acc[c] * x + y;
  auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The results are stored, so the loop cannot be dropped.
  volatile float sink = 0;
  for (int c = 0; c < kChains; ++c)
    sink = sink + acc[c][0];
  return 2.0 * Width * kChains * kIterations / seconds / 1e9;
}

__attribute__((target("avx512f"))) double fma512() { return fmaLoop<16>(); }
__attribute__((target("avx2,fma"))) double fma256() { return fmaLoop<8>(); }
double fma128() { return fmaLoop<4>(); }

/// The best of a few runs: a run that lost the core for a while says
/// nothing about its peak.
double onePeak() {
  __builtin_cpu_init();
  double best = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    double peak = __builtin_cpu_supports("avx512f") ? fma512()
                  : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                      ? fma256()
                      : fma128();
    best = std::max(best, peak);
  }
  return best;
}

} // namespace

const char *fmaPeakIsa() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return "AVX-512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "AVX2+FMA";
  return "SSE";
}

double measureFmaPeak(int threads) {
  threads = std::max(threads, 1);
  std::vector<double> peaks(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&peaks, t] { peaks[t] = onePeak(); });
  for (std::thread &worker : workers)
    worker.join();
  double total = 0;
  for (double peak : peaks)
    total += peak;
  return total;
}

} // namespace inception
