/* An application that links a library compiled with --weights-at-load
   (test/Frontend/Inputs/tiny.inception) directly, through its header:
   it fills each parameter from a formula (running variances positive),
   prepares the weights into an arena it owns, runs, and prints the output;
   weights_formula.py writes the same parameters to a safetensors file for
   the library with built-in weights. Then it loads that file (argv[1])
   with tiny_load_weights and runs again, and tries a missing file and a
   mis-shaped one (argv[2]); then the calls the header's API refuses. */
#include "tiny.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_output(const char *what, int status, const float *output) {
  printf("%s: status %d, output", what, status);
  for (size_t i = 0; i < TINY_OUTPUT_ELEMENTS; ++i)
    printf(" %.9g", output[i]);
  printf("\n");
}

static float parameter_value(const char *key, size_t index, size_t element) {
  float value = (float)((int)((index * 31 + element * 17) % 13) - 6) / 8.0f;
  return strstr(key, "running_var") ? 1.0f + value / 2.0f : value;
}

int main(int argc, char **argv) {
  if (argc != 3)
    return 2;
  const char *keys[] = TINY_PARAMETER_KEYS;
  const size_t elements[] = TINY_PARAMETER_ELEMENTS;
  float *storage[TINY_NUM_PARAMETERS];
  const float *parameters[TINY_NUM_PARAMETERS];
  for (size_t i = 0; i < TINY_NUM_PARAMETERS; ++i) {
    storage[i] = malloc(elements[i] * sizeof(float));
    for (size_t j = 0; j < elements[i]; ++j)
      storage[i][j] = parameter_value(keys[i], i, j);
    parameters[i] = storage[i];
  }
  void *weights = aligned_alloc(TINY_WEIGHTS_ALIGNMENT, TINY_WEIGHTS_SIZE);
  int status = tiny_prepare_weights(parameters, weights);
  printf("prepare: status %d\n", status);
  /* The parameters are not needed after the preparation. */
  for (size_t i = 0; i < TINY_NUM_PARAMETERS; ++i) {
    memset(storage[i], 0xff, elements[i] * sizeof(float));
    free(storage[i]);
  }

  float input[TINY_INPUT_ELEMENTS], output[TINY_OUTPUT_ELEMENTS];
  for (size_t i = 0; i < TINY_INPUT_ELEMENTS; ++i)
    input[i] = (float)((int)(i % 7) - 3) / 4.0f;
  void *workspace = aligned_alloc(TINY_WORKSPACE_ALIGNMENT,
                                  (tiny_workspace_size_threads(1) + 63) / 64 * 64);
  status = tiny_run_weights(weights, input, output, workspace,
                            tiny_workspace_size_threads(1), 1);
  print_output("run", status, output);

  void *loaded = NULL;
  status = tiny_load_weights(argv[1], &loaded);
  printf("load: status %d\n", status);
  status = tiny_run_weights(loaded, input, output, workspace,
                            tiny_workspace_size_threads(1), 1);
  print_output("run loaded", status, output);
  tiny_weights_free(loaded);
  void *none = NULL;
  printf("load a missing file: status %d, %s\n",
         tiny_load_weights("/nonexistent.safetensors", &none), tiny_load_error());
  printf("load a mis-shaped file: status %d, %s\n",
         tiny_load_weights(argv[2], &none), tiny_load_error());
  printf("load from null: status %d\n",
         tiny_load_weights_from_memory(NULL, 0, &none));

  printf("run without weights: status %d\n",
         tiny_run(input, output, workspace, tiny_workspace_size()));
  printf("run with null weights: status %d\n",
         tiny_run_weights(NULL, input, output, workspace,
                          tiny_workspace_size_threads(1), 1));
  printf("prepare null parameters: status %d\n",
         tiny_prepare_weights(NULL, weights));
  const float *missing[TINY_NUM_PARAMETERS] = {0};
  printf("prepare a null parameter: status %d\n",
         tiny_prepare_weights(missing, weights));
  printf("misaligned weights: status %d\n",
         tiny_run_weights((char *)weights + 4, input, output, workspace,
                          tiny_workspace_size_threads(1), 1));
  free(workspace);
  free(weights);
  return 0;
}
