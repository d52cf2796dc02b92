/* An application that links a GPU library statically and runs it through
   the header: with no GPU its run is INCEPTION_ERROR_NO_DEVICE (11), and
   the workspace's launch state is released either way. */
#include "tiny.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  static float input[TINY_INPUT_ELEMENTS], output[TINY_OUTPUT_ELEMENTS];
  size_t size = tiny_workspace_size();
  void *workspace = aligned_alloc(TINY_WORKSPACE_ALIGNMENT, size);
  if (!workspace)
    return 2;
  memset(workspace, 0, size); /* a GPU library's state starts zeroed */
  int status = tiny_run(input, output, workspace, size);
  printf("tiny_run: %d, device workspace %d bytes\n", status,
         TINY_DEVICE_WORKSPACE_SIZE);
  tiny_release_workspace(workspace);
  free(workspace);
  return 0;
}
