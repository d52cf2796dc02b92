/*===- ukernel_common.h - What the CPU microkernels share ---------*- C -*-===*
 *
 * The register tile of the ISA level being built (-DINCEPTION_UK_MR, _NR,
 * _VL, runtime/ukernels/CMakeLists.txt), vectors of VL floats, and the
 * declarations of the tiles generated in the vector dialect
 * (passes/Codegen/CPU/VectorKernels.cpp) that the kernels call. Every
 * kernel file includes it and compiles on its own.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_UKERNEL_COMMON_H
#define INCEPTION_UKERNEL_COMMON_H

#include <stdint.h>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif
#include "ukernel_abi.h"

int omp_get_max_threads(void);
int omp_get_thread_num(void);
int omp_get_num_threads(void);

/* The calling thread's contiguous share [*begin, *end) of `count` items
   inside a parallel region. The blocked kernels give every layer's rows
   or pixels out this way, so that a thread reads back what it wrote. */
static inline void uk_thread_share(int64_t count, int64_t *begin,
                                   int64_t *end) {
  int64_t thread = omp_get_thread_num(), threads = omp_get_num_threads();
  *begin = count * thread / threads;
  *end = count * (thread + 1) / threads;
}

/* Sets this thread's share of the border of a padded input to `value`:
   of its batch x in_h rows (images, then rows, in order, as the kernels
   share their pixels), the whole of those above and below the interior,
   the left and right columns of the others; every block (`blocks` of
   `lanes` floats a pixel). The input is the compiler's padded buffer,
   which the layer before wrote only the interior of: the fill moved into
   its reader, whose threads then read their own rows' border from their
   own caches, without a parallel region of its own. The caller waits at a
   barrier before any thread reads the input. */
static inline void uk_fill_border(const float *input, int64_t batch_stride,
                                  int64_t block_stride, int64_t row_stride,
                                  int64_t batch, int64_t blocks, int64_t lanes,
                                  int64_t in_h, int64_t in_w, int64_t top,
                                  int64_t bottom, int64_t left, int64_t right,
                                  double value) {
  if (!(top | bottom | left | right))
    return;
  float *padded = (float *)input, fill = (float)value;
  int64_t begin, end;
  uk_thread_share(batch * in_h, &begin, &end);
  for (int64_t row = begin; row < end; ++row) {
    int64_t y = row % in_h, whole = y < top || y >= in_h - bottom;
    for (int64_t block = 0; block < blocks; ++block) {
      float *line = padded + row / in_h * batch_stride + block * block_stride +
                    y * row_stride;
      int64_t first = whole ? in_w : left;
      for (int64_t i = 0; i < first * lanes; ++i)
        line[i] = fill;
      for (int64_t i = whole ? in_w * lanes : (in_w - right) * lanes;
           i < in_w * lanes; ++i)
        line[i] = fill;
    }
  }
}

/* Whether a kernel's params ask it to fill its input's border, and the
   fill of this thread's share (conv2d and pool2d params alike). */
#define UK_FILLS_BORDER(p)                                                     \
  ((p)->border_top | (p)->border_bottom | (p)->border_left | (p)->border_right)
#define UK_FILL_BORDER(p, blocks, lanes)                                       \
  uk_fill_border((p)->input, (p)->input_batch_stride,                          \
                 (p)->input_channel_stride, (p)->input_row_stride, (p)->batch, \
                 blocks, lanes, (p)->in_h, (p)->in_w, (p)->border_top,         \
                 (p)->border_bottom, (p)->border_left, (p)->border_right,      \
                 (p)->border_value)

#ifndef INCEPTION_UK_MR
#define INCEPTION_UK_MR INCEPTION_UK_DEFAULT_MR
#endif
#ifndef INCEPTION_UK_NR
#define INCEPTION_UK_NR INCEPTION_UK_DEFAULT_NR
#endif

/* Floats per vector register, as inceptionc generated the vector kernels
   for (passes/Codegen/CPU/VectorKernels.cpp), which all of runtime/ukernels/
   calls: <name>_v<VL>. */
#ifndef INCEPTION_UK_VL
#error "compile with -DINCEPTION_UK_VL=<floats per vector register> (inceptionc does)"
#endif
#if defined(__AVX512F__) && INCEPTION_UK_VL != 16
#error "AVX-512 code expects INCEPTION_UK_VL=16"
#endif
#define UK_WITH_VL_EXPANDED(stem, vl) stem##v##vl
#define UK_WITH_VL(stem, vl) UK_WITH_VL_EXPANDED(stem, vl)
#define UK_VECTOR_KERNEL(stem) UK_WITH_VL(stem, INCEPTION_UK_VL)
/* The row kernels (depthwise.c, pool2d.c): stem<n>v<VL> takes up to n
   vectors of outputs, n = 1 .. 4; indexed by (outputs - 1) / VL. */
