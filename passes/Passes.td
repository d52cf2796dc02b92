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
  let statistics = [
    Statistic<"numDropouts", "dropouts-removed", "Dropout ops removed">,
    Statistic<"numDead", "dead-ops-removed", "Ops removed because no output needs them">,
  ];
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
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numFolded", "folded", "Batch norms folded into convolutions">,
  ];
}

def FactorizeConv : Pass<"factorize-conv", "mlir::func::FuncOp"> {
  let summary = "Rewrite k x k convolutions as a k x 1 and a 1 x k convolution";
  let description = [{
    A convolution's kernel W[o, c, i, j], reshaped to the matrix
    M[(c, i), (o, j)] of shape (C_in*k) x (C_out*k), is a sum of rank-one
    terms from its singular value decomposition; keeping r of them is a
    k x 1 convolution from C_in to r channels followed by a 1 x k
    convolution from r to C_out channels (the spatial factorization that
    Inception-v3 builds in by hand). Strides, dilations and padding split
    by axis, so zero padding stays exact; the bias, residual and ReLU move
    to the second convolution. Grouped convolutions and non-square kernels
    are left alone.

    By default a convolution is rewritten only where a rank exists whose
    relative kernel error ||W - W_r|| / ||W|| (Frobenius) is within
    `tolerance` and at which the two convolutions need fewer MACs: exact
    low-rank kernels are factorized, full-rank ones left alone. `rank=` or
    `energy=` (the fraction of sum(sigma^2) to keep) force a lower rank on
    every eligible convolution; each one is then reported as a remark with
    its rank, relative kernel error and MACs before and after.

    The singular values come from the eigenvalues of the kernel's smaller
    Gram matrix, in double precision.

    ```mlir
    %y = inception.conv2d %x, %w, %b strides = [1, 1] padding = [1, 1, 1, 1]
           ... : (tensor<1x64x28x28xf32>, tensor<96x64x3x3xf32>, tensor<96xf32>) -> tensor<1x96x28x28xf32>
    // becomes, at rank r
    %m = inception.conv2d %x, %a strides = [1, 1] padding = [1, 0, 1, 0]
           ... : (tensor<1x64x28x28xf32>, tensor<rx64x3x1xf32>) -> tensor<1xrx28x28xf32>
    %y = inception.conv2d %m, %b2, %b strides = [1, 1] padding = [0, 1, 0, 1]
           ... : (tensor<1xrx28x28xf32>, tensor<96xrx1x3xf32>, tensor<96xf32>) -> tensor<1x96x28x28xf32>
    ```
  }];
  let options = [
    Option<"tolerance", "tolerance", "double", /*default=*/"1e-5",
           "Largest relative kernel error of an automatic (exact) factorization">,
    Option<"rank", "rank", "int64_t", /*default=*/"0",
           "Factorize every eligible convolution at this rank (0: automatic)">,
    Option<"energy", "energy", "double", /*default=*/"0.0",
           "Factorize every eligible convolution at the lowest rank keeping "
           "this fraction of the squared singular values (0: automatic)">,
  ];
  let statistics = [
    Statistic<"numFactorized", "factorized", "Convolutions factorized">,
    Statistic<"numLeft", "left-alone", "Convolutions with no cheaper exact factorization">,
    Statistic<"macsBefore", "macs-before", "MACs of the factorized convolutions before">,
    Statistic<"macsAfter", "macs-after", "MACs of the factorized convolutions after">,
  ];
}

def FuseEpilogue : Pass<"fuse-epilogue", "mlir::func::FuncOp"> {
  let summary = "Make residual scaling, residual adds and ReLUs part of the producer";
  let description = [{
    Elementwise work after a convolution becomes its epilogue, applied to
    the accumulator instead of in a pass over memory of its own:

    - `scale(conv2d(x, w, b), s)` becomes `conv2d(x, s*w, s*b)` (the residual
      scaling of Inception-ResNet, folded into the weights at compile time);
      through a fused ReLU only when s >= 0;
    - `add(r, conv2d(...))` becomes `conv2d(..., residual r)`;
    - `relu(conv2d(...))` and `relu(dense(...))` set `fused_relu`.

    A producer with other users is left alone, since they need its
    unmodified result, and a ReLU already fused into a convolution blocks a
    residual add (the sum would come after it). The ReLU and residual are
    applied by the lowering after the contraction's accumulation (the
    residual initializes the accumulator).

    ```mlir
    %c = inception.conv2d %x, %w, %b ... : (...) -> tensor<1x320x35x35xf32>
    %s = inception.scale %c by 1.7E-1 : tensor<1x320x35x35xf32>
    %a = inception.add %r, %s : tensor<1x320x35x35xf32>, tensor<1x320x35x35xf32>
    %y = inception.relu %a : tensor<1x320x35x35xf32>
    // becomes
    %y = inception.conv2d %x, %w_scaled, %b_scaled residual %r ... fused_relu
           : (...) -> tensor<1x320x35x35xf32>
    ```
  }];
  let options = [
    Option<"fuseResiduals", "fuse-residuals", "bool", /*default=*/"true",
           "Also fold residual scales and fuse residual adds (else ReLUs only)">,
  ];
  let statistics = [
    Statistic<"numRelus", "relus-fused", "ReLUs fused into their producer">,
    Statistic<"numScales", "scales-folded", "Scales folded into convolution weights">,
    Statistic<"numResiduals", "residual-adds-fused", "Residual adds fused into convolutions">,
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
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
  let statistics = [
    Statistic<"numGroups", "groups-merged", "Groups of convolutions merged into one">,
    Statistic<"numConvs", "convolutions-merged", "Convolutions merged into wider ones">,
  ];
}

