/*===- winograd.c - 3x3 stride-1 convolutions by Winograd F(4x4, 3x3) --*- C
 *-*-===*
 *
 * Shares the GEMM's register-blocked microkernel (ukernel_common.h).
 *
 * Each 4x4 block of output pixels (a tile) of one output channel is
 * A^T [sum_ci (G g G^T) .* (B^T d B)] A, where d is the tile's 6x6 input
 * window of channel ci and g the 3x3 filter from ci (Lavin and Gray's
 * F(4x4, 3x3), points 0, +-1, +-2, infinity). The 36 elementwise products
 * summed over ci are 36 independent GEMMs, one per position xi of the 6x6
 * transform: M[xi][tile][co] = sum_ci V[xi][tile][ci] U[xi][ci][co], 36 x 16
 * multiplications per 16 output pixels where the direct convolution needs
 * 9 x 16, a quarter of the work.
 *
 * - U = G g G^T was computed at compile time and packed into panels of NR
 *   output channels, each panel's 36 positions together:
 *   u[((j * 36 + xi) * C + ci) * NR + co % NR] for j = co / NR. U is 36/9
 *   = 4 times the filter's size and each of its floats serves one
 *   multiply-add per tile: where an image has few tiles (16 at 14x14) its
 *   GEMMs wait on memory (GoogLeNet's 160 -> 320 at 14x14: 0.63 ms with U
 *   in cache, 1.22 ms streaming it). The _untransformed kernel takes the
 *   blocked 3x3 filter instead and computes U as it goes, per output panel
 *   and chunk of input channels, into its scratch (the GEMMs then sum each
 *   chunk into M): 0.66 and 0.77 ms.
 * - A task takes a chunk of tiles of one image and a group of output
 *   channel panels: it transforms the chunk's input into V (panels of MR
 *   tiles, the microkernel's A operand), then per output panel runs the 36
 *   GEMMs into M and transforms M back into the output with bias, residual
 *   and ReLU. How many tiles a chunk and panels a group take depends on the
 *   thread count (winograd_choose_split), as does whether a few-tile layer's
 *   threads take equal shares of (output panel, panel of tiles) pairs
 *   instead; each output element is still one GEMM over every input
 *   channel, so results do not.
 *
 * Rounding: the transforms scale by at most 8 and add up to 36 terms, so
 * the result differs from direct summation by a few ulps of the largest
 * partial sums (docs/codegen.md gives the measured error).
 *
 *===----------------------------------------------------------------------===*/

#include "ukernel_common.h"

enum {
  WINO_TILE = 4,
  WINO_WINDOW = 6,
  WINO_POSITIONS = INCEPTION_UK_WINOGRAD3X3_POSITIONS
};

/* (y0 .. y5) = B^T (x0 .. x5), the one-dimensional input transform, for
   scalars and vectors alike (the arguments are plain values or lvalues;
   the y must not be any of the x). */
#define WINOGRAD_BT(y0, y1, y2, y3, y4, y5, x0, x1, x2, x3, x4, x5)            \
  do {                                                                         \
    (y0) = 4 * (x0) - 5 * (x2) + (x4);                                         \
    (y1) = -4 * ((x1) + (x2)) + (x3) + (x4);                                   \
    (y2) = 4 * ((x1) - (x2)) - (x3) + (x4);                                    \
    (y3) = 2 * ((x3) - (x1)) - (x2) + (x4);                                    \
    (y4) = 2 * ((x1) - (x3)) - (x2) + (x4);                                    \
    (y5) = 4 * (x1) - 5 * (x3) + (x5);                                         \
  } while (0)

/* (y0 .. y3) = A^T (x0 .. x5), the one-dimensional output transform. */
#define WINOGRAD_AT(y0, y1, y2, y3, x0, x1, x2, x3, x4, x5)                    \
  do {                                                                         \
    (y0) = (x0) + (x1) + (x2) + (x3) + (x4);                                   \
    (y1) = (x1) - (x2) + 2 * ((x3) - (x4));                                    \
    (y2) = (x1) + (x2) + 4 * ((x3) + (x4));                                    \
    (y3) = (x1) - (x2) + 8 * ((x3) - (x4)) + (x5);                             \
  } while (0)

/* V[xi] for the 6x6 window d (row-major) = B^T d B. */
static inline void winograd_input_transform(const float d[36], float v[36]) {
  float t[36];
  for (int c = 0; c < 6; ++c)
    WINOGRAD_BT(t[c], t[6 + c], t[12 + c], t[18 + c], t[24 + c], t[30 + c],
                d[c], d[6 + c], d[12 + c], d[18 + c], d[24 + c], d[30 + c]);
  for (int r = 0; r < 6; ++r) {
    const float *x = t + 6 * r;
    float *y = v + 6 * r;
    WINOGRAD_BT(y[0], y[1], y[2], y[3], y[4], y[5], x[0], x[1], x[2], x[3],
                x[4], x[5]);
  }
}

/* Gathers tile (ty, tx)'s 6x6 input window of one channel plane, zeros
   outside the input. */
static inline void winograd_window(const float *plane, int64_t row_stride,
                                   int64_t in_h, int64_t in_w, int64_t y0,
                                   int64_t x0, float d[36]) {
  if (y0 >= 0 && x0 >= 0 && y0 + 6 <= in_h && x0 + 6 <= in_w) {
    for (int r = 0; r < 6; ++r)
      for (int c = 0; c < 6; ++c)
        d[6 * r + c] = plane[(y0 + r) * row_stride + x0 + c];
    return;
  }
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 6; ++c) {
      int64_t y = y0 + r, x = x0 + c;
      d[6 * r + c] = y >= 0 && y < in_h && x >= 0 && x < in_w
                         ? plane[y * row_stride + x]
                         : 0.0f;
    }
}

