/*===- depthwise.c - Depthwise convolutions, one channel plane at a time -*- C -*-===*
 *
 * A depthwise convolution (as many groups as channels, one filter each:
 * Xception's separable convolutions, MobileNet-style blocks) has no
 * reduction over channels, so there is no GEMM to block for: each output
 * plane is a sum of kernel_h x kernel_w shifted, scaled input rows. Output
 * rows are computed in a row buffer, one tap at a time across the row (a
 * vector FMA per VL pixels for stride 1), clipped to the input so that
 * padding is never read, then written with the bias, residual and ReLU.
 * Tasks are (image, channel) planes.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>

/* output[b][c] = relu?(init + 
   sum_{ky,kx} filter[c][ky][kx] * input[b][c][oy * stride_h + ky * dilation_h
   - pad_top][ox * stride_w + kx * dilation_w - pad_left]) over the in_h x in_w
   input (zero outside it), where init is the output's own value
   (accumulate), else bias[c] (if any) plus residual[b][c] (if any).
   `filter` is [channels][kernel_h][kernel_w], contiguous. Conventions as
   for inception_uk_conv2d. */
__attribute__((visibility("hidden"))) void inception_uk_depthwise2d(
    intptr_t input_ptr, int64_t input_batch_stride,
    int64_t input_channel_stride, int64_t input_row_stride, intptr_t filter_ptr,
    intptr_t bias_ptr, intptr_t residual_ptr, int64_t residual_batch_stride,
    int64_t residual_channel_stride, int64_t residual_row_stride,
    intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_channel_stride, int64_t output_row_stride,
    int64_t accumulate, int64_t relu,
    int64_t batch, int64_t channels, int64_t in_h, int64_t in_w,
    int64_t kernel_h, int64_t kernel_w, int64_t out_h, int64_t out_w,
    int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w, int64_t pad_top, int64_t pad_left) {
  const float *input = (const float *)input_ptr;
  const float *filter = (const float *)filter_ptr;
  const float *bias = (const float *)bias_ptr;
  const float *residual = (const float *)residual_ptr;
  float *output = (float *)output_ptr;
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    float row[out_w];
    int64_t b = plane / channels, c = plane % channels;
    const float *in = input + b * input_batch_stride + c * input_channel_stride;
    const float *taps = filter + c * kernel_h * kernel_w;
    float *out = output + b * output_batch_stride + c * output_channel_stride;
    const float *res = residual ? residual + b * residual_batch_stride +
                                      c * residual_channel_stride
                                : 0;
    float init = bias ? bias[c] : 0.0f;
    for (int64_t oy = 0; oy < out_h; ++oy) {
      for (int64_t ox = 0; ox < out_w; ++ox)
        row[ox] = 0.0f;
      for (int64_t ky = 0; ky < kernel_h; ++ky) {
        int64_t y = oy * stride_h + ky * dilation_h - pad_top;
        if (y < 0 || y >= in_h)
          continue;
        const float *src = in + y * input_row_stride;
        for (int64_t kx = 0; kx < kernel_w; ++kx) {
          float weight = taps[ky * kernel_w + kx];
          int64_t dx = kx * dilation_w - pad_left;
          /* Outputs [lo, hi) read inside the row: x = ox * stride_w + dx. */
          int64_t lo = dx >= 0 ? 0 : (-dx + stride_w - 1) / stride_w;
          int64_t hi = in_w - 1 - dx < 0 ? 0 : (in_w - 1 - dx) / stride_w + 1;
          if (hi > out_w)
            hi = out_w;
          if (stride_w == 1) {
            const float *shifted = src + dx;
            for (int64_t ox = lo; ox < hi; ++ox)
              row[ox] += weight * shifted[ox];
          } else {
            for (int64_t ox = lo; ox < hi; ++ox)
              row[ox] += weight * src[ox * stride_w + dx];
          }
        }
      }
      float *dst = out + oy * output_row_stride;
      const float *r = res ? res + oy * residual_row_stride : 0;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        float start = accumulate ? dst[ox] : init + (r ? r[ox] : 0.0f);
        float value = start + row[ox];
        dst[ox] = relu && !(value > 0.0f) ? 0.0f : value;
      }
    }
  }
}
