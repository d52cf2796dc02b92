// RUN: %inception-opt %s -split-input-file -elide-concat | FileCheck %s
// RUN: %inception-opt %s -split-input-file -elide-concat --inception-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=STATS

// Over the file: seven copies forwarded, eight kept.
// STATS: elide-concat.copies-elided{{ +}}7
// STATS: elide-concat.copies-kept{{ +}}8

// Two operands of a concat into the output: each is computed in its slice.
// CHECK-LABEL: func.func @concat_into_output
// CHECK-SAME: (%[[OUT:.*]]: memref<1x6x4x4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[SA:.*]] = memref.subview %[[OUT]][0, 0, 0, 0] [1, 2, 4, 4]
// CHECK: linalg.fill {{.*}} outs(%[[SA]] : memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>)
// CHECK: %[[SB:.*]] = memref.subview %[[OUT]][0, 2, 0, 0] [1, 4, 4, 4]
// CHECK: linalg.fill {{.*}} outs(%[[SB]] : memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @concat_into_output(%out: memref<1x6x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  linalg.fill ins(%one : f32) outs(%b : memref<1x4x4x4xf32>)
  %sa = memref.subview %out[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  memref.copy %a, %sa : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  %sb = memref.subview %out[0, 2, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  memref.copy %b, %sb : memref<1x4x4x4xf32> to memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  return
}

// -----

// The concat's own buffer moves up to exist before its producers, and the
// producers' views of their buffers (a convolution's grouped view) are
// rebuilt over the slice with the layout inferred. The argument's copy
// stays.
// CHECK-LABEL: func.func @concat_buffer_moves_up
// CHECK: %[[C:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x6x4x4xf32>
// CHECK: %[[S:.*]] = memref.subview %[[C]][0, 2, 0, 0] [1, 4, 4, 4]
// CHECK: %[[G:.*]] = memref.expand_shape %[[S]] {{\[\[}}0], [1, 2], [3], [4]] output_shape [1, 1, 4, 4, 4] : memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>> into memref<1x1x4x4x4xf32, strided<[96, 64, 16, 4, 1], offset: 32>>
// CHECK: linalg.fill {{.*}} outs(%[[G]]
// CHECK: memref.copy %arg0
// CHECK-NOT: memref.copy
// CHECK: linalg.generic {{.*}} ins(%[[C]]
func.func @concat_buffer_moves_up(%x: memref<1x2x4x4xf32>, %out: memref<1x6x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x4x4x4xf32>
  %grouped = memref.expand_shape %b [[0], [1, 2], [3], [4]] output_shape [1, 1, 4, 4, 4] : memref<1x4x4x4xf32> into memref<1x1x4x4x4xf32>
  linalg.fill ins(%one : f32) outs(%grouped : memref<1x1x4x4x4xf32>)
  %c = memref.alloc() {alignment = 64 : i64} : memref<1x6x4x4xf32>
  %sa = memref.subview %c[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  memref.copy %x, %sa : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  %sb = memref.subview %c[0, 2, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  memref.copy %b, %sb : memref<1x4x4x4xf32> to memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : memref<1x6x4x4xf32>) outs(%out : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

// Kept: a source written after the copy (the slice would see the write), a
// source that is an argument, and a source that is a view into a larger
// buffer (a branch of a fused convolution).
// CHECK-LABEL: func.func @kept
// CHECK: %[[A:.*]] = memref.alloc() {{.*}} : memref<1x2x4x4xf32>
// CHECK: memref.copy %[[A]]
// CHECK: linalg.fill {{.*}} outs(%[[A]]
// CHECK: memref.copy %arg0
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<1x2x4x4xf32, strided<[48, 16, 4, 1]>>
func.func @kept(%x: memref<1x2x4x4xf32>, %out: memref<1x6x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %sa = memref.subview %out[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  memref.copy %a, %sa : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %sb = memref.subview %out[0, 2, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  memref.copy %x, %sb : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  %wide = memref.alloc() {alignment = 64 : i64} : memref<1x3x4x4xf32>
  linalg.fill ins(%one : f32) outs(%wide : memref<1x3x4x4xf32>)
  %head = memref.subview %wide[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x3x4x4xf32> to memref<1x2x4x4xf32, strided<[48, 16, 4, 1]>>
  %sc = memref.subview %out[0, 4, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 64>>
  memref.copy %head, %sc : memref<1x2x4x4xf32, strided<[48, 16, 4, 1]>> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 64>>
  return
}

// -----

// A padding fill of the whole target between the source's producer and the
// copy moves up before the source, which is then computed in the interior.
// CHECK-LABEL: func.func @padding
// CHECK: %[[P:.*]] = memref.alloc() {{.*}} : memref<1x2x6x6xf32>
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[P]] : memref<1x2x6x6xf32>)
// CHECK-NEXT: %[[I:.*]] = memref.subview %[[P]][0, 0, 1, 1] [1, 2, 4, 4]
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[I]] : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
func.func @padding() -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x6x6xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %a, %interior : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  return %padded : memref<1x2x6x6xf32>
}

// -----

// Kept: the target is read while the source is alive (forwarding would
// change what the read sees), and a fill that reads its target cannot move.
// A disjoint write in between (another slice) does not block.
// CHECK-LABEL: func.func @target_touched
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
// CHECK-NOT: memref.copy
// CHECK: return
func.func @target_touched(%out: memref<1x6x4x4xf32>, %sum: memref<1x2x6x6xf32>) -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x6x6xf32>)
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%padded : memref<1x2x6x6xf32>) outs(%sum : memref<1x2x6x6xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  }
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %a, %interior : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%b : memref<1x2x4x4xf32>)
  %s0 = memref.subview %out[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>
  linalg.fill ins(%zero : f32) outs(%s0 : memref<1x2x4x4xf32, strided<[96, 16, 4, 1]>>)
  %s1 = memref.subview %out[0, 2, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x6x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  memref.copy %b, %s1 : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  return %padded : memref<1x2x6x6xf32>
}

// -----

// At batch 2 a concat's channel slices interleave in memory (the element
// ranges of [0, 2) and [2, 6) overlap), but as boxes of indices they are
// disjoint: the write into the second slice while the first operand is
// alive does not keep the first copy. A write that does reach the first
// slice (the second function) keeps it.
// CHECK-LABEL: func.func @batch_two_slices
// CHECK: %[[SA:.*]] = memref.subview %arg0[0, 0, 0, 0] [2, 2, 4, 4]
// CHECK: linalg.fill {{.*}} outs(%[[SA]] : memref<2x2x4x4xf32, strided<[96, 16, 4, 1]>>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func @batch_two_slices(%out: memref<2x6x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<2x2x4x4xf32>)
  %sb = memref.subview %out[0, 2, 0, 0] [2, 4, 4, 4] [1, 1, 1, 1] : memref<2x6x4x4xf32> to memref<2x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>
  linalg.fill ins(%one : f32) outs(%sb : memref<2x4x4x4xf32, strided<[96, 16, 4, 1], offset: 32>>)
  %sa = memref.subview %out[0, 0, 0, 0] [2, 2, 4, 4] [1, 1, 1, 1] : memref<2x6x4x4xf32> to memref<2x2x4x4xf32, strided<[96, 16, 4, 1]>>
  memref.copy %a, %sa : memref<2x2x4x4xf32> to memref<2x2x4x4xf32, strided<[96, 16, 4, 1]>>
  return
}

// CHECK-LABEL: func.func @batch_two_overlap
// CHECK: memref.copy
func.func @batch_two_overlap(%out: memref<2x6x4x4xf32>) {
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<2x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<2x2x4x4xf32>)
  %sb = memref.subview %out[1, 1, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : memref<2x6x4x4xf32> to memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 112>>
  linalg.fill ins(%one : f32) outs(%sb : memref<1x4x4x4xf32, strided<[96, 16, 4, 1], offset: 112>>)
  %sa = memref.subview %out[0, 0, 0, 0] [2, 2, 4, 4] [1, 1, 1, 1] : memref<2x6x4x4xf32> to memref<2x2x4x4xf32, strided<[96, 16, 4, 1]>>
  memref.copy %a, %sa : memref<2x2x4x4xf32> to memref<2x2x4x4xf32, strided<[96, 16, 4, 1]>>
  return
}

// -----

// A layer's input that both a padding copy and another layer read (Xception's
// block input: the separable branch pads it, the strided shortcut reads
// it): the source is computed in the padded buffer's interior and the later
// reader reads it there.
// CHECK-LABEL: func.func @read_after_copy
// CHECK: %[[P:.*]] = memref.alloc() {{.*}} : memref<1x2x6x6xf32>
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[P]] : memref<1x2x6x6xf32>)
// CHECK-NEXT: %[[I:.*]] = memref.subview %[[P]][0, 0, 1, 1] [1, 2, 4, 4]
// CHECK-NEXT: linalg.fill ins(%{{.*}} : f32) outs(%[[I]] : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>)
// CHECK-NOT: memref.copy
// CHECK: linalg.generic {{.*}} ins(%[[I]] : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>) outs(%arg0
func.func @read_after_copy(%sum: memref<1x2x4x4xf32>) -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x6x6xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %a, %interior : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : memref<1x2x4x4xf32>) outs(%sum : memref<1x2x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  }
  return %padded : memref<1x2x6x6xf32>
}