#if defined(__AVX512F__)
/* The input transform of `lanes` tiles of one tile row at once, one per
   vector lane: lane r (first_lane <= r < first_lane + lanes, r < 6) is the
   panel's tile r, whose window starts at column x0 + 4 (r - first_lane) of
   rows y0 .. y0 + 5. Each window row is two masked loads (zeros outside
   the input) and six permutes, the transform is vector arithmetic, and
   each of the 36 results is a masked store of those lanes into `v`
   (position xi at v + xi * xi_stride, tile r at v[r]). */
static void winograd_input_lanes(const float *plane, int64_t row_stride,
                                 int64_t in_h, int64_t in_w, int64_t y0,
                                 int64_t x0, int first_lane, int lanes,
                                 float *v, int64_t xi_stride) {
  typedef float v16 __attribute__((vector_size(64)));
  int64_t base = x0 - 4 * first_lane; /* lane r reads base + 4 r + c */
  /* Columns of the two loads inside the row. */
  int64_t lo_start = base >= 0 ? 0 : -base, lo_end = in_w - base;
  int64_t hi_start = lo_start - 16, hi_end = lo_end - 16;
  #define WINO_SPAN(start, end)                                                \
    ((end) <= 0 || (start) >= 16                                               \
         ? (__mmask16)0                                                        \
         : (__mmask16)(((end) >= 16 ? 0xffffu : (1u << (end)) - 1) &          \
                       ~((start) <= 0 ? 0u : (1u << (start)) - 1)))
  __mmask16 lo_mask = WINO_SPAN(lo_start, lo_end);
  __mmask16 hi_mask = WINO_SPAN(hi_start, hi_end);
  #undef WINO_SPAN
  v16 d[6][6];
  for (int r = 0; r < 6; ++r) {
    int64_t y = y0 + r;
    if (y < 0 || y >= in_h) {
      for (int c = 0; c < 6; ++c)
        d[r][c] = (v16){0};
      continue;
    }
    const float *src = plane + y * row_stride + base;
    __m512 lo = _mm512_maskz_loadu_ps(lo_mask, src);
    __m512 hi = _mm512_maskz_loadu_ps(hi_mask, src + 16);
    for (int c = 0; c < 6; ++c) {
      __m512i index = _mm512_add_epi32(
          _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0),
          _mm512_set1_epi32(c));
      d[r][c] = (v16)_mm512_permutex2var_ps(lo, index, hi);
    }
  }
  v16 t[6][6];
  for (int c = 0; c < 6; ++c)
    WINOGRAD_BT(t[0][c], t[1][c], t[2][c], t[3][c], t[4][c], t[5][c], d[0][c],
                d[1][c], d[2][c], d[3][c], d[4][c], d[5][c]);
  __mmask16 store = (__mmask16)(((1u << lanes) - 1) << first_lane);
  for (int r = 0; r < 6; ++r) {
    v16 *x = t[r], y[6];
    WINOGRAD_BT(y[0], y[1], y[2], y[3], y[4], y[5], x[0], x[1], x[2], x[3],
                x[4], x[5]);
    for (int c = 0; c < 6; ++c)
      _mm512_mask_storeu_ps(v + (r * 6 + c) * xi_stride, store, (__m512)y[c]);
  }
}
#endif

/* The input transform of tile (y0, x0) (its window's corner, in the
   input's coordinates) for the VL channels of one block of a blocked input
   ([.., H, W, VL], `block` its first pixel): B^T d B with each element a
   vector of VL channels, zeros outside the in_h x in_w input, stored as V
   wants it, channel-major: v[xi * xi_stride + lane * MR]. */
static void winograd_input_block(const float *block, int64_t row_stride,
                                 int64_t in_h, int64_t in_w, int64_t y0,
                                 int64_t x0, float *v, int64_t xi_stride) {
  vf d[6][6], t[6][6];
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 6; ++c) {
      int64_t y = y0 + r, x = x0 + c;
      d[r][c] = y >= 0 && y < in_h && x >= 0 && x < in_w
                    ? *(const vf_unaligned *)(block + y * row_stride + x * VL)
                    : (vf){0};
    }
  for (int c = 0; c < 6; ++c)
    WINOGRAD_BT(t[0][c], t[1][c], t[2][c], t[3][c], t[4][c], t[5][c], d[0][c],
                d[1][c], d[2][c], d[3][c], d[4][c], d[5][c]);
  for (int r = 0; r < 6; ++r) {
    vf y[6];
    WINOGRAD_BT(y[0], y[1], y[2], y[3], y[4], y[5], t[r][0], t[r][1], t[r][2],
                t[r][3], t[r][4], t[r][5]);
    for (int c = 0; c < 6; ++c)
      for (int lane = 0; lane < VL; ++lane)
        v[(r * 6 + c) * xi_stride + lane * MR] = y[c][lane];
  }
}

/* A^T M A for the VL output channels from c0 (up to co_end) of one tile,
   plus bias and residual, ReLU if asked, written to the image's `out`:
   `src` is the tile's row of M at channel c0, its 36 positions m_xi_stride
   floats apart; `res` the image's residual, if any. */
