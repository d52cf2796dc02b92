/*===- conv2d_gemm.c - Convolution as a register-blocked GEMM -----*- C -*-===*
 *
 * The microkernel behind `inception-microkernels`, built once per ISA level
 * with OpenMP (the library's own runtime, omp_runtime.c) and linked into
 * every model library that calls it.
 *
 * One image's convolution is the GEMM C[M][N] += A[M][K] B[K][N] with
 * M = output channels, N = output pixels (contiguous in NCHW), and
 * K = input channels x kernel rows x kernel columns:
 *
 * - A, the filter, was packed at compile time into panels of MR rows:
 *   packed[(m / MR) * K * MR + k * MR + m % MR], zero rows past M.
 * - B is the input's im2col, never built whole: each task packs a
 *   KC x NC block of it at a time, in NR-wide panels, straight from the
 *   input with the convolution's strides, dilations and zero padding.
 * - The MR x NR microkernel keeps its tile of C in vector registers:
 *   MR broadcasts of A and NR / VL vector loads of B per k, MR * NR / VL
 *   fused multiply-adds.
 *
 * Tasks are (image, block of output channels, block of NC pixels),
 * spread over the OpenMP threads of the caller's setting; results do not
 * depend on the thread count (each C element is summed in one order).
 *
 *===----------------------------------------------------------------------===*/

#include "ukernel_common.h"

/* dst[0:n] = src[0:n] for short n (a run of an output row): whole vectors,
   then one masked vector, inline, where a call to memcpy would cost more
   than the copy. */
static inline void copy_floats(float *restrict dst, const float *restrict src,
                               int64_t n) {
  int64_t j = 0;
  for (; j + VL <= n; j += VL)
    *(vf_unaligned *)(dst + j) = *(const vf_unaligned *)(src + j);
  if (j == n)
    return;
#if defined(__AVX512F__)
  __mmask16 mask = (__mmask16)((1u << (n - j)) - 1);
  _mm512_mask_storeu_ps(dst + j, mask, _mm512_maskz_loadu_ps(mask, src + j));
#elif defined(__AVX2__)
  __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - j)),
                                    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  _mm256_maskstore_ps(dst + j, mask, _mm256_maskload_ps(src + j, mask));
#else
  for (; j < n; ++j)
    dst[j] = src[j];
#endif
}

/* dst[j] = src[2 j] for j < n: the stride-2 convolutions' runs. With
   AVX-512, VL outputs at a time from two masked loads and one permute. */
static inline void copy_floats_stride2(float *restrict dst,
                                       const float *restrict src, int64_t n) {
  int64_t j = 0;
#if defined(__AVX512F__)
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                          20, 22, 24, 26, 28, 30);
  for (; j < n; j += VL) {
    int64_t count = n - j < VL ? n - j : VL;
    /* Reads src[2j .. 2j + 2 count - 2], no further. */
    int64_t reads = 2 * count - 1;
    __mmask16 low = (__mmask16)(reads >= 16 ? 0xffff : (1u << reads) - 1);
    __mmask16 high =
        (__mmask16)(reads <= 16 ? 0 : (1u << (reads - 16)) - 1);
    __m512 a = _mm512_maskz_loadu_ps(low, src + 2 * j);
    __m512 b = _mm512_maskz_loadu_ps(high, src + 2 * j + 16);
    __mmask16 out = (__mmask16)(count == 16 ? 0xffff : (1u << count) - 1);
    _mm512_mask_storeu_ps(dst + j, out, _mm512_permutex2var_ps(a, evens, b));
  }
#else
  for (; j < n; ++j)
    dst[j] = src[2 * j];
#endif
}

/* dst[0:n] = relu?(src[0:n]): whole vectors, then the rest. */
static inline void store_row(float *restrict dst, const float *restrict src,
                             int64_t n, int64_t relu) {
  int64_t j = 0;
  for (; j + VL <= n; j += VL) {
    vf x = *(const vf_unaligned *)(src + j);
    if (relu)
      x = __builtin_elementwise_max(x, (vf){0});
    *(vf_unaligned *)(dst + j) = x;
  }
  for (; j < n; ++j)
    dst[j] = relu && !(src[j] > 0.0f) ? 0.0f : src[j];
}