// Kept: the target is written after the copy and before the source's last
// read (the read would see the write), and a source written after the copy
// by an op that reads it too.
// CHECK-LABEL: func.func @written_before_last_read
// CHECK: memref.copy
// CHECK-LABEL: func.func @source_updated_after_copy
// CHECK: memref.copy
func.func @written_before_last_read(%sum: memref<1x2x4x4xf32>) -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x6x6xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %a, %interior : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  %corner = memref.subview %padded[0, 0, 1, 1] [1, 2, 1, 1] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x1x1xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.fill ins(%zero : f32) outs(%corner : memref<1x2x1x1xf32, strided<[72, 36, 6, 1], offset: 7>>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a : memref<1x2x4x4xf32>) outs(%sum : memref<1x2x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  }
  return %padded : memref<1x2x6x6xf32>
}

func.func @source_updated_after_copy() -> memref<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() {alignment = 64 : i64} : memref<1x2x4x4xf32>
  linalg.fill ins(%one : f32) outs(%a : memref<1x2x4x4xf32>)
  %padded = memref.alloc() {alignment = 64 : i64} : memref<1x2x6x6xf32>
  linalg.fill ins(%zero : f32) outs(%padded : memref<1x2x6x6xf32>)
  %interior = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  memref.copy %a, %interior : memref<1x2x4x4xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%a : memref<1x2x4x4xf32>) {
  ^bb0(%o: f32):
    %s = arith.addf %o, %one : f32
    linalg.yield %s : f32
  }
  return %padded : memref<1x2x6x6xf32>
}
