/*===- ukernel_abi.h - What the compiler and the microkernels share -*- C -*-===*
 *
 * The microkernels in this folder are compiled when the project is built,
 * once per ISA level (runtime/ukernels/CMakeLists.txt), together with the
 * register tiles they call, into one object that the compiler links into
 * every model library for that level. Each kernel takes one argument, a
 * pointer to its parameter struct; ukernel_params.def lists every struct's
 * fields once, and this header expands it into the structs and the
 * kernels' prototypes. The compiler's side (passes/Codegen/CPU/
 * KernelCalls.h, compiler/Target.cpp) includes this header as well, so
 * that the parameters, the blocking's defaults and the scratch memory each
 * kernel takes are defined once, here.
 *
 * Scratch: a kernel that needs memory of its own for a task (packed
 * blocks, Winograd's transforms) takes `scratch` and `scratch_per_thread`.
 * Thread t of the run's OpenMP team uses the scratch_per_thread bytes at
 * scratch + t * scratch_per_thread; the compiler plans that region at the
 * end of the caller's workspace, sized for the run's thread count, so that
 * a run allocates nothing.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_UKERNEL_ABI_H
#define INCEPTION_UKERNEL_ABI_H

#include <stdint.h>

/* Every parameter is one 8-byte slot (ukernel_params.def). */
#ifdef __cplusplus
static_assert(sizeof(void *) == 8, "the microkernels' ABI is for 64-bit targets");
#else
_Static_assert(sizeof(void *) == 8, "the microkernels' ABI is for 64-bit targets");
#endif

#define INCEPTION_UK_PARAMS(params) typedef struct inception_uk_##params##_params {
#define INCEPTION_UK_POINTER(params, type, name) type *name;
#define INCEPTION_UK_INTEGER(params, name) int64_t name;
#define INCEPTION_UK_REAL(params, name) double name;
#define INCEPTION_UK_PARAMS_END(params) } inception_uk_##params##_params;
#include "ukernel_params.def"

/* Hidden: each library keeps its own kernels, built for its ISA level. */
#ifdef __cplusplus
extern "C" {
#endif
#define INCEPTION_UK_KERNEL(kernel, params)                                    \
  __attribute__((visibility("hidden"))) void inception_uk_##kernel(            \
      const inception_uk_##params##_params *p);
#include "ukernel_params.def"
#ifdef __cplusplus
}
#endif

/* The register tile of a kernel file compiled without -D options, and the
   blocking and caches assumed where the target's are unknown. */
#define INCEPTION_UK_DEFAULT_MR 6
#define INCEPTION_UK_DEFAULT_NR 16
#define INCEPTION_UK_DEFAULT_KC 256
#define INCEPTION_UK_DEFAULT_NC_PANELS 8
/* nc is at most this many panels of nr pixels (compiler/Target.cpp). */
#define INCEPTION_UK_MAX_NC_PANELS 8
#define INCEPTION_UK_DEFAULT_L1 (48 * 1024)
#define INCEPTION_UK_DEFAULT_L2 (2 * 1024 * 1024)

/* Every thread's scratch starts on this boundary. */
#define INCEPTION_UK_SCRATCH_ALIGNMENT 64

