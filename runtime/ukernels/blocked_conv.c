/*===- blocked_conv.c - Direct convolution on blocked activations -*- C -*-===*
 *
 * A convolution whose activations blocked-layout keeps as [N, C/VL, H, W, VL]:
 * no im2col, no packing. A tile is b blocks of VL output channels at p pixels
 * of an output row, b x p <= 24 with AVX-512 (2 x 12 .. 6 x 4, the shape chosen
 * per layer for the row width and for its filter slice to stay in L1),
 * accumulated in registers by the generated kernel
 * inception_uk_blocked_conv_<b>x<p>v<VL>
 * (passes/Codegen/CPU/VectorKernels.cpp): per tap, input block and lane, one
 * filter vector per output block and one broadcast input element per pixel
 * (inception_uk_blocked_conv_prefetch_<b>x<p>v<VL>, for filters streamed
 * from memory on small planes, also prefetches the next group's filter). The
 * input is the padded buffer, so every tap is in bounds. Input blocks are
 * summed in runs whose filter slice stays in L1 while the tiles of a chunk of
 * pixels (as many as keep their partial sums in L2) reuse it. Each thread owns
 * a contiguous share of every layer's output pixels (images, rows, columns in
 * order) and computes it for each group of output blocks in turn: the next
 * layer's thread then reads from its own cache what it wrote (2 threads: 4-5%
 * faster on googlenet, inception_v3 and xception than tasks handed out in
 * turn); where the filter dwarfs the input, each thread takes an equal share of
 * the output blocks instead.
 *
 * The first run of input blocks starts from the bias and residual (or the
 * output's own value), the last one applies the ReLU: a convolution's
 * epilogue writes its destination (the ReLU's, a concat slice, a padded
 * buffer's interior) once.
 *
 *===----------------------------------------------------------------------===*/

#include "ukernel_common.h"

/* The blocked kernels read inception_uk_conv2d_params under the NCHW
   kernels' names (UNPACK_CONV2D_PARAMS): the channel strides are those
   between blocks, channels come in blocks of `lanes` (the input's) or VL
   (the output's), and the input is the padded buffer. `initialize`: start
   from the bias and residual rather than the output's own value. */
#define UNPACK_BLOCKED_PARAMS(params)                                          \
  UNPACK_CONV2D_PARAMS(params);                                                \
  UK_UNUSED int64_t lanes = params->input_lanes, initialize = !accumulate,     \
                    in_blocks = in_channels / lanes,                           \
                    out_blocks = out_channels / VL

/* Tiles: up to BLOCKED_MAX_BLOCKS output blocks by up to
   blocked_pixels(blocks) pixels, BLOCKED_ACCUMULATORS vector accumulators
   at most (VectorKernelShape::blockedConvPixels). */
#if INCEPTION_UK_VL == 16
#define BLOCKED_MAX_BLOCKS 6
#define BLOCKED_MAX_PIXELS 12
#define BLOCKED_ACCUMULATORS 24
#else
#define BLOCKED_MAX_BLOCKS 3
#define BLOCKED_MAX_PIXELS 6
#define BLOCKED_ACCUMULATORS 12
#endif

static int64_t blocked_pixels(int64_t blocks) {
  int64_t pixels = BLOCKED_ACCUMULATORS / blocks;
  return pixels < BLOCKED_MAX_PIXELS ? pixels : BLOCKED_MAX_PIXELS;
}

#define BLOCKED_TILE_PARAMS                                                    \
  int64_t kernel_h, int64_t kernel_w, int64_t in_blocks,                       \
      int64_t filter_blocks, int64_t lanes, const float *in, int64_t row_step, \
      int64_t col_step, int64_t block_step, int64_t pixel_step,                \
      const float *filter, int64_t filter_stride, float *out,                  \
      int64_t out_stride, int64_t relu, int64_t start, const float *bias,      \
      const float *residual, int64_t residual_stride, int64_t col0,            \
      int64_t width, int64_t out_row_stride, int64_t residual_row_stride
typedef void blocked_conv_tile(BLOCKED_TILE_PARAMS);
/* The same tile bringing prefetch_lines lines from `prefetch` on into L2
   per tap and input block it sums, consecutive lines throughout. */
typedef void blocked_conv_prefetching_tile(BLOCKED_TILE_PARAMS,
                                           const char *prefetch,
                                           int64_t prefetch_lines);

/* The tiles of 1 .. n pixels for `blocks` output blocks: `stem` is the
   stride-1 kernels' (pixels VL floats apart, a constant in them) or the
   strided ones'. */
