// RUN: %inception-opt %s -inception-vector-kernels="mr=6 nr=64 vl=16" | FileCheck %s
// Kernels already defined are kept, not made twice.
// RUN: %inception-opt %s -inception-vector-kernels="mr=6 nr=64 vl=16" -inception-vector-kernels="mr=6 nr=64 vl=16" | FileCheck %s --check-prefix=ONCE
// The AVX2 tile: 6 x 16 in two vectors of 8.
// RUN: %inception-opt %s -inception-vector-kernels="mr=6 nr=16 vl=8" | FileCheck %s --check-prefix=AVX2
// Lowered as the driver lowers a model: one FMA instruction per vector of
// the tile per k (fmuladd: LLVM fuses it where the target has FMA), on
// <16 x float>, with the tile carried in registers across the loop.
// RUN: %inception-opt %s -inception-vector-kernels="mr=6 nr=64 vl=16" -convert-vector-to-llvm -convert-scf-to-cf -expand-strided-metadata -finalize-memref-to-llvm -convert-arith-to-llvm -convert-func-to-llvm=use-bare-ptr-memref-call-conv -convert-cf-to-llvm -reconcile-unrealized-casts | FileCheck %s --check-prefix=LLVM
// The blocked convolution's tiles (blocked-layout's activations), alone.
// RUN: %inception-opt %s -inception-vector-kernels="mr=6 nr=64 vl=16" | FileCheck %s --check-prefix=BLOCKED
// RUN: not %inception-opt %s -inception-vector-kernels="mr=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADMR
// RUN: not %inception-opt %s -inception-vector-kernels="nr=64 vl=12" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADVL
// RUN: not %inception-opt %s -inception-vector-kernels="nr=80 vl=16" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADNR

// The model's own functions are not touched.
// CHECK-LABEL: func.func @model(
// CHECK-NEXT: return
func.func @model(%x: memref<4xf32>) {
  return
}

// One function per vector count, 1 to nr / vl, the C drivers' names.
// CHECK-LABEL: func.func @inception_uk_gemm_6x1v16(
// CHECK-SAME: %[[KC:[^:]*]]: index, %[[A:[^:]*]]: memref<f32>, %[[B:[^:]*]]: memref<f32>, %[[LDB:[^:]*]]: index, %[[C:[^:]*]]: memref<f32>, %[[LDC:[^:]*]]: index, %[[ACC:[^:]*]]: index, %[[DST:[^:]*]]: memref<f32>, %[[LDD:[^:]*]]: index, %[[ROWS:[^:]*]]: index, %[[RELU:[^:]*]]: index)
// CHECK-SAME: attributes {inception.vector_kernel, llvm.linkage = #llvm.linkage<weak_odr>}
// CHECK: func.func @inception_uk_gemm_6x2v16(
// CHECK: func.func @inception_uk_gemm_6x3v16(

