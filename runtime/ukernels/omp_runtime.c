/*===- omp_runtime.c - The library's own OpenMP runtime ------------*- C -*-===*
 *
 * A model library's parallel loops (MLIR's OpenMP dialect, lowered by
 * LLVM's OpenMPIRBuilder) and its microkernels (`#pragma omp parallel
 * for`) call twelve entry points of LLVM's OpenMP runtime ABI. Debian's
 * libomp allocates on every parallel region and worksharing loop (about
 * 800 mallocs per GoogLeNet run at one thread, 4,200 at two), so each
 * library carries this implementation instead, hidden inside it: a pool of
 * worker threads created on the first run that needs them, then reused,
 * with nothing allocated per region.
 *
 * - A parallel region (__kmpc_fork_call) runs its outlined function on a
 *   team of omp_get_max_threads() threads: the caller as thread 0 and
 *   that many - 1 workers, which spin for the next region for libomp's
 *   block time (KMP_BLOCKTIME, 200 ms) before they sleep (a futex). A region entered while the pool serves another
 *   (a second application thread, or a nested region) runs on its caller
 *   alone: results never depend on the thread count.
 * - Worksharing loops: static schedules (chunked or not) are computed per
 *   thread; dynamic and guided ones give each thread a run of adjacent
 *   chunks that the others steal from when theirs is done (a shared
 *   counter for monotonic ones).
 * - The thread count is per calling thread, as OpenMP's nthreads-var:
 *   OMP_NUM_THREADS, else the CPUs this process may run on.
 *
 * Linux only (futexes); every symbol is hidden.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HIDDEN __attribute__((visibility("hidden")))

/* What the OpenMP ABI passes that this runtime does not read. */
typedef struct ident ident_t;
typedef void (*microtask_t)(int32_t *gtid, int32_t *btid, ...);

enum {
  /* The most threads a team has, and the most arguments a region's
     outlined function takes: clang passes each captured variable (the
     kernels' regions take up to 37; CheckForkArguments.cmake fails the
     build past 64), MLIR's OpenMP lowering one structure. */
  MAX_THREADS = 256,
  MAX_ARGS = 64,
  /* A waiting thread yields its core every this many spins, as libomp
     does (a team larger than the machine still progresses, and a thread
     computing beside a spinning one runs faster), and checks the clock
     every SPINS_PER_CLOCK. */
  SPINS_PER_YIELD = 1 << 8,
  SPINS_PER_CLOCK = 1 << 12,
  /* Dynamic loops in flight in one region at once (nowait loops). */
  DISPATCH_SLOTS = 4,
  /* kmp_sched_t values: static chunked, static, the modifier bits. */
  SCHED_STATIC_CHUNKED = 33,
  SCHED_STATIC = 34,
  SCHED_MONOTONIC = 1 << 29,
  SCHED_MODIFIERS = (1 << 29) | (1 << 30),
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* A word threads wait on to change, on a cache line of its own, with the
   count of those asleep on it: a change wakes them with a system call
   only when there are any (a model runs hundreds of regions a run, each a
   few changes). */
struct event {
  _Alignas(64) int value;
  int sleepers;
};

/* After a change of the value: wakes those asleep on it, if any. */
static void event_wake(struct event *event) {
  if (__atomic_load_n(&event->sleepers, __ATOMIC_SEQ_CST))
    syscall(SYS_futex, &event->value, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL,
            0);
}

static void event_set(struct event *event, int value) {
  __atomic_store_n(&event->value, value, __ATOMIC_SEQ_CST);
  event_wake(event);
}

static void event_add(struct event *event, int delta) {
  __atomic_add_fetch(&event->value, delta, __ATOMIC_SEQ_CST);
  event_wake(event);
}

static int event_get(struct event *event) {
  return __atomic_load_n(&event->value, __ATOMIC_ACQUIRE);
}

static void event_sleep(struct event *event, int value) {
  __atomic_add_fetch(&event->sleepers, 1, __ATOMIC_SEQ_CST);
  while (__atomic_load_n(&event->value, __ATOMIC_SEQ_CST) == value)
    syscall(SYS_futex, &event->value, FUTEX_WAIT_PRIVATE, value, NULL, NULL,
            0);
  __atomic_sub_fetch(&event->sleepers, 1, __ATOMIC_SEQ_CST);
}


/* One dynamic loop's shared state: `next` is the first iteration (counted
   from 0) not yet handed out. `instance` says which loop of the region
   the slot serves; the first thread to reach the loop fills it. */
struct dispatch_slot {
  int64_t instance;
  uint64_t lower;
  int64_t stride, chunk, trip_count;
  /* Monotonic loops: the first chunk (counted in iterations) not yet
     handed out. */
  int64_t next;
  /* Otherwise (OpenMP's default for dynamic schedules): each thread's own
     run of chunks, [first, end) packed as end << 32 | first, which it
     takes from the front and the others steal from the back, so that a
     thread's chunks are mostly adjacent, as libomp's static_steal. */
  int steal;
  int ready;
};

/* A thread's run of chunks, on a cache line of its own. */
struct chunk_run {
  _Alignas(64) uint64_t run;
};

struct pool {
  /* Taken by the thread whose region the workers run. */
  int busy;
  int stopping;
  /* Bumped to start a region (workers wait on it), and to stop. */
  struct event generation;
  /* The region: its function, arguments, team size. */
  microtask_t task;
  int32_t argc;
  void *args[MAX_ARGS];
  int team_size;
  /* Workers yet to finish the region (the caller waits on it). */
  struct event pending;
  /* The team barrier: arrivals, and its sense (bumped per episode). */
  _Alignas(64) int barrier_count;
  struct event barrier_sense;
  /* Dynamic loops of the region, by instance modulo DISPATCH_SLOTS. */
  struct dispatch_slot slots[DISPATCH_SLOTS];
  struct chunk_run runs[DISPATCH_SLOTS][MAX_THREADS];
  int worker_count;
  pthread_t workers[MAX_THREADS];
  pthread_mutex_t grow;
};

static struct pool pool = {.grow = PTHREAD_MUTEX_INITIALIZER};

static int64_t now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (int64_t)time.tv_sec * 1000000000 + time.tv_nsec;
}

