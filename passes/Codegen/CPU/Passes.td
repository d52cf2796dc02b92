//===- Passes.td - The CPU back half's passes --------------*- tablegen -*-===//
//
// The passes of the CPU backend: after the shared front half has lowered
// the model to linalg on tensors, a blocked activation layout, calls into
// the C microkernels (runtime/ukernels/) and their vector-dialect tiles.
// Each reads its blocking from the module's target (#inception.target),
// unless its options are given.
//
//===----------------------------------------------------------------------===//

#ifndef INCEPTION_PASSES_CODEGEN_CPU_PASSES_TD
#define INCEPTION_PASSES_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def Microkernels : Pass<"inception-microkernels", "mlir::ModuleOp"> {
  let summary = "Select the C microkernel of each convolution, pooling and "
                "dense layer";
  let description = [{
    Runs on linalg on tensors, after `inception-blocked-layout`, on the ops
    the lowering marked. Each layer a kernel runs becomes one
    `inception.ukernel` op naming the kernel, with the ops its epilogue
    absorbs and every static parameter of the call; after bufferization,
    `inception-lower-ukernels` turns it into the call.

    - A convolution contraction (`inception.conv2d`) with one group and a
      weight filter (constants and parameters, and what only they
      compute): `conv2d` (`runtime/ukernels/conv2d_gemm.c`), the
      GEMM output[m][pixel] = filter[m][k] * im2col(input)[k][pixel], which
      packs blocks of the input's im2col as it goes and keeps an `mr` x
      `nr` tile of the output in vector registers.
    - A 3x3, stride-1, undilated one whose initialization it absorbs:
      `winograd3x3` (`runtime/ukernels/winograd.c`) when `winograd` is set,
      Winograd F(4x4, 3x3), a quarter of the multiplications, if its
      output has at least `winograd-min-tiles` 4x4 tiles (the 7x7 layers
      of batch 1 run direct: with a few tiles the GEMMs wait on reading
      the transformed filter, 4x the direct one).
    - A depthwise convolution (one input and one output channel per group):
      `depthwise2d` (`runtime/ukernels/depthwise.c`).
    - A max or sum pooling reduction (`inception.pool2d`) whose output a
      fill with the reduction's identity initializes: `pool2d`
      (`runtime/ukernels/pool2d.c`), which clips each window to the input
      instead of reading padding; an average pooling's division after it
      becomes the kernel's.
    - On blocked activations (`inception-blocked-layout` with `block` =
      `vl`): `conv2d_blocked` (`runtime/ukernels/blocked_conv.c`), a
      direct convolution (no im2col) whose generated tile keeps up to 24
      vectors of output in registers; `winograd3x3_blocked` for a 3x3
      stride-1 one with a blocked input (`winograd3x3_blocked_untransformed`
      where an image has fewer than `winograd-transform-min-tiles` 4x4
      tiles: it reads the blocked 3x3 filter and transforms it as it goes,
      rather than stream U, 4x the bytes, for few multiply-adds per float);
      `winograd1d_blocked` for a 1x7 or
      7x1 stride-1 undilated one (F(4, 7), 10 multiplications per 4 outputs
      where the direct one needs 14), under the same `winograd` and
      `winograd-min-tiles` (counting its 4-pixel tiles); `depthwise2d_blocked`;
      `pool2d_blocked`. These read the padded tensor whole.
    - A dense layer's contraction (`inception.dense`) with a weight matrix:
      `dense` (`runtime/ukernels/dense.c`), a dot product of
      contiguous rows per output, which adds to the initialized output.

    A convolution's epilogue is found where SSA puts it: the accumulator's
    initialization (a zero fill, or a generic summing a bias and a
    residual) that only the contraction reads becomes the kernel's bias,
    residual and `accumulate = 0`; a ReLU that alone reads the result
    (through the NCHW lowering's collapse_shape) becomes `relu = 1`, and
    the kernel's output is the ReLU's destination. Without such an
    initialization the kernel adds to its output (`accumulate = 1`). The
    NCHW kernels pad by themselves, so they read the source of a
    `tensor.pad` with their padding and value, which then goes.

    The filter operand is in the form the kernel reads, a weight transform
    of the filter (`inception.weight_transform`): the GEMM kernel's panels
    of `mr` output channels (`pack_panels`), Winograd's U = G g G^T in
    panels of `nr` (`winograd_filter`, in double); the depthwise and
    blocked direct kernels read the filter as it is. On constants the
    transforms fold at compile time; on parameters they move into the
    weight preparation (`inception-hoist-weights`).

    The module records `inception.microkernels = [mr, nr, vl]`, and the
    CPU back half links the kernels built for that tile. A module whose
    target (`#inception.target`) has no microkernels is left alone. Grouped
    convolutions with several channels per group stay loops.

    ```mlir
    %y = linalg.generic {...} ins(%x, %w : tensor<1x4x30x30x16xf32>, tensor<8x3x3x64x16xf32>)
           outs(%bias : tensor<1x8x28x28x16xf32>)
           attrs = {inception.blocked = 16 : i64, inception.conv2d = {...}}
    %r = linalg.generic {...} ins(%y : ...) outs(%empty : ...) { maximumf ... }
    // becomes
    %r = inception.ukernel "conv2d_blocked" input(%x : tensor<1x4x30x30x16xf32>)
           filter(%w : tensor<8x3x3x64x16xf32>) bias(%b : tensor<8x16xf32>)
           output(%empty : tensor<1x8x28x28x16xf32>)
           params {accumulate = 0 : i64, relu = 1 : i64, ...} -> tensor<1x8x28x28x16xf32>
    ```
  }];
  let options = [
    Option<"mrOption", "mr", "int64_t", /*default=*/"6",
           "Output channels per register tile (default: the module's "
           "target's; 6 without one)">,
    Option<"nrOption", "nr", "int64_t", /*default=*/"16",
           "Output pixels per register tile (default: the target's, 64 for "
           "AVX-512; 16 without one)">,
    Option<"vlOption", "vl", "int64_t", /*default=*/"8",
           "Floats per vector register (default: the target's, 16 for "
           "AVX-512; 8 without one)">,
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Run 3x3 stride-1 convolutions by Winograd F(4x4, 3x3), and on "
           "blocked activations 1x7 and 7x1 ones by F(4, 7)">,
    Option<"winogradMinTiles", "winograd-min-tiles", "int64_t",
           /*default=*/"16",
           "The fewest 4x4 output tiles (over the batch) for which a "
           "convolution takes Winograd: with fewer, its transformed filter "
           "(4x the direct one) serves too few multiply-adds per value">,
    Option<"winogradTransformMinTiles", "winograd-transform-min-tiles",
           "int64_t", /*default=*/"128",
           "The fewest 4x4 output tiles per image for which a blocked 3x3 "
           "Winograd layer's filter is transformed at compile time; with "
           "fewer, its kernel transforms the blocked filter as it goes">,
  ];
  let statistics = [
    Statistic<"numConverted", "convolutions", "Convolutions calling the microkernel">,
    Statistic<"numKept", "kept-as-loops", "Convolutions left as loops">,
    Statistic<"numWinograd", "winograd", "Convolutions calling the Winograd kernel">,
    Statistic<"numWinogradUntransformed", "winograd-untransformed",
              "Of those, blocked ones transforming their filter as they go">,
    Statistic<"numWinograd1d", "winograd1d",
              "1x7 and 7x1 convolutions calling the one-dimensional Winograd kernel">,
    Statistic<"numDepthwise", "depthwise", "Depthwise convolutions calling their kernel">,
    Statistic<"numPadsReadThrough", "pads-read-through",
              "Padded inputs whose source the NCHW kernels read instead">,
    Statistic<"numPools", "pools", "Pooling reductions calling the microkernel">,
    Statistic<"numDense", "dense", "Dense layers calling the microkernel">,
  ];
  let dependentDialects = ["mlir::inception::InceptionDialect",
                           "mlir::tensor::TensorDialect"];
}

