//===- Passes.td - Inception compiler passes ---------------*- tablegen -*-===//

#ifndef INCEPTION_PASSES_TD
#define INCEPTION_PASSES_TD

include "mlir/Pass/PassBase.td"

def StripTrainingOps : Pass<"strip-training-ops", "mlir::func::FuncOp"> {
  let summary = "Remove what only training needs: dropout and dead heads";
  let description = [{
    Dropout is the identity at inference, and ops whose results reach no
    output (an auxiliary classifier kept in a model file) are dead: both
    leave the graph.

    ```mlir
    %1 = inception.dropout %0 ratio = 5.0E-1 : tensor<1x1024xf32>
    %2 = inception.dense %1, %w, %b : ...
    // becomes
    %2 = inception.dense %0, %w, %b : ...
    ```
  }];
}

def FoldBatchNorm : Pass<"fold-batch-norm", "mlir::func::FuncOp"> {
  let summary = "Fold inference batch norm into the preceding convolution";
  let description = [{
    `batch_norm(conv2d(x, w, b))` with constant parameters becomes
    `conv2d(x, w', b')` with, per output channel o,
    `s = gamma / sqrt(var + eps)`, `w'[o] = w[o] * s`,
    `b'[o] = (b[o] - mean[o]) * s + beta[o]` (b = 0 without bias), computed
    in double precision at compile time: exact up to rounding. A convolution
    with other users is left alone, since they need its unscaled result.

    ```mlir
    %c = inception.conv2d %x, %w ... : (...) -> tensor<1x64x56x56xf32>
    %y = inception.batch_norm %c, %g, %b, %m, %v epsilon = 1.0E-3 : ...
    // becomes
    %y = inception.conv2d %x, %w_folded, %b_folded ... : (...) -> tensor<1x64x56x56xf32>
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def FuseEpilogue : Pass<"fuse-epilogue", "mlir::func::FuncOp"> {
  let summary = "Make a following ReLU part of the convolution or dense layer";
  let description = [{
    `relu(conv2d(...))` and `relu(dense(...))` become the producer with
    `fused_relu`: the graph says the activation belongs to the producer,
    which a tiled code generator applies inside each output tile (the
    reference lowering still emits it as its own loop after the
    contraction). A producer with other users keeps its unrectified result.
    Residual `add` and `scale` epilogues are not fused yet.

    ```mlir
    %c = inception.conv2d %x, %w, %b ... : (...) -> tensor<1x64x56x56xf32>
    %r = inception.relu %c : tensor<1x64x56x56xf32>
    // becomes
    %r = inception.conv2d %x, %w, %b ... fused_relu : (...) -> tensor<1x64x56x56xf32>
    ```
  }];
}

def FuseBranches : Pass<"fuse-branches", "mlir::func::FuncOp"> {
  let summary = "Merge convolutions that read the same tensor into one";
  let description = [{
    The 1x1 heads of an Inception module's branches all read the module's
    input. Convolutions of one input with equal kernel size, strides,
    padding, dilations, groups (1) and epilogue, and constant weights,
    become one convolution whose output channels are the branches' in
    order; each branch reads its channels back with `tensor.extract_slice`.
    A missing bias becomes zeros when another branch has one. Consumers may
    differ; nothing moves across a dependency, since every merged operand
    (the shared input and new constants) exists where the first branch was.

    ```mlir
    %a = inception.conv2d %x, %wa ... -> tensor<1x64x28x28xf32>
    %b = inception.conv2d %x, %wb ... -> tensor<1x96x28x28xf32>
    // becomes
    %ab = inception.conv2d %x, %wab ... -> tensor<1x160x28x28xf32>
    %a = tensor.extract_slice %ab[0, 0, 0, 0] [1, 64, 28, 28] [1, 1, 1, 1]
    %b = tensor.extract_slice %ab[0, 64, 0, 0] [1, 96, 28, 28] [1, 1, 1, 1]
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect", "mlir::arith::ArithDialect"];
}

def ConvertInceptionToLinalg : Pass<"convert-inception-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the inception dialect to linalg, tensor and arith";
  let description = [{
    Every inception op becomes destination-style linalg on tensors, with the
    semantics of the PyTorch op it stands for:

    - `conv2d` (grouped and depthwise included) and `dense` become
      `linalg.generic` contractions whose innermost loop runs along the
      output row, so that the loops LLVM sees vectorize; padding is a
      `tensor.pad`; the bias initializes the accumulator.
    - `max_pool2d` pads with -inf, `avg_pool2d` sums and divides by a
      compile-time table of window sizes (count_include_pad and ceil_mode as
      PyTorch counts them), `global_avg_pool2d` sums and scales.
    - `batch_norm`, `relu`, `add`, `scale` and `lrn` are elementwise
      generics (LRN sums squares over a zero-padded channel window);
      `concat` inserts slices into one destination; `flatten` collapses
      shapes; `softmax` is max, exp-sum, divide; `dropout` is the identity.

    ```mlir
    %y = inception.relu %x : tensor<1x4xf32>
    // becomes
    %e = tensor.empty() : tensor<1x4xf32>
    %y = linalg.generic {... iterator_types = ["parallel", "parallel"]}
           ins(%x : tensor<1x4xf32>) outs(%e : tensor<1x4xf32>) {
           ^bb0(%in: f32, %out: f32):
             %0 = arith.maximumf %in, %cst : f32
             linalg.yield %0 : f32
         } -> tensor<1x4xf32>
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def PlanWorkspace : Pass<"inception-plan-workspace", "mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in one caller-owned workspace";
  let description = [{
    After bufferization, every `memref.alloc` at the top level of a function
    gets an offset in a single byte
    buffer, chosen first-fit by liveness (a buffer is live from its
    allocation to the last use of it or of any view of it), and becomes a
    `memref.view` of a new trailing function argument. The function then
    allocates nothing, so the caller owns all memory and one compiled model
    can run on many threads, each with its own workspace. The size is
    recorded as the `inception.workspace_size` attribute.

    ```mlir
    func.func @m(%in: memref<8xf32>, %out: memref<8xf32>) {
      %a = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
      ...
    // becomes
    func.func @m(%in: memref<8xf32>, %out: memref<8xf32>, %ws: memref<64xi8>)
        attributes {inception.workspace_size = 64 : i64} {
      %c0 = arith.constant 0 : index
      %a = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the workspace">,
  ];
  let statistics = [
    Statistic<"numBuffers", "buffers", "Buffers placed in the workspace">,
    Statistic<"totalBytes", "total-bytes", "Sum of the sizes of all buffers">,
    Statistic<"workspaceBytes", "workspace-bytes", "Size of the workspace">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::arith::ArithDialect"];
}

def LowerCopies : Pass<"inception-lower-copies", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy, so copies become loops";
  let description = [{
    Bufferization copies padded tensors and concat slices with `memref.copy`
    between strided views, which the LLVM lowering turns into calls to MLIR's
    `memrefCopy` runtime function. A compiled model links no MLIR runtime,
    so the copies become `linalg.copy` and then plain loops.

    ```mlir
    memref.copy %a, %b : memref<4xf32> to memref<4xf32, strided<[1], offset: 2>>
    // becomes
    linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32, strided<[1], offset: 2>>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def FlattenGlobals : Pass<"inception-flatten-globals", "mlir::ModuleOp"> {
  let summary = "Store every constant buffer as a one-dimensional global";
  let description = [{
    LLVM translates a `memref<64x192x1x1xf32>` global into nested arrays
    whose innermost arrays hold one element each: tens of millions of
    uniqued constants for a large model, minutes of compile time and
    gigabytes of memory. Each constant global becomes one-dimensional over
    the same data (resource blobs are shared, not copied), and each
    `memref.get_global` is followed by a `memref.expand_shape` back to the
    original shape, which costs nothing at run time.

    ```mlir
    memref.global "private" constant @w : memref<2x3xf32> = dense_resource<w>
    %0 = memref.get_global @w : memref<2x3xf32>
    // becomes
    memref.global "private" constant @w : memref<6xf32> = dense_resource<w>
    %1 = memref.get_global @w : memref<6xf32>
    %0 = memref.expand_shape %1 [[0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
    ```
  }];
}

def ExternalizeWeights : Pass<"inception-externalize-weights", "mlir::ModuleOp"> {
  let summary = "Read the weights from a caller-provided buffer instead of globals";
  let description = [{
    For `inceptionc --external-weights`: every constant global initialized
    from a resource blob (the model's parameters) gets a 64-byte aligned
    offset in one packed weights buffer, each `memref.get_global` of it
    becomes a `memref.view` of a new trailing argument of every public
    function, and the global goes away. Small compile-time tables (dense
    literals) stay in the library. The layout is recorded on the module as
    `inception.weights = [[key, offset, bytes], ...]` and
    `inception.weights_size`, from which the driver writes the file.

    ```mlir
    memref.global "private" constant @w : memref<6xf32> = dense_resource<conv.weight>
    func.func @m(%in: memref<6xf32>) {
      %0 = memref.get_global @w : memref<6xf32>
    // becomes
    func.func @m(%in: memref<6xf32>, %weights: memref<64xi8>) {
      %0 = memref.view %weights[%c0][] : memref<64xi8> to memref<6xf32>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
}

def OutlineKernels : Pass<"inception-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Move each top-level linalg op into its own function";
  let description = [{
    A model's kernel is one function with hundreds of loop nests, and
    LLVM's optimizers take time superlinear in a function's size (a
    60-convolution network compiles in seconds, a 240-convolution one in
    minutes). After bufferization and workspace planning, each top-level
    linalg op of a public function moves into a private `noinline` function
    of its own. The views and constants the op uses are cloned into it, so
    that every outlined function takes only the kernel's own arguments
    (identity-layout buffers) and the bare-pointer calling convention
    applies throughout.

    ```mlir
    func.func @m(%in: memref<8xf32>, %out: memref<8xf32>, %ws: memref<64xi8>) {
      %v = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
      linalg.generic ... ins(%in) outs(%v)
    // becomes
    func.func private @m_op0(%in: memref<8xf32>, %ws: memref<64xi8>) attributes {no_inline} {
      %v = memref.view %ws[%c0][] : memref<64xi8> to memref<8xf32>
      linalg.generic ... ins(%in) outs(%v)
      return
    }
    func.func @m(...) {
      call @m_op0(%in, %ws) : (memref<8xf32>, memref<64xi8>) -> ()
    ```
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def SequentializeInnerLoops : Pass<"inception-sequentialize-inner-loops", "mlir::func::FuncOp"> {
  let summary = "Keep only the outermost parallel loop of each nest parallel";
  let description = [{
    `convert-linalg-to-parallel-loops` makes every parallel dimension an
    `scf.parallel`, including ones nested inside reductions (a convolution's
    output rows). Only the outermost loop of each nest should start threads:
    an inner one would start a parallel region per outer iteration. Every
    `scf.parallel` inside another, or inside an `scf.for`, becomes a nest of
    `scf.for` loops; the outermost ones later become OpenMP worksharing loops.

    ```mlir
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      scf.for %k = %c0 to %c3 step %c1 {
        scf.parallel (%j) = (%c0) to (%c4) step (%c1) { ... }
    // becomes
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      scf.for %k = %c0 to %c3 step %c1 {
        scf.for %j = %c0 to %c4 step %c1 { ... }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect"];
}

def InlineAllocaScopes : Pass<"inception-inline-alloca-scopes", "mlir::func::FuncOp"> {
  let summary = "Inline memref.alloca_scope regions that allocate nothing";
  let description = [{
    `convert-scf-to-openmp` wraps each parallel loop body in a
    `memref.alloca_scope`, whose region must stay a single block, so the
    `scf.for` loops inside cannot become control flow. The kernels allocate
    no stack memory, so a scope without `memref.alloca` is inlined.

    ```mlir
    memref.alloca_scope { scf.for ... }
    // becomes
    scf.for ...
    ```
  }];
}

#endif // INCEPTION_PASSES_TD
