/*===- ukernel_common.h - What the CPU microkernels share ---------*- C -*-===*
 *
 * The blocking macros (-DINCEPTION_UK_* from the compiler, defaults from
 * ukernel_abi.h), vectors of VL floats, and the declarations of the tiles
 * the compiler generates in the vector dialect for the model
 * (passes/Codegen/CPU/VectorKernels.cpp). Every kernel file includes it, so
 * that each compiles on its own; in a model library the headers are pasted
 * before the kernels, which then skip their includes.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_UKERNEL_COMMON_H
#define INCEPTION_UKERNEL_COMMON_H

#include <stdint.h>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif
#ifndef INCEPTION_UKERNEL_ABI_H
#include "ukernel_abi.h"
#endif

int omp_get_max_threads(void);
int omp_get_thread_num(void);

#ifndef INCEPTION_UK_MR
#define INCEPTION_UK_MR INCEPTION_UK_DEFAULT_MR
#endif
#ifndef INCEPTION_UK_NR
#define INCEPTION_UK_NR INCEPTION_UK_DEFAULT_NR
#endif
/* The blocking inceptionc derives from the target's caches. */
#ifndef INCEPTION_UK_KC
#define INCEPTION_UK_KC INCEPTION_UK_DEFAULT_KC
#endif
#ifndef INCEPTION_UK_NC
#define INCEPTION_UK_NC (INCEPTION_UK_NR * INCEPTION_UK_DEFAULT_NC_PANELS)
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
  /* K per packed block: a KC x NR panel of B stays in L1 while the MR x
     KC panels of A stream past it. */
  KC = INCEPTION_UK_KC,
  /* Pixels per task: the KC x NC block of B and the task's block of C
     live in L2. */
  NC = INCEPTION_UK_NC,
  /* The task's block of C: 126 x NC floats with the 6-row tile
     (inception_uk_conv2d_block_floats). */
  BLOCK_FLOATS = 128 / MR * MR * NC,
};

_Static_assert(NR % VL == 0 && NR / VL <= 4,
               "NR must be 1 to 4 vectors of VL floats");
_Static_assert(NC % NR == 0, "NC must be a multiple of NR");

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

/* Winograd F(4x4, 3x3) on NCHW or, with `blocked`, blocked activations
   (winograd.c); inception_uk_winograd3x3 and _blocked call it. */
void inception_uk_winograd3x3_any(
    int blocked, intptr_t input_ptr, int64_t input_batch_stride,
    int64_t input_channel_stride, int64_t input_row_stride,
    intptr_t transformed_filter_ptr, intptr_t bias_ptr, intptr_t residual_ptr,
    int64_t residual_batch_stride, int64_t residual_channel_stride,
    int64_t residual_row_stride, intptr_t output_ptr,
    int64_t output_batch_stride, int64_t output_channel_stride,
    int64_t output_row_stride, int64_t relu, int64_t batch,
    int64_t out_channels, int64_t in_channels, int64_t in_h, int64_t in_w,
    int64_t out_h, int64_t out_w, int64_t pad_top, int64_t pad_left,
    intptr_t scratch_ptr, int64_t scratch_per_thread)
    __attribute__((visibility("hidden")));

#endif /* INCEPTION_UKERNEL_COMMON_H */