/* How long a waiting thread spins before it sleeps: KMP_BLOCKTIME
   milliseconds, as libomp reads it, else libomp's default of 200. A
   thread woken from a futex costs tens of microseconds (more in a virtual
   machine), a region a model runs every few hundred. */
static int64_t spin_ns(void) {
  static int64_t cached = -1;
  int64_t value = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (value >= 0)
    return value;
  const char *env = getenv("KMP_BLOCKTIME");
  long ms = env ? strtol(env, NULL, 10) : 200;
  value = (ms < 0 ? 200 : ms) * 1000000;
  __atomic_store_n(&cached, value, __ATOMIC_RELAXED);
  return value;
}

/* Waits until the event's value differs from `value`: spinning for the
   block time, yielding now and then, then sleeping. */
static void wait_while_equal(struct event *event, int value) {
  int64_t deadline = 0;
  for (unsigned spin = 1;; ++spin) {
    if (event_get(event) != value)
      return;
    cpu_relax();
    if (spin % SPINS_PER_YIELD)
      continue;
    sched_yield();
    if (spin % SPINS_PER_CLOCK)
      continue;
    int64_t now = now_ns();
    if (!deadline)
      deadline = now + spin_ns();
    else if (now >= deadline)
      break;
  }
  event_sleep(event, value);
}

/* Per thread: its index in the team it runs for (-1 outside one) and that
   team's size (1 for a region run alone), the dynamic loops it has
   started in this region, and its nthreads-var (0: the default). */
static __thread int team_index = -1;
static __thread int team_members = 1;
static __thread int64_t dispatch_instance;
static __thread int thread_count_setting;

/* The CPUs this process may run on. */
static int cpu_count(void) {
  static int count;
  int cached = __atomic_load_n(&count, __ATOMIC_RELAXED);
  if (cached)
    return cached;
  cpu_set_t cpus;
  int value = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus)
                                                            : 1;
  value = value < 1 ? 1 : value;
  __atomic_store_n(&count, value, __ATOMIC_RELAXED);
  return value;
}