enum { ROW_PIXELS = 4 * INCEPTION_UK_VL };
#define ROW_KERNELS(stem)                                                      \
  {UK_VECTOR_KERNEL(stem##1), UK_VECTOR_KERNEL(stem##2),                       \
   UK_VECTOR_KERNEL(stem##3), UK_VECTOR_KERNEL(stem##4)}

enum {
  MR = INCEPTION_UK_MR,
  NR = INCEPTION_UK_NR,
  VL = INCEPTION_UK_VL,
  NV = NR / VL,
  /* The most pixels per task the compiler chooses (nc, a parameter: the
     kc x nc block of B and the task's block of C live in L2). */
  NC_MAX = INCEPTION_UK_MAX_NC_PANELS * NR,
};

_Static_assert(NR % VL == 0 && NR / VL <= 4,
               "NR must be 1 to 4 vectors of VL floats");

typedef float vf __attribute__((vector_size(VL * sizeof(float))));
typedef float vf_unaligned
    __attribute__((vector_size(VL * sizeof(float)), aligned(sizeof(float))));

/* The register tiles, MR x nv VL for nv = 1 .. NV, are not written here:
   inceptionc generates them in the vector dialect (`inception-microkernels` defines
   them, passes/Codegen/CPU/VectorKernels.cpp) and compiles them with the
   model. Each computes
     C[0:MR][0:nv VL] (row stride ldc) += A-panel (kc x MR) * B-panel
   (kc x nv VL, row stride ldb), or = when not `accumulate` (C is then only
   written). With a destination, the tile goes there instead of back to C,
   ReLU applied if asked, its first `rows` rows only (rows past M are
   padding): the last K block writes the result straight to the output, so
   that C is not stored and read back once more. Hidden here, hidden in the
   library: the symbol stays inside it. */
typedef void gemm_tile(int64_t kc, const float *a, const float *b, int64_t ldb,
                       float *c, int64_t ldc, int64_t accumulate, float *dst,
                       int64_t ldd, int64_t rows, int64_t relu);
#define GEMM_STEM_EXPANDED(mr, nv) inception_uk_gemm_##mr##x##nv
#define GEMM_STEM(mr, nv) GEMM_STEM_EXPANDED(mr, nv)
#define GEMM_TILE(nv) UK_VECTOR_KERNEL(GEMM_STEM(INCEPTION_UK_MR, nv))
__attribute__((visibility("hidden"))) gemm_tile GEMM_TILE(1);
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 2
__attribute__((visibility("hidden"))) gemm_tile GEMM_TILE(2);
#endif
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 3
__attribute__((visibility("hidden"))) gemm_tile GEMM_TILE(3);
#endif
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 4
__attribute__((visibility("hidden"))) gemm_tile GEMM_TILE(4);
#endif

/* The tile for the first `columns` columns of the panel: a partial last
   panel of pixels (289 = 4 x 64 + 33) uses fewer vectors. */
static inline void microkernel(int64_t kc, const float *a, const float *b,
                               int64_t ldb, float *c, int64_t ldc,
                               int64_t accumulate, float *dst, int64_t ldd,
                               int64_t rows, int64_t relu, int64_t columns) {
  static gemm_tile *const tiles[4] = {
      GEMM_TILE(1),
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 2
      GEMM_TILE(2),
#endif
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 3
      GEMM_TILE(3),
#endif
#if INCEPTION_UK_NR / INCEPTION_UK_VL >= 4
      GEMM_TILE(4),
#endif
  };
  int64_t nv = (columns + VL - 1) / VL;
  tiles[(nv < NV ? nv : NV) - 1](kc, a, b, ldb, c, ldc, accumulate, dst, ldd,
                                 rows, relu);
}

/* The fields of a convolution's parameters as locals of the same names,
   for every convolution kernel (blocked_conv.c derives its block counts
   from them); each reads its share. */
#define UK_UNUSED __attribute__((unused))
#define UNPACK_CONV2D_PARAMS(params)                                           \
  UK_UNUSED const float *input = params->input, *filter = params->filter,      \
                        *bias = params->bias, *residual = params->residual;    \
  UK_UNUSED float *output = params->output;                                    \
  UK_UNUSED int64_t input_batch_stride = params->input_batch_stride,           \
                    input_channel_stride = params->input_channel_stride,       \
                    input_row_stride = params->input_row_stride;               \
  UK_UNUSED int64_t residual_batch_stride = params->residual_batch_stride,     \
                    residual_channel_stride = params->residual_channel_stride, \
                    residual_row_stride = params->residual_row_stride;         \
  UK_UNUSED int64_t output_batch_stride = params->output_batch_stride,         \
                    output_channel_stride = params->output_channel_stride,     \
                    output_row_stride = params->output_row_stride;             \
  UK_UNUSED int64_t accumulate = params->accumulate, relu = params->relu,      \
                    batch = params->batch;                                     \
  UK_UNUSED int64_t in_channels = params->in_channels,                         \
                    out_channels = params->out_channels;                       \
  UK_UNUSED int64_t in_h = params->in_h, in_w = params->in_w,                  \
                    kernel_h = params->kernel_h, kernel_w = params->kernel_w,  \
                    out_h = params->out_h, out_w = params->out_w;              \
  UK_UNUSED int64_t stride_h = params->stride_h, stride_w = params->stride_w,  \
                    dilation_h = params->dilation_h,                           \
                    dilation_w = params->dilation_w,                           \
                    pad_top = params->pad_top, pad_left = params->pad_left;    \
  UK_UNUSED char *scratch = params->scratch;                                   \
  UK_UNUSED int64_t scratch_per_thread = params->scratch_per_thread

/* Winograd F(4x4, 3x3) on NCHW or, with `blocked`, blocked activations
   (winograd.c), its filter U or, `untransformed` (blocked only), the
   blocked 3x3 filter; inception_uk_winograd3x3, _blocked and
   _blocked_untransformed call it. */
__attribute__((visibility("hidden"))) void
inception_uk_winograd3x3_any(int blocked, int untransformed,
                             const inception_uk_conv2d_params *params);

#endif /* INCEPTION_UKERNEL_COMMON_H */
