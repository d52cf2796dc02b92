/*===- large_alloc.h - Large buffers in huge pages --------------*- C -*-===*
 *
 * The runtime's two large allocations, a context's workspace and a weights
 * arena bound at load, are read many times over by every run: a layer's
 * input once per group of output channels, its filter once per block of
 * pixels. In 4 KB pages their TLB misses are a share of every memory-bound
 * layer (under a hypervisor each costs a two-level walk): Xception's
 * depthwise layers took 8.4 ms of a run in a 4 KB-page workspace and
 * 7.1 ms in 2 MB pages (bench/README.md). The kernel gives huge pages to
 * anonymous memory that asks for them (transparent_hugepage "madvise",
 * Debian's default) or to all of it ("always"); where it gives none the
 * request is a no-op.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INCEPTION_RUNTIME_LARGE_ALLOC_H
#define INCEPTION_RUNTIME_LARGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

enum { INCEPTION_HUGE_PAGE = 2 << 20 };

/* At least `size` bytes aligned to `alignment` (a power of two), freed
   with free(); *rounded gets how many. From two huge pages on, aligned
   and rounded to whole huge pages, which the kernel is asked for. */
static inline void *inception_allocate_large(size_t size, size_t alignment,
                                             size_t *rounded) {
  if (size >= 2 * (size_t)INCEPTION_HUGE_PAGE &&
      alignment < INCEPTION_HUGE_PAGE)
    alignment = INCEPTION_HUGE_PAGE;
  /* aligned_alloc wants a multiple of the alignment, at least one. */
  *rounded = (size + alignment - 1) / alignment * alignment;
  if (!*rounded)
    *rounded = alignment;
  void *memory = aligned_alloc(alignment, *rounded);
  if (memory && alignment >= INCEPTION_HUGE_PAGE)
    madvise(memory, *rounded, MADV_HUGEPAGE);
  return memory;
}

#endif /* INCEPTION_RUNTIME_LARGE_ALLOC_H */
