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
 * The output already holds the accumulator's start (bias, residual): the
 * kernel adds to it, and applies the ReLU on the last run of input blocks.
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
                               float *out, int64_t out_stride, int64_t relu);

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

/* output[n][ob][oy][ox][o] += sum over (ky, kx, c) of
   filter[ob][ky][kx][c][o] * input(c, oy * stride_h + ky * dilation_h,
   ox * stride_w + kx * dilation_w), then ReLU if asked, for an input that
   is blocked (lanes = VL: channel c at block c / VL, lane c % VL, pixels VL
   floats apart) or NCHW (lanes = 1: channel c a block of its own, pixels
   adjacent); in_blocks blocks of lanes channels, block_stride floats
   apart. The input is the padded buffer: its element (0, 0) is the
   padding's corner. */
__attribute__((visibility("hidden"))) void inception_uk_conv2d_blocked(
    intptr_t input_ptr, int64_t input_batch_stride, int64_t input_block_stride,
    int64_t input_row_stride, int64_t lanes, intptr_t filter_ptr,
    intptr_t output_ptr, int64_t output_batch_stride,
    int64_t output_block_stride, int64_t output_row_stride, int64_t relu,
    int64_t batch, int64_t in_blocks, int64_t out_blocks, int64_t kernel_h,
    int64_t kernel_w, int64_t out_h, int64_t out_w, int64_t stride_h,
    int64_t stride_w, int64_t dilation_h, int64_t dilation_w) {
  const float *input = (const float *)input_ptr;
  const float *filter = (const float *)filter_ptr;
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
  int64_t pairs = (out_blocks + 1) / 2;
  int64_t tasks = batch * pairs * out_h;

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < tasks; ++task) {
    int64_t image = task / (pairs * out_h);
    int64_t pair = task / out_h % pairs, oy = task % out_h;
    int64_t ob = 2 * pair;
    int64_t blocks = out_blocks - ob < 2 ? 1 : 2;
    const float *in = input + image * input_batch_stride +
                      oy * stride_h * input_row_stride;
    float *out = output + image * output_batch_stride +
                 ob * output_block_stride + oy * output_row_stride;
    const float *w = filter + ob * filter_stride;
    for (int64_t b0 = 0; b0 < in_blocks; b0 += run) {
      int64_t count = in_blocks - b0 < run ? in_blocks - b0 : run;
      int64_t last = b0 + count == in_blocks;
      for (int64_t ox = 0; ox < out_w; ox += BLOCKED_PIXELS) {
        int64_t pixels = out_w - ox < BLOCKED_PIXELS ? out_w - ox : BLOCKED_PIXELS;
        blocked_tiles[strided][blocks - 1][pixels - 1](
            kernel_h, kernel_w, count, in_blocks, lanes,
            in + b0 * input_block_stride + ox * stride_w * pixel_floats,
            dilation_h * input_row_stride, dilation_w * pixel_floats,
            input_block_stride, stride_w * pixel_floats,
            w + b0 * lanes * INCEPTION_UK_VL, filter_stride,
            out + ox * INCEPTION_UK_VL, output_block_stride, relu && last);
      }
    }
  }
}
