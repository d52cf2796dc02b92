/*===- pool2d.c - Max and sum pooling with implicit padding -------*- C -*-===*
 *
 * The pooling microkernel behind `microkernels`, compiled
 * into the model libraries that call it like conv2d_gemm.c. A window that
 * reaches past the input is clipped to it, which is what max pooling over
 * -inf padding and sum pooling over zero padding compute; the padded
 * buffer's border is never read, so it need not be filled.
 *
 *===----------------------------------------------------------------------===*/

#include <math.h>
#include <stdint.h>

static inline float combine(int is_max, float a, float b) {
  return is_max ? (a > b ? a : b) : a + b;
}

/* output[b][c][oh][ow] = max or sum over the window at (oh * stride_h -
   pad_top, ow * stride_w - pad_left) of kernel_h x kernel_w, clipped to the
   in_h x in_w input. kind: 0 max, 1 sum. Pointers as integers, strides in
   elements, unit stride along rows. Windows are rectangles, so the
   reduction is separable: per output row, the window's input rows are
   reduced into one row (contiguous, vectorized), whose columns are then
   reduced per output. With a divisor (an out_h x out_w map, row-major),
   each output is then divided by its entry: an average pooling's
   division, done while the row is in cache. */
__attribute__((visibility("hidden"))) void inception_uk_pool2d(
    intptr_t input_ptr, int64_t input_batch_stride,
    int64_t input_channel_stride, int64_t input_row_stride, int64_t in_h,
    int64_t in_w, intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_channel_stride, int64_t output_row_stride, int64_t batch,
    int64_t channels, int64_t out_h, int64_t out_w, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t pad_top,
    int64_t pad_left, int64_t kind, intptr_t divisor_ptr) {
  const float *input = (const float *)input_ptr;
  const float *divisor = (const float *)divisor_ptr;
  float *output = (float *)output_ptr;
  int is_max = kind == 0;
  /* The outputs whose window lies inside the row: [inner_lo, inner_hi). */
  int64_t inner_lo = (pad_left + stride_w - 1) / stride_w;
  int64_t inner_hi = in_w - kernel_w + pad_left < 0
                         ? 0
                         : (in_w - kernel_w + pad_left) / stride_w + 1;
  if (inner_hi > out_w)
    inner_hi = out_w;
  if (inner_lo > inner_hi)
    inner_lo = inner_hi;
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    float rows[in_w];
    int64_t b = plane / channels, c = plane % channels;
    const float *in = input + b * input_batch_stride + c * input_channel_stride;
    float *out = output + b * output_batch_stride + c * output_channel_stride;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      int64_t y0 = oh * stride_h - pad_top, y1 = y0 + kernel_h;
      if (y0 < 0)
        y0 = 0;
      if (y1 > in_h)
        y1 = in_h;
      float *dst = out + oh * output_row_stride;
      if (y0 >= y1) { /* cannot happen with PyTorch's windows */
        for (int64_t ow = 0; ow < out_w; ++ow)
          dst[ow] = is_max ? -INFINITY : 0.0f;
        continue;
      }
      const float *first = in + y0 * input_row_stride;
      for (int64_t x = 0; x < in_w; ++x)
        rows[x] = first[x];
      for (int64_t y = y0 + 1; y < y1; ++y) {
        const float *src = in + y * input_row_stride;
        if (is_max)
          for (int64_t x = 0; x < in_w; ++x)
            rows[x] = rows[x] > src[x] ? rows[x] : src[x];
        else
          for (int64_t x = 0; x < in_w; ++x)
            rows[x] += src[x];
      }
      /* Edge outputs: clipped windows. */
      for (int64_t ow = 0; ow < out_w; ++ow) {
        if (ow == inner_lo && inner_lo < inner_hi)
          ow = inner_hi;
        if (ow >= out_w)
          break;
        int64_t x0 = ow * stride_w - pad_left, x1 = x0 + kernel_w;
        if (x0 < 0)
          x0 = 0;
        if (x1 > in_w)
          x1 = in_w;
        float value = is_max ? -INFINITY : 0.0f;
        for (int64_t x = x0; x < x1; ++x)
          value = combine(is_max, value, rows[x]);
        dst[ow] = value;
      }
      /* Inner outputs: whole windows, one tap at a time across the row. */
      const float *base = rows - pad_left;
      if (stride_w == 1) {
        for (int64_t ow = inner_lo; ow < inner_hi; ++ow)
          dst[ow] = base[ow];
        for (int64_t kx = 1; kx < kernel_w; ++kx) {
          const float *tap = base + kx;
          if (is_max)
            for (int64_t ow = inner_lo; ow < inner_hi; ++ow)
              dst[ow] = dst[ow] > tap[ow] ? dst[ow] : tap[ow];
          else
            for (int64_t ow = inner_lo; ow < inner_hi; ++ow)
              dst[ow] += tap[ow];
        }
      } else {
        for (int64_t ow = inner_lo; ow < inner_hi; ++ow) {
          const float *window = base + ow * stride_w;
          float value = window[0];
          for (int64_t kx = 1; kx < kernel_w; ++kx)
            value = combine(is_max, value, window[kx]);
          dst[ow] = value;
        }
      }
      if (divisor)
        for (int64_t ow = 0; ow < out_w; ++ow)
          dst[ow] /= divisor[oh * out_w + ow];
    }
  }
}
