/*===- blocked_conv.c - Direct convolution on blocked activations -*- C -*-===*
 *
 * A convolution whose activations blocked-layout keeps as [N, C/VL, H, W,
 * VL]: no im2col, no packing. A tile is 2 blocks of VL output channels at
 * up to P pixels of an output row (P = 12 with AVX-512), accumulated in
 * registers by the generated kernel inception_uk_blocked_conv_<2|1>x<p>v<VL>
 * (passes/Transforms/VectorKernels.cpp): per tap, input block and lane, one
 * filter vector per output block and one broadcast input element per
 * pixel. The input is the padded buffer, so every tap is in bounds. Input
 * blocks are summed in runs whose filter slice stays in L1 while the tiles
 * of a row reuse it. Tasks are (image, pair of output blocks, output row).
 *
 * The first run of input blocks starts from the bias and residual (or the
 * output's own value), the last one applies the ReLU: a convolution's
 * epilogue writes its destination (the ReLU's, a concat slice, a padded
 * buffer's interior) once.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>

#if INCEPTION_UK_VL == 16
#define BLOCKED_PIXELS 12
#else
#define BLOCKED_PIXELS 6
#endif

typedef void blocked_conv_tile(int64_t kernel_h, int64_t kernel_w,
                               int64_t in_blocks, int64_t filter_blocks,
                               int64_t lanes, const float *in,
                               int64_t row_step, int64_t col_step,
                               int64_t block_step, int64_t pixel_step,
                               const float *filter, int64_t filter_stride,
                               float *out, int64_t out_stride, int64_t relu,
                               int64_t start, const float *bias,
                               const float *residual, int64_t residual_stride);

/* The tiles of p pixels, 1 <= p <= BLOCKED_PIXELS, for 1 or 2 output
   blocks: `stem` is the stride-1 kernels' (pixels VL floats apart, a
   constant in them) or the strided ones'. */
