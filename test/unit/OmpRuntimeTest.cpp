//===- OmpRuntimeTest.cpp - The libraries' own OpenMP runtime -------------===//
//
// Compiled with clang's -fopenmp and linked with runtime/ukernels/
// omp_runtime.c's object instead of libomp: the regions and loops below
// reach it through the entry points clang emits, as the microkernels and
// the generated code do. Every iteration runs exactly once, for every
// schedule and team size; barriers hold; a nested region or a second
// application thread runs alone; nothing is allocated once the pool runs.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

extern "C" {
int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);
void omp_set_num_threads(int);
}

namespace {

/// Sets the calling thread's thread count for a test's scope.
struct Threads {
  int saved;
  explicit Threads(int count) : saved(omp_get_max_threads()) {
    omp_set_num_threads(count);
  }
  ~Threads() { omp_set_num_threads(saved); }
};

/// How often each of `n` iterations ran, and which thread ran it.
struct Coverage {
  std::vector<std::atomic<int>> runs;
  std::vector<int> thread;
  explicit Coverage(int64_t n) : runs(size_t(n)), thread(size_t(n), -1) {}
  void hit(int64_t i) {
    runs[size_t(i)].fetch_add(1);
    thread[size_t(i)] = omp_get_thread_num();
  }
  void expectOnce(const char *what) {
    for (size_t i = 0; i < runs.size(); ++i)
      ASSERT_EQ(runs[i].load(), 1) << what << ": iteration " << i;
  }
};

TEST(OmpRuntime, TeamsHaveTheThreadCountAsked) {
  for (int count : {1, 2, 3, 5}) {
    Threads threads(count);
    std::atomic<int> members{0}, sizes{0}, sum{0};
#pragma omp parallel
    {
      members.fetch_add(1);
      sizes.fetch_add(omp_get_num_threads());
      sum.fetch_add(omp_get_thread_num());
    }
    EXPECT_EQ(members.load(), count);
    EXPECT_EQ(sizes.load(), count * count);
    EXPECT_EQ(sum.load(), count * (count - 1) / 2);
    EXPECT_EQ(omp_get_thread_num(), 0);
    EXPECT_EQ(omp_get_num_threads(), 1);
  }
}

TEST(OmpRuntime, StaticLoopsCoverEveryIterationOnce) {
  for (int count : {1, 2, 3, 4})
    for (int64_t n : {0, 1, 2, 3, 7, 64, 1001}) {
      Threads threads(count);
      Coverage plain(n), chunked(n), reversed(n);
#pragma omp parallel for schedule(static)
      for (int64_t i = 0; i < n; ++i)
        plain.hit(i);
      plain.expectOnce("static");
#pragma omp parallel for schedule(static, 3)
      for (int64_t i = 0; i < n; ++i)
        chunked.hit(i);
      chunked.expectOnce("static, 3");
#pragma omp parallel for schedule(static)
      for (int64_t i = n - 1; i >= 0; --i)
        reversed.hit(i);
      reversed.expectOnce("static, downwards");
      // Static blocks are contiguous and in thread order.
      for (int64_t i = 1; i < n; ++i)
        ASSERT_LE(plain.thread[size_t(i - 1)], plain.thread[size_t(i)]);
    }
}

TEST(OmpRuntime, DynamicLoopsCoverEveryIterationOnce) {
  for (int count : {1, 2, 3, 4})
    for (int64_t n : {0, 1, 5, 97, 1000}) {
      Threads threads(count);
      Coverage dynamic(n), guided(n), twoLoops(2 * n);
#pragma omp parallel for schedule(dynamic, 1)
      for (int64_t i = 0; i < n; ++i)
        dynamic.hit(i);
      dynamic.expectOnce("dynamic, 1");
#pragma omp parallel for schedule(guided, 2)
      for (int64_t i = 0; i < n; ++i)
        guided.hit(i);
      guided.expectOnce("guided, 2");
      // Two dynamic loops in one region, the first without its barrier.
#pragma omp parallel
      {
#pragma omp for schedule(dynamic, 3) nowait
        for (int64_t i = 0; i < n; ++i)
          twoLoops.hit(i);
#pragma omp for schedule(dynamic, 2)
        for (int64_t i = n; i < 2 * n; ++i)
          twoLoops.hit(i);
      }
      twoLoops.expectOnce("two dynamic loops");
    }
}

TEST(OmpRuntime, BarriersHold) {
  Threads threads(3);
  std::atomic<int> arrived{0};
  std::atomic<bool> early{false};
#pragma omp parallel
  {
    for (int round = 1; round <= 50; ++round) {
      arrived.fetch_add(1);
#pragma omp barrier
      if (arrived.load() < 3 * round)
        early = true;
#pragma omp barrier
    }
  }
  EXPECT_FALSE(early.load());
  EXPECT_EQ(arrived.load(), 150);
}

TEST(OmpRuntime, NestedRegionsRunAlone) {
  Threads threads(2);
  std::atomic<int> inner{0}, innerSizes{0};
#pragma omp parallel
  {
#pragma omp parallel
    {
      inner.fetch_add(1);
      innerSizes.fetch_add(omp_get_num_threads());
    }
  }
  EXPECT_EQ(inner.load(), 2);
  EXPECT_EQ(innerSizes.load(), 2);
}

TEST(OmpRuntime, ApplicationThreadsKeepTheirOwnCounts) {
  // Two application threads at once, each its own count: one gets the
  // pool, the other runs its regions alone; every loop is whole.
  std::atomic<int> failures{0};
  auto work = [&](int count) {
    omp_set_num_threads(count);
    for (int repeat = 0; repeat < 200; ++repeat) {
      Coverage coverage(257);
#pragma omp parallel for schedule(dynamic, 4)
      for (int64_t i = 0; i < 257; ++i)
        coverage.hit(i);
      for (auto &runs : coverage.runs)
        failures += runs.load() != 1;
      failures += omp_get_max_threads() != count;
    }
  };
  std::thread a(work, 2), b(work, 3);
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
}

} // namespace
