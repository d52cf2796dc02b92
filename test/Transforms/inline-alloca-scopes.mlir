// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-inline-alloca-scopes))' | FileCheck %s

// A scope that allocates nothing is inlined; one with an alloca stays.
// CHECK-LABEL: func.func @scopes
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%[[C0]]] : memref<4xf32>
// CHECK-NEXT: memref.alloca_scope
// CHECK-NEXT: memref.alloca() : memref<2xf32>
func.func @scopes(%m: memref<4xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  memref.alloca_scope {
    memref.store %v, %m[%c0] : memref<4xf32>
  }
  memref.alloca_scope {
    %a = memref.alloca() : memref<2xf32>
    memref.store %v, %a[%c0] : memref<2xf32>
  }
  return
}