#define TILE(stem, blocks, p) UK_VECTOR_KERNEL(stem##blocks##x##p)
#define TILES_1(s, b) TILE(s, b, 1)
#define TILES_2(s, b) TILES_1(s, b), TILE(s, b, 2)
#define TILES_3(s, b) TILES_2(s, b), TILE(s, b, 3)
#define TILES_4(s, b) TILES_3(s, b), TILE(s, b, 4)
#define TILES_5(s, b) TILES_4(s, b), TILE(s, b, 5)
#define TILES_6(s, b) TILES_5(s, b), TILE(s, b, 6)
#define TILES_7(s, b) TILES_6(s, b), TILE(s, b, 7)
#define TILES_8(s, b) TILES_7(s, b), TILE(s, b, 8)
#define TILES_9(s, b) TILES_8(s, b), TILE(s, b, 9)
#define TILES_10(s, b) TILES_9(s, b), TILE(s, b, 10)
#define TILES_11(s, b) TILES_10(s, b), TILE(s, b, 11)
#define TILES_12(s, b) TILES_11(s, b), TILE(s, b, 12)

/* Every tile of one kind, a row of the table per block count. */
#if INCEPTION_UK_VL == 16
#define ALL_TILES(s, X)                                                        \
  X(TILES_12(s, 1)) X(TILES_12(s, 2)) X(TILES_8(s, 3)) X(TILES_6(s, 4))        \
      X(TILES_4(s, 5)) X(TILES_4(s, 6))
#else
#define ALL_TILES(s, X) X(TILES_6(s, 1)) X(TILES_6(s, 2)) X(TILES_4(s, 3))
#endif

#define DECLARE(...)                                                           \
  __attribute__((visibility("hidden"))) blocked_conv_tile __VA_ARGS__;
ALL_TILES(inception_uk_blocked_conv_, DECLARE)
ALL_TILES(inception_uk_blocked_conv_strided_, DECLARE)
#undef DECLARE
#define DECLARE(...)                                                           \
  __attribute__((visibility("hidden")))                                        \
  blocked_conv_prefetching_tile __VA_ARGS__;
ALL_TILES(inception_uk_blocked_conv_prefetch_, DECLARE)
ALL_TILES(inception_uk_blocked_conv_prefetch_strided_, DECLARE)
#undef DECLARE

/* [strided][blocks - 1][pixels - 1] */
#define ROW(...) {__VA_ARGS__},
static blocked_conv_tile
    *const blocked_tiles[2][BLOCKED_MAX_BLOCKS][BLOCKED_MAX_PIXELS] = {
        {ALL_TILES(inception_uk_blocked_conv_, ROW)},
        {ALL_TILES(inception_uk_blocked_conv_strided_, ROW)}};
static blocked_conv_prefetching_tile
    *const prefetching_tiles[2][BLOCKED_MAX_BLOCKS][BLOCKED_MAX_PIXELS] = {
        {ALL_TILES(inception_uk_blocked_conv_prefetch_, ROW)},
        {ALL_TILES(inception_uk_blocked_conv_prefetch_strided_, ROW)}};
#undef ROW

/* Cycles per lane step, roughly, of a tile of b blocks by p pixels: its
   FMAs, at least the FMA latency's worth of them, and its loads, a filter
   load counted twice where it comes from L2 (`filter_from_l2`). */
static int64_t blocked_tile_cost(int64_t b, int64_t p, int filter_from_l2) {
  int64_t fmas = b * p;
  return 2 * (fmas > 8 ? fmas : 8) + (filter_from_l2 ? 2 : 1) * b + p;
}

/* A tile call's own work, in blocked_tile_cost's units: its pixels'
   offsets, and its accumulators loaded and stored once per run of input
   blocks (from L2 where its chunk's partial sums live): a 6x4 tile's call
   about 9 of its lane steps. Counting it, 1x1 layers over many input
   blocks take tiles whose filter slices leave room for longer runs (3x8
   rather than 6x4: Inception-v3's 768 -> 192 at 17x17 9% faster alone;
   1 thread, xception -3.3%, inception_v3 -2.9%, googlenet -3.7%). */
static int64_t blocked_call_cost(int64_t b, int64_t p) {
  return 16 * b * p + 160;
}

/* One tile's work over a layer's reduction: `steps` lane steps in `runs`
   calls. */
static int64_t blocked_tile_work(int64_t b, int64_t p, int filter_from_l2,
                                 int64_t steps, int64_t runs) {
  return steps * blocked_tile_cost(b, p, filter_from_l2) +
         runs * blocked_call_cost(b, p);
}

/* Of a row of `width` pixels in tiles of b blocks by p pixels (the last
   one narrower), each summing `steps` lane steps in `runs` calls, whose
   filter slices take `block_bytes` per output and input block. A tile's
   slice of one input block's filter outgrowing 3/4
   of L1 (the rest holds its input rows and output tile) comes from L2 for
   every tile: a 3x3 filter in 6 blocks is 54 KB, and Inception-v3's 8x8
   3x3 layers ran 8-12% faster in 3 blocks than in 6 (3x8 tiles, not 6x4),
   Inception-v4's 3x3 stride-2 to 8x8 13% faster in 3 than in 5. */