#define BLOCKED_TILES_6(stem, blocks)                                          \
  UK_VECTOR_KERNEL(stem##blocks##x1), UK_VECTOR_KERNEL(stem##blocks##x2),      \
      UK_VECTOR_KERNEL(stem##blocks##x3), UK_VECTOR_KERNEL(stem##blocks##x4),  \
      UK_VECTOR_KERNEL(stem##blocks##x5), UK_VECTOR_KERNEL(stem##blocks##x6)
#if BLOCKED_PIXELS == 12
#define BLOCKED_TILES(stem, blocks)                                            \
  BLOCKED_TILES_6(stem, blocks), UK_VECTOR_KERNEL(stem##blocks##x7),           \
      UK_VECTOR_KERNEL(stem##blocks##x8), UK_VECTOR_KERNEL(stem##blocks##x9),  \
      UK_VECTOR_KERNEL(stem##blocks##x10),                                     \
      UK_VECTOR_KERNEL(stem##blocks##x11), UK_VECTOR_KERNEL(stem##blocks##x12)
#else
#define BLOCKED_TILES(stem, blocks) BLOCKED_TILES_6(stem, blocks)
#endif

__attribute__((visibility("hidden"))) blocked_conv_tile
    BLOCKED_TILES(inception_uk_blocked_conv_, 1),
    BLOCKED_TILES(inception_uk_blocked_conv_, 2),
    BLOCKED_TILES(inception_uk_blocked_conv_strided_, 1),
    BLOCKED_TILES(inception_uk_blocked_conv_strided_, 2);

/* [strided][blocks - 1][pixels - 1] */
static blocked_conv_tile *const blocked_tiles[2][2][BLOCKED_PIXELS] = {
    {{BLOCKED_TILES(inception_uk_blocked_conv_, 1)},
     {BLOCKED_TILES(inception_uk_blocked_conv_, 2)}},
    {{BLOCKED_TILES(inception_uk_blocked_conv_strided_, 1)},
     {BLOCKED_TILES(inception_uk_blocked_conv_strided_, 2)}}};

/* Filter floats of 2 output blocks per run of input blocks: half of a
   48 KB L1, the other half for the input rows and the output tile. */
#define BLOCKED_RUN_FLOATS (6 * 1024)

/* output[n][ob][oy][ox][o] = relu?(init + sum over (ky, kx, c) of
   filter[ob][ky][kx][c][o] * input(c, oy * stride_h + ky * dilation_h,
   ox * stride_w + kx * dilation_w)), where init is bias[ob][o] (if any)
   plus residual[n][ob][oy][ox][o] (if any) when `initialize`, else the
   output's own value; for an input that is blocked (lanes = VL: channel c
   at block c / VL, lane c % VL, pixels VL floats apart) or NCHW (lanes =
   1: channel c a block of its own, pixels adjacent); in_blocks blocks of
   lanes channels, block_stride floats apart. The input is the padded
   buffer: its element (0, 0) is the padding's corner. */
__attribute__((visibility("hidden"))) void inception_uk_conv2d_blocked(
    intptr_t input_ptr, int64_t input_batch_stride, int64_t input_block_stride,
    int64_t input_row_stride, int64_t lanes, intptr_t filter_ptr,
    intptr_t bias_ptr, intptr_t residual_ptr, int64_t residual_batch_stride,
    int64_t residual_block_stride, int64_t residual_row_stride,
    intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_block_stride, int64_t output_row_stride, int64_t initialize,
    int64_t relu, int64_t batch, int64_t in_blocks, int64_t out_blocks,
    int64_t kernel_h, int64_t kernel_w, int64_t out_h, int64_t out_w,
    int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w) {
  const float *input = (const float *)input_ptr;
  const float *filter = (const float *)filter_ptr;
  const float *bias = (const float *)bias_ptr;
  const float *residual = (const float *)residual_ptr;
  float *output = (float *)output_ptr;
  int64_t pixel_floats = lanes == 1 ? 1 : INCEPTION_UK_VL;
  int64_t taps = kernel_h * kernel_w;
  /* Floats of one output block's filter, and of one input block's share. */
  int64_t filter_stride = taps * in_blocks * lanes * INCEPTION_UK_VL;
  int64_t block_floats = taps * lanes * INCEPTION_UK_VL;
  int64_t run = BLOCKED_RUN_FLOATS / (2 * block_floats);
  if (run < 1)
    run = 1;
  if (run > in_blocks)
    run = in_blocks;
  int strided = stride_w * pixel_floats != INCEPTION_UK_VL;
  /* A 1x1 stride-1 convolution between dense planes (no padding columns)
     is one row of out_h * out_w pixels: no partial tile at each row's end
     (a 7-pixel row fills 14 of the 24 accumulators). */
  if (kernel_h == 1 && kernel_w == 1 && stride_h == 1 && !strided &&
      input_row_stride == out_w * pixel_floats &&
      output_row_stride == out_w * INCEPTION_UK_VL &&
      (!residual || residual_row_stride == out_w * INCEPTION_UK_VL)) {
    out_w *= out_h;
    out_h = 1;
  }
  int64_t pairs = (out_blocks + 1) / 2;
  /* Rows split into segments of whole tiles while there are fewer than 4
     tasks a thread. */
  int64_t threads = omp_get_max_threads();
  int64_t segment = (out_w + BLOCKED_PIXELS - 1) / BLOCKED_PIXELS * BLOCKED_PIXELS;
  while (segment > BLOCKED_PIXELS &&
         batch * pairs * out_h * ((out_w + segment - 1) / segment) < 4 * threads)
    segment = (segment / 2 + BLOCKED_PIXELS - 1) / BLOCKED_PIXELS * BLOCKED_PIXELS;
  int64_t segments = (out_w + segment - 1) / segment;
  int64_t tasks = batch * pairs * out_h * segments;

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < tasks; ++task) {
    int64_t image = task / (pairs * out_h * segments);
    int64_t pair = task / (out_h * segments) % pairs;
    int64_t oy = task / segments % out_h;
    int64_t ox_begin = task % segments * segment;
    int64_t ox_end = ox_begin + segment < out_w ? ox_begin + segment : out_w;
    int64_t ob = 2 * pair;
    int64_t blocks = out_blocks - ob < 2 ? 1 : 2;
    const float *in = input + image * input_batch_stride +
                      oy * stride_h * input_row_stride;
    float *out = output + image * output_batch_stride +
                 ob * output_block_stride + oy * output_row_stride;
    const float *w = filter + ob * filter_stride;
    const float *b = bias ? bias + ob * INCEPTION_UK_VL : 0;
    const float *res = residual ? residual + image * residual_batch_stride +
                                      ob * residual_block_stride +
                                      oy * residual_row_stride
                                : 0;
    for (int64_t b0 = 0; b0 < in_blocks; b0 += run) {
      int64_t count = in_blocks - b0 < run ? in_blocks - b0 : run;
      int64_t first = initialize && b0 == 0, last = b0 + count == in_blocks;
      for (int64_t ox = ox_begin; ox < ox_end; ox += BLOCKED_PIXELS) {
        int64_t pixels = ox_end - ox < BLOCKED_PIXELS ? ox_end - ox : BLOCKED_PIXELS;
        blocked_tiles[strided][blocks - 1][pixels - 1](
            kernel_h, kernel_w, count, in_blocks, lanes,
            in + b0 * input_block_stride + ox * stride_w * pixel_floats,
            dilation_h * input_row_stride, dilation_w * pixel_floats,
            input_block_stride, stride_w * pixel_floats,
            w + b0 * lanes * INCEPTION_UK_VL, filter_stride,
            out + ox * INCEPTION_UK_VL, output_block_stride, relu && last,
            first, b, res ? res + ox * INCEPTION_UK_VL : 0,
            residual_block_stride);
      }
    }
  }
}

/* output[n][b][oy][ox][l] = the max (kind 0) or sum (kind 1) over the
   kernel_h x kernel_w window at (oy * stride_h, ox * stride_w) of a
   blocked input, each lane a channel; the sum divided by
   divisor[oy][ox] when `divisor` is not null (average pooling). The input
   is the padded buffer (-inf or zero outside the input proper). Tasks are
   (image, block, output row); the VL lanes of a pixel are one vector. */
__attribute__((visibility("hidden"))) void inception_uk_pool2d_blocked(
    intptr_t input_ptr, int64_t input_batch_stride, int64_t input_block_stride,
    int64_t input_row_stride, intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_block_stride, int64_t output_row_stride, int64_t batch,
    int64_t blocks, int64_t out_h, int64_t out_w, int64_t kernel_h,
    int64_t kernel_w, int64_t stride_h, int64_t stride_w, int64_t kind,
    intptr_t divisor_ptr) {
  const float *input = (const float *)input_ptr;
  const float *divisor = (const float *)divisor_ptr;
  float *output = (float *)output_ptr;
  int64_t tasks = batch * blocks * out_h;
#pragma omp parallel for schedule(static)
  for (int64_t task = 0; task < tasks; ++task) {
    int64_t image = task / (blocks * out_h);
    int64_t block = task / out_h % blocks, oy = task % out_h;
    const float *in = input + image * input_batch_stride +
                      block * input_block_stride +
                      oy * stride_h * input_row_stride;
    float *out = output + image * output_batch_stride +
                 block * output_block_stride + oy * output_row_stride;
    for (int64_t ox = 0; ox < out_w; ++ox) {
      float acc[INCEPTION_UK_VL];
      const float *window = in + ox * stride_w * INCEPTION_UK_VL;
      for (int l = 0; l < INCEPTION_UK_VL; ++l)
        acc[l] = window[l];
      for (int64_t ky = 0; ky < kernel_h; ++ky)
        for (int64_t kx = ky == 0; kx < kernel_w; ++kx) {
          const float *x =
              window + ky * input_row_stride + kx * INCEPTION_UK_VL;
          if (kind == 0)
            for (int l = 0; l < INCEPTION_UK_VL; ++l)
              acc[l] = acc[l] > x[l] ? acc[l] : x[l];
          else
            for (int l = 0; l < INCEPTION_UK_VL; ++l)
              acc[l] += x[l];
        }
      float d = divisor ? divisor[oy * out_w + ox] : 1.0f;
      for (int l = 0; l < INCEPTION_UK_VL; ++l)
        out[ox * INCEPTION_UK_VL + l] = divisor ? acc[l] / d : acc[l];
    }
  }
}

/* Pixels of a depthwise row summed together, their lanes in registers. */
#define DEPTHWISE_PIXELS 4

/* A depthwise convolution on blocked activations: each lane a channel with
   its own kernel_h x kernel_w filter ([blocks][kernel_h][kernel_w][VL]).
   Arguments as for inception_uk_conv2d_blocked (lanes = VL, in_blocks =
   out_blocks), so that microkernels matches both alike. Tasks are (image,
   block, output row), DEPTHWISE_PIXELS pixels at a time. */
__attribute__((visibility("hidden"))) void inception_uk_depthwise2d_blocked(
    intptr_t input_ptr, int64_t input_batch_stride, int64_t input_block_stride,
    int64_t input_row_stride, int64_t lanes, intptr_t filter_ptr,
    intptr_t bias_ptr, intptr_t residual_ptr, int64_t residual_batch_stride,
    int64_t residual_block_stride, int64_t residual_row_stride,
    intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_block_stride, int64_t output_row_stride, int64_t initialize,
    int64_t relu, int64_t batch, int64_t in_blocks, int64_t out_blocks,
    int64_t kernel_h, int64_t kernel_w, int64_t out_h, int64_t out_w,
    int64_t stride_h, int64_t stride_w, int64_t dilation_h,
    int64_t dilation_w) {
  (void)lanes;
  (void)in_blocks;
  const float *input = (const float *)input_ptr;
  const float *filter = (const float *)filter_ptr;
  const float *bias = (const float *)bias_ptr;
  const float *residual = (const float *)residual_ptr;
  float *output = (float *)output_ptr;
  int64_t blocks = out_blocks, taps = kernel_h * kernel_w;
  int64_t tasks = batch * blocks * out_h;
#pragma omp parallel for schedule(static)
  for (int64_t task = 0; task < tasks; ++task) {
    int64_t image = task / (blocks * out_h);
    int64_t block = task / out_h % blocks, oy = task % out_h;
    const float *in = input + image * input_batch_stride +
                      block * input_block_stride +
                      oy * stride_h * input_row_stride;
    const float *w = filter + block * taps * INCEPTION_UK_VL;
    const float *b = bias ? bias + block * INCEPTION_UK_VL : 0;
    const float *res = residual ? residual + image * residual_batch_stride +
                                      block * residual_block_stride +
                                      oy * residual_row_stride
                                : 0;
    float *out = output + image * output_batch_stride +
                 block * output_block_stride + oy * output_row_stride;
    for (int64_t ox0 = 0; ox0 < out_w; ox0 += DEPTHWISE_PIXELS) {
      int64_t pixels =
          out_w - ox0 < DEPTHWISE_PIXELS ? out_w - ox0 : DEPTHWISE_PIXELS;
      float acc[DEPTHWISE_PIXELS][INCEPTION_UK_VL];
      for (int64_t p = 0; p < pixels; ++p)
        for (int l = 0; l < INCEPTION_UK_VL; ++l) {
          int64_t at = (ox0 + p) * INCEPTION_UK_VL + l;
          acc[p][l] = initialize ? (b ? b[l] : 0.0f) + (res ? res[at] : 0.0f)
                                 : out[at];
        }
      for (int64_t ky = 0; ky < kernel_h; ++ky)
        for (int64_t kx = 0; kx < kernel_w; ++kx) {
          const float *tap = w + (ky * kernel_w + kx) * INCEPTION_UK_VL;
          const float *x = in + ky * dilation_h * input_row_stride +
                           (ox0 * stride_w + kx * dilation_w) * INCEPTION_UK_VL;
          for (int64_t p = 0; p < pixels; ++p)
            for (int l = 0; l < INCEPTION_UK_VL; ++l)
              acc[p][l] += tap[l] * x[p * stride_w * INCEPTION_UK_VL + l];
        }
      for (int64_t p = 0; p < pixels; ++p)
        for (int l = 0; l < INCEPTION_UK_VL; ++l) {
          float v = acc[p][l];
          out[(ox0 + p) * INCEPTION_UK_VL + l] = relu && !(v > 0.0f) ? 0.0f : v;
        }
    }
  }
}
