//===- Passes.h - Inception compiler passes ---------------------*- C++ -*-===//

#ifndef INCEPTION_PASSES_PASSES_H
#define INCEPTION_PASSES_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::inception {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

/// The workspace size in bytes PlanWorkspace records on the entry point:
/// what a run needs whatever its thread count.
constexpr llvm::StringLiteral kWorkspaceSizeAttr = "inception.workspace_size";

/// The bytes PlanWorkspace records that a run needs besides for each thread
/// of its OpenMP team: the largest thread scratch of its kernels.
constexpr llvm::StringLiteral kWorkspacePerThreadAttr =
    "inception.workspace_per_thread";

/// Marks an allocation (memref<Nxi8>) that is one thread's scratch of a
/// kernel call, which takes it as `scratch, N` and uses the N bytes at
/// scratch + thread * N (runtime/ukernels/ukernel_abi.h). PlanWorkspace
/// places every such buffer at the end of the workspace, past which the
/// caller provides one such region per thread.
constexpr llvm::StringLiteral kThreadScratchAttr = "inception.thread_scratch";

/// The geometry ({strides, dilations, padding}) the lowering records on a
/// convolution's contraction (which reads the padded input), for
/// microkernels.
constexpr llvm::StringLiteral kConvAttr = "inception.conv2d";

/// What the lowering records on a pooling reduction, which reads the padded
/// input ({kind = "max" or "sum", strides, padding, input_size = the
/// unpadded [H, W]}), for microkernels.
constexpr llvm::StringLiteral kPoolAttr = "inception.pool2d";

/// The block size blocked-layout records on the ops it rewrote to work on
/// activations [N, C/b, H, W, b].
constexpr llvm::StringLiteral kBlockedAttr = "inception.blocked";

/// Marks a dense layer's contraction (out[n, m] += x[n, k] * w[m, k]), for
/// microkernels.
constexpr llvm::StringLiteral kDenseAttr = "inception.dense";

/// The register tile [mr, nr, vl] inception-microkernels records on a
/// module that calls its C kernels: the CPU back half links the kernels
/// built for it (the cache blocking travels in each call's parameters).
constexpr llvm::StringLiteral kMicrokernelAttr = "inception.microkernels";

/// The layer names inception-profile-layers records on a module, indexed
/// by the argument of its inception_profile_layer calls.
constexpr llvm::StringLiteral kProfileLayersAttr = "inception.profile_layers";
/// The back half of each layer of kProfileLayersAttr: "cpu", or the
/// kBackendAttr of the layer's calls.
constexpr llvm::StringLiteral kProfileBackendsAttr =
    "inception.profile_backends";
/// On a call to code another back half generated ("halide").
constexpr llvm::StringLiteral kBackendAttr = "inception.backend";

/// On a module whose weights bind at load (inception-hoist-weights): the
/// parameters the preparation takes, in order, each [key, [shape...]].
constexpr llvm::StringLiteral kParametersAttr = "inception.parameters";
/// The keys the model file declares that the compiled model does not read.
constexpr llvm::StringLiteral kIgnoredKeysAttr = "inception.ignored_keys";
/// On a run function: [first argument, count] of its prepared weights.
constexpr llvm::StringLiteral kPreparedWeightsAttr =
    "inception.prepared_weights";
/// On the preparation function: the run function it prepares for.
constexpr llvm::StringLiteral kPreparesAttr = "inception.prepares";
/// On the module, after inception-weights-arena: the arena's bytes.
constexpr llvm::StringLiteral kArenaSizeAttr = "inception.arena_size";

/// The DSL name of the layer an op comes from: its first NameLoc (a fused
/// op carries the locations of all the ops it replaced, its producer
/// first), or "" where it has none.
std::string layerName(Location loc);

/// Patterns lowering each op family to linalg; used by
/// ConvertInceptionToLinalg.
void populateConvolutionLoweringPatterns(RewritePatternSet &patterns);
void populatePoolingLoweringPatterns(RewritePatternSet &patterns);
void populateElementwiseLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::inception

#endif // INCEPTION_PASSES_PASSES_H
