/* Counts the heap allocations of model runs. malloc and its kin are
 * defined here, in the executable, so that every library's calls (the
 * model's, its kernels' and thread pool's, the runtime's) come through
 * them; they count, then call glibc's own.
 *
 *   count_allocations LIBRARY THREADS RUNS
 *
 * loads the model through the runtime, sets the context to THREADS, runs it
 * twice to warm up (the library starts its threads, the context sizes its
 * workspace), then counts the allocations of RUNS more runs. */
#define _GNU_SOURCE
#include <inception/runtime.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static atomic_int counting;
static atomic_long allocations;

static void count(void *caller) {
  (void)caller;
  if (atomic_load(&counting))
    atomic_fetch_add(&allocations, 1);
}

void *malloc(size_t size) {
  count(__builtin_return_address(0));
  return __libc_malloc(size);
}
void *calloc(size_t n, size_t size) {
  count(__builtin_return_address(0));
  return __libc_calloc(n, size);
}
void *realloc(void *pointer, size_t size) {
  count(__builtin_return_address(0));
  return __libc_realloc(pointer, size);
}
void *memalign(size_t alignment, size_t size) {
  count(__builtin_return_address(0));
  return __libc_memalign(alignment, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  count(__builtin_return_address(0));
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **pointer, size_t alignment, size_t size) {
  count(__builtin_return_address(0));
  *pointer = __libc_memalign(alignment, size);
  return *pointer ? 0 : ENOMEM;
}
void free(void *pointer) { __libc_free(pointer); }

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: count_allocations LIBRARY THREADS RUNS\n");
    return 2;
  }
  int threads = atoi(argv[2]), runs = atoi(argv[3]);
  inception_model *model;
  inception_context *context;
  if (inception_model_load(argv[1], &model) != INCEPTION_OK ||
      inception_context_create(model, &context) != INCEPTION_OK ||
      inception_context_set_num_threads(context, threads) != INCEPTION_OK) {
    fprintf(stderr, "%s\n", inception_last_error());
    return 1;
  }
  size_t in_count = inception_model_input_elements(model, 0);
  size_t out_count = inception_model_output_elements(model, 0);
  float *input = calloc(in_count, sizeof *input);
  float *output = calloc(out_count, sizeof *output);
  for (size_t i = 0; i < in_count; ++i)
    input[i] = (float)(i % 251) / 251.0f - 0.5f;
  for (int warmup = 0; warmup < 2; ++warmup)
    if (inception_run(context, input, in_count, output, out_count) != INCEPTION_OK) {
      fprintf(stderr, "%s\n", inception_last_error());
      return 1;
    }
  atomic_store(&counting, 1);
  for (int run = 0; run < runs; ++run)
    if (inception_run(context, input, in_count, output, out_count) != INCEPTION_OK) {
      fprintf(stderr, "%s\n", inception_last_error());
      return 1;
    }
  atomic_store(&counting, 0);
  printf("threads %d, %d runs: %ld allocations\n", threads, runs,
         atomic_load(&allocations));
  inception_context_free(context);
  inception_model_free(model);
  free(input);
  free(output);
  return 0;
}
