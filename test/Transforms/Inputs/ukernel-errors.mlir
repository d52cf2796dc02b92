// inception-lower-ukernels' diagnostics (microkernels.test runs this).

func.func @unknown_kernel(%in: memref<1x8x10x10xf32>, %out: memref<1x8x10x10xf32>) {
  inception.ukernel "conv3d" input(%in : memref<1x8x10x10xf32>) output(%out : memref<1x8x10x10xf32>) params {}
  return
}

// -----

func.func @on_tensors(%in: tensor<1x8x10x10xf32>, %out: tensor<1x8x10x10xf32>) -> tensor<1x8x10x10xf32> {
  %0 = inception.ukernel "pool2d" input(%in : tensor<1x8x10x10xf32>) output(%out : tensor<1x8x10x10xf32>) params {} -> tensor<1x8x10x10xf32>
  return %0 : tensor<1x8x10x10xf32>
}

// -----

func.func @strided_columns(%in: memref<1x8x10x10xf32, strided<[1600, 200, 20, 2]>>, %w: memref<8x8x1x1xf32>, %out: memref<1x8x10x10xf32>) {
  inception.ukernel "conv2d" input(%in : memref<1x8x10x10xf32, strided<[1600, 200, 20, 2]>>) filter(%w : memref<8x8x1x1xf32>) output(%out : memref<1x8x10x10xf32>) params {accumulate = 1 : i64}
  return
}

// -----

func.func @dynamic_layout(%in: memref<1x8x10x10xf32, strided<[?, 100, 10, 1]>>, %w: memref<8x8x1x1xf32>, %out: memref<1x8x10x10xf32>) {
  inception.ukernel "conv2d" input(%in : memref<1x8x10x10xf32, strided<[?, 100, 10, 1]>>) filter(%w : memref<8x8x1x1xf32>) output(%out : memref<1x8x10x10xf32>) params {accumulate = 1 : i64}
  return
}

// -----

func.func @strided_filter(%in: memref<1x8x10x10xf32>, %w: memref<96xf32, strided<[2]>>, %out: memref<1x8x10x10xf32>) {
  inception.ukernel "conv2d" input(%in : memref<1x8x10x10xf32>) filter(%w : memref<96xf32, strided<[2]>>) output(%out : memref<1x8x10x10xf32>) params {accumulate = 1 : i64, kernel_h = 1 : i64, kernel_w = 1 : i64, mr = 6 : i64, nr = 16 : i64}
  return
}

// -----

func.func @strided_bias(%in: memref<1x8x10x10xf32>, %w: memref<8x8x1x1xf32>, %b: memref<8xf32, strided<[2]>>, %out: memref<1x8x10x10xf32>) {
  inception.ukernel "conv2d" input(%in : memref<1x8x10x10xf32>) filter(%w : memref<8x8x1x1xf32>) bias(%b : memref<8xf32, strided<[2]>>) output(%out : memref<1x8x10x10xf32>) params {accumulate = 0 : i64}
  return
}

// -----

func.func @not_blocks(%in: memref<1x1x10x10x16xf32>, %w: memref<1x1x1x16x16xf32>, %out: memref<1x1x10x10x16xf32, strided<[3200, 3200, 320, 32, 1]>>) {
  inception.ukernel "conv2d_blocked" input(%in : memref<1x1x10x10x16xf32>) filter(%w : memref<1x1x1x16x16xf32>) output(%out : memref<1x1x10x10x16xf32, strided<[3200, 3200, 320, 32, 1]>>) params {accumulate = 1 : i64}
  return
}

// -----

func.func @pool_columns(%in: memref<1x8x10x10xf32, strided<[1600, 200, 20, 2]>>, %out: memref<1x8x8x8xf32>) {
  inception.ukernel "pool2d" input(%in : memref<1x8x10x10xf32, strided<[1600, 200, 20, 2]>>) output(%out : memref<1x8x8x8xf32>) params {kind = 0 : i64}
  return
}

// -----

func.func @dense_rows(%in: memref<1x8xf32, strided<[16, 2]>>, %w: memref<4x8xf32>, %out: memref<1x4xf32>) {
  inception.ukernel "dense" input(%in : memref<1x8xf32, strided<[16, 2]>>) filter(%w : memref<4x8xf32>) output(%out : memref<1x4xf32>) params {accumulate = 1 : i64}
  return
}