static int64_t blocked_row_cost(int64_t b, int64_t p, int64_t width,
                                int64_t block_bytes, int64_t l1, int64_t steps,
                                int64_t runs) {
  int from_l2 = b * block_bytes > l1 / 4 * 3;
  return width / p * blocked_tile_work(b, p, from_l2, steps, runs) +
         (width % p ? blocked_tile_work(b, width % p, from_l2, steps, runs)
                    : 0);
}

/* Input blocks per run of a tile of b output blocks: as many as keep its
   filter slice within `run_floats`. */
static int64_t blocked_run(int64_t b, int64_t run_floats, int64_t block_floats,
                           int64_t in_blocks) {
  int64_t run = run_floats / (b * block_floats);
  return run < 1 ? 1 : run > in_blocks ? in_blocks : run;
}

/* The tile the driver takes for a layer, b blocks by *pixels pixels (the
   result b), summing *run input blocks a call, along rows of *row pixels:
   out_w, or the whole plane where a 1x1 stride-1 convolution's input plane
   is dense. Its own function so that the unit tests check the choices. */
__attribute__((visibility("hidden"))) int64_t
inception_uk_blocked_conv_tile(const inception_uk_conv2d_params *params,
                               int64_t *pixels, int64_t *run, int64_t *row) {
  UNPACK_BLOCKED_PARAMS(params);
  /* Filter floats of a tile's output blocks per run of input blocks: half
     of the target's L1, the other half for the input rows and the output
     tile; 7/8 of it for an NCHW input, whose tile reads a few rows of a
     few floats per channel (GoogLeNet's 7x7 stride-2 stem: 1.4 KB of
     input, 1.5 KB of output; its 3 channels then take one run, not 3:
     2.17 -> 1.74 ms). */
  int64_t run_floats = (lanes == 1 ? params->l1 / 8 * 7 : params->l1 / 2) /
                       (int64_t)sizeof(float);
  int64_t pixel_floats = lanes == 1 ? 1 : INCEPTION_UK_VL;
  int64_t taps = kernel_h * kernel_w;
  /* Floats of one input block's share of one output block's filter. */
  int64_t block_floats = taps * lanes * INCEPTION_UK_VL;
  int strided = stride_w * pixel_floats != INCEPTION_UK_VL;
  /* A 1x1 stride-1 convolution on a dense input plane (no padding
     columns) is one row of out_h * out_w pixels: no partial tile at each
     row's end (a 7-pixel row fills 14 of the 24 accumulators). Where its
     output rows are apart (a padded buffer's interior: the next layer's
     3x3 or pool), a tile wraps from one output row to the next. */
  if (kernel_h == 1 && kernel_w == 1 && stride_h == 1 && !strided &&
      input_row_stride == out_w * pixel_floats) {
    out_w *= out_h;
    out_h = 1;
  }
  /* The tile shape with the least estimated work for a row: narrow rows
     (17, 8 or 7 pixels) fill more accumulators with more blocks, as far
     as their filter slices stay in L1. */
  int64_t group = 2, tile_pixels = blocked_pixels(2), best = -1;
  int64_t block_bytes = block_floats * (int64_t)sizeof(float);
  int64_t steps = taps * in_blocks * lanes;
  for (int64_t b = 1; b <= BLOCKED_MAX_BLOCKS; ++b) {
    int64_t p = blocked_pixels(b);
    int64_t rest = out_blocks % b;
    int64_t b_run = blocked_run(b, run_floats, block_floats, in_blocks);
    int64_t runs = (in_blocks + b_run - 1) / b_run;
    int64_t cost = out_blocks / b *
                       blocked_row_cost(b, p, out_w, block_bytes, params->l1,
                                        steps, runs) +
                   (rest ? blocked_row_cost(rest, p, out_w, block_bytes,
                                            params->l1, steps, runs)
                         : 0);
    if (best < 0 || cost < best) {
      best = cost;
      group = b;
      tile_pixels = p;
    }
  }
  *pixels = tile_pixels;
  *run = blocked_run(group, run_floats, block_floats, in_blocks);
  *row = out_w;
  return group;
}

/* output[n][ob][oy][ox][o] = relu?(init + sum over (ky, kx, c) of
   filter[ob][ky][kx][c][o] * input(c, oy * stride_h + ky * dilation_h,
   ox * stride_w + kx * dilation_w)), where init is bias[ob][o] (if any)
   plus residual[n][ob][oy][ox][o] (if any) when `initialize`, else the
   output's own value; for an input that is blocked (lanes = VL: channel c
   at block c / VL, lane c % VL, pixels VL floats apart) or NCHW (lanes =
   1: channel c a block of its own, pixels adjacent); in_blocks blocks of
   lanes channels, input_channel_stride floats apart. The input is the padded
   buffer: its element (0, 0) is the padding's corner. */
