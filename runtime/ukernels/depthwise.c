/*===- depthwise.c - Depthwise convolutions, one channel plane at a time -*- C -*-===*
 *
 * A depthwise convolution (as many groups as channels, one filter each:
 * Xception's separable convolutions, MobileNet-style blocks) has no
 * reduction over channels, so there is no GEMM to block for: each output
 * plane is a sum of kernel_h x kernel_w shifted, scaled input rows. The
 * output pixels of a row that read only inside the input (all of them but
 * the padding's width at each end) go through the generated row kernel
 * (inception_uk_depthwise_row_<n>v<VL>, passes/Codegen/CPU/VectorKernels.cpp),
 * which keeps up to 4 vectors of them in registers through every tap and
 * stores them once with the bias, residual and ReLU; the few pixels at the
 * ends, and rows of strided convolutions, are summed here one at a time,
 * clipped to the input so that padding is never read. Tasks are (image,
 * channel) planes.
 *
 *===----------------------------------------------------------------------===*/

#include "ukernel_common.h"

/* n <= 4 VL output pixels of a stride-1 row, in vector registers: from
   dst's own values (accumulate) or bias plus the residual row (if not
   null), plus, for each of `rows` kernel rows r and kw columns k,
   taps[r * kw + k] * src[r * ld + k * dilation + pixel]; then ReLU if asked,
   stored once. UK_VECTOR_KERNEL, ROW_PIXELS and ROW_KERNELS are
   ukernel_common.h's. */
typedef void depthwise_row(int64_t n, int64_t rows, int64_t kw,
                           const float *taps, const float *src, int64_t ld,
                           int64_t dilation, float bias, const float *residual,
                           int64_t accumulate, float *dst, int64_t relu);
__attribute__((visibility("hidden"))) depthwise_row
    UK_VECTOR_KERNEL(inception_uk_depthwise_row_1),
    UK_VECTOR_KERNEL(inception_uk_depthwise_row_2),
    UK_VECTOR_KERNEL(inception_uk_depthwise_row_3),
    UK_VECTOR_KERNEL(inception_uk_depthwise_row_4);

/* output[b][c] = relu?(init + 
   sum_{ky,kx} filter[c][ky][kx] * input[b][c][oy * stride_h + ky * dilation_h
   - pad_top][ox * stride_w + kx * dilation_w - pad_left]) over the in_h x in_w
   input (zero outside it), where init is the output's own value
   (accumulate), else bias[c] (if any) plus residual[b][c] (if any).
   `filter` is [channels][kernel_h][kernel_w], contiguous; channels is
   out_channels (as many as in_channels). Conventions as for
   inception_uk_conv2d. */
void inception_uk_depthwise2d(const inception_uk_conv2d_params *params) {
  UNPACK_CONV2D_PARAMS(params);
  int64_t channels = out_channels;
  /* Output columns [inner_lo, inner_hi) read inside the input for every
     kernel column (stride 1): x = ox + kx * dilation_w - pad_left. */
  int64_t inner_lo = pad_left;
  int64_t inner_hi = in_w - (kernel_w - 1) * dilation_w + pad_left;
  if (stride_w != 1 || inner_hi > out_w)
    inner_hi = stride_w != 1 ? 0 : out_w;
  if (inner_lo > inner_hi)
    inner_lo = inner_hi;
  static depthwise_row *const rows_of[4] =
      ROW_KERNELS(inception_uk_depthwise_row_);
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    int64_t b = plane / channels, c = plane % channels;
    const float *in = input + b * input_batch_stride + c * input_channel_stride;
    const float *taps = filter + c * kernel_h * kernel_w;
    float *out = output + b * output_batch_stride + c * output_channel_stride;
    const float *res = residual ? residual + b * residual_batch_stride +
                                      c * residual_channel_stride
                                : 0;
    float init = bias ? bias[c] : 0.0f;
    for (int64_t oy = 0; oy < out_h; ++oy) {
      /* Kernel rows [ky0, ky1) read inside the input:
         y = oy * stride_h + ky * dilation_h - pad_top. */
      int64_t y0 = oy * stride_h - pad_top;
      int64_t ky0 = y0 >= 0 ? 0 : (-y0 + dilation_h - 1) / dilation_h;
      int64_t ky1 = in_h - 1 - y0 < 0 ? 0 : (in_h - 1 - y0) / dilation_h + 1;
      if (ky1 > kernel_h)
        ky1 = kernel_h;
      if (ky0 > ky1)
        ky0 = ky1;
      float *dst = out + oy * output_row_stride;
      const float *r = res ? res + oy * residual_row_stride : 0;
      const float *first_row =
          ky0 < ky1 ? in + (y0 + ky0 * dilation_h) * input_row_stride : in;
      for (int64_t ox = inner_lo; ox < inner_hi; ox += ROW_PIXELS) {
        int64_t n = inner_hi - ox < ROW_PIXELS ? inner_hi - ox
                                                     : ROW_PIXELS;
        rows_of[(n - 1) / VL](n, ky1 - ky0, kernel_w, taps + ky0 * kernel_w,
                              first_row + ox - pad_left,
                              dilation_h * input_row_stride, dilation_w, init,
                              r ? r + ox : 0, accumulate, dst + ox, relu);
      }
      /* The rest of the row, pixel by pixel. */
      for (int64_t ox = 0; ox < out_w; ++ox) {
        if (ox == inner_lo)
          ox = inner_hi;
        if (ox >= out_w)
          break;
        float value = accumulate ? dst[ox] : init + (r ? r[ox] : 0.0f);
        for (int64_t ky = ky0; ky < ky1; ++ky) {
          const float *src =
              first_row + (ky - ky0) * dilation_h * input_row_stride;
          for (int64_t kx = 0; kx < kernel_w; ++kx) {
            int64_t x = ox * stride_w + kx * dilation_w - pad_left;
            if (x >= 0 && x < in_w)
              value += taps[ky * kernel_w + kx] * src[x];
          }
        }
        dst[ox] = relu && !(value > 0.0f) ? 0.0f : value;
      }
    }
  }
}