static int default_thread_count(void) {
  static int count;
  int cached = __atomic_load_n(&count, __ATOMIC_RELAXED);
  if (cached)
    return cached;
  const char *env = getenv("OMP_NUM_THREADS");
  long value = env ? strtol(env, NULL, 10) : 0;
  if (value <= 0)
    value = cpu_count();
  if (value > MAX_THREADS)
    value = MAX_THREADS;
  __atomic_store_n(&count, (int)value, __ATOMIC_RELAXED);
  return (int)value;
}

HIDDEN int omp_get_max_threads(void) {
  return thread_count_setting > 0 ? thread_count_setting
                                  : default_thread_count();
}

HIDDEN void omp_set_num_threads(int count) {
  thread_count_setting = count < 1 ? 1 : count > MAX_THREADS ? MAX_THREADS
                                                             : count;
}

HIDDEN int omp_get_thread_num(void) { return team_index < 0 ? 0 : team_index; }

HIDDEN int omp_get_num_threads(void) { return team_members; }

HIDDEN int32_t __kmpc_global_thread_num(ident_t *loc) {
  (void)loc;
  return omp_get_thread_num();
}

/* Calls the region's function with its arguments: the ABI passes them as
   variadic arguments, so each count is its own call. */
#define A(i) args[i]
#define ARGS_1 A(0)
#define ARGS_2 ARGS_1, A(1)
#define ARGS_3 ARGS_2, A(2)
#define ARGS_4 ARGS_3, A(3)
#define ARGS_5 ARGS_4, A(4)
#define ARGS_6 ARGS_5, A(5)
#define ARGS_7 ARGS_6, A(6)
#define ARGS_8 ARGS_7, A(7)
#define ARGS_9 ARGS_8, A(8)
#define ARGS_10 ARGS_9, A(9)
#define ARGS_11 ARGS_10, A(10)
#define ARGS_12 ARGS_11, A(11)
#define ARGS_13 ARGS_12, A(12)
#define ARGS_14 ARGS_13, A(13)
#define ARGS_15 ARGS_14, A(14)
#define ARGS_16 ARGS_15, A(15)
#define ARGS_17 ARGS_16, A(16)
#define ARGS_18 ARGS_17, A(17)
#define ARGS_19 ARGS_18, A(18)
#define ARGS_20 ARGS_19, A(19)
#define ARGS_21 ARGS_20, A(20)
#define ARGS_22 ARGS_21, A(21)
#define ARGS_23 ARGS_22, A(22)
#define ARGS_24 ARGS_23, A(23)
#define ARGS_25 ARGS_24, A(24)
#define ARGS_26 ARGS_25, A(25)
#define ARGS_27 ARGS_26, A(26)
#define ARGS_28 ARGS_27, A(27)
#define ARGS_29 ARGS_28, A(28)
#define ARGS_30 ARGS_29, A(29)
#define ARGS_31 ARGS_30, A(30)
#define ARGS_32 ARGS_31, A(31)
#define ARGS_33 ARGS_32, A(32)
#define ARGS_34 ARGS_33, A(33)
#define ARGS_35 ARGS_34, A(34)
#define ARGS_36 ARGS_35, A(35)
#define ARGS_37 ARGS_36, A(36)
#define ARGS_38 ARGS_37, A(37)
#define ARGS_39 ARGS_38, A(38)
#define ARGS_40 ARGS_39, A(39)
#define ARGS_41 ARGS_40, A(40)
#define ARGS_42 ARGS_41, A(41)
#define ARGS_43 ARGS_42, A(42)
#define ARGS_44 ARGS_43, A(43)
#define ARGS_45 ARGS_44, A(44)
#define ARGS_46 ARGS_45, A(45)
#define ARGS_47 ARGS_46, A(46)
#define ARGS_48 ARGS_47, A(47)
#define ARGS_49 ARGS_48, A(48)
#define ARGS_50 ARGS_49, A(49)
#define ARGS_51 ARGS_50, A(50)
#define ARGS_52 ARGS_51, A(51)
#define ARGS_53 ARGS_52, A(52)
#define ARGS_54 ARGS_53, A(53)
#define ARGS_55 ARGS_54, A(54)
#define ARGS_56 ARGS_55, A(55)
#define ARGS_57 ARGS_56, A(56)
#define ARGS_58 ARGS_57, A(57)
#define ARGS_59 ARGS_58, A(58)
#define ARGS_60 ARGS_59, A(59)
#define ARGS_61 ARGS_60, A(60)
#define ARGS_62 ARGS_61, A(61)
#define ARGS_63 ARGS_62, A(62)
#define ARGS_64 ARGS_63, A(63)
#define CALL(n)                                                                \
  case n:                                                                      \
    task(&gtid, &btid, ARGS_##n);                                              \
    break;

static void invoke(microtask_t task, int32_t argc, void **args,
                   int32_t index) {
  int32_t gtid = index, btid = index;
  switch (argc) {
  case 0:
    task(&gtid, &btid);
    break;
    CALL(1) CALL(2) CALL(3) CALL(4) CALL(5) CALL(6) CALL(7) CALL(8)
    CALL(9) CALL(10) CALL(11) CALL(12) CALL(13) CALL(14) CALL(15) CALL(16)
    CALL(17) CALL(18) CALL(19) CALL(20) CALL(21) CALL(22) CALL(23) CALL(24)
    CALL(25) CALL(26) CALL(27) CALL(28) CALL(29) CALL(30) CALL(31) CALL(32)
    CALL(33) CALL(34) CALL(35) CALL(36) CALL(37) CALL(38) CALL(39) CALL(40)
    CALL(41) CALL(42) CALL(43) CALL(44) CALL(45) CALL(46) CALL(47) CALL(48)
    CALL(49) CALL(50) CALL(51) CALL(52) CALL(53) CALL(54) CALL(55) CALL(56)
    CALL(57) CALL(58) CALL(59) CALL(60) CALL(61) CALL(62) CALL(63) CALL(64)
  }
}

/* Runs the region's share of `index` as a member of the team. */
static void run_member(int index) {
  team_index = index;
  team_members = pool.team_size;
  dispatch_instance = 0;
  invoke(pool.task, pool.argc, pool.args, index);
  team_index = -1;
  team_members = 1;
}

/* A worker's start: its index, and the generation current when it was
   made (the next bump is its first region). */
#define WORKER_ARGUMENT(index, generation)                                     \
  ((void *)(((intptr_t)(unsigned)(generation) << 16) | (intptr_t)(index)))

static void *worker_main(void *argument) {
  int index = (int)((intptr_t)argument & 0xffff);
  int seen = (int)(unsigned)((intptr_t)argument >> 16);
  for (;;) {
    wait_while_equal(&pool.generation, seen);
    seen = event_get(&pool.generation);
    if (__atomic_load_n(&pool.stopping, __ATOMIC_ACQUIRE))
      return NULL;
    if (index < pool.team_size) {
      run_member(index);
      event_add(&pool.pending, -1);
    }
  }
}

/* Workers 1 .. count - 1 exist (worker i is team member i). */
static int ensure_workers(int count) {
  if (__atomic_load_n(&pool.worker_count, __ATOMIC_ACQUIRE) >= count - 1)
    return 1;
  pthread_mutex_lock(&pool.grow);
  while (pool.worker_count < count - 1) {
    int index = pool.worker_count + 1;
    if (pthread_create(&pool.workers[pool.worker_count], NULL, worker_main,
                       WORKER_ARGUMENT(index, event_get(&pool.generation))) !=
        0)
      break;
    __atomic_store_n(&pool.worker_count, pool.worker_count + 1,
                     __ATOMIC_RELEASE);
  }
  int enough = pool.worker_count >= count - 1;
  pthread_mutex_unlock(&pool.grow);
  return enough;
}

/* Joins the workers before the library's code goes away (dlclose, exit). */
__attribute__((destructor)) static void stop_workers(void) {
  if (!pool.worker_count)
    return;
  __atomic_store_n(&pool.stopping, 1, __ATOMIC_RELEASE);
  event_add(&pool.generation, 1);
  for (int i = 0; i < pool.worker_count; ++i)
    pthread_join(pool.workers[i], NULL);
  pool.worker_count = 0;
}

/* A child of fork() has no workers: it starts its own pool. */
static void forget_workers(void) {
  pool.worker_count = 0;
  pool.busy = 0;
  pool.pending.value = 0;
  pthread_mutex_init(&pool.grow, NULL);
}

__attribute__((constructor)) static void register_fork_handler(void) {
  pthread_atfork(NULL, NULL, forget_workers);
}

HIDDEN void __kmpc_fork_call(ident_t *loc, int32_t argc, microtask_t task,
                             ...) {
  (void)loc;
  void *args[MAX_ARGS];
  va_list list;
  va_start(list, task);
  for (int32_t i = 0; i < argc && i < MAX_ARGS; ++i)
    args[i] = va_arg(list, void *);
  va_end(list);
  int threads = omp_get_max_threads();
  int expected = 0;
  /* Alone: one thread asked for, inside a region already, the pool
     serving another caller, or no workers to be had. */
  if (threads <= 1 || team_index >= 0 ||
      !__atomic_compare_exchange_n(&pool.busy, &expected, 1, 0,
                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
    int saved_index = team_index, saved_members = team_members;
    int64_t saved_instance = dispatch_instance;
    team_index = 0;
    team_members = 1;
    /* A team of one needs no shared dispatch state (the pool's slots
       belong to the team the pool serves). */
    invoke(task, argc, args, 0);
    team_index = saved_index;
    team_members = saved_members;
    dispatch_instance = saved_instance;
    return;
  }
  if (!ensure_workers(threads))
    threads = pool.worker_count + 1;
  pool.task = task;
  pool.argc = argc;
  for (int32_t i = 0; i < argc; ++i)
    pool.args[i] = args[i];
  pool.team_size = threads;
  pool.barrier_count = 0;
  for (int i = 0; i < DISPATCH_SLOTS; ++i) {
    pool.slots[i].instance = -1;
    pool.slots[i].ready = 0;
  }
  event_set(&pool.pending, threads - 1);
  event_add(&pool.generation, 1);
  run_member(0);
  for (int pending; (pending = event_get(&pool.pending)) != 0;)
    wait_while_equal(&pool.pending, pending);
  __atomic_store_n(&pool.busy, 0, __ATOMIC_RELEASE);
}

/* Team barrier: the last to arrive resets the count and flips the sense. */
HIDDEN void __kmpc_barrier(ident_t *loc, int32_t gtid) {
  (void)loc, (void)gtid;
  if (team_members <= 1)
    return;
  int sense = event_get(&pool.barrier_sense);
  if (__atomic_add_fetch(&pool.barrier_count, 1, __ATOMIC_ACQ_REL) ==
      team_members) {
    __atomic_store_n(&pool.barrier_count, 0, __ATOMIC_RELAXED);
    event_add(&pool.barrier_sense, 1);
    return;
  }
  wait_while_equal(&pool.barrier_sense, sense);
}

/* This thread's share of the loop lower .. upper (inclusive) by `incr`:
   one contiguous block (static) or every team's-size-th chunk of `chunk`
   iterations (static chunked, the caller adding *stride). Threads without
   iterations get lower past upper. */
#define STATIC_INIT(name, T)                                                   \
  HIDDEN void name(ident_t *loc, int32_t gtid, int32_t schedule,               \
                   int32_t *last, T *lower, T *upper, int64_t *stride,         \
                   int64_t incr, int64_t chunk) {                              \
    (void)loc, (void)gtid;                                                     \
    int64_t members = team_members, index = team_index < 0 ? 0 : team_index;   \
    /* Iterations, counted from 0. */                                          \
    uint64_t trips =                                                           \
        incr > 0 ? (uint64_t)(*upper - *lower) / (uint64_t)incr + 1            \
                 : (uint64_t)(*lower - *upper) / (uint64_t)(-incr) + 1;        \
    if (incr > 0 ? *upper < *lower : *upper > *lower)                          \
      trips = 0;                                                               \
    T first = *lower;                                                          \
    schedule &= ~SCHED_MODIFIERS;                                              \
    if (schedule == SCHED_STATIC_CHUNKED && chunk >= 1) {                      \
      uint64_t begin = (uint64_t)index * (uint64_t)chunk;                      \
      *lower = first + (T)(begin * incr);                                      \
      *upper = *lower + (T)((chunk - 1) * incr);                               \
      *stride = chunk * members * incr;                                        \
      uint64_t chunks = (trips + chunk - 1) / chunk;                           \
      *last = trips && (uint64_t)index == (chunks - 1) % (uint64_t)members;    \
      return;                                                                  \
    }                                                                          \
    uint64_t share = trips / members, extra = trips % members;                 \
    uint64_t begin = index * share + ((uint64_t)index < extra ? index : extra); \
    uint64_t count = share + ((uint64_t)index < extra);                        \
    if (!count) {                                                              \
      *lower = *upper + (T)incr;                                               \
      *last = 0;                                                               \
    } else {                                                                   \
      *lower = first + (T)(begin * incr);                                      \
      *upper = *lower + (T)((count - 1) * incr);                               \
      *last = begin + count == trips;                                          \
    }                                                                          \
    *stride = trips ? (int64_t)trips * incr : incr;                            \
  }
STATIC_INIT(__kmpc_for_static_init_8, int64_t)
STATIC_INIT(__kmpc_for_static_init_8u, uint64_t)

HIDDEN void __kmpc_for_static_fini(ident_t *loc, int32_t gtid) {
  (void)loc, (void)gtid;
}

/* Where the region's dynamic loop `instance` (1, 2, ...) keeps its state
   in the pool. */
static int slot_index(int64_t instance) {
  return (int)((instance - 1) % DISPATCH_SLOTS);
}

/* The slot of this thread's current dynamic loop; a team of one keeps it
   on its stack frame's behalf here. */
static __thread struct dispatch_slot alone;

static struct dispatch_slot *current_slot(void) {
  return team_members <= 1
             ? &alone
             : &pool.slots[slot_index(dispatch_instance)];
}

/* A dynamic (or guided, or runtime) loop lower .. upper (inclusive) by
   `stride`, handed out `chunk` iterations at a time; `trips` iterations
   (wrapping arithmetic serves signed and unsigned bounds alike). */
static void dispatch_init(int32_t schedule, uint64_t lower, uint64_t trips,
                          int64_t stride, int64_t chunk) {
  int64_t instance = ++dispatch_instance;
  struct dispatch_slot *slot = current_slot();
  if (chunk < 1)
    chunk = 1;
  if (team_members <= 1) {
    *slot = (struct dispatch_slot){instance, lower, stride, chunk,
                                   (int64_t)trips, 0, 0, 1};
    return;
  }
  /* The first thread of the team to reach the loop fills the slot; the
     others wait for it. A slot is reused DISPATCH_SLOTS loops later, when
     every thread has left the loop it served (all of a region's threads
     reach its loops in order). */
  int64_t previous = __atomic_load_n(&slot->instance, __ATOMIC_ACQUIRE);
  if (previous != instance &&
      __atomic_compare_exchange_n(&slot->instance, &previous, instance, 0,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    slot->lower = lower;
    slot->stride = stride;
    slot->chunk = chunk;
    slot->trip_count = (int64_t)trips;
    __atomic_store_n(&slot->next, 0, __ATOMIC_RELAXED);
    uint64_t chunks = (trips + (uint64_t)chunk - 1) / (uint64_t)chunk;
    slot->steal = !(schedule & SCHED_MONOTONIC) && chunks < (1ull << 32);
    if (slot->steal) {
      struct chunk_run *runs = pool.runs[slot_index(instance)];
      for (uint64_t t = 0; t < (uint64_t)team_members; ++t) {
        uint64_t first = chunks * t / team_members,
                 end = chunks * (t + 1) / team_members;
        __atomic_store_n(&runs[t].run, end << 32 | first, __ATOMIC_RELAXED);
      }
    }
    __atomic_store_n(&slot->ready, (int)instance, __ATOMIC_RELEASE);
    return;
  }
  while (__atomic_load_n(&slot->ready, __ATOMIC_ACQUIRE) != (int)instance)
    sched_yield();
}

/* A chunk from the front (own) or the back (stolen) of a run, or -1. */
static int64_t take_chunk(struct chunk_run *run, int own) {
  uint64_t old = __atomic_load_n(&run->run, __ATOMIC_RELAXED);
  for (;;) {
    uint64_t first = old & 0xffffffffu, end = old >> 32;
    if (first >= end)
      return -1;
    uint64_t taken = own ? first : end - 1;
    uint64_t rest = own ? end << 32 | (first + 1) : (end - 1) << 32 | first;
    if (__atomic_compare_exchange_n(&run->run, &old, rest, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      return (int64_t)taken;
  }
}

/* The next chunk's first and last iteration, or 0 when none is left. */
static int dispatch_next(int32_t *last, uint64_t *lower, uint64_t *upper,
                         int64_t *stride) {
  struct dispatch_slot *slot = current_slot();
  int64_t begin;
  if (team_members <= 1) {
    begin = slot->next;
    slot->next += slot->chunk;
  } else if (slot->steal) {
    struct chunk_run *runs = pool.runs[slot_index(dispatch_instance)];
    int members = team_members, index = team_index;
    int64_t chunk = take_chunk(&runs[index], 1);
    for (int other = 1; chunk < 0 && other < members; ++other)
      chunk = take_chunk(&runs[(index + other) % members], 0);
    if (chunk < 0)
      return 0;
    begin = chunk * slot->chunk;
  } else {
    begin = __atomic_fetch_add(&slot->next, slot->chunk, __ATOMIC_RELAXED);
  }
  if (begin >= slot->trip_count)
    return 0;
  int64_t end = begin + slot->chunk < slot->trip_count ? begin + slot->chunk
                                                        : slot->trip_count;
  *lower = slot->lower + (uint64_t)begin * (uint64_t)slot->stride;
  *upper = slot->lower + (uint64_t)(end - 1) * (uint64_t)slot->stride;
  *stride = slot->stride;
  if (last)
    *last = end == slot->trip_count;
  return 1;
}

#define DISPATCH(suffix, T)                                                    \
  HIDDEN void __kmpc_dispatch_init_##suffix(ident_t *loc, int32_t gtid,        \
                                            int32_t schedule, T lower,         \
                                            T upper, int64_t stride,           \
                                            int64_t chunk) {                   \
    (void)loc, (void)gtid;                                                     \
    uint64_t trips = 0;                                                        \
    if (stride > 0 && upper >= lower)                                          \
      trips = (uint64_t)(upper - lower) / (uint64_t)stride + 1;                \
    else if (stride < 0 && upper <= lower)                                     \
      trips = (uint64_t)(lower - upper) / (uint64_t)(-stride) + 1;             \
    dispatch_init(schedule, (uint64_t)lower, trips, stride, chunk);                      \
  }                                                                            \
  HIDDEN int32_t __kmpc_dispatch_next_##suffix(ident_t *loc, int32_t gtid,     \
                                               int32_t *last, T *lower,        \
                                               T *upper, int64_t *stride) {    \
    (void)loc, (void)gtid;                                                     \
    uint64_t first, final;                                                     \
    if (!dispatch_next(last, &first, &final, stride))                          \
      return 0;                                                                \
    *lower = (T)first;                                                         \
    *upper = (T)final;                                                         \
    return 1;                                                                  \
  }                                                                            \
  HIDDEN void __kmpc_dispatch_fini_##suffix(ident_t *loc, int32_t gtid) {      \
    (void)loc, (void)gtid;                                                     \
  }
DISPATCH(8, int64_t)
DISPATCH(8u, uint64_t)

HIDDEN void __kmpc_dispatch_deinit(ident_t *loc, int32_t gtid) {
  (void)loc, (void)gtid;
}