// The full tile, 6 x 64: the pointers viewed as the packed A panel (kc x 6),
// the B panel (kc rows of 64, row stride ldb) and the tile of C.
// CHECK-LABEL: func.func @inception_uk_gemm_6x4v16(
// CHECK-SAME: %[[KC:[^:]*]]: index, %[[A:[^:]*]]: memref<f32>, %[[B:[^:]*]]: memref<f32>, %[[LDB:[^:]*]]: index, %[[C:[^:]*]]: memref<f32>, %[[LDC:[^:]*]]: index, %[[ACC:[^:]*]]: index, %[[DST:[^:]*]]: memref<f32>, %[[LDD:[^:]*]]: index, %[[ROWS:[^:]*]]: index, %[[RELU:[^:]*]]: index)
// CHECK-DAG: %[[AV:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[KC]], 6], strides: [6, 1] : memref<f32> to memref<?x6xf32, strided<[6, 1]>>
// CHECK-DAG: %[[BV:.*]] = memref.reinterpret_cast %[[B]] to offset: [0], sizes: [%[[KC]], 64], strides: [%[[LDB]], 1] : memref<f32> to memref<?x64xf32, strided<[?, 1]>>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[CV:.*]] = memref.reinterpret_cast %[[C]] to offset: [0], sizes: [6, 64], strides: [%[[LDC]], 1] : memref<f32> to memref<6x64xf32, strided<[?, 1]>>
// The tile starts from C, or from zero.
// CHECK: %[[INIT:.*]]:24 = scf.if
// CHECK-COUNT-24: vector.load %[[CV]]
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[ZERO]], %[[ZERO]],
// The K loop carries the 24 vectors of the tile; per k, 4 loads of B's row,
// 6 broadcasts of A's elements and 24 FMAs.
// CHECK: %[[TILE:.*]]:24 = scf.for %[[K:.*]] = %{{.*}} to %[[KC]] step %{{.*}} iter_args(
// CHECK-COUNT-4: vector.load %[[BV]][%[[K]], %{{.*}}] : memref<?x64xf32, strided<[?, 1]>>, vector<16xf32>
// CHECK: memref.load %[[AV]][%[[K]], %{{.*}}] : memref<?x6xf32, strided<[6, 1]>>
// CHECK-NEXT: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// CHECK-COUNT-4: vector.fma
// CHECK-COUNT-5: vector.broadcast
// CHECK: scf.yield
// CHECK-SAME: 24
// Without a destination the tile goes back to C; with one, its first `rows`
// rows go there, with ReLU (x > 0 ? x : 0) when asked.
// CHECK: %[[ADDR:.*]] = memref.extract_aligned_pointer_as_index %[[DST]]
// CHECK: %[[TOC:.*]] = arith.cmpi eq, %[[ADDR]]
// CHECK: scf.if %[[TOC]] {
// CHECK-COUNT-24: vector.store %[[TILE]]#{{[0-9]+}}, %[[CV]]
// CHECK: } else {
// CHECK: %[[DV:.*]] = memref.reinterpret_cast %[[DST]] to offset: [0], sizes: [6, 64], strides: [%[[LDD]], 1]
// CHECK: scf.if
// CHECK: arith.cmpf ogt, %[[TILE]]#0
// CHECK: arith.select
// CHECK: vector.store {{.*}}, %[[DV]][
// CHECK: arith.cmpi slt, %{{.*}}, %[[ROWS]] : index
// CHECK: return

// The dense layers' dot product: four accumulators over groups of 64,
// then vectors with masked loads (the mask clamps to 16 lanes), one
// reduction.
// CHECK-LABEL: func.func @inception_uk_dot_v16(
// CHECK-SAME: %[[N:[^:]*]]: index, %[[X:[^:]*]]: memref<f32>, %[[W:[^:]*]]: memref<f32>) -> f32
// CHECK-DAG: %[[XV:.*]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [%[[N]]], strides: [1] : memref<f32> to memref<?xf32>
// CHECK-DAG: %[[WV:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [%[[N]]], strides: [1] : memref<f32> to memref<?xf32>
// CHECK: %[[GROUPED:.*]] = arith.subi %[[N]], %{{.*}} : index
// CHECK: %[[SUMS:.*]]:4 = scf.for %{{.*}} = %{{.*}} to %[[GROUPED]] step %c64
// CHECK-COUNT-4: vector.fma
// CHECK: %[[REST:.*]] = scf.for %[[I:.*]] = %[[GROUPED]] to %[[N]] step %c16
// CHECK: %[[LEFT:.*]] = arith.subi %[[N]], %[[I]]
// CHECK: %[[MASK:.*]] = vector.create_mask %[[LEFT]] : vector<16xi1>
// CHECK: vector.maskedload %[[XV]][%[[I]]], %[[MASK]]
// CHECK: vector.maskedload %[[WV]][%[[I]]], %[[MASK]]
// CHECK: vector.fma
// CHECK: %[[TOTAL:.*]] = vector.reduction <add>, %[[REST]] fastmath<reassoc> : vector<16xf32> into f32
// CHECK: return %[[TOTAL]] : f32