static void winograd_output_tile(int blocked, const float *src,
                                 int64_t m_xi_stride, int64_t tile,
                                 int64_t tiles_w, int64_t c0, int64_t co_end,
                                 float *out, const float *res,
                                 const inception_uk_conv2d_params *params) {
  UNPACK_CONV2D_PARAMS(params);
  int64_t oy = (tile / tiles_w) * WINO_TILE, ox = (tile % tiles_w) * WINO_TILE;
  int64_t rows = out_h - oy < WINO_TILE ? out_h - oy : WINO_TILE;
  int64_t cols = out_w - ox < WINO_TILE ? out_w - ox : WINO_TILE;
  vf t[4][6];
  for (int col = 0; col < 6; ++col) {
    vf m0 = *(const vf_unaligned *)(src + (0 * 6 + col) * m_xi_stride);
    vf m1 = *(const vf_unaligned *)(src + (1 * 6 + col) * m_xi_stride);
    vf m2 = *(const vf_unaligned *)(src + (2 * 6 + col) * m_xi_stride);
    vf m3 = *(const vf_unaligned *)(src + (3 * 6 + col) * m_xi_stride);
    vf m4 = *(const vf_unaligned *)(src + (4 * 6 + col) * m_xi_stride);
    vf m5 = *(const vf_unaligned *)(src + (5 * 6 + col) * m_xi_stride);
    WINOGRAD_AT(t[0][col], t[1][col], t[2][col], t[3][col], m0, m1, m2, m3, m4,
                m5);
  }
  float y[4][4][VL];
  for (int r = 0; r < 4; ++r) {
    vf *x = t[r];
    WINOGRAD_AT(*(vf_unaligned *)y[r][0], *(vf_unaligned *)y[r][1],
                *(vf_unaligned *)y[r][2], *(vf_unaligned *)y[r][3], x[0], x[1],
                x[2], x[3], x[4], x[5]);
  }
  if (blocked) {
    /* The tile's pixels are VL-channel vectors of block c0 / VL. */
    int64_t block = c0 / VL;
    vf b = bias ? *(const vf_unaligned *)(bias + c0) : (vf){0};
    float *dst = out + block * output_channel_stride + oy * output_row_stride +
                 ox * VL;
    const float *rsrc = res ? res + block * residual_channel_stride +
                                  oy * residual_row_stride + ox * VL
                            : 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        vf x = *(vf_unaligned *)y[r][c] + b;
        if (rsrc)
          x += *(const vf_unaligned *)(rsrc + r * residual_row_stride + c * VL);
        /* maxnum: NaN becomes 0, as the !(x > 0) test below. */
        if (relu)
          x = __builtin_elementwise_max(x, (vf){0});
        *(vf_unaligned *)(dst + r * output_row_stride + c * VL) = x;
      }
    return;
  }
  int64_t lanes = co_end - c0 < VL ? co_end - c0 : VL;
  for (int64_t lane = 0; lane < lanes; ++lane) {
    int64_t co = c0 + lane;
    float b = bias ? bias[co] : 0.0f;
    float *dst = out + co * output_channel_stride + oy * output_row_stride + ox;
    const float *rsrc =
        res ? res + co * residual_channel_stride + oy * residual_row_stride + ox
            : 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        float x = y[r][c][lane] + b;
        if (rsrc)
          x += rsrc[r * residual_row_stride + c];
        dst[r * output_row_stride + c] = relu && !(x > 0.0f) ? 0.0f : x;
      }
  }
}

/* How a layer's work is split into tasks: each image's tiles into chunks
   of chunk_panels panels of MR tiles, the output channels into groups of
   group_panels panels of NR; or (`shares`, one image whose tiles are one
   chunk) one task per thread, each an equal share of the (output panel,
   panel of tiles) pairs, output panel by output panel. */
typedef struct {
  int64_t chunk_panels, group_panels;
  int shares;
} winograd_split;

/* The pairs [*first, *last) of output panel and panel of tiles (panel
   major, `tile_panels` a panel) that share `share` of `shares` takes, and
   the output panels [*j0, *j1) they fall in. */
static void winograd_share(int64_t share, int64_t shares, int64_t co_panels,
                           int64_t tile_panels, int64_t *first, int64_t *last,
                           int64_t *j0, int64_t *j1) {
  int64_t pairs = co_panels * tile_panels;
  *first = pairs * share / shares;
  *last = pairs * (share + 1) / shares;
  *j0 = *first / tile_panels;
  *j1 = (*last + tile_panels - 1) / tile_panels;
}

/* Estimated costs, in multiply-adds, of what a task does besides its
   GEMMs: a float of U streamed from memory (a task reads its group's U
   once, whatever its panel count of tiles: with one panel, a float of U
   feeds only MR multiply-adds) and one tile's input transform for one
   channel (36 values scattered into V's panels). Set on the 3x3 layers of
   GoogLeNet and Inception-v3 on 1 and 2 threads (Zen 5): their summed
   time stayed within the machine's noise for U costs of 2 to 24 and
   transform costs of 100 to 960. */
enum { WINO_U_FLOAT_COST = 8, WINO_INPUT_TRANSFORM_COST = 960 };

/* The split with the least estimated time on `threads` threads: tasks run
   in rounds of `threads`, the longest task setting each round. More tiles
   per chunk read U fewer times; more groups give threads work when an
   image has few tiles (14x14 and 7x7 layers), each transforming the same
   input again. A chunk's V and M stay within the budget of
   inception_uk_winograd_chunk_panels and the thread's scratch. */