void inception_uk_conv2d_blocked(const inception_uk_conv2d_params *params) {
  UNPACK_BLOCKED_PARAMS(params);
  int64_t pixel_floats = lanes == 1 ? 1 : INCEPTION_UK_VL;
  int64_t taps = kernel_h * kernel_w;
  /* Floats of one output block's filter. */
  int64_t filter_stride = taps * in_blocks * lanes * INCEPTION_UK_VL;
  int strided = stride_w * pixel_floats != INCEPTION_UK_VL;
  int64_t tile_pixels, run, row, row_w = out_w;
  int64_t group =
      inception_uk_blocked_conv_tile(params, &tile_pixels, &run, &row);
  if (row != out_w) {
    out_w = row;
    out_h = 1;
  }
  /* Each run of input blocks sweeps a chunk of the thread's pixels, so
     that its filter slice serves every tile of the chunk rather than one
     row's (an 8-pixel row of Inception-v3's 8x8 layers is one tile), while
     the chunk's partial sums (and residual) and the run's input stay in
     half of L2. A flattened plane is one row: its runs sweep the row. */
  int64_t pixel_bytes = ((residual ? 2 : 1) * group * INCEPTION_UK_VL +
                         run * lanes * stride_h * stride_w) *
                        (int64_t)sizeof(float);
  int64_t chunk = out_h == 1 ? out_w : params->l2 / 2 / pixel_bytes;
  if (chunk < tile_pixels)
    chunk = tile_pixels;
  /* Each thread owns a contiguous share of the output pixels (images, rows
     and columns in order), the same share of every layer's plane, so that
     it mostly reads what it wrote itself in the layer before, from its own
     cache: for each group of output blocks, its pixels, chunk by chunk.
     Every thread then reads the whole filter, from memory (a layer reads
     its filter once, whether or not it would fit in L2), which costs more
     than the shared activations save where the filter is far larger than
     the input (Inception-ResNet-v1's 1792 -> 384 1x1 at 8x8: 2.6 MB of
     filter for 0.4 MB of input): there each thread takes an equal share
     of the output blocks, in groups, at every pixel. (At 2 threads, taking
     it for filters below the L2's size too, in equal shares of blocks
     rather than of whole groups: inception_v4 -4%, inception_v3 -2.5%,
     inception_resnet_v2 -3%, bn_inception -4%.) */
  int64_t filter_bytes = out_blocks * filter_stride * (int64_t)sizeof(float);
  int64_t input_bytes =
      batch * in_blocks * input_channel_stride * (int64_t)sizeof(float);
  int split_blocks = filter_bytes > 3 * input_bytes;
  /* A filter larger than half of L2 on a plane of fewer than 8 x VL
     pixels (AVX-512: the 8x8, 7x7 and 10x10 layers) streams from memory
     at few multiply-adds per byte (a 1x1 at 8x8: 32 flops a byte): its
     tiles bring the next group's filter into L2 a few lines per tap and
     input block as they go, rather than the driver in a burst before each
     tile, whose prefetches hold the line fill buffers for a memory latency.
     Measured on Inception-ResNet-v2's 8x8 layers, 1 thread: 32.5 -> 30.7 ms
     (AVX-512); with 8-float vectors, half the multiply-adds a step, the
     8x8 layers ran 3.6% slower streaming, and the threshold scales with
     the vector width. */
  int streams_filter = batch * out_h * out_w < 8 * INCEPTION_UK_VL &&
                       filter_bytes > params->l2 / 2;
  int fills = UK_FILLS_BORDER(params) != 0;
#pragma omp parallel
  {
    if (fills) {
      UK_FILL_BORDER(params, in_blocks, lanes);
#pragma omp barrier
    }
    int64_t plane = out_h * out_w, pixels_total = batch * plane;
    int64_t begin = 0, end = pixels_total, ob_begin = 0, ob_end = out_blocks;
    if (split_blocks && out_blocks >= omp_get_num_threads())
      uk_thread_share(out_blocks, &ob_begin, &ob_end);
    else
      uk_thread_share(pixels_total, &begin, &end);
    for (int64_t ob = ob_begin; ob < ob_end; ob += group) {
      int64_t blocks = ob_end - ob < group ? ob_end - ob : group;
      const float *w = filter + ob * filter_stride;
      const float *b = bias ? bias + ob * INCEPTION_UK_VL : 0;
      /* The next group's filter, brought into L2 a few lines per tile (or,
         streams_filter, per tap and input block of each tile) while this
         group runs: a layer's filter is read once per run from memory
         (Xception's 88 MB of weights stay in no cache), and each of a
         group's runs would otherwise start with its slice's misses. */
      const char *prefetch = 0, *prefetch_end = 0;
      int64_t prefetch_lines = 0;
      if (ob + blocks < ob_end) {
        int64_t next =
            ob_end - ob - blocks < group ? ob_end - ob - blocks : group;
        prefetch = (const char *)(w + blocks * filter_stride);
        prefetch_end = prefetch + next * filter_stride * (int64_t)sizeof(float);
        int64_t calls = (in_blocks + run - 1) / run *
                        ((end - begin + tile_pixels - 1) / tile_pixels + 1);
        prefetch_lines = ((prefetch_end - prefetch) / 64 + calls - 1) / calls;
      }
      for (int64_t c0 = begin; c0 < end;) {
        int64_t c1 = c0 + chunk < end ? c0 + chunk : end;
        for (int64_t b0 = 0; b0 < in_blocks; b0 += run) {
          int64_t count = in_blocks - b0 < run ? in_blocks - b0 : run;
          int64_t first = initialize && b0 == 0, last = b0 + count == in_blocks;
          for (int64_t p = c0; p < c1;) {
            int64_t image = p / plane, oy = p % plane / out_w;
            int64_t ox_begin = p % out_w;
            int64_t ox_end =
                ox_begin + (c1 - p) < out_w ? ox_begin + (c1 - p) : out_w;
            p += ox_end - ox_begin;
            const float *in = input + image * input_batch_stride +
                              oy * stride_h * input_row_stride;
            float *out = output + image * output_batch_stride +
                         ob * output_channel_stride + oy * output_row_stride;
            const float *res = residual
                                   ? residual + image * residual_batch_stride +
                                         ob * residual_channel_stride +
                                         oy * residual_row_stride
                                   : 0;
            for (int64_t ox = ox_begin; ox < ox_end; ox += tile_pixels) {
              int64_t pixels =
                  ox_end - ox < tile_pixels ? ox_end - ox : tile_pixels;
              /* The tile's first pixel in its output row (the flattened
                 plane's row ox / row_w). */
              int64_t y = ox / row_w, x = ox % row_w;
              const float *tile_in =
                  in + b0 * input_channel_stride + ox * stride_w * pixel_floats;
              float *tile_out =
                  out + y * output_row_stride + x * INCEPTION_UK_VL;
              const float *tile_res =
                  res ? res + y * residual_row_stride + x * INCEPTION_UK_VL : 0;
              /* Both tiles' arguments (the prefetching one takes two more). */
              /* clang-format off */
#define TILE_ARGUMENTS                                                         \
  kernel_h, kernel_w, count, in_blocks, lanes, tile_in,                        \
  dilation_h * input_row_stride, dilation_w * pixel_floats,                    \
  input_channel_stride, stride_w * pixel_floats,                               \
  w + b0 * lanes * INCEPTION_UK_VL, filter_stride, tile_out,                   \
  output_channel_stride, relu && last, first, b, tile_res,                     \
  residual_channel_stride, x, row_w, output_row_stride, residual_row_stride
              /* clang-format on */
              if (streams_filter) {
                /* As many lines per tap and input block as spread the next
                   group's filter over this group's tiles, none past it. */
                int64_t steps = taps * count;
                int64_t lines = (prefetch_lines + steps - 1) / steps;
                if (lines > 0 && prefetch + steps * lines * 64 > prefetch_end)
                  lines = (prefetch_end - prefetch) / 64 / steps;
                prefetching_tiles[strided][blocks - 1][pixels - 1](
                    TILE_ARGUMENTS, prefetch, lines);
                if (lines > 0)
                  prefetch += steps * lines * 64;
              } else {
                for (int64_t l = 0;
                     l < prefetch_lines && prefetch < prefetch_end;
                     ++l, prefetch += 64)
                  __builtin_prefetch(prefetch, 0, 2);
                blocked_tiles[strided][blocks - 1][pixels - 1](TILE_ARGUMENTS);
              }
#undef TILE_ARGUMENTS
            }
          }
        }
        c0 = c1;
      }
    }
  }
}

