/* An application that runs a model from threads of its own (with 256 KB
 * stacks), each with its
 * own context limited to one thread: the library must add no threads of its
 * own (no OpenMP workers on top of the application's), and every thread
 * must get the single-threaded result. Then one run on two threads from the
 * main thread, to show that the count below sees OpenMP's workers. */
#define _GNU_SOURCE
#include "inception/runtime.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { APP_THREADS = 4, RUNS = 3, APP_STACK_BYTES = 256 << 10 };

static inception_model *model;
static float *input, *reference;
static size_t in_elements, out_elements;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* The threads of this process now. */
static int thread_count(void) {
  DIR *tasks = opendir("/proc/self/task");
  if (!tasks)
    return -1;
  int count = 0;
  for (struct dirent *entry; (entry = readdir(tasks));)
    count += entry->d_name[0] != '.';
  closedir(tasks);
  return count;
}

static int run_once(int threads, float *output) {
  inception_context *context = NULL;
  if (inception_context_create(model, &context) != INCEPTION_OK ||
      inception_context_set_num_threads(context, threads) != INCEPTION_OK)
    return 1;
  int status = inception_run(context, input, in_elements, output, out_elements);
  inception_context_free(context);
  return status;
}

static void *app_thread(void *arg) {
  (void)arg;
  float *output = malloc(out_elements * sizeof(float));
  for (int r = 0; r < RUNS; ++r) {
    int bad = !output || run_once(1, output) != INCEPTION_OK ||
              memcmp(output, reference, out_elements * sizeof(float)) != 0;
    pthread_mutex_lock(&lock);
    failures += bad;
    pthread_mutex_unlock(&lock);
  }
  free(output);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2 || inception_model_load(argv[1], &model) != INCEPTION_OK) {
    fprintf(stderr, "usage: app_threads LIB.so (%s)\n", inception_last_error());
    return 2;
  }
  in_elements = inception_model_input_elements(model, 0);
  out_elements = inception_model_output_elements(model, 0);
  input = malloc(in_elements * sizeof(float));
  reference = malloc(out_elements * sizeof(float));
  for (size_t i = 0; i < in_elements; ++i)
    input[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
  if (run_once(1, reference) != INCEPTION_OK) {
    fprintf(stderr, "run failed: %s\n", inception_last_error());
    return 1;
  }
  printf("threads before: %d\n", thread_count());
  /* Small stacks, as some thread pools give: less than a GEMM task's
     buffers, which therefore must not live there. */
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, APP_STACK_BYTES);
  pthread_t threads[APP_THREADS];
  for (int t = 0; t < APP_THREADS; ++t)
    if (pthread_create(&threads[t], &attributes, app_thread, NULL) != 0) {
      fprintf(stderr, "cannot create a thread\n");
      return 1;
    }
  pthread_attr_destroy(&attributes);
  for (int t = 0; t < APP_THREADS; ++t)
    pthread_join(threads[t], NULL);
  printf("app threads: %d, runs: %d, results differ: %d\n", APP_THREADS,
         APP_THREADS * RUNS, failures);
  printf("threads after one-thread runs: %d\n", thread_count());
  float *output = malloc(out_elements * sizeof(float));
  int status = run_once(2, output);
  printf("threads after a two-thread run: %d (status %d)\n", thread_count(),
         status);
  free(output);
  free(input);
  free(reference);
  inception_model_free(model);
  return failures != 0;
}
