/* The blocked direct convolution kernel alone on 1 and 2 threads, on
   GoogLeNet and Xception shapes (batch 1, blocked activations), with its
   input either warm (the same input every run) or just written before
   each run by both threads, half each, as the layer before it in a model
   writes it. Best of 20 runs each; the 2-thread speedup per case. From the
   repository root, with the AVX-512 kernels:

     ninja -C build InceptionUkernelObjects
     clang-22 -O2 -march=native -fopenmp -Iruntime/ukernels -c \
       bench/blocked_conv_threads.c -o /tmp/bct.o
     clang-22 /tmp/bct.o build/runtime/ukernels/ukernels_x86_64_v4.o \
       build/runtime/ukernels/omp_runtime.o -lpthread -o /tmp/bct
     /tmp/bct

   (-fopenmp only to compile: the program runs on the libraries' own
   OpenMP runtime, omp_runtime.o, as a model does.)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ukernel_abi.h"

int omp_get_max_threads(void);
void omp_set_num_threads(int count);
void inception_uk_conv2d_blocked(const inception_uk_conv2d_params *params);

enum { VL = 16 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Writes the input as a producing layer would: the first half by thread
   0, the second by thread 1 (one thread writes both on 1 thread). */
static void produce(float *input, long floats) {
#pragma omp parallel for schedule(static)
  for (long half = 0; half < 2; ++half)
    for (long i = half * (floats / 2); i < (half + 1) * (floats / 2); ++i)
      input[i] = (float)(i % 7) * 0.1f;
}

typedef struct {
  const char *name;
  int in_channels, out_channels, size, kernel, stride;
} Layer;

static const Layer layers[] = {
    {"googlenet 4e 1x1 heads", 528, 448, 14, 1, 1},
    {"googlenet 3a 1x1 heads", 192, 176, 28, 1, 1},
    {"googlenet 5b 1x1 heads", 832, 624, 7, 1, 1},
    {"xception middle pointwise", 736, 736, 19, 1, 1},
    {"xception block3 pointwise", 736, 736, 37, 1, 1},
    {"googlenet 4e 3x3 direct", 160, 320, 14, 3, 1},
};

int main(void) {
  printf("| layer | input | 1 thread us | 2 threads us | speedup |\n");
  printf("| --- | --- | ---: | ---: | ---: |\n");
  for (unsigned li = 0; li < sizeof layers / sizeof *layers; ++li) {
    Layer l = layers[li];
    int pad = l.kernel / 2;
    int out = (l.size + 2 * pad - l.kernel) / l.stride + 1;
    int padded = (out - 1) * l.stride + l.kernel;
    long in_floats = (long)l.in_channels * padded * padded;
    long filter_floats = (long)l.out_channels * l.kernel * l.kernel * l.in_channels;
    float *input = aligned_alloc(64, in_floats * sizeof(float));
    float *filter = aligned_alloc(64, filter_floats * sizeof(float));
    float *output = aligned_alloc(64, (long)l.out_channels * out * out * sizeof(float));
    produce(input, in_floats);
    for (long i = 0; i < filter_floats; ++i)
      filter[i] = (float)(i % 5) * 0.01f;
    inception_uk_conv2d_params p;
    memset(&p, 0, sizeof p);
    p.input = input;
    p.input_batch_stride = in_floats;
    p.input_channel_stride = (long)padded * padded * VL;
    p.input_row_stride = (long)padded * VL;
    p.input_lanes = VL;
    p.filter = filter;
    p.output = output;
    p.output_batch_stride = (long)l.out_channels * out * out;
    p.output_channel_stride = (long)out * out * VL;
    p.output_row_stride = (long)out * VL;
    p.relu = 1;
    p.batch = 1;
    p.in_channels = l.in_channels;
    p.out_channels = l.out_channels;
    p.in_h = p.in_w = padded;
    p.kernel_h = p.kernel_w = l.kernel;
    p.out_h = p.out_w = out;
    p.stride_h = p.stride_w = l.stride;
    p.dilation_h = p.dilation_w = 1;
    p.l1 = INCEPTION_UK_DEFAULT_L1;
    p.l2 = 1 << 20;
    for (int written = 0; written < 2; ++written) {
      double best[3] = {0, 0, 0};
      for (int threads = 1; threads <= 2; ++threads) {
        omp_set_num_threads(threads);
        best[threads] = 1e9;
        for (int run = 0; run < 20; ++run) {
          if (written)
            produce(input, in_floats);
          double start = now();
          inception_uk_conv2d_blocked(&p);
          double seconds = now() - start;
          if (seconds < best[threads])
            best[threads] = seconds;
        }
      }
      printf("| %s | %s | %.1f | %.1f | %.2fx |\n", l.name,
             written ? "just written" : "warm", best[1] * 1e6, best[2] * 1e6,
             best[1] / best[2]);
    }
    free(input);
    free(filter);
    free(output);
  }
  return 0;
}