static inline __attribute__((always_inline)) vf pool_combine(int kind, vf a,
                                                            vf b) {
  /* maxnum: a NaN loses to a number, as everywhere in the kernels. */
  return kind == 0 ? __builtin_elementwise_max(a, b) : a + b;
}

/* Input column x of a pooling window's kernel_h rows, reduced. */
static inline __attribute__((always_inline)) vf
pool_column(int kind, const float *in, int64_t row_stride, int64_t kernel_h,
            int64_t x) {
  const float *column = in + x * INCEPTION_UK_VL;
  vf acc = *(const vf_unaligned *)column;
  for (int64_t ky = 1; ky < kernel_h; ++ky)
    acc = pool_combine(kind, acc,
                       *(const vf_unaligned *)(column + ky * row_stride));
  return acc;
}

/* One output row of a blocked pooling (`kind` a constant where inlined),
   reduced over rows first, then over columns, as pool2d.c's NCHW kernel
   sums. Three columns wide (the family's 3x3 pools): each column is
   reduced once and kept in registers for the windows that share it (3
   loads a pixel at stride 1 rather than 9, and no chain of 8 dependent
   maxima); wider windows take their columns one by one. */
static inline __attribute__((always_inline)) void
pool_row_blocked(int kind, const float *in, int64_t row_stride,
                 int64_t kernel_h, int64_t kernel_w, int64_t stride_w,
                 int64_t out_w, const float *divisor, float *out) {
  if (kernel_w == 3 && stride_w <= 2) {
    vf c0 = pool_column(kind, in, row_stride, kernel_h, 0);
    vf c1 = pool_column(kind, in, row_stride, kernel_h, 1);
    for (int64_t ox = 0; ox < out_w; ++ox) {
      int64_t x0 = ox * stride_w;
      if (stride_w == 2)
        c1 = pool_column(kind, in, row_stride, kernel_h, x0 + 1);
      vf c2 = pool_column(kind, in, row_stride, kernel_h, x0 + 2);
      vf acc = pool_combine(kind, pool_combine(kind, c0, c1), c2);
      if (divisor)
        acc = acc / divisor[ox];
      *(vf_unaligned *)(out + ox * INCEPTION_UK_VL) = acc;
      c0 = stride_w == 2 ? c2 : c1;
      c1 = c2;
    }
    return;
  }
  for (int64_t ox = 0; ox < out_w; ++ox) {
    int64_t x0 = ox * stride_w;
    vf acc = pool_column(kind, in, row_stride, kernel_h, x0);
    for (int64_t kx = 1; kx < kernel_w; ++kx)
      acc = pool_combine(kind, acc,
                         pool_column(kind, in, row_stride, kernel_h, x0 + kx));
    if (divisor)
      acc = acc / divisor[ox];
    *(vf_unaligned *)(out + ox * INCEPTION_UK_VL) = acc;
  }
}