// The depthwise convolutions' rows: n pixels (the last vector masked) in
// registers from their initial value through every tap, one store.
// CHECK: func.func @inception_uk_depthwise_row_1v16(
// CHECK: func.func @inception_uk_depthwise_row_2v16(
// CHECK-SAME: %[[N:[^:]*]]: index, %[[ROWS:[^:]*]]: index, %[[KW:[^:]*]]: index, %[[TAPS:[^:]*]]: memref<f32>, %[[SRC:[^:]*]]: memref<f32>, %[[LD:[^:]*]]: index, %[[DIL:[^:]*]]: index, %[[BIAS:[^:]*]]: f32, %[[RES:[^:]*]]: memref<f32>, %[[ACC:[^:]*]]: index, %[[DST:[^:]*]]: memref<f32>, %[[RELU:[^:]*]]: index)
// CHECK: %[[TV:.*]] = memref.reinterpret_cast %[[TAPS]]
// CHECK: %[[SV:.*]] = memref.reinterpret_cast %[[SRC]]
// CHECK: %[[DV:.*]] = memref.reinterpret_cast %[[DST]] to offset: [0], sizes: [%[[N]]], strides: [1]
// CHECK: %[[LEFT:.*]] = arith.subi %[[N]], %c16
// CHECK: %[[MASK:.*]] = vector.create_mask %[[LEFT]] : vector<16xi1>
// The initial value: dst's own, or the bias plus the residual, if any.
// CHECK: %[[INIT:.*]]:2 = scf.if
// CHECK: vector.load %[[DV]]
// CHECK: vector.maskedload %[[DV]][%{{.*}}], %[[MASK]]
// CHECK: } else {
// CHECK: vector.broadcast %[[BIAS]]
// CHECK: memref.extract_aligned_pointer_as_index %[[RES]]
// The taps: kernel rows, then columns, two FMAs each.
// CHECK: %[[SUMS:.*]]:2 = scf.for %[[R:.*]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%{{.*}} = %[[INIT]]#0, %{{.*}} = %[[INIT]]#1)
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %[[KW]] step
// CHECK: memref.load %[[TV]]
// CHECK: vector.load %[[SV]]
// CHECK: vector.fma
// CHECK: vector.maskedload %[[SV]][%{{.*}}], %[[MASK]]
// CHECK: vector.fma
// CHECK: vector.store {{.*}}, %[[DV]][%c0]
// CHECK: vector.maskedstore %[[DV]][%c16], %[[MASK]]
// CHECK: func.func @inception_uk_depthwise_row_3v16(
// CHECK: func.func @inception_uk_depthwise_row_4v16(
// CHECK-COUNT-3: vector.load %{{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.maskedload

// Pooling rows: the window's max (a > x ? a : x) or sum in registers from
// -inf or 0, an average pooling's divisor row applied before the one store.
// CHECK: func.func @inception_uk_max_pool_row_1v16(
// CHECK-SAME: %[[N:[^:]*]]: index, %[[ROWS:[^:]*]]: index, %[[KW:[^:]*]]: index, %[[SRC:[^:]*]]: memref<f32>, %[[LD:[^:]*]]: index, %[[DIV:[^:]*]]: memref<f32>, %[[DST:[^:]*]]: memref<f32>)
// CHECK: %[[NEGINF:.*]] = arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK: %[[MAX:.*]] = scf.for %{{.*}} = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%{{.*}} = %[[NEGINF]])
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[KW]] step
// CHECK: %[[X:.*]] = vector.maskedload
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[A:.*]], %[[X]]
// CHECK: arith.select %[[GT]], %[[A]], %[[X]]
// CHECK: vector.maskedstore %{{.*}}[%c0], %{{.*}}, %[[MAX]]
// CHECK-NOT: arith.divf
// CHECK: func.func @inception_uk_max_pool_row_2v16(
// CHECK: func.func @inception_uk_max_pool_row_3v16(
// CHECK: func.func @inception_uk_max_pool_row_4v16(
// CHECK: func.func @inception_uk_sum_pool_row_1v16(
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: scf.if
// CHECK: arith.divf
// CHECK: func.func @inception_uk_sum_pool_row_4v16(
// CHECK-COUNT-3: vector.load %{{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.maskedload

