/*===- halide_glue.c - Halide's runtime hooks in a model library -*- C -*-===*
 *
 * A library from the Halide back half links Halide's standalone runtime,
 * whose hooks are weak: these strong definitions replace the ones that
 * would make a run allocate or start threads of its own.
 *
 * - halide_do_par_for runs a layer's parallel loop on the library's own
 *   OpenMP team (runtime/ukernels/omp_runtime.c): the thread count of the
 *   run (`run_threads`, --threads, OMP_NUM_THREADS) is Halide's too, and
 *   there is one pool in the process per library, not two.
 * - halide_malloc and halide_free take from an arena per thread in the
 *   run's workspace, whose size the compiler bounds (every intermediate
 *   of the largest layer, twice over): the user context of every layer's
 *   call is an inception_halide_context. Halide frees in the reverse order
 *   of allocation on each thread (allocations are scoped), so each arena
 *   is a stack. An allocation that does not fit fails: Halide's error,
 *   which makes the run return INCEPTION_ERROR_INTERNAL, never a malloc.
 * - A layer that fails records it for the calling thread; the run's
 *   wrapper takes the record after the model (inception_halide_failed).
 *
 *===----------------------------------------------------------------------===*/

#include <omp.h>
#include <stddef.h>
#include <stdint.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* What the compiler passes as every layer's user context (an i64 array on
   the stack, see passes/Codegen/CPU/HalideCalls.cpp). */
typedef struct {
  char *arenas;       /* thread t's arena: arenas + t * arena_bytes */
  int64_t arena_bytes;
} inception_halide_context;

/* An arena's first bytes hold its top: the offset of its free space. */
enum { ARENA_HEADER = 64, BLOCK_HEADER = 64 };

typedef int (*halide_task_t)(void *user_context, int task_number,
                             uint8_t *closure);

int halide_do_par_for(void *user_context, halide_task_t task, int min,
                      int size, uint8_t *closure) {
  int status = 0;
  if (size <= 1 || omp_get_num_threads() > 1) {
    /* One task, or already inside a parallel loop: run here. */
    for (int i = 0; i < size && !status; ++i)
      status = task(user_context, min + i, closure);
    return status;
  }
  int next = 0;
#pragma omp parallel
  {
    for (;;) {
      int i = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
      if (i >= size || __atomic_load_n(&status, __ATOMIC_RELAXED))
        break;
      int result = task(user_context, min + i, closure);
      if (result)
        __atomic_store_n(&status, result, __ATOMIC_RELAXED);
    }
  }
  return status;
}

static int64_t *arena_top(const inception_halide_context *context) {
  return (int64_t *)(context->arenas +
                     (int64_t)omp_get_thread_num() * context->arena_bytes);
}

void *halide_malloc(void *user_context, size_t size) {
  const inception_halide_context *context = user_context;
  if (!context || context->arena_bytes <= ARENA_HEADER)
    return NULL;
  int64_t *top = arena_top(context);
  int64_t needed = (int64_t)((size + 63) / 64 * 64) + BLOCK_HEADER;
  if (*top < ARENA_HEADER || *top > context->arena_bytes ||
      needed > context->arena_bytes - *top)
    return NULL;
  char *block = (char *)top + *top;
  *(int64_t *)block = *top;
  *top += needed;
  return block + BLOCK_HEADER;
}

void halide_free(void *user_context, void *pointer) {
  const inception_halide_context *context = user_context;
  if (!pointer || !context)
    return;
  int64_t *top = arena_top(context);
  *top = *(int64_t *)((char *)pointer - BLOCK_HEADER);
}

/* Empties every thread's arena before a layer runs. */
HIDDEN void inception_halide_enter(const inception_halide_context *context) {
  if (context->arena_bytes <= ARENA_HEADER)
    return;
  int threads = omp_get_max_threads();
  for (int t = 0; t < threads; ++t)
    *(int64_t *)(context->arenas + (int64_t)t * context->arena_bytes) =
        ARENA_HEADER;
}

static _Thread_local int failed_status;

/* A layer's status: the first failure of a run is kept. */
HIDDEN void inception_halide_status(int status) {
  if (status && !failed_status)
    failed_status = status;
}

/* Whether a layer of the run that just ended on this thread failed; clears
   the record for the next run. */
HIDDEN int inception_halide_failed(void) {
  int status = failed_status;
  failed_status = 0;
  return status != 0;
}

/* Halide's messages would go to the process's standard error: a library
   keeps quiet and returns a status instead. */
void halide_error(void *user_context, const char *message) {
  (void)user_context;
  (void)message;
}
