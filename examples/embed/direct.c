/* An application that links a compiled model directly: it includes the
 * header inceptionc wrote beside the library and calls googlenet_run.
 *
 *   inceptionc models/googlenet.inception --weights w.safetensors -o libgooglenet.so
 *   cc -I. direct.c -L. -lgooglenet -lpthread -o direct
 *
 * Two threads run the model at once, each with its own workspace (sized for
 * a run on one thread), and must agree with a run on the main thread. */
#include "googlenet.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float input[GOOGLENET_INPUT_ELEMENTS];

struct job {
  float output[GOOGLENET_OUTPUT_ELEMENTS];
  int status;
};

static void *run_job(void *arg) {
  struct job *job = arg;
  size_t size = (GOOGLENET_WORKSPACE_SIZE(1) + 63) / 64 * 64;
  void *workspace = aligned_alloc(GOOGLENET_WORKSPACE_ALIGNMENT, size);
  job->status = workspace ? googlenet_run_threads(input, job->output, workspace,
                                                  size, 1)
                          : -1;
  free(workspace);
  return NULL;
}

int main(void) {
  /* A deterministic input pattern. */
  for (size_t i = 0; i < GOOGLENET_INPUT_ELEMENTS; ++i)
    input[i] = (float)sin(0.001 * (double)i);

  static struct job reference, jobs[2];
  /* With no workspace, the call allocates one itself. */
  reference.status = googlenet_run(input, reference.output, NULL, 0);
  if (reference.status != 0) {
    fprintf(stderr, "googlenet_run failed with status %d\n", reference.status);
    return 1;
  }
  pthread_t threads[2];
  for (int t = 0; t < 2; ++t)
    pthread_create(&threads[t], NULL, run_job, &jobs[t]);
  for (int t = 0; t < 2; ++t)
    pthread_join(threads[t], NULL);
  for (int t = 0; t < 2; ++t)
    if (jobs[t].status != 0 ||
        memcmp(jobs[t].output, reference.output, sizeof reference.output)) {
      fprintf(stderr, "thread %d disagrees with the reference run\n", t);
      return 1;
    }

  size_t best = 0;
  for (size_t i = 1; i < GOOGLENET_OUTPUT_ELEMENTS; ++i)
    if (reference.output[i] > reference.output[best])
      best = i;
  printf("input %s %s, output %s %s\n", GOOGLENET_INPUT_NAME,
         GOOGLENET_INPUT_DTYPE, GOOGLENET_OUTPUT_NAME, GOOGLENET_OUTPUT_DTYPE);
  printf("workspace: %zu bytes\n", googlenet_workspace_size());
  printf("top class: %zu\n", best);
  printf("threads agree: yes\n");
  /* Null pointers are reported, not dereferenced. */
  printf("null input: status %d\n",
         googlenet_run(NULL, reference.output, NULL, 0));
  float misaligned[GOOGLENET_OUTPUT_ELEMENTS];
  printf("misaligned workspace: status %d\n",
         googlenet_run(input, misaligned, (char *)jobs + 1, 1 << 30));
  /* A workspace too small for the run's threads is refused. */
  size_t small = GOOGLENET_WORKSPACE_SIZE(1);
  void *workspace = aligned_alloc(GOOGLENET_WORKSPACE_ALIGNMENT,
                                  (small + 63) / 64 * 64);
  printf("small workspace: status %d\n",
         googlenet_run_threads(input, misaligned, workspace,
                               GOOGLENET_WORKSPACE_BASE_SIZE, 1));
  free(workspace);
  return 0;
}