static inline int64_t inception_uk_round_up(int64_t n, int64_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

/* inception_uk_conv2d's task block of C: 126 x nc floats with the 6-row
   tile (128 rows in whole panels of mr). */
static inline int64_t inception_uk_conv2d_block_floats(int64_t mr, int64_t nc) {
  return 128 / mr * mr * nc;
}

/* inception_uk_conv2d, per thread: the packed kc x nc block of the im2col,
   then the task's block of C. */
static inline int64_t inception_uk_conv2d_scratch(int64_t mr, int64_t kc,
                                                  int64_t nc) {
  return inception_uk_round_up(
      (kc * nc + inception_uk_conv2d_block_floats(mr, nc)) * (int64_t)sizeof(float),
      INCEPTION_UK_SCRATCH_ALIGNMENT);
}

/* The Winograd kernels' transform positions: 36 for F(4x4, 3x3)
   (inception_uk_winograd3x3[_blocked]); for the one-dimensional
   inception_uk_winograd1d_blocked, F(4, 7) of 1x7 and 7x1 convolutions,
   10 positions for 4 outputs along the kernel's axis. Other tap counts: 0
   (no one-dimensional kernel). */
enum { INCEPTION_UK_WINOGRAD3X3_POSITIONS = 36 };
static inline int64_t inception_uk_winograd1d_positions(int64_t taps) {
  return taps == 7 ? 10 : 0;
}
static inline int64_t inception_uk_winograd1d_outputs(int64_t taps) {
  return taps == 7 ? 4 : 0;
}

/* The bytes of V and M for one panel of mr tiles (`positions` transform
   positions, every input channel, and one panel of nr output channels: a
   task runs the GEMMs of one output panel at a time and transforms it
   back before the next). */
static inline int64_t inception_uk_winograd_panel_bytes(int64_t positions,
                                                        int64_t mr, int64_t nr,
                                                        int64_t in_channels) {
  return positions * mr * (in_channels + nr) * (int64_t)sizeof(float);
}

/* The bytes of V and M a Winograd task may take: three quarters of L2,
   the rest for the panel of U it streams and the output it writes. */
static inline int64_t inception_uk_winograd_budget(int64_t l2) {
  return l2 * 3 / 4;
}

/* Panels of tiles per Winograd task, at most: as many as the budget holds
   (each panel of U is read once per task and feeds mr multiply-adds per
   float per panel of tiles), 1 to 8. */
static inline int64_t inception_uk_winograd_chunk_panels(int64_t l2,
                                                         int64_t panel_bytes) {
  int64_t panels = inception_uk_winograd_budget(l2) / panel_bytes;
  return panels < 1 ? 1 : panels > 8 ? 8 : panels;
}

/* inception_uk_winograd3x3_blocked_untransformed computes U from the blocked
   3x3 filter as it goes, one output panel and this many input channels at
   a time, into the thread's scratch after V and M: 36 positions of
   chunk x nr floats, each position's run 16 floats longer than a power of
   two would make it (36 stores to the same L1 set otherwise). */
enum { INCEPTION_UK_WINOGRAD_FILTER_CHUNK = 32 };
static inline int64_t inception_uk_winograd_filter_chunk_stride(int64_t nr) {
  return INCEPTION_UK_WINOGRAD_FILTER_CHUNK * nr + 16;
}
static inline int64_t inception_uk_winograd_filter_chunk_bytes(int64_t nr) {
  return inception_uk_round_up(INCEPTION_UK_WINOGRAD3X3_POSITIONS *
                                   inception_uk_winograd_filter_chunk_stride(nr) *
                                   (int64_t)sizeof(float),
                               INCEPTION_UK_SCRATCH_ALIGNMENT);
}

/* A Winograd kernel's scratch per thread: V and M of the largest task. */
static inline int64_t inception_uk_winograd_scratch(int64_t positions,
                                                    int64_t mr, int64_t nr,
                                                    int64_t l2,
                                                    int64_t in_channels) {
  int64_t panel =
      inception_uk_winograd_panel_bytes(positions, mr, nr, in_channels);
  return inception_uk_round_up(
      inception_uk_winograd_chunk_panels(l2, panel) * panel,
      INCEPTION_UK_SCRATCH_ALIGNMENT);
}

/* The untransformed kernel's scratch per thread: V and M as above, then
   the chunk of U it transforms into. */
static inline int64_t
inception_uk_winograd_untransformed_scratch(int64_t mr, int64_t nr, int64_t l2,
                                            int64_t in_channels) {
  return inception_uk_winograd_scratch(INCEPTION_UK_WINOGRAD3X3_POSITIONS, mr,
                                       nr, l2, in_channels) +
         inception_uk_winograd_filter_chunk_bytes(nr);
}

#endif /* INCEPTION_UKERNEL_ABI_H */
