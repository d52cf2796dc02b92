//===- InceptionAttrs.td - Inception dialect attributes ----*- tablegen -*-===//

#ifndef INCEPTION_ATTRS_TD
#define INCEPTION_ATTRS_TD

include "dialect/InceptionBase.td"
include "mlir/IR/AttrTypeBase.td"

def Inception_TargetAttr : AttrDef<Inception_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "The machine a module is compiled for, and its blocking";
  let description = [{
    The one description of the target that every pass and emitter reads,
    attached to the module as `inception.target` by the compiler (see
    compiler/Target.h, which builds it from the host or from `-mtriple`,
    `-mcpu` and `--cache-sizes`). Cache sizes are bytes. `vector_width` is
    floats per vector register, and `mr` x `nr` the register tile of the
    CPU microkernels (output channels x pixels); all three are 0 for a
    target without microkernels, whose convolutions stay loops. `kc` and
    `nc` block the im2col GEMM for L1 and L2. `threads` is the default
    thread count of a run (0: OMP_NUM_THREADS, else every core).

    ```mlir
    module attributes {inception.target = #inception.target<
        triple = "x86_64-pc-linux-gnu", cpu = "znver4", features = "",
        vector_width = 16, l1 = 32768, l2 = 1048576, l3 = 33554432,
        mr = 6, nr = 64, kc = 128, nc = 512, threads = 0>} {}
    ```
  }];
  let parameters = (ins
    StringRefParameter<"target triple">:$triple,
    StringRefParameter<"CPU name">:$cpu,
    StringRefParameter<"subtarget features">:$features,
    "int64_t":$vector_width,
    "int64_t":$l1,
    "int64_t":$l2,
    "int64_t":$l3,
    "int64_t":$mr,
    "int64_t":$nr,
    "int64_t":$kc,
    "int64_t":$nc,
    "int64_t":$threads
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether code for this target calls the CPU microkernels.
    bool hasMicrokernels() const { return getVectorWidth() > 0; }
  }];
}

#endif // INCEPTION_ATTRS_TD