// CHECK-NOT: func.func

// ONCE-COUNT-1: func.func @inception_uk_gemm_6x1v16(
// ONCE-NOT: func.func @inception_uk_gemm_6x1v16(
// ONCE-COUNT-1: func.func @inception_uk_dot_v16(
// ONCE-NOT: func.func @inception_uk_dot_v16(

// AVX2: func.func @inception_uk_gemm_6x1v8(
// AVX2: scf.for
// AVX2-COUNT-6: vector.fma {{.*}} : vector<8xf32>
// AVX2: func.func @inception_uk_gemm_6x2v8(
// AVX2: scf.for
// AVX2-COUNT-12: vector.fma {{.*}} : vector<8xf32>
// AVX2: func.func @inception_uk_dot_v8(
// AVX2: func.func @inception_uk_depthwise_row_4v8(
// AVX2: vector.fma {{.*}} : vector<8xf32>
// AVX2: func.func @inception_uk_max_pool_row_4v8(
// AVX2: func.func @inception_uk_sum_pool_row_4v8(
// AVX2-NOT: func.func

// LLVM-LABEL: llvm.func weak_odr @inception_uk_gemm_6x4v16(
// LLVM-SAME: %{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: !llvm.ptr
// LLVM: ^[[BODY:bb[0-9]+]](%{{.*}}: i64, {{(%[^:]*: vector<16xf32>, )+}}%{{[^:]*}}: vector<16xf32>):
// LLVM-COUNT-4: llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> vector<16xf32>
// LLVM-COUNT-24: llvm.intr.fmuladd
// LLVM-NOT: llvm.intr.fmuladd
// LLVM: llvm.br ^[[BODY]]
// LLVM-LABEL: llvm.func weak_odr @inception_uk_dot_v16(
// LLVM: llvm.intr.masked.load
// LLVM: "llvm.intr.vector.reduce.fadd"({{.*}}) <{fastmathFlags = #llvm.fastmath<reassoc>}>

// BADMR: error: inception-vector-kernels: mr must be between 1 and 16 rows
// BADVL: error: inception-vector-kernels: vl must be 4, 8 or 16 floats (a vector register)
// BADNR: error: inception-vector-kernels: nr must be 1 to 4 vectors of vl floats

// A blocked convolution tile of 2 blocks x 12 pixels: 24 accumulators from
// the output's partial sums or the bias plus residual (null pointers
// giving zeros), carried through nested loops over kh, kw, the input
// blocks and their lanes; per lane, 2 filter vectors and 12 broadcast
// input elements (a constant 16 floats apart in the stride-1 variant) make
// 24 FMAs; then the ReLU select and 24 stores.
// BLOCKED-LABEL: func.func @inception_uk_blocked_conv_2x12v16(
// BLOCKED: %{{.*}}:24 = scf.if
// BLOCKED: memref.extract_aligned_pointer_as_index %arg16
// BLOCKED: memref.extract_aligned_pointer_as_index %arg17
// BLOCKED: scf.for {{.*}} to %arg0 {{.*}} -> (vector<16xf32>,
// BLOCKED: scf.for {{.*}} to %arg1 {{.*}} -> (vector<16xf32>,
// BLOCKED: scf.for {{.*}} to %arg2 {{.*}} -> (vector<16xf32>,
// BLOCKED: scf.for {{.*}} to %arg4 {{.*}} -> (vector<16xf32>,
// BLOCKED-COUNT-2: vector.load %{{.*}} : memref<?xf32>, vector<16xf32>
// BLOCKED: memref.load
// BLOCKED-NEXT: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// BLOCKED-NEXT: vector.fma
// BLOCKED-NEXT: vector.fma
// BLOCKED-COUNT-22: vector.fma
// BLOCKED: scf.yield
// BLOCKED-COUNT-24: vector.store
// BLOCKED: return
// Narrow rows' tile: 6 blocks x 4 pixels, 6 filter vectors per lane.
// BLOCKED-LABEL: func.func @inception_uk_blocked_conv_6x4v16(
// BLOCKED-NOT: arith.cmpi eq, %arg4, %c1
// BLOCKED-NOT: memref.prefetch
// BLOCKED: scf.for {{.*}} to %arg4 {{.*}} -> (vector<16xf32>,
// BLOCKED-COUNT-6: vector.load %{{.*}} : memref<?xf32>, vector<16xf32>
// BLOCKED-COUNT-24: vector.fma
// BLOCKED-NOT: memref.prefetch
// BLOCKED: func.func @inception_uk_blocked_conv_strided_1x1v16(

