//===- HalideGlueTest.cpp - Halide's runtime hooks in a model library -----===//
//
// runtime/halide/halide_glue.c, linked as a Halide library links it (with
// the libraries' own OpenMP runtime): a layer's parallel loop runs each task
// once on the run's team and returns a task's failure; Halide's allocations
// come from a stack per thread in the workspace and fail, never fall back
// to malloc, when it is full; a layer's failure is kept for the run.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <vector>

extern "C" {
void omp_set_num_threads(int);
int omp_get_max_threads(void);
int omp_get_thread_num(void);

typedef int (*halide_task_t)(void *user_context, int task_number,
                             uint8_t *closure);
int halide_do_par_for(void *user_context, halide_task_t task, int min,
                      int size, uint8_t *closure);
void *halide_malloc(void *user_context, size_t size);
void halide_free(void *user_context, void *pointer);

struct inception_halide_context {
  char *arenas;
  int64_t arena_bytes;
};
void inception_halide_enter(const inception_halide_context *context);
void inception_halide_status(int status);
int inception_halide_failed(void);
}

namespace {

struct Threads {
  int saved = omp_get_max_threads();
  explicit Threads(int count) { omp_set_num_threads(count); }
  ~Threads() { omp_set_num_threads(saved); }
};

/// Arenas for `threads` threads of `bytes` each, 64-byte aligned.
struct Arenas {
  std::vector<char> storage;
  inception_halide_context context;
  Arenas(int threads, int64_t bytes) : storage(threads * bytes + 64) {
    auto base = reinterpret_cast<uintptr_t>(storage.data());
    context = {storage.data() + (-base % 64), bytes};
    inception_halide_enter(&context);
  }
  bool inArena(void *pointer, int thread) const {
    char *p = static_cast<char *>(pointer);
    char *begin = context.arenas + thread * context.arena_bytes;
    return p >= begin && p < begin + context.arena_bytes;
  }
};

struct Counts {
  std::atomic<int> runs[100];
  std::atomic<int> threadsSeen[2];
};

int countTask(void *, int task, uint8_t *closure) {
  auto *counts = reinterpret_cast<Counts *>(closure);
  counts->runs[task - 10]++;
  counts->threadsSeen[omp_get_thread_num() % 2]++;
  return 0;
}

TEST(HalideGlue, ParallelForRunsEveryTaskOnceOnTheRunsTeam) {
  Threads threads(2);
  Counts counts{};
  EXPECT_EQ(halide_do_par_for(nullptr, countTask, 10, 100,
                              reinterpret_cast<uint8_t *>(&counts)),
            0);
  for (std::atomic<int> &runs : counts.runs)
    EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(counts.threadsSeen[0] + counts.threadsSeen[1], 100);
}

int failAtFive(void *, int task, uint8_t *) { return task == 5 ? -3 : 0; }

TEST(HalideGlue, ParallelForReturnsATasksFailure) {
  Threads threads(2);
  EXPECT_EQ(halide_do_par_for(nullptr, failAtFive, 0, 64, nullptr), -3);
  Threads one(1);
  EXPECT_EQ(halide_do_par_for(nullptr, failAtFive, 0, 64, nullptr), -3);
}

TEST(HalideGlue, AllocationsAreAStackInTheThreadsArena) {
  Threads threads(1);
  Arenas arenas(1, 4096);
  void *first = halide_malloc(&arenas.context, 100);
  void *second = halide_malloc(&arenas.context, 200);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(arenas.inArena(first, 0));
  EXPECT_TRUE(arenas.inArena(second, 0));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(second) % 64, 0u);
  EXPECT_GT(second, first);
  halide_free(&arenas.context, second);
  halide_free(&arenas.context, first);
  // Freed in reverse order: the arena is empty again.
  EXPECT_EQ(halide_malloc(&arenas.context, 100), first);
}

TEST(HalideGlue, AnAllocationThatDoesNotFitFails) {
  Threads threads(1);
  Arenas arenas(1, 4096);
  EXPECT_EQ(halide_malloc(&arenas.context, 4096), nullptr);
  void *most = halide_malloc(&arenas.context, 4096 - 64 - 64);
  ASSERT_NE(most, nullptr);
  EXPECT_EQ(halide_malloc(&arenas.context, 1), nullptr);
  // Without an arena, nothing: never the C library's malloc.
  EXPECT_EQ(halide_malloc(nullptr, 16), nullptr);
  inception_halide_context none = {nullptr, 0};
  EXPECT_EQ(halide_malloc(&none, 16), nullptr);
}

struct ArenaCheck {
  Arenas *arenas;
  std::atomic<int> outside{0};
};

int allocateInTask(void *user_context, int, uint8_t *closure) {
  auto *check = reinterpret_cast<ArenaCheck *>(closure);
  void *block = halide_malloc(user_context, 256);
  if (!block || !check->arenas->inArena(block, omp_get_thread_num()))
    check->outside++;
  halide_free(user_context, block);
  return 0;
}

TEST(HalideGlue, EachThreadTakesFromItsOwnArena) {
  Threads threads(2);
  Arenas arenas(2, 1024);
  ArenaCheck check{&arenas};
  EXPECT_EQ(halide_do_par_for(&arenas.context, allocateInTask, 0, 200,
                              reinterpret_cast<uint8_t *>(&check)),
            0);
  EXPECT_EQ(check.outside.load(), 0);
}

TEST(HalideGlue, TheRunKeepsALayersFailureUntilTaken) {
  EXPECT_EQ(inception_halide_failed(), 0);
  inception_halide_status(0);
  EXPECT_EQ(inception_halide_failed(), 0);
  inception_halide_status(-3);
  inception_halide_status(0);
  EXPECT_EQ(inception_halide_failed(), 1);
  EXPECT_EQ(inception_halide_failed(), 0);
}

} // namespace
