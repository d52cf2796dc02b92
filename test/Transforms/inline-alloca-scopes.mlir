// RUN: %inception-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(inception-inline-alloca-scopes))' | FileCheck %s

// A scope that allocates nothing is inlined; so is one with a static
// alloca, which moves to the function's entry: one buffer serves every
// iteration, and the stack does not grow with them. A dynamic alloca's
// scope stays.
// CHECK-LABEL: func.func @scopes
// CHECK-NEXT: %[[BUFFER:.*]] = memref.alloca() : memref<2xf32>
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%[[C0]]] : memref<4xf32>
// CHECK-NEXT: memref.store %{{.*}}, %[[BUFFER]][%[[C0]]] : memref<2xf32>
// CHECK-NEXT: memref.alloca_scope
// CHECK-NEXT: memref.alloca(%{{.*}}) : memref<?xf32>
func.func @scopes(%m: memref<4xf32>, %v: f32, %n: index) {
  %c0 = arith.constant 0 : index
  memref.alloca_scope {
    memref.store %v, %m[%c0] : memref<4xf32>
  }
  memref.alloca_scope {
    %a = memref.alloca() : memref<2xf32>
    memref.store %v, %a[%c0] : memref<2xf32>
  }
  memref.alloca_scope {
    %d = memref.alloca(%n) : memref<?xf32>
    memref.store %v, %d[%c0] : memref<?xf32>
  }
  return
}

// -----

// In an OpenMP loop (a GPU nest's block loop run on the host), the static
// alloca of an iteration moves to the entry of the parallel region: each
// thread's own buffer, outside the loop.
// CHECK-LABEL: func.func @per_thread
// CHECK: omp.parallel {
// CHECK-NEXT: %[[TILE:.*]] = memref.alloca() : memref<16xf32>
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest
// CHECK-NOT: memref.alloca_scope
// CHECK: memref.store %{{.*}}, %[[TILE]]
func.func @per_thread(%v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c8) step (%c1) {
        memref.alloca_scope {
          %tile = memref.alloca() : memref<16xf32>
          memref.store %v, %tile[%c0] : memref<16xf32>
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