// A strided tile also reads NCHW inputs (one-lane blocks, pixels 1 float
// apart): with one lane it takes the block's single step without the lane
// loop; with more, the loop.
// BLOCKED-LABEL: func.func @inception_uk_blocked_conv_strided_1x2v16(
// BLOCKED: scf.for {{.*}} to %arg2 {{.*}} -> (vector<16xf32>,
// BLOCKED: %[[ONE:.*]] = arith.cmpi eq, %arg4, %c1 : index
// BLOCKED-NEXT: scf.if %[[ONE]] -> (vector<16xf32>, vector<16xf32>) {
// BLOCKED-NOT: scf.for
// BLOCKED-COUNT-2: vector.fma
// BLOCKED: } else {
// BLOCKED-NEXT: scf.for {{.*}} to %arg4 {{.*}} -> (vector<16xf32>,
// BLOCKED-COUNT-2: vector.fma
// BLOCKED: func.func @inception_uk_blocked_conv_strided_2x12v16(

// The prefetching variant of a tile takes a pointer and a line count (its
// two last arguments) and, per tap and input block, prefetches that many
// lines into L2 before the lanes' FMAs.
// BLOCKED-LABEL: func.func @inception_uk_blocked_conv_prefetch_6x4v16(
// BLOCKED-SAME: %arg22: index, %arg23: memref<f32>, %arg24: index)
// BLOCKED: scf.for {{.*}} to %arg2 {{.*}} -> (vector<16xf32>,
// BLOCKED: scf.for {{.*}} to %arg24 step
// BLOCKED-NEXT: arith.addi
// BLOCKED-NEXT: arith.muli
// BLOCKED-NEXT: memref.prefetch %{{.*}}[%{{.*}}], read, locality<2>, data
// BLOCKED: scf.for {{.*}} to %arg4 {{.*}} -> (vector<16xf32>,
// BLOCKED-COUNT-24: vector.fma

// A blocked depthwise tile of 8 pixels: the same initialization, loops
// over kh and kw only; per tap one filter vector (the block's 16 channels)
// times each pixel's input vector.
// BLOCKED-LABEL: func.func @inception_uk_blocked_depthwise_8v16(
// BLOCKED: %{{.*}}:8 = scf.if
// BLOCKED: scf.for {{.*}} to %arg0 {{.*}} -> (vector<16xf32>,
// BLOCKED: scf.for {{.*}} to %arg1 {{.*}} -> (vector<16xf32>,
// BLOCKED: %[[TAP:.*]] = vector.load %{{.*}} : memref<?xf32>, vector<16xf32>
// BLOCKED-COUNT-8: vector.fma %{{.*}}, %[[TAP]], %{{.*}} : vector<16xf32>
// BLOCKED: scf.yield
// BLOCKED-COUNT-8: vector.store
// BLOCKED: func.func @inception_uk_blocked_depthwise_strided_8v16(

