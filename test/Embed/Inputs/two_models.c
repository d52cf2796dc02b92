/* An application that links two model libraries built from one model
 * file under two names (mk_a and mk_b), for two CPUs, as static archives,
 * and checks that each computes what the same model does as a shared
 * library loaded through the runtime:
 *
 *   two_models liba_shared.so libb_shared.so
 *
 * Had the archives shared their kernels, one library would run the other's
 * (built for another vector width) or the link would fail. */
#include "mk_a.h"
#include "mk_b.h"

#include <inception/runtime.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static float input[MK_A_INPUT_ELEMENTS];

/* The largest difference between `output` and the shared library's. */
static double compare(const char *library, const float *output, size_t count) {
  inception_model *model;
  inception_context *context;
  float *expected = calloc(count, sizeof *expected);
  if (inception_model_load(library, &model) != INCEPTION_OK ||
      inception_context_create(model, &context) != INCEPTION_OK ||
      inception_run(context, input, MK_A_INPUT_ELEMENTS, expected, count) !=
          INCEPTION_OK) {
    fprintf(stderr, "%s\n", inception_last_error());
    exit(1);
  }
  double worst = 0, largest = 0;
  for (size_t i = 0; i < count; ++i) {
    worst = fmax(worst, fabs((double)output[i] - expected[i]));
    largest = fmax(largest, fabs(expected[i]));
  }
  inception_context_free(context);
  inception_model_free(model);
  free(expected);
  return largest > 0 ? worst : INFINITY; /* an all-zero output is wrong */
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: two_models LIBA.so LIBB.so\n");
    return 2;
  }
  for (size_t i = 0; i < MK_A_INPUT_ELEMENTS; ++i)
    input[i] = (float)sin(0.01 * (double)i);
  static float a[MK_A_OUTPUT_ELEMENTS], b[MK_B_OUTPUT_ELEMENTS];
  int status_a = mk_a_run(input, a, NULL, 0);
  int status_b = mk_b_run(input, b, NULL, 0);
  printf("status: %d %d\n", status_a, status_b);
  double da = compare(argv[1], a, MK_A_OUTPUT_ELEMENTS);
  double db = compare(argv[2], b, MK_B_OUTPUT_ELEMENTS);
  printf("mk_a matches its shared library: %s (%g)\n", da <= 1e-5 ? "yes" : "no", da);
  printf("mk_b matches its shared library: %s (%g)\n", db <= 1e-5 ? "yes" : "no", db);
  return 0;
}