static winograd_split winograd_choose_split(int64_t positions, int64_t batch,
                                            int64_t tiles, int64_t in_channels,
                                            int64_t out_channels, int64_t l2,
                                            int64_t scratch_per_thread,
                                            int64_t threads) {
  int64_t tile_panels = (tiles + MR - 1) / MR;
  int64_t co_panels = (out_channels + NR - 1) / NR;
  winograd_split best = {1, co_panels, 0};
  int64_t best_cost = -1, best_tasks = 0;
  int64_t panel_bytes =
      inception_uk_winograd_panel_bytes(positions, MR, NR, in_channels);
  int64_t max_chunk_panels = inception_uk_winograd_chunk_panels(l2, panel_bytes);
  while (max_chunk_panels > 1 &&
         max_chunk_panels * panel_bytes > scratch_per_thread)
    --max_chunk_panels;
  for (int64_t groups = 1; groups <= co_panels; ++groups) {
    int64_t group_panels = (co_panels + groups - 1) / groups;
    if ((co_panels + group_panels - 1) / group_panels != groups)
      continue; /* the same split as a smaller count */
    for (int64_t chunks =
             (tile_panels + max_chunk_panels - 1) / max_chunk_panels;
         chunks <= tile_panels; ++chunks) {
      int64_t chunk_panels = (tile_panels + chunks - 1) / chunks;
      if ((tile_panels + chunk_panels - 1) / chunk_panels != chunks)
        continue;
      int64_t tasks = batch * chunks * groups;
      int64_t rounds = (tasks + threads - 1) / threads;
      int64_t u_floats = positions * in_channels * group_panels * NR;
      int64_t task = u_floats * chunk_panels * MR +
                     u_floats * WINO_U_FLOAT_COST +
                     chunk_panels * MR * in_channels * WINO_INPUT_TRANSFORM_COST;
      int64_t cost = rounds * task;
      if (best_cost < 0 || cost < best_cost ||
          (cost == best_cost && tasks < best_tasks)) {
        best_cost = cost;
        best_tasks = tasks;
        best.chunk_panels = chunk_panels;
        best.group_panels = group_panels;
      }
    }
  }
  /* Equal shares where whole tasks cannot balance the threads (GoogLeNet's
     14x14 layers: 5 output panels of 3 tile panels on 2 threads ran as 3
     panels against 2). A thread transforms the image's tiles once (only
     those of its share where that is within one output panel) and reads
     the U of every output panel its share touches. */
  if (batch == 1 && threads > 1 && tile_panels <= max_chunk_panels) {
    int64_t u_floats = positions * in_channels * NR, cost = 0;
    for (int64_t share = 0; share < threads; ++share) {
      int64_t first, last, j0, j1;
      winograd_share(share, threads, co_panels, tile_panels, &first, &last, &j0,
                     &j1);
      if (first == last)
        continue;
      int64_t transformed = j1 - j0 == 1 ? last - first : tile_panels;
      int64_t task = (last - first) * u_floats * MR +
                     (j1 - j0) * u_floats * WINO_U_FLOAT_COST +
                     transformed * MR * in_channels * WINO_INPUT_TRANSFORM_COST;
      if (task > cost)
        cost = task;
    }
    if (cost < best_cost) {
      best.chunk_panels = tile_panels;
      best.group_panels = co_panels;
      best.shares = 1;
    }
  }
  return best;
}

/* A Winograd layer's tasks (either kernel's): `tiles` tiles an image in
   chunks of `chunk` (whole panels of MR), the output panels in groups of
   `group_panels`, every image, as winograd_choose_split chose. */
typedef struct {
  int64_t positions, tiles, chunk, chunks, co_panels, group_panels, groups,
      tasks;
  int shares;
  /* U computed from the blocked 3x3 filter, chunk by chunk, into the
     thread's scratch after V and M (the _untransformed kernel), `vm_bytes`
     from the scratch's start. */
  int untransformed;
  int64_t vm_bytes;
} winograd_tasks;

static winograd_tasks
winograd_plan_tasks(int64_t positions, int64_t tiles, int untransformed,
                    const inception_uk_conv2d_params *params) {
  winograd_tasks plan = {0};
  plan.positions = positions;
  plan.tiles = tiles;
  plan.untransformed = untransformed;
  plan.vm_bytes =
      params->scratch_per_thread -
      (untransformed ? inception_uk_winograd_filter_chunk_bytes(NR) : 0);
  winograd_split split = winograd_choose_split(
      positions, params->batch, tiles, params->in_channels,
      params->out_channels, params->l2, plan.vm_bytes, omp_get_max_threads());
  plan.chunk = split.chunk_panels * MR;
  plan.chunks = (tiles + plan.chunk - 1) / plan.chunk;
  plan.co_panels = (params->out_channels + NR - 1) / NR;
  plan.group_panels = split.group_panels;
  plan.groups = (plan.co_panels + plan.group_panels - 1) / plan.group_panels;
  plan.tasks = params->batch * plan.chunks * plan.groups;
  plan.shares = split.shares;
  if (plan.shares)
    plan.tasks = omp_get_max_threads();
  return plan;
}

/* What task `task` of `plan` computes: tiles [t0, t0 + count) of `image`
   (`panels` panels of MR) for output panels [j0, j1), in V and M, the
   calling thread's scratch ([xi][panel][ci][MR]; for one output panel,
   [xi][panel * MR + tile][NR]); for output panel j0 only from its panel
   first_panel on, for j1 - 1 only up to last_end (a share's ends). */
typedef struct {
  int64_t image, t0, count, panels, j0, j1, first_panel, last_end;
  float *v, *m, *u;
} winograd_task;

/* The task's panels of tiles [*begin, *end) for output panel j. */
static void winograd_task_panels(const winograd_task *t, int64_t j,
                                 int64_t *begin, int64_t *end) {
  *begin = j == t->j0 ? t->first_panel : 0;
  *end = j == t->j1 - 1 ? t->last_end : t->panels;
}