struct conv_geometry {
  int64_t channels, kernel_h, kernel_w;
  int64_t out_h, out_w;
  int64_t stride_h, stride_w, dilation_h, dilation_w;
  int64_t pad_top, pad_left;  /* zeros before the input's first row, column */
  int64_t in_h, in_w;         /* the input's extent, padding excluded */
  int64_t channel_stride, row_stride;
};

/* A panel's pixels as runs along output rows: pixels [column, column +
   length) of the panel are (out_y, out_x .. out_x + length - 1). */
struct pixel_run {
  int64_t column, length, out_y, out_x;
};

/* Whether B's rows lie in the input as they are: a 1x1, stride-1,
   unpadded convolution of a dense input, whose row k is channel k's
   plane. Full panels are then read in place, with no packing. */
static int reads_in_place(const struct conv_geometry *g) {
  return g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 &&
         g->stride_w == 1 && g->pad_top == 0 && g->pad_left == 0 &&
         g->in_w == g->out_w && g->row_stride == g->in_w;
}

/* Packs B[k0:k0+kc][n0:n0+nc] of one image into NR-wide panels
   (panel p holds kc rows of NR pixels). Reads outside the input are the
   convolution's zero padding, as are the columns past the last pixel.
   Pixels go run by run: a run of one output row reads one input row, with
   unit stride (a copy) when the convolution's stride is 1. */
static void pack_input(const struct conv_geometry *g, const float *input,
                       int64_t k0, int64_t kc, int64_t n0, int64_t nc,
                       int64_t first_panel, float *restrict packed) {
  int64_t window = g->kernel_h * g->kernel_w;
  /* Rows that lie in the input as they are: one copy per panel row,
     whatever the output's width. */
  int flat = reads_in_place(g);
  for (int64_t p = first_panel; flat && p * NR < nc; ++p) {
    int64_t valid = nc - p * NR < NR ? nc - p * NR : NR;
    float *dst = packed + p * kc * NR;
    for (int64_t kk = 0; kk < kc; ++kk) {
      float *row = dst + kk * NR;
      copy_floats(row, input + (k0 + kk) * g->channel_stride + n0 + p * NR,
                  valid);
      for (int64_t col = valid; col < NR; ++col)
        row[col] = 0.0f;
    }
  }
  for (int64_t p = first_panel; !flat && p * NR < nc; ++p) {
    struct pixel_run runs[NR];
    int64_t run_count = 0;
    int64_t valid = nc - p * NR < NR ? nc - p * NR : NR;
    for (int64_t col = 0; col < valid;) {
      int64_t n = n0 + p * NR + col;
      int64_t oy = n / g->out_w, ox = n % g->out_w;
      int64_t length = g->out_w - ox < valid - col ? g->out_w - ox : valid - col;
      runs[run_count++] = (struct pixel_run){col, length, oy, ox};
      col += length;
    }
    float *dst = packed + p * kc * NR;
    for (int64_t kk = 0; kk < kc; ++kk) {
      int64_t k = k0 + kk;
      int64_t c = k / window, r = k % window;
      int64_t dy = (r / g->kernel_w) * g->dilation_h - g->pad_top;
      int64_t dx = (r % g->kernel_w) * g->dilation_w - g->pad_left;
      const float *plane = input + c * g->channel_stride;
      float *row = dst + kk * NR;
      /* Zeros first (padding, columns past the last pixel), then each
         run's part inside the input over them. */
      for (int v = 0; v < NV; ++v)
        *(vf *)(row + v * VL) = (vf){0};
      for (int64_t q = 0; q < run_count; ++q) {
        const struct pixel_run *run = &runs[q];
        int64_t y = run->out_y * g->stride_h + dy;
        if (y < 0 || y >= g->in_h)
          continue;
        const float *src = plane + y * g->row_stride;
        float *out = row + run->column;
        /* Output pixels [lo, hi) of the run read inside the row. */
        int64_t x0 = run->out_x * g->stride_w + dx;
        if (g->stride_w == 1) {
          int64_t lo = x0 >= 0 ? 0 : -x0;
          int64_t hi = g->in_w - x0 < run->length ? g->in_w - x0 : run->length;
          if (lo < hi)
            copy_floats(out + lo, src + x0 + lo, hi - lo);
          continue;
        }
        int64_t lo = x0 >= 0 ? 0 : (-x0 + g->stride_w - 1) / g->stride_w;
        int64_t last = g->in_w - 1 - x0;
        int64_t hi = last < 0 ? 0 : last / g->stride_w + 1;
        if (hi > run->length)
          hi = run->length;
        if (g->stride_w == 2 && lo < hi)
          copy_floats_stride2(out + lo, src + x0 + 2 * lo, hi - lo);
        else
          for (int64_t j = lo; j < hi; ++j)
            out[j] = src[x0 + j * g->stride_w];
      }
    }
  }
}