/* One task of inception_uk_pool2d_blocked: output row `oy` of `block` of
   one image (`in` and `out` at its start). A function of plain values, so
   that nothing of the outlined region's captures is reloaded per pixel. */
static void pool_task_blocked(int64_t block, int64_t oy,
                              int64_t out_w, int64_t kernel_h,
                              int64_t kernel_w, int64_t stride_h,
                              int64_t stride_w, int64_t kind, const float *in,
                              int64_t input_channel_stride,
                              int64_t input_row_stride, const float *divisor,
                              float *out, int64_t output_channel_stride,
                              int64_t output_row_stride) {
  in += block * input_channel_stride + oy * stride_h * input_row_stride;
  out += block * output_channel_stride + oy * output_row_stride;
  const float *row_divisor = divisor ? divisor + oy * out_w : 0;
  if (kind == 0)
    pool_row_blocked(0, in, input_row_stride, kernel_h, kernel_w, stride_w,
                     out_w, row_divisor, out);
  else
    pool_row_blocked(1, in, input_row_stride, kernel_h, kernel_w, stride_w,
                     out_w, row_divisor, out);
}

/* output[n][b][oy][ox][l] = the max (kind 0) or sum (kind 1) over the
   kernel_h x kernel_w window at (oy * stride_h, ox * stride_w) of a
   blocked input, each lane a channel; the sum divided by
   divisor[oy][ox] when `divisor` is not null (average pooling). The input
   is the padded buffer (-inf or zero outside the input proper). A task is
   one block's output row; the VL lanes of a pixel are one vector. */
void inception_uk_pool2d_blocked(const inception_uk_pool2d_params *params) {
  const float *input = params->input, *divisor = params->divisor;
  float *output = params->output;
  int64_t input_batch_stride = params->input_batch_stride,
          input_channel_stride = params->input_channel_stride,
          input_row_stride = params->input_row_stride;
  int64_t output_batch_stride = params->output_batch_stride,
          output_channel_stride = params->output_channel_stride,
          output_row_stride = params->output_row_stride;
  int64_t batch = params->batch, blocks = params->channels / VL,
          out_h = params->out_h, out_w = params->out_w;
  int64_t kernel_h = params->kernel_h, kernel_w = params->kernel_w,
          stride_h = params->stride_h, stride_w = params->stride_w,
          kind = params->kind;
  /* Each thread its share of the rows (images and rows in order), block
     by block: the convolutions' spatial split (inception_uk_conv2d_blocked). */
  int fills = UK_FILLS_BORDER(params) != 0;
#pragma omp parallel
  {
    if (fills) {
      UK_FILL_BORDER(params, blocks, VL);
#pragma omp barrier
    }
    int64_t begin, end;
    uk_thread_share(batch * out_h, &begin, &end);
    for (int64_t block = 0; block < blocks; ++block)
      for (int64_t row = begin; row < end; ++row)
        pool_task_blocked(block, row % out_h, out_w, kernel_h, kernel_w,
                          stride_h, stride_w, kind,
                          input + row / out_h * input_batch_stride,
                          input_channel_stride, input_row_stride, divisor,
                          output + row / out_h * output_batch_stride,
                          output_channel_stride, output_row_stride);
  }
}