/* The task's tiles [*begin, *end) (from t0) for output panel j. */
static void winograd_task_tiles(const winograd_task *t, int64_t j,
                                int64_t *begin, int64_t *end) {
  int64_t first, last;
  winograd_task_panels(t, j, &first, &last);
  *begin = first * MR;
  *end = last * MR < t->count ? last * MR : t->count;
}

static winograd_task winograd_task_at(const winograd_tasks *plan, int64_t task,
                                      const inception_uk_conv2d_params *params) {
  winograd_task t;
  int64_t per_image = plan->chunks * plan->groups;
  int64_t rest = task % per_image;
  t.image = task / per_image;
  t.t0 = (rest / plan->groups) * plan->chunk;
  t.j0 = (rest % plan->groups) * plan->group_panels;
  t.j1 = t.j0 + plan->group_panels < plan->co_panels
             ? t.j0 + plan->group_panels
             : plan->co_panels;
  t.count = plan->tiles - t.t0 < plan->chunk ? plan->tiles - t.t0 : plan->chunk;
  t.panels = (t.count + MR - 1) / MR;
  t.first_panel = 0;
  t.last_end = t.panels;
  if (plan->shares) {
    int64_t tile_panels = (plan->tiles + MR - 1) / MR, first, last;
    winograd_share(task, plan->tasks, plan->co_panels, tile_panels, &first,
                   &last, &t.j0, &t.j1);
    if (first == last)
      t.j1 = t.j0; /* more threads than pairs */
    t.image = 0;
    t.t0 = 0;
    t.panels = tile_panels;
    t.first_panel = first - t.j0 * tile_panels;
    t.last_end = last - (t.j1 - 1) * tile_panels;
    if (t.j1 - t.j0 == 1) {
      /* Within one output panel: only its panels of tiles. */
      t.t0 = t.first_panel * MR;
      t.panels = t.last_end - t.first_panel;
      t.first_panel = 0;
      t.last_end = t.panels;
    }
    t.count =
        plan->tiles - t.t0 < t.panels * MR ? plan->tiles - t.t0 : t.panels * MR;
  }
  char *scratch =
      params->scratch + (int64_t)omp_get_thread_num() * params->scratch_per_thread;
  t.v = (float *)scratch;
  t.m = t.v + plan->positions * t.panels * MR * params->in_channels;
  t.u = plan->untransformed ? (float *)(scratch + plan->vm_bytes) : 0;
  return t;
}

/* (y0 .. y5) = G (x0, x1, x2), F(4x4, 3x3)'s filter transform (G as in
   weight_transforms.c's kWinogradG), on vectors. */
#define WINOGRAD_G(y, x0, x1, x2)                                              \
  do {                                                                         \
    vf sum_ = ((x0) + (x2)) * (-1.0f / 6), odd_ = (x1) * (1.0f / 6);           \
    vf sum4_ = (x0) * (1.0f / 24) + (x2) * (1.0f / 6),                         \
       odd4_ = (x1) * (1.0f / 12);                                             \
    (y)[0] = (x0) * (1.0f / 4);                                                \
    (y)[1] = sum_ - odd_;                                                      \
    (y)[2] = sum_ + odd_;                                                      \
    (y)[3] = sum4_ + odd4_;                                                    \
    (y)[4] = sum4_ - odd4_;                                                    \
    (y)[5] = (x2);                                                             \
  } while (0)

/* U = G g G^T of output panel j and input channels [c0, c0 + count) from
   the blocked 3x3 filter g ([F/VL][3][3][C][VL]), in float (the compiled
   U is computed in double): u[xi * xi_stride + c * NR + co % NR]. */
static void winograd_filter_chunk(const float *g, int64_t in_channels,
                                  int64_t out_channels, int64_t j, int64_t c0,
                                  int64_t count, int64_t xi_stride, float *u) {
  int64_t co_end = (j + 1) * NR < out_channels ? (j + 1) * NR : out_channels;
  for (int64_t q = 0; q < (co_end - j * NR) / VL; ++q) {
    const float *block = g + (j * NV + q) * 9 * in_channels * VL;
    for (int64_t c = 0; c < count; ++c) {
      vf x[9], gGt[6][3], column[6];
      for (int tap = 0; tap < 9; ++tap)
        x[tap] =
            *(const vf_unaligned *)(block + (tap * in_channels + c0 + c) * VL);
      for (int r = 0; r < 3; ++r) {
        vf row[6];
        WINOGRAD_G(row, x[r * 3], x[r * 3 + 1], x[r * 3 + 2]);
        for (int k = 0; k < 6; ++k)
          gGt[k][r] = row[k];
      }
      float *at = u + c * NR + q * VL;
      for (int k = 0; k < 6; ++k) {
        WINOGRAD_G(column, gGt[k][0], gGt[k][1], gGt[k][2]);
        for (int r = 0; r < 6; ++r)
          *(vf *)(at + (r * 6 + k) * xi_stride) = column[r];
      }
    }
  }
}

/* M = V U for output panel j of task `t`: one GEMM per transform position
   and panel of MR tiles, on the GEMM's register tile, over every input
   channel; `u` is the layer's U, or with plan->untransformed its blocked
   3x3 filter, transformed a chunk of input channels at a time whose GEMMs
   add to M. */