/* Where output pixel n of a channel lies: oh * row_stride + ow. */
static int64_t pixel_offset(int64_t n, int64_t out_w, int64_t row_stride) {
  return (n / out_w) * row_stride + n % out_w;
}

/* output[b][m][pixel] = relu?(init + sum_k filter[m][k] * im2col(input[b])[k][pixel])
   where init is the output's own value (accumulate), else bias[m] (if
   any) plus residual[b][m][pixel] (if any), and im2col reads the input
   (in_h x in_w) zero-padded by pad_top rows and pad_left columns before it
   (and as many after as the output needs). Pixels have unit stride along a
   row. A task's packed im2col block and block of C (about 450 KB with kc
   96, nc 512) are the thread's scratch (ukernel_abi.h): not its stack,
   which an application's threads may keep small, and nothing allocated. */
void inception_uk_conv2d(const inception_uk_conv2d_params *params) {
  UNPACK_CONV2D_PARAMS(params);
  /* K per packed block: a kc x NR panel of B stays in L1 while the MR x
     kc panels of A stream past it. Pixels per task at most nc (NC_MAX
     bounds the offsets below). The task's block of C holds
     inception_uk_conv2d_block_floats. */
  int64_t kc_max = params->kc;
  int64_t nc_max = params->nc < NC_MAX ? params->nc : NC_MAX;
  int64_t block_floats = inception_uk_conv2d_block_floats(MR, nc_max);
  struct conv_geometry g = {in_channels, kernel_h,   kernel_w,   out_h,
                            out_w,       stride_h,   stride_w,   dilation_h,
                            dilation_w,  pad_top,    pad_left,   in_h,
                            in_w,        input_channel_stride, input_row_stride};
  int64_t m_total = out_channels, n_total = out_h * out_w;
  int64_t k_total = in_channels * kernel_h * kernel_w;
  /* Tasks: blocks of pixels by blocks of output channels. A task packs
     its pixels' im2col once for all its channels, so splitting the
     channels would pack the same pixels once per channel block: the pixel
     block is first narrowed (down to one panel) until the C block holds
     every output channel; more threads want two tasks each at least, made
     again by narrowing the pixel blocks first. */
  int64_t threads = omp_get_max_threads();
  int64_t wanted_tasks = threads > 1 ? 2 * threads : 1;
  int64_t n_panels = (n_total + NR - 1) / NR;
  int64_t m_panels = (m_total + MR - 1) / MR;
  int64_t nc_task = block_floats / (m_panels * MR) / NR * NR;
  int64_t nc_threads =
      (batch * n_panels + wanted_tasks - 1) / wanted_tasks * NR;
  if (nc_task > nc_threads)
    nc_task = nc_threads;
  if (nc_task > nc_max)
    nc_task = nc_max;
  if (nc_task < NR)
    nc_task = NR;
  int64_t n_blocks = (n_total + nc_task - 1) / nc_task;
  int64_t mc_capacity = block_floats / nc_task / MR; /* in panels */
  int64_t wanted = (wanted_tasks + batch * n_blocks - 1) / (batch * n_blocks);
  int64_t min_blocks = (m_panels + mc_capacity - 1) / mc_capacity;
  int64_t m_blocks = wanted < min_blocks ? min_blocks : wanted;
  if (m_blocks > m_panels)
    m_blocks = m_panels;
  int64_t mc_max = (m_panels + m_blocks - 1) / m_blocks * MR;
  m_blocks = (m_total + mc_max - 1) / mc_max;
  int64_t tasks = batch * m_blocks * n_blocks;

#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t task = 0; task < tasks; ++task) {
    float *packed =
        (float *)(scratch + (int64_t)omp_get_thread_num() * scratch_per_thread);
    /* The task's block of C, row stride nc_task, in L2 while K is summed. */
    float *block = packed + kc_max * nc_max;
    int64_t image = task / (m_blocks * n_blocks);
    int64_t rest = task % (m_blocks * n_blocks);
    int64_t m0 = (rest / n_blocks) * mc_max, n0 = (rest % n_blocks) * nc_task;
    int64_t mc = m_total - m0 < mc_max ? m_total - m0 : mc_max;
    int64_t nc = n_total - n0 < nc_task ? n_total - n0 : nc_task;
    const float *in = input + image * input_batch_stride;
    float *out = output + image * output_batch_stride;
    const float *res = residual ? residual + image * residual_batch_stride : 0;

    /* Outputs and residuals whose rows are dense (no padding columns)
       hold a block's pixels contiguously: no per-pixel offsets. */
    int out_dense = output_row_stride == out_w;
    int res_dense = residual_row_stride == out_w;
    int64_t out_offsets[NC_MAX], res_offsets[NC_MAX];
    for (int64_t j = 0; accumulate && !out_dense && j < nc; ++j)
      out_offsets[j] = pixel_offset(n0 + j, out_w, output_row_stride);
    for (int64_t j = 0; res && !res_dense && j < nc; ++j)
      res_offsets[j] = pixel_offset(n0 + j, out_w, residual_row_stride);
    for (int64_t i = 0; i < mc; ++i) {
      float *row = block + i * nc_task;
      int64_t m = m0 + i;
      if (accumulate) {
        const float *src = out + m * output_channel_stride;
        if (out_dense)
          copy_floats(row, src + n0, nc);
        else
          for (int64_t j = 0; j < nc; ++j)
            row[j] = src[out_offsets[j]];
        continue;
      }
      float b = bias ? bias[m] : 0.0f;
      for (int64_t j = 0; j < nc; ++j)
        row[j] = b;
      if (res) {
        const float *src = res + m * residual_channel_stride;
        if (res_dense)
          for (int64_t j = 0; j < nc; ++j)
            row[j] += src[n0 + j];
        else
          for (int64_t j = 0; j < nc; ++j)
            row[j] += src[res_offsets[j]];
      }
    }
    /* With a dense output, the last K block stores full panels straight
       into it; the block keeps only what is left: a partial last panel. */
    int64_t direct_columns = out_dense ? nc / NR * NR : 0;
    int64_t in_place_panels = reads_in_place(&g) ? nc / NR : 0;
    for (int64_t k0 = 0; k0 < k_total; k0 += kc_max) {
      int64_t kc = k_total - k0 < kc_max ? k_total - k0 : kc_max;
      int last = k0 + kc == k_total;
      pack_input(&g, in, k0, kc, n0, nc, in_place_panels, packed);
      /* One panel of B against every panel of A: the B panel stays in
         cache while the task's A panels stream past it. Rows past mc hold
         garbage that is never stored. */
      for (int64_t p = 0; p * NR < nc; ++p) {
        int in_place = p < in_place_panels;
        const float *b = in_place ? in + k0 * input_channel_stride + n0 + p * NR
                                  : packed + p * kc * NR;
        int64_t ldb = in_place ? input_channel_stride : NR;
        for (int64_t i = 0; i < mc; i += MR) {
          const float *a = filter + ((m0 + i) / MR) * k_total * MR + k0 * MR;
          float *dst = last && p * NR < direct_columns
                           ? out + (m0 + i) * output_channel_stride + n0 +
                                 p * NR
                           : 0;
          microkernel(kc, a, b, ldb, block + i * nc_task + p * NR, nc_task, 1, dst,
                      output_channel_stride, mc - i, relu, nc - p * NR);
        }
      }
    }
    /* The rest of the block goes out run by run: pixels of one output row
       are contiguous there. */
    for (int64_t j = direct_columns; j < nc;) {
      int64_t x = (n0 + j) % out_w;
      int64_t length = out_w - x < nc - j ? out_w - x : nc - j;
      int64_t offset = pixel_offset(n0 + j, out_w, output_row_stride);
      for (int64_t i = 0; i < mc; ++i)
        store_row(out + (m0 + i) * output_channel_stride + offset,
                  block + i * nc_task + j, length, relu);
      j += length;
    }
  }
}