/* The depthwise tiles: one block at 1 .. DEPTHWISE_PIXELS pixels of a row,
   inception_uk_blocked_depthwise[_strided]_<p>v<VL>, with the
   convolution tiles' arguments (the block and lane ones unused). */
#define DEPTHWISE_PIXELS 8
#define DEPTHWISE_TILES(s)                                                     \
  UK_VECTOR_KERNEL(s##1), UK_VECTOR_KERNEL(s##2), UK_VECTOR_KERNEL(s##3),      \
      UK_VECTOR_KERNEL(s##4), UK_VECTOR_KERNEL(s##5), UK_VECTOR_KERNEL(s##6),  \
      UK_VECTOR_KERNEL(s##7), UK_VECTOR_KERNEL(s##8)
__attribute__((visibility("hidden"))) blocked_conv_tile
    DEPTHWISE_TILES(inception_uk_blocked_depthwise_),
    DEPTHWISE_TILES(inception_uk_blocked_depthwise_strided_);
/* [strided][pixels - 1] */
static blocked_conv_tile *const depthwise_tiles[2][DEPTHWISE_PIXELS] = {
    {DEPTHWISE_TILES(inception_uk_blocked_depthwise_)},
    {DEPTHWISE_TILES(inception_uk_blocked_depthwise_strided_)}};

/* Output pixels of a 3x3 stride-1 depthwise row held in registers: with
   VL 16, 8 accumulators, the 10 input vectors of a kernel row and the 9
   taps, 27 of the 32 vector registers. */
enum { DEPTHWISE3X3_PIXELS = INCEPTION_UK_VL == 16 ? 8 : 4 };

/* max(x, 0) of each lane, NaN kept (arith.maximumf's, the ReLU layer's). */
static inline vf keep_positive(vf x) {
  __typeof__(x > x) keep = (x > (vf){0}) | (x != x);
  return (vf)((__typeof__(keep))x & keep);
}

/* x > 0 ? x : 0 of each lane, NaN and -0 to 0: the tiles' ReLU. */
static inline vf rectify(vf x) {
  return (vf)((__typeof__(x > x))x & (x > (vf){0}));
}

/* An input vector of a depthwise row, through the fused ReLU if any. */
static inline vf depthwise_input(const float *at, int64_t input_relu) {
  vf x = *(const vf_unaligned *)at;
  return input_relu ? keep_positive(x) : x;
}

/* Where a depthwise pixel's sum starts: the output's own value
   (accumulate), else the bias plus the residual, if any. */
static inline vf depthwise_start(const float *out, const float *residual,
                                 vf bias, int64_t initialize, int64_t pixel) {
  if (!initialize)
    return *(const vf_unaligned *)(out + pixel * VL);
  return residual ? bias + *(const vf_unaligned *)(residual + pixel * VL)
                  : bias;
}

/* An output row of a 3x3 stride-1 depthwise convolution (Xception's and
   MobileNet's), DEPTHWISE3X3_PIXELS pixels at a time, then the rest one by
   one: each input vector is loaded once per kernel row and used by the
   three taps that read it, where the tiles load it per tap (9 loads a
   pixel against 3); the taps stay in registers across the row. The sums
   are the tiles' tap by tap in the same order, so the two agree to the
   bit. With `input_relu`, each input value x counts as max(x, 0) (a ReLU
   fused into its reader). `in` is the input row of the first kernel row
   at column 0 (the padded buffer's), `row_step` the floats between kernel
   rows. */
static void depthwise3x3_row(const float *in, int64_t row_step,
                             const float *filter, const float *bias,
                             const float *residual, float *out, int64_t width,
                             int64_t relu, int64_t initialize,
                             int64_t input_relu) {
  enum { P = DEPTHWISE3X3_PIXELS };
  vf taps[9];
  for (int t = 0; t < 9; ++t)
    taps[t] = *(const vf_unaligned *)(filter + t * VL);
  vf start = bias ? *(const vf_unaligned *)bias : (vf){0};
  int64_t ox = 0;
  for (; ox + P <= width; ox += P) {
    vf acc[P];
    for (int p = 0; p < P; ++p)
      acc[p] = depthwise_start(out, residual, start, initialize, ox + p);
    for (int kh = 0; kh < 3; ++kh) {
      const float *row = in + kh * row_step + ox * VL;
      vf x[P + 2];
      for (int i = 0; i < P + 2; ++i)
        x[i] = depthwise_input(row + i * VL, input_relu);
      for (int kw = 0; kw < 3; ++kw)
        for (int p = 0; p < P; ++p)
          acc[p] =
              __builtin_elementwise_fma(x[p + kw], taps[kh * 3 + kw], acc[p]);
    }
    for (int p = 0; p < P; ++p)
      *(vf_unaligned *)(out + (ox + p) * VL) = relu ? rectify(acc[p]) : acc[p];
  }
  for (; ox < width; ++ox) {
    vf acc = depthwise_start(out, residual, start, initialize, ox);
    for (int kh = 0; kh < 3; ++kh)
      for (int kw = 0; kw < 3; ++kw)
        acc = __builtin_elementwise_fma(
            depthwise_input(in + kh * row_step + (ox + kw) * VL, input_relu),
            taps[kh * 3 + kw], acc);
    *(vf_unaligned *)(out + ox * VL) = relu ? rectify(acc) : acc;
  }
}

/* A depthwise convolution on blocked activations: each lane a channel with
   its own kernel_h x kernel_w filter ([blocks][kernel_h][kernel_w][VL]).
   Arguments as for inception_uk_conv2d_blocked (lanes = VL, in_blocks =
   out_blocks), so that microkernels matches both alike. A task is one
   block's output row: 3x3 rows of stride and dilation 1 along them through
   depthwise3x3_row (with the fused input ReLU, the only ones that take
   one), the others DEPTHWISE_PIXELS pixels a tile. */
void inception_uk_depthwise2d_blocked(
    const inception_uk_conv2d_params *params) {
  UNPACK_BLOCKED_PARAMS(params);
  int64_t blocks = out_blocks, taps = kernel_h * kernel_w;
  int strided = stride_w != 1;
  int row3x3 =
      kernel_h == 3 && kernel_w == 3 && stride_w == 1 && dilation_w == 1;
  /* Each thread its share of the rows, block by block, as the
     convolutions split (inception_uk_conv2d_blocked). */
  int fills = UK_FILLS_BORDER(params) != 0;
#pragma omp parallel
  {
    if (fills) {
      UK_FILL_BORDER(params, in_blocks, lanes);
#pragma omp barrier
    }
    int64_t begin, end;
    uk_thread_share(batch * out_h, &begin, &end);
    for (int64_t block = 0; block < blocks; ++block) {
      const float *w = filter + block * taps * INCEPTION_UK_VL;
      const float *b = bias ? bias + block * INCEPTION_UK_VL : 0;
      for (int64_t row = begin; row < end; ++row) {
        int64_t image = row / out_h, oy = row % out_h;
        const float *in = input + image * input_batch_stride +
                          block * input_channel_stride +
                          oy * stride_h * input_row_stride;
        const float *res =
            residual ? residual + image * residual_batch_stride +
                           block * residual_channel_stride +
                           oy * residual_row_stride
                     : 0;
        float *out = output + image * output_batch_stride +
                     block * output_channel_stride + oy * output_row_stride;
        if (row3x3) {
          depthwise3x3_row(in, dilation_h * input_row_stride, w, b, res, out,
                           out_w, relu, initialize, params->input_relu);
          continue;
        }
        for (int64_t ox = 0; ox < out_w; ox += DEPTHWISE_PIXELS) {
          int64_t pixels =
              out_w - ox < DEPTHWISE_PIXELS ? out_w - ox : DEPTHWISE_PIXELS;
          depthwise_tiles[strided][pixels - 1](
              kernel_h, kernel_w, 1, 1, INCEPTION_UK_VL,
              in + ox * stride_w * INCEPTION_UK_VL,
              dilation_h * input_row_stride, dilation_w * INCEPTION_UK_VL, 0,
              stride_w * INCEPTION_UK_VL, w, 0, out + ox * INCEPTION_UK_VL, 0,
              relu, initialize, b, res ? res + ox * INCEPTION_UK_VL : 0, 0,
              ox, out_w, output_row_stride, residual_row_stride);
        }
      }
    }
  }
}

/* A 3x3 stride-1 convolution on a blocked input by Winograd F(4x4, 3x3)
   (winograd.c's inception_uk_winograd3x3_any): the filter is U, the input
   the padded buffer (its extent in in_h, in_w; pads 0), so no padding is
   left to apply but past its end. */
void inception_uk_winograd3x3_blocked(
    const inception_uk_conv2d_params *params) {
  inception_uk_winograd3x3_any(1, 0, params);
}

/* The same with the blocked 3x3 filter ([F/VL][3][3][C][VL]), which the
   kernel transforms as it goes (layers of few tiles, whose U would stream
   from memory). */
void inception_uk_winograd3x3_blocked_untransformed(
    const inception_uk_conv2d_params *params) {
  inception_uk_winograd3x3_any(1, 1, params);
}
