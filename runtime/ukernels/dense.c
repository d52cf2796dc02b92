/*===- dense.c - Fully connected layers as dot products -----------*- C -*-===*
 *
 * The dense microkernel behind `microkernels`: at the batch sizes of
 * inference a fully connected layer is a few matrix-vector products, bound
 * by reading the weights once, so each output is a dot product of two
 * contiguous rows, summed in vector registers.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>

#if defined(__AVX512F__)
#define DENSE_VL 16
#elif defined(__AVX__)
#define DENSE_VL 8
#else
#define DENSE_VL 4
#endif

typedef float dense_vf __attribute__((vector_size(DENSE_VL * sizeof(float)),
                                      aligned(sizeof(float))));

/* output[n][m] += sum_k input[n][k] * weight[m][k]; rows contiguous, row
   strides in elements. */
__attribute__((visibility("hidden"))) void inception_uk_dense(
    intptr_t input_ptr, int64_t input_row_stride, intptr_t weight_ptr,
    int64_t weight_row_stride, intptr_t output_ptr, int64_t output_row_stride,
    int64_t batch, int64_t out_features, int64_t in_features) {
  const float *input = (const float *)input_ptr;
  const float *weight = (const float *)weight_ptr;
  float *output = (float *)output_ptr;
#pragma omp parallel for schedule(static)
  for (int64_t m = 0; m < out_features; ++m) {
    const float *w = weight + m * weight_row_stride;
    for (int64_t n = 0; n < batch; ++n) {
      const float *x = input + n * input_row_stride;
      /* Four independent accumulators hide the FMA latency. */
      dense_vf acc[4] = {{0}, {0}, {0}, {0}};
      int64_t k = 0;
      for (; k + 4 * DENSE_VL <= in_features; k += 4 * DENSE_VL)
        for (int a = 0; a < 4; ++a)
          acc[a] += *(const dense_vf *)(x + k + a * DENSE_VL) *
                    *(const dense_vf *)(w + k + a * DENSE_VL);
      dense_vf total = acc[0] + acc[1] + acc[2] + acc[3];
      float sum = 0.0f;
      for (int lane = 0; lane < DENSE_VL; ++lane)
        sum += total[lane];
      for (; k < in_features; ++k)
        sum += x[k] * w[k];
      output[n * output_row_stride + m] += sum;
    }
  }
}