static void winograd_gemms(const winograd_tasks *plan, const winograd_task *t,
                           const float *u, int64_t j,
                           const inception_uk_conv2d_params *params) {
  int64_t in_channels = params->in_channels, begin, end;
  winograd_task_panels(t, j, &begin, &end);
  if (plan->untransformed) {
    int64_t xi_stride = inception_uk_winograd_filter_chunk_stride(NR);
    for (int64_t c0 = 0; c0 < in_channels;
         c0 += INCEPTION_UK_WINOGRAD_FILTER_CHUNK) {
      int64_t count = in_channels - c0 < INCEPTION_UK_WINOGRAD_FILTER_CHUNK
                          ? in_channels - c0
                          : INCEPTION_UK_WINOGRAD_FILTER_CHUNK;
      winograd_filter_chunk(u, in_channels, params->out_channels, j, c0, count,
                            xi_stride, t->u);
      for (int64_t xi = 0; xi < plan->positions; ++xi)
        for (int64_t p = begin; p < end; ++p)
          microkernel(count,
                      t->v + ((xi * t->panels + p) * in_channels + c0) * MR,
                      t->u + xi * xi_stride, NR,
                      t->m + (xi * t->panels + p) * MR * NR, NR, c0 > 0, 0, 0,
                      0, 0, params->out_channels - j * NR);
    }
    return;
  }
  for (int64_t xi = 0; xi < plan->positions; ++xi) {
    const float *b = u + (j * plan->positions + xi) * in_channels * NR;
    for (int64_t p = begin; p < end; ++p)
      microkernel(in_channels, t->v + (xi * t->panels + p) * in_channels * MR,
                  b, NR, t->m + (xi * t->panels + p) * MR * NR, NR, 0, 0, 0, 0,
                  0, params->out_channels - j * NR);
  }
}

/* The border of a padded blocked input, where the params ask the kernel
   to fill it: Winograd's tasks are tiles, not rows, so in a parallel
   region of its own first. */
static void winograd_fill_border(const inception_uk_conv2d_params *params) {
  if (UK_FILLS_BORDER(params)) {
#pragma omp parallel
    UK_FILL_BORDER(params, params->in_channels / VL, VL);
  }
}

/* output[b][co][y][x] = relu?(bias[co] + residual[b][co][y][x] +
   conv3x3(input[b], filter)[co][y][x]) for a 3x3, stride-1, undilated
   convolution of the in_h x in_w input zero-padded by pad_top rows and
   pad_left columns before it; `transformed_filter` is U, packed as above.
   With `blocked`, the input, residual and output are blocked ([.., C/VL,
   H, W, VL], the channel strides those between blocks, in_channels and
   out_channels whole blocks); else NCHW. */
void inception_uk_winograd3x3_any(int blocked, int untransformed,
                                  const inception_uk_conv2d_params *params) {
  UNPACK_CONV2D_PARAMS(params);
  const float *u = filter; /* U, or (untransformed) the blocked 3x3 filter */
  int64_t tiles_h = (out_h + WINO_TILE - 1) / WINO_TILE;
  int64_t tiles_w = (out_w + WINO_TILE - 1) / WINO_TILE;
  int64_t tiles = tiles_h * tiles_w;
  /* V and M are the thread's scratch, which the compiler sized for the
     most panels a chunk may have (inception_uk_winograd_scratch). */
  winograd_tasks plan =
      winograd_plan_tasks(WINO_POSITIONS, tiles, untransformed, params);

  winograd_fill_border(params);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < plan.tasks; ++task) {
    winograd_task t = winograd_task_at(&plan, task, params);
    int64_t image = t.image, t0 = t.t0, count = t.count, panels = t.panels;
    float *v = t.v, *m = t.m;
    const float *in = input + image * input_batch_stride;
    if (t.j0 >= t.j1)
      continue; /* an empty share */

    int64_t xi_stride = panels * in_channels * MR; /* between positions in V */
    for (int64_t p = 0; blocked && p < panels; ++p)
      for (int64_t ci = 0; ci < in_channels; ci += VL)
        for (int64_t r = 0; r < MR; ++r) {
          float *at = v + (p * in_channels + ci) * MR + r;
          int64_t tile = t0 + p * MR + r;
          if (p * MR + r >= count) {
            /* Panel padding: zero columns of A. */
            for (int xi = 0; xi < WINO_POSITIONS; ++xi)
              for (int lane = 0; lane < VL; ++lane)
                at[xi * xi_stride + lane * MR] = 0.0f;
            continue;
          }
          winograd_input_block(in + ci / VL * input_channel_stride,
                               input_row_stride, in_h, in_w,
                               (tile / tiles_w) * WINO_TILE - pad_top,
                               (tile % tiles_w) * WINO_TILE - pad_left, at,
                               xi_stride);
        }
    for (int64_t p = 0; !blocked && p < panels; ++p)
      for (int64_t ci = 0; ci < in_channels; ++ci) {
        const float *plane = in + ci * input_channel_stride;
        int64_t r = 0;
#if defined(__AVX512F__)
        /* Runs of the panel's tiles along one tile row, vectorized: six
           tiles' windows fit in the two 16-float loads, so panels of up to
           six tiles (MR is 6 for AVX-512). */
        while (MR <= 6 && r < MR && p * MR + r < count) {
          int64_t tile = t0 + p * MR + r;
          int64_t tx = tile % tiles_w;
          int lanes = (int)(tiles_w - tx);
          if (lanes > MR - r)
            lanes = (int)(MR - r);
          if (lanes > count - p * MR - r)
            lanes = (int)(count - p * MR - r);
          winograd_input_lanes(plane, input_row_stride, in_h, in_w,
                               (tile / tiles_w) * WINO_TILE - pad_top,
                               tx * WINO_TILE - pad_left, (int)r, lanes,
                               v + (p * in_channels + ci) * MR, xi_stride);
          r += lanes;
        }
#endif
        for (; r < MR; ++r) {
          float d[36] = {0}, t[36];
          int64_t tile = t0 + p * MR + r;
          if (p * MR + r < count)
            winograd_window(plane, input_row_stride, in_h, in_w,
                            (tile / tiles_w) * WINO_TILE - pad_top,
                            (tile % tiles_w) * WINO_TILE - pad_left, d);
          winograd_input_transform(d, t);
          for (int xi = 0; xi < WINO_POSITIONS; ++xi)
            v[xi * xi_stride + (p * in_channels + ci) * MR + r] = t[xi];
        }
      }

    /* One output panel at a time: its 36 GEMMs read the panel's U, one
       contiguous run of memory, then its tiles are transformed back while
       M is in cache. */
    float *out = output + image * output_batch_stride;
    const float *res = residual ? residual + image * residual_batch_stride : 0;
    int64_t m_xi_stride = panels * MR * NR; /* between positions in M */
    for (int64_t j = t.j0; j < t.j1; ++j) {
      winograd_gemms(&plan, &t, u, j, params);
      int64_t co_end = (j + 1) * NR < out_channels ? (j + 1) * NR : out_channels;
      int64_t k_begin, k_end;
      winograd_task_tiles(&t, j, &k_begin, &k_end);
      for (int64_t k = k_begin; k < k_end; ++k)
        for (int64_t c0 = j * NR; c0 < co_end; c0 += VL)
          winograd_output_tile(blocked, m + k * NR + (c0 - j * NR), m_xi_stride,
                               t0 + k, tiles_w, c0, co_end, out, res, params);
    }
  }
}