def LowerUkernels : Pass<"inception-lower-ukernels", "mlir::ModuleOp"> {
  let summary = "Turn inception.ukernel ops on buffers into kernel calls";
  let description = [{
    Runs after bufferization and `elide-concat`, which have placed every
    kernel's output (a concat's channel slice, a padded buffer's interior):
    each `inception.ukernel` op becomes a call to
    `inception_uk_<kernel>` with the strides and offsets of its buffers'
    layouts.

    Every kernel takes one argument, the address of its parameter struct
    (`runtime/ukernels/ukernel_params.def`): an `i64` array on the stack,
    one slot per field, that the pass fills right before the call
    (`KernelCalls.h`); each store names its field
    (`inception.ukernel_field`). Each kernel reads its filter buffer as
    it is: `inception-microkernels` made it the form the kernel reads (a
    weight transform). The GEMM and Winograd kernels get per-thread
    scratch that `inception-plan-workspace` places in the workspace. A
    padded buffer that the blocked kernels read, whose interior producers
    write (whole or in channel slices), is filled on its border only.

    An `inception.weight_transform` left on buffers (the weight
    preparation of a library whose weights bind at load) becomes a call
    to its transform the same way: its inputs and output are the struct's
    pointers, its params the rest.

    An op whose buffers the kernel cannot address (a layout that is not
    static, an innermost axis that is not contiguous) is an error: the
    selection only makes ops whose buffers bufferization lays out so.

    ```mlir
    inception.ukernel "conv2d" input(%in : memref<1x96x28x28xf32>)
        filter(%w : memref<128x96x3x3xf32>) bias(%b : memref<128xf32>)
        output(%out : memref<1x128x28x28xf32, strided<...>>) params {...}
    // becomes
    %params = memref.alloca() {inception.ukernel_params = "inception_uk_conv2d"} : memref<38xi64>
    ...
    memref.store %in_address, %params[%c0] {inception.ukernel_field = "input"} : memref<38xi64>
    ...
    func.call @inception_uk_conv2d(%params_address) : (index) -> ()
    ```
  }];
  let statistics = [
    Statistic<"numCalls", "calls", "Kernel calls built">,
    Statistic<"numTransforms", "weight-transforms",
              "Weight transform calls built">,
    Statistic<"numInputRelus", "input-relus",
              "ReLU layers fused into the 3x3 depthwise kernel that reads them">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def VectorKernels : Pass<"inception-vector-kernels", "mlir::ModuleOp"> {
  let summary = "Define the C microkernels' vector code in the vector dialect";
  let description = [{
    Adds the functions the C microkernels (`runtime/ukernels/`) call for
    their innermost loops, written in the vector dialect so that LLVM
    compiles them with the kernels for each ISA level:

    - `inception_uk_gemm_<mr>x<n>v<vl>`, n = 1 to nr / vl: the GEMM
      drivers' register tile (`conv2d_gemm.c`, `winograd.c`). An `mr` x
      `n vl` tile of C lives in `mr * n` vector registers across the K
      loop; each step loads one row of the packed B panel (`n` vector
      loads), broadcasts `mr` elements of the packed A panel and issues
      `mr * n` `vector.fma`s. The epilogue stores the tile back, or on a
      convolution's last K block, with ReLU, straight into the output.
    - `inception_uk_dot_v<vl>`: a dot product (`dense.c`), four vector
      accumulators, a masked tail and one `vector.reduction`.
    - `inception_uk_depthwise_row_<n>v<vl>`, n = 1 to 4: up to n vl output
      pixels of a stride-1 depthwise convolution's row (`depthwise.c`), in
      registers from their initial value (bias and residual, or the
      output's own) through every tap, stored once with the ReLU.
    - `inception_uk_{max,sum}_pool_row_<n>v<vl>`, n = 1 to 4: the same for a
      stride-1 pooling layer's row (`pool2d.c`): the window's max or sum,
      divided by an average pooling's divisor row.
    - `inception_uk_blocked_conv[_strided]_<b>x<p>v<vl>` (`blocked_conv.c`):
      b blocks of vl output channels at p pixels of a row (b p <= 24 with
      vl = 16) of a convolution on blocked activations, in registers from
      the bias and residual (or the output's partial sums) through nested
      loops over kh, kw, input blocks and lanes: per lane, b filter vectors
      and p broadcast input elements. `_strided` takes the pixel step as
      an argument; the others step vl floats, a constant.
    - `inception_uk_blocked_depthwise[_strided]_<p>v<vl>`, p = 1 to 8: the
      same for a blocked depthwise convolution, one block, the filter
      vector times each pixel's input vector per tap.

    The build runs this pass once per ISA level and links the functions
    with the C kernels (runtime/ukernels/CMakeLists.txt); models do not
    carry them. The functions take float pointers (`memref<f32>` under the
    bare-pointer calling convention).
  }];
  let options = [
    Option<"mr", "mr", "int64_t", /*default=*/"6", "Rows of C per GEMM tile">,
    Option<"nr", "nr", "int64_t", /*default=*/"16",
           "Columns of C per full GEMM tile (a multiple of vl, at most 4 vl)">,
    Option<"vl", "vl", "int64_t", /*default=*/"8", "Floats per vector register">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect", "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect", "mlir::LLVM::LLVMDialect"];
}

def BlockedLayout : Pass<"inception-blocked-layout", "mlir::func::FuncOp"> {
  let summary = "Keep activations in a blocked NCHW<b>c layout";
  let description = [{
    Runs on linalg on tensors, after the lowering. An activation
    [N, C, H, W] becomes [N, ceil(C/b), H, W, b]: the b channels of a pixel
    are adjacent, one vector for b = the target's vector width. Channels
    past C in the last block are zero, and every rewritten op keeps them
    zero.

    - A convolution contraction (`inception.conv2d`) with one group reads
      a blocked input, or the NCHW one where its producer is not blocked
      (the model's input), and writes a blocked output. Its filter is
      rearranged here, at compile time, to [F/b, kh, kw, C', b] (C' = C in
      whole blocks for a blocked input), zero past F and C: for each tap
      and input channel, the vector of b output channels. The bias becomes
      [F/b, b]. A depthwise convolution's filter becomes [C/b, kh, kw, b].
    - A generic over NCHW activations whose channel axis is one parallel
      loop that nothing else indexes (pooling, ReLU, residual sums, an
      average pooling's division) gets a loop over the lanes of a block,
      once one of its inputs is blocked. Per-channel constants become
      [C/b, b].
    - Spatial `tensor.pad`, and channel `tensor.extract_slice` and
      `tensor.insert_slice` (fused branch heads, concats) whose channel
      range starts on a block boundary and is whole blocks or runs to the
      end of the activation, work on blocks.

    The rewritten ops carry `inception.blocked = b`. Every other op reads
    the blocked value through an unpacking generic (`inception.unpack`),
    and a blocked op reading an unblocked value packs it
    (`inception.pack`), so the layout changes only where the model leaves
    what can be blocked: in the Inception models, before the global pooling
    that feeds the classifier. A module whose target has no microkernels
    (vector width 0), which are what reads blocks, is left alone.

    ```mlir
    %y = linalg.generic ... ins(%x, %w : tensor<1x1x64x56x56xf32>, tensor<1x64x64x1x1xf32>)
           outs(%bias : tensor<1x1x64x56x56xf32>) attrs = {inception.conv2d = {...}}
    // becomes
    %y = linalg.generic ... ins(%x, %w : tensor<1x4x56x56x16xf32>, tensor<4x1x1x64x16xf32>)
           outs(%bias : tensor<1x4x56x56x16xf32>) attrs = {inception.blocked = 16 : i64, inception.conv2d = {...}}
    ```
  }];
  let options = [
    Option<"blockOption", "block", "int64_t", /*default=*/"16",
           "Channels per block (default: the module's target's floats per "
           "vector register; 16 without a target)">,
  ];
  let statistics = [
    Statistic<"numConvolutions", "convolutions", "Convolutions on blocked activations">,
    Statistic<"numOthers", "other-ops", "Other ops on blocked activations">,
    Statistic<"numPacks", "packs", "Layout changes from NCHW to blocked">,
    Statistic<"numUnpacks", "unpacks", "Layout changes from blocked to NCHW">,
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect", "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::inception::InceptionDialect"];
}

#endif // INCEPTION_PASSES_CODEGEN_CPU_PASSES_TD
