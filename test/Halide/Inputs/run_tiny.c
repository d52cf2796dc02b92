/* Runs tiny's library, linked statically, on a fixed input. */
#include "tiny.h"
#include <stdio.h>

int main(void) {
  float x[32], y[2];
  for (int i = 0; i < 32; ++i)
    x[i] = (float)i / 32;
  int status = tiny_run(x, y, NULL, 0);
  printf("status %d y %.5f %.5f\n", status, y[0], y[1]);
  return status;
}
