/* An application that loads any compiled model at run time through the
 * runtime library, without knowing the model when it is built:
 *
 *   cc dynamic.c $(pkg-config --cflags --libs inception) -o dynamic
 *   ./dynamic libgooglenet.so
 */
#include "inception/runtime.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.so\n", argv[0]);
    return 2;
  }
  inception_model *model;
  if (inception_model_load(argv[1], &model) != INCEPTION_OK) {
    fprintf(stderr, "error: %s\n", inception_last_error());
    return 1;
  }
  const inception_model_info *info = inception_model_get_info(model);
  printf("model %s: input %s [", info->name, info->inputs[0].name);
  for (int32_t d = 0; d < info->inputs[0].rank; ++d)
    printf("%s%lld", d ? ", " : "", (long long)info->inputs[0].shape[d]);
  printf("], output %s\n", info->outputs[0].name);

  size_t in_count = inception_model_input_elements(model, 0);
  size_t out_count = inception_model_output_elements(model, 0);
  float *input = calloc(in_count, sizeof(float));
  float *output = calloc(out_count, sizeof(float));
  inception_context *context;
  if (!input || !output ||
      inception_context_create(model, &context) != INCEPTION_OK) {
    fprintf(stderr, "error: %s\n", inception_last_error());
    return 1;
  }
  for (size_t i = 0; i < in_count; ++i)
    input[i] = (float)(i % 7) / 7.0f;
  int status = inception_run(context, input, in_count, output, out_count);
  printf("run: %s\n", inception_status_string(status));

  /* A wrong shape and a null pointer are errors with messages. */
  status = inception_run(context, input, in_count - 1, output, out_count);
  printf("short input: %s: %s\n", inception_status_string(status),
         inception_last_error());
  status = inception_run(context, NULL, in_count, output, out_count);
  printf("null input: %s\n", inception_status_string(status));

  inception_context_free(context);
  inception_model_free(model);
  free(input);
  free(output);
  return 0;
}
