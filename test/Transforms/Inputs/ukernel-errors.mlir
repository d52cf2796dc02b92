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