/* NCHW input and output, conventions as for inception_uk_conv2d; the
   filter is U, the accumulate flag unused (the kernel always starts from
   the bias and residual). */
void inception_uk_winograd3x3(const inception_uk_conv2d_params *params) {
  inception_uk_winograd3x3_any(0, 0, params);
}

/* One-dimensional Winograd F(4, 7) for the 1x7 and 7x1 convolutions of
   Inception-v3, -v4 and -ResNet on blocked activations: each tile is 4
   outputs along the kernel's axis (of a row for 1x7, a column for 7x1),
   A^T [sum_ci (G g) .* (B^T d)] over the tile's 10 inputs d along the
   axis, 10 multiplications where the direct convolution needs 28; points
   0, +-1, +-2, +-1/2, +-3/2 and infinity (G in weight_transforms.c). The
   driver is the 3x3 one's: V, the GEMMs per position, M transformed back
   per output panel. */
enum { W1_TILE = 4, W1_POSITIONS = 10 };
static const float kW1BT[W1_POSITIONS][W1_POSITIONS] = {
    {9.0f / 4, 0, -205.0f / 16, 0, 273.0f / 16, 0, -15.0f / 2, 0, 1, 0},
    {0, -9.0f / 4, -9.0f / 4, 169.0f / 16, 169.0f / 16, -13.0f / 2, -13.0f / 2,
     1, 1, 0},
    {0, 9.0f / 4, -9.0f / 4, -169.0f / 16, 169.0f / 16, 13.0f / 2, -13.0f / 2,
     -1, 1, 0},
    {0, -9.0f / 8, -9.0f / 16, 49.0f / 8, 49.0f / 16, -7, -7.0f / 2, 2, 1, 0},
    {0, 9.0f / 8, -9.0f / 16, -49.0f / 8, 49.0f / 16, 7, -7.0f / 2, -2, 1, 0},
    {0, -9.0f / 2, -9, 61.0f / 8, 61.0f / 4, -29.0f / 8, -29.0f / 4, 1.0f / 2,
     1, 0},
    {0, 9.0f / 2, -9, -61.0f / 8, 61.0f / 4, 29.0f / 8, -29.0f / 4, -1.0f / 2,
     1, 0},
    {0, -3.0f / 2, -1, 63.0f / 8, 21.0f / 4, -63.0f / 8, -21.0f / 4, 3.0f / 2,
     1, 0},
    {0, 3.0f / 2, -1, -63.0f / 8, 21.0f / 4, 63.0f / 8, -21.0f / 4, -3.0f / 2,
     1, 0},
    {0, 9.0f / 4, 0, -205.0f / 16, 0, 273.0f / 16, 0, -15.0f / 2, 0, 1}};
static const float kW1AT[W1_TILE][W1_POSITIONS] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
    {0, 1, -1, 2, -2, 1.0f / 2, -1.0f / 2, 3.0f / 2, -3.0f / 2, 0},
    {0, 1, 1, 4, 4, 1.0f / 4, 1.0f / 4, 9.0f / 4, 9.0f / 4, 0},
    {0, 1, -1, 8, -8, 1.0f / 8, -1.0f / 8, 27.0f / 8, -27.0f / 8, 1}};

/* B^T d for the tile whose 10 inputs along the axis start at `first`,
   `step` floats apart, the first `inside` of them in the input (zeros
   past it), for the VL channels of one block; stored as V wants it,
   channel-major: v[xi * xi_stride + lane * MR]. */
