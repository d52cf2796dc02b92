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

/* output[b][c][oh][ow] = max or sum over the window at (oh * stride_h -
   pad_top, ow * stride_w - pad_left) of kernel_h x kernel_w, clipped to the
   in_h x in_w input. kind: 0 max, 1 sum. Pointers as integers, strides in
   elements, unit stride along rows. */
__attribute__((visibility("hidden"))) void inception_uk_pool2d(
    intptr_t input_ptr, int64_t input_batch_stride,
    int64_t input_channel_stride, int64_t input_row_stride, int64_t in_h,
    int64_t in_w, intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_channel_stride, int64_t output_row_stride, int64_t batch,
    int64_t channels, int64_t out_h, int64_t out_w, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t pad_top,
    int64_t pad_left, int64_t kind) {
  const float *input = (const float *)input_ptr;
  float *output = (float *)output_ptr;
  int is_max = kind == 0;
#pragma omp parallel for schedule(static)
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    int64_t b = plane / channels, c = plane % channels;
    const float *in = input + b * input_batch_stride + c * input_channel_stride;
    float *out = output + b * output_batch_stride + c * output_channel_stride;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      float *row = out + oh * output_row_stride;
      for (int64_t ow = 0; ow < out_w; ++ow)
        row[ow] = is_max ? -INFINITY : 0.0f;
      for (int64_t ky = 0; ky < kernel_h; ++ky) {
        int64_t y = oh * stride_h - pad_top + ky;
        if (y < 0 || y >= in_h)
          continue;
        const float *src = in + y * input_row_stride;
        for (int64_t kx = 0; kx < kernel_w; ++kx) {
          /* The outputs whose tap kx falls inside the row: x in [0, in_w). */
          int64_t shift = kx - pad_left;
          int64_t first = shift >= 0 ? 0 : (-shift + stride_w - 1) / stride_w;
          int64_t last = in_w - 1 - shift < 0
                             ? -1
                             : (in_w - 1 - shift) / stride_w; /* inclusive */
          if (last >= out_w)
            last = out_w - 1;
          if (stride_w == 1) {
            const float *s = src + shift;
            if (is_max)
              for (int64_t ow = first; ow <= last; ++ow)
                row[ow] = row[ow] > s[ow] ? row[ow] : s[ow];
            else
              for (int64_t ow = first; ow <= last; ++ow)
                row[ow] += s[ow];
          } else if (is_max) {
            for (int64_t ow = first; ow <= last; ++ow) {
              float v = src[ow * stride_w + shift];
              row[ow] = row[ow] > v ? row[ow] : v;
            }
          } else {
            for (int64_t ow = first; ow <= last; ++ow)
              row[ow] += src[ow * stride_w + shift];
          }
        }
      }
    }
  }
}