def ElideConcat : Pass<"elide-concat", "mlir::func::FuncOp"> {
  let summary = "Let the producers of a concat write straight into its slices";
  let description = [{
    Runs after bufferization. A channel concat bufferizes to one buffer and
    a `memref.copy` of each operand into its slice: every branch of an
    Inception module is computed into a buffer of its own and then copied.
    Each such copy whose source is a buffer allocated in the function, and
    is not used after the copy, is removed, and the source's allocation
    replaced by the slice (views of it rebuilt over the slice), so that its
    producers write their results in place. The concat's buffer moves up to
    exist before them.

    A copy stays when it is not safe to forward: its source is used after
    it, is an argument or a view into a larger result (a branch of a fused
    convolution), or some other op reads or writes the target slice while
    the source is alive (slices are compared as static element ranges).

    ```mlir
    %a = memref.alloc() : memref<1x64x28x28xf32>
    linalg.generic ... outs(%a : memref<1x64x28x28xf32>)
    %c = memref.alloc() : memref<1x96x28x28xf32>
    %s = memref.subview %c[0, 0, 0, 0] [1, 64, 28, 28] [1, 1, 1, 1]
    memref.copy %a, %s
    // becomes
    %c = memref.alloc() : memref<1x96x28x28xf32>
    %s = memref.subview %c[0, 0, 0, 0] [1, 64, 28, 28] [1, 1, 1, 1]
    linalg.generic ... outs(%s : memref<1x64x28x28xf32, strided<[75264, 784, 28, 1]>>)
    ```
  }];
  let statistics = [
    Statistic<"numElided", "copies-elided", "Copies into a slice removed">,
    Statistic<"numKept", "copies-kept", "Copies into a slice that remain">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
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

    A kernel's per-thread scratch (`memref.alloc` marked
    `inception.thread_scratch`, which microkernels creates) is placed after
    all the others, at `inception.workspace_size`: thread t of a run uses
    the region t times `inception.workspace_per_thread` (the largest such
    buffer, aligned) past it, so a run on n threads needs
    workspace_size + n * workspace_per_thread bytes.

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
    Statistic<"largestLiveBytes", "largest-live-bytes",
              "Largest sum of buffers alive at one op (no placement needs less)">,
    Statistic<"workspaceBytes", "workspace-bytes", "Size of the workspace">,
    Statistic<"workspacePerThreadBytes", "workspace-per-thread-bytes",
              "Workspace bytes for each thread of a run: kernels' scratch">,
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

def HoistWeights : Pass<"inception-hoist-weights", "mlir::ModuleOp"> {
  let summary = "Move every computation on load-time parameters into a weight preparation function";
  let description = [{
    For a library whose weights bind at load (`inceptionc
    --weights-at-load`), on tensors before bufferization, as IREE's
    const-eval hoisting does: every op of a public function that computes
    only from `inception.parameter` ops (and constants), free of memory
    effects, moves into a new public function `<function>_prepare`, which
    takes the parameters, in program order, and returns what the function
    reads of them (the prepared weights). The function takes those as new
    trailing arguments (read-only) instead. Nothing that depends on the
    function's own arguments moves; constants are cloned where both need
    them.

    The module records the parameters (`inception.parameters`, keys and
    shapes in the preparation's argument order) and the keys the model
    file declares that nothing reads any more (`inception.ignored_keys`,
    from `inception.parameter_keys`); the function records where its
    prepared weights start (`inception.prepared_weights`, [first argument,
    count]). `inception-weights-arena` later places them in one arena.

    ```mlir
    func.func @m(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
      %w = inception.parameter "conv.weight" : tensor<8x8x1x1xf32>
      %p = inception.weight_transform "pack_panels" ins(%w : ...) ...
      %y = inception.ukernel "conv2d" input(%x : ...) filter(%p : ...) ...
    // becomes
    func.func @m(%x: tensor<1x8x4x4xf32>, %p: tensor<64xf32>) -> ... {
      %y = inception.ukernel "conv2d" input(%x : ...) filter(%p : ...) ...
    func.func @m_prepare(%w: tensor<8x8x1x1xf32>) -> tensor<64xf32> {
      %p = inception.weight_transform "pack_panels" ins(%w : ...) ...
      return %p
    ```
  }];
  let statistics = [
    Statistic<"numHoisted", "hoisted-ops", "Ops moved into the weight preparation">,
    Statistic<"numPrepared", "prepared-weights", "Weights the preparation returns">,
    Statistic<"numParameters", "parameters", "Parameters the preparation takes">,
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def WeightsArena : Pass<"inception-weights-arena", "mlir::ModuleOp"> {
  let summary = "Place the prepared weights in one arena the preparation fills";
  let description = [{
    After bufferization and the workspace plan, for the functions
    `inception-hoist-weights` made: each prepared weight gets a 64-byte
    aligned offset in one weights arena. The run function's prepared
    weight arguments and the preparation's result buffers (out-params by
    then) become `memref.view`s of a new trailing `memref<Nxi8>` argument
    of each, so the preparation writes each weight where the run reads
    it. The arena's size is recorded as `inception.arena_size`.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect", "mlir::arith::ArithDialect"];
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
  let statistics = [
    Statistic<"numKernels", "kernels", "Kernels the model function calls">,
  ];
}

def ProfileLayers : Pass<"inception-profile-layers", "mlir::ModuleOp"> {
  let summary = "Mark where each layer's work starts, for a per-layer profile";
  let description = [{
    Runs after `inception-outline-kernels` when inceptionc is given
    `--profile`. In every public function, before each op that does work
    (a call to a kernel or microkernel, a copy, a remaining linalg op or
    loop) whose layer differs from the previous one's, inserts
    `call @inception_profile_layer(%layer)`, and `-1` before the return.
    The layer is the op's DSL name (its first NameLoc; fused ops carry their
    producers' names first); the names, indexed by %layer, go to the module
    attribute `inception.profile_layers`, and each layer's back half to
    `inception.profile_backends`: "cpu", or the `inception.backend` of its
    calls (a Halide layer's, "halide"). The library's wrapper defines the
    hook: it timestamps the marks of a run started through `run_profiled`
    and does nothing otherwise.

    ```mlir
    call @m_kernel_op3(%in, %ws) : ... loc("conv1")
    // becomes
    call @inception_profile_layer(%c0_i64) : (i64) -> ()
    call @m_kernel_op3(%in, %ws) : ... loc("conv1")
    ```
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numLayers", "layers", "Layers with a name in the profile">,
    Statistic<"numMarks", "marks", "Profile marks inserted">,
  ];
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
    An outermost loop of several dimensions whose body has no loop (an
    elementwise op, a pack) keeps all but its last dimension parallel and
    runs the last (the contiguous row) as an `scf.for` inside: the OpenMP
    lowering would otherwise collapse them into one loop that delinearizes
    every index and that LLVM cannot vectorize. A loop-free `scf.for` over a
    whole contiguous innermost dimension of 4 to 16 (a blocked tensor's
    lanes), whose loads and stores index it last and only there and whose
    other ops are arith ops, becomes one vector: LLVM would unroll it fully
    and leave the scalar loads and stores apart.

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
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def InlineAllocaScopes : Pass<"inception-inline-alloca-scopes", "mlir::func::FuncOp"> {
  let summary = "Inline memref.alloca_scope regions, hoisting their static "
                "allocas";
  let description = [{
    `convert-scf-to-openmp` wraps each parallel loop body in a
    `memref.alloca_scope`, whose region must stay a single block, so the
    `scf.for` loops inside cannot become control flow. A scope is inlined;
    its allocas of static size (the shared-memory tiles and accumulators
    of GPU nests run on the host) move to the entry of the region that
    runs once per thread around it, the OpenMP parallel region's (or the
    function's): a buffer of one iteration is dead before the next, so one
    per thread serves all iterations and the stack does not grow. A scope
    with a dynamic alloca, or with results, stays.

    ```mlir
    memref.alloca_scope { %t = memref.alloca() : memref<16xf32>  scf.for ... }
    // becomes
    %t = memref.alloca() : memref<16xf32>   // at the parallel region's entry
    scf.for ...
    ```
  }];
}

#endif // INCEPTION_PASSES_TD