static void winograd1d_input_block(const float *first, int64_t step,
                                   int64_t inside, float *v,
                                   int64_t xi_stride) {
  vf d[W1_POSITIONS];
  for (int i = 0; i < W1_POSITIONS; ++i)
    d[i] = i < inside ? *(const vf_unaligned *)(first + i * step) : (vf){0};
  for (int xi = 0; xi < W1_POSITIONS; ++xi) {
    vf y = (vf){0};
    for (int i = 0; i < W1_POSITIONS; ++i)
      if (kW1BT[xi][i] != 0.0f)
        y += kW1BT[xi][i] * d[i];
    for (int lane = 0; lane < VL; ++lane)
      v[xi * xi_stride + lane * MR] = y[lane];
  }
}

/* The first output pixel (y, x) of tile `tile`, numbered row by row, of
   W1_TILE outputs down a column (`vertical`) or along a row. */
static inline void winograd1d_tile_origin(int64_t tile, int64_t tiles_w,
                                          int vertical, int64_t *y,
                                          int64_t *x) {
  *y = vertical ? tile / tiles_w * W1_TILE : tile / tiles_w;
  *x = vertical ? tile % tiles_w : tile % tiles_w * W1_TILE;
}

/* output = relu?(bias + residual + conv(input, filter)) for a 1x7 or 7x1,
   stride-1, undilated convolution on blocked activations: the input is
   the padded buffer (pads 0), the filter U, packed by
   inception_uk_winograd1d_filter like the 3x3 kernel's with 10 positions.
   Conventions as for inception_uk_conv2d_blocked (no accumulate mode). */
void inception_uk_winograd1d_blocked(const inception_uk_conv2d_params *params) {
  UNPACK_CONV2D_PARAMS(params);
  const float *u = filter;
  /* Tiles along rows (1x7) or columns (7x1); `step` floats between inputs
     along the axis. Tiles are numbered row by row either way, so that
     consecutive tiles read neighbouring pixels. */
  int vertical = kernel_h > 1;
  int64_t step = vertical ? input_row_stride : VL;
  int64_t out_step = vertical ? output_row_stride : VL,
          res_step = vertical ? residual_row_stride : VL;
  int64_t tiles_h = vertical ? (out_h + W1_TILE - 1) / W1_TILE : out_h;
  int64_t tiles_w = vertical ? out_w : (out_w + W1_TILE - 1) / W1_TILE;
  int64_t tiles = tiles_h * tiles_w;
  winograd_tasks plan = winograd_plan_tasks(W1_POSITIONS, tiles, 0, params);

  winograd_fill_border(params);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < plan.tasks; ++task) {
    winograd_task t = winograd_task_at(&plan, task, params);
    int64_t image = t.image, t0 = t.t0, count = t.count, panels = t.panels;
    float *v = t.v, *m = t.m;
    const float *in = input + image * input_batch_stride;
    if (t.j0 >= t.j1)
      continue; /* an empty share */
    int64_t xi_stride = panels * in_channels * MR;
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t r = 0; r < MR; ++r) {
        int64_t y, x;
        winograd1d_tile_origin(t0 + p * MR + r, tiles_w, vertical, &y, &x);
        /* The tile's inputs inside the padded input, along the axis;
           panel padding (past the chunk's tiles) reads none. */
        int64_t inside = p * MR + r >= count ? 0
                         : vertical          ? in_h - y
                                             : in_w - x;
        for (int64_t ci = 0; ci < in_channels; ci += VL) {
          float *at = v + (p * in_channels + ci) * MR + r;
          const float *first = in + ci / VL * input_channel_stride +
                               (inside > 0 ? y * input_row_stride + x * VL : 0);
          winograd1d_input_block(first, step, inside, at, xi_stride);
        }
      }

    float *out = output + image * output_batch_stride;
    const float *res = residual ? residual + image * residual_batch_stride : 0;
    int64_t m_xi_stride = panels * MR * NR;
    for (int64_t j = t.j0; j < t.j1; ++j) {
      winograd_gemms(&plan, &t, u, j, params);
      int64_t co_end =
          (j + 1) * NR < out_channels ? (j + 1) * NR : out_channels;
      int64_t k_begin, k_end;
      winograd_task_tiles(&t, j, &k_begin, &k_end);
      for (int64_t k = k_begin; k < k_end; ++k) {
        int64_t y, x;
        winograd1d_tile_origin(t0 + k, tiles_w, vertical, &y, &x);
        int64_t along = vertical ? out_h - y : out_w - x;
        int64_t outputs = along < W1_TILE ? along : W1_TILE;
        for (int64_t c0 = j * NR; c0 < co_end; c0 += VL) {
          const float *src = m + k * NR + (c0 - j * NR);
          vf mx[W1_POSITIONS];
          for (int xi = 0; xi < W1_POSITIONS; ++xi)
            mx[xi] = *(const vf_unaligned *)(src + xi * m_xi_stride);
          int64_t block = c0 / VL;
          vf b = bias ? *(const vf_unaligned *)(bias + c0) : (vf){0};
          float *dst = out + block * output_channel_stride +
                       y * output_row_stride + x * VL;
          const float *rsrc = res ? res + block * residual_channel_stride +
                                        y * residual_row_stride + x * VL
                                  : 0;
          for (int64_t o = 0; o < outputs; ++o) {
            vf value = (vf){0};
            for (int xi = 0; xi < W1_POSITIONS; ++xi)
              if (kW1AT[o][xi] != 0.0f)
                value += kW1AT[o][xi] * mx[xi];
            value += b;
            if (rsrc)
              value += *(const vf_unaligned *)(rsrc + o * res_step);
            /* maxnum: NaN becomes 0, as the other Winograd epilogue. */
            if (relu)
              value = __builtin_elementwise_max(value, (vf){0});
            *(vf_unaligned *)(dst + o * out_step) = value;
          }
        }
      }
    }
  }
}
