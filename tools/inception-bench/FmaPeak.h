//===- FmaPeak.h - The machine's measured FMA throughput --------*- C++ -*-===//

#ifndef INCEPTION_TOOLS_INCEPTION_BENCH_FMAPEAK_H
#define INCEPTION_TOOLS_INCEPTION_BENCH_FMAPEAK_H

namespace inception {

/// Single-precision GFLOP/s (an FMA counts two) that `threads` threads
/// reach together on independent chains of fused multiply-adds in the
/// widest vectors the CPU has (AVX-512, else AVX2 + FMA, else SSE): the
/// peak a kernel's efficiency is measured against.
double measureFmaPeak(int threads);

/// The vector instructions measureFmaPeak used.
const char *fmaPeakIsa();

} // namespace inception

#endif // INCEPTION_TOOLS_INCEPTION_BENCH_FMAPEAK_H
