// RUN: %inception-opt %s -pass-pipeline='builtin.module(func.func(inception-plan-workspace))' -split-input-file -verify-diagnostics | FileCheck %s

// Three buffers in a chain: %a dies when %c is born, so %c reuses its
// offset; %b overlaps both and goes after %a. 64-byte alignment rounds the
// 32-byte buffers up.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[IN:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<8xf32>, %[[WS:.*]]: memref<128xi8>)
// CHECK-SAME: attributes {inception.workspace_size = 128 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[WS]][%[[C0]]][] : memref<128xi8> to memref<8xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: memref.view %[[WS]][%[[C64]]][] : memref<128xi8> to memref<8xf32>
// CHECK: %[[C0_AGAIN:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[WS]][%[[C0_AGAIN]]][] : memref<128xi8> to memref<8xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @chain(%in: memref<8xf32>, %out: memref<8xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %in, %a : memref<8xf32> to memref<8xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %b, %c : memref<8xf32> to memref<8xf32>
  memref.copy %c, %out : memref<8xf32> to memref<8xf32>
  memref.dealloc %a : memref<8xf32>
  return
}

// -----

// A buffer used through a view stays live until the view's last use.
// CHECK-LABEL: func.func @views
// CHECK-SAME: %{{.*}}: memref<128xi8>
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<2x8xf32>
// CHECK: memref.collapse_shape
func.func @views(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<2x8xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  memref.copy %b, %flat : memref<16xf32> to memref<16xf32>
  memref.copy %flat, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A function without buffers still gets an (empty) workspace argument, so
// every kernel has the same signature.
// CHECK-LABEL: func.func @none
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<0xi8>) attributes {inception.workspace_size = 0 : i64}
func.func @none(%x: memref<4xf32>) {
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{only static, identity-layout allocations at the top level of a function can be placed in the workspace}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// Kernels' thread scratch goes after every other buffer, all of it at one
// offset: thread t's is t times the largest (aligned) past it, which the
// function records; the argument covers the first thread's.
// CHECK-LABEL: func.func @scratch
// CHECK-SAME: (%[[IN:.*]]: memref<8xf32>, %[[WS:.*]]: memref<192xi8>)
// CHECK-SAME: attributes {inception.workspace_per_thread = 128 : i64, inception.workspace_size = 64 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[WS]][%[[C0]]][] : memref<192xi8> to memref<8xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: memref.view %[[WS]][%[[C64]]][] : memref<192xi8> to memref<100xi8>
// CHECK: %[[C64_AGAIN:.*]] = arith.constant 64 : index
// CHECK: memref.view %[[WS]][%[[C64_AGAIN]]][] : memref<192xi8> to memref<40xi8>
// CHECK-NOT: memref.alloc
func.func @scratch(%in: memref<8xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  memref.copy %in, %a : memref<8xf32> to memref<8xf32>
  %s = memref.alloc() {inception.thread_scratch} : memref<100xi8>
  %t = memref.alloc() {inception.thread_scratch} : memref<40xi8>
  memref.copy %a, %in : memref<8xf32> to memref<8xf32>
  return
}

// -----

// A workspace larger than any process can address is an error.
func.func @beyond_the_address_space(%in: memref<8xi8>, %out: memref<8xi8>) {
  // expected-error @-1 {{the workspace needs 175921860444160 bytes at once, more than a process can address (140737488355328)}}
  %b0 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b1 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b2 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b3 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b4 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b5 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b6 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b7 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b8 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b9 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b10 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b11 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b12 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b13 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b14 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b15 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b16 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b17 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b18 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b19 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b20 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b21 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b22 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b23 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b24 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b25 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b26 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b27 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b28 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b29 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b30 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b31 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b32 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b33 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b34 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b35 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b36 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b37 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b38 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  %b39 = memref.alloc() {alignment = 64 : i64} : memref<4398046511104xi8>
  memref.copy %b0, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b1, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b2, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b3, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b4, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b5, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b6, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b7, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b8, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b9, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b10, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b11, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b12, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b13, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b14, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b15, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b16, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b17, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b18, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b19, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b20, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b21, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b22, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b23, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b24, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b25, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b26, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b27, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b28, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b29, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b30, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b31, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b32, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b33, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b34, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b35, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b36, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b37, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  memref.copy %b38, %b39 : memref<4398046511104xi8> to memref<4398046511104xi8>
  return
}
