//===- InceptionBase.td - Inception dialect definition -----*- tablegen -*-===//

#ifndef INCEPTION_BASE_TD
#define INCEPTION_BASE_TD

include "mlir/IR/OpBase.td"

def Inception_Dialect : Dialect {
  let name = "inception";
  let summary = "Inference graphs of Inception-family convolutional networks";
  let description = [{
    Ops on statically shaped, ranked float tensors in NCHW layout. The ops
    mirror PyTorch's inference semantics (padding, `ceil_mode`,
    `count_include_pad`, local response normalization, batch-norm epsilon),
    so that a model written in the Inception DSL computes exactly what the
    reference PyTorch network computes. Parameters enter as operands
    (usually `arith.constant dense_resource<...>` backed by a weights file).
  }];
  let cppNamespace = "::mlir::inception";
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
  let useDefaultAttributePrinterParser = 1;
  // Folded weight transforms become arith.constant.
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    /// The module attribute that holds the target (a TargetAttr).
    static constexpr ::llvm::StringLiteral kTargetAttrName = "inception.target";
  }];
}

class Inception_Op<string mnemonic, list<Trait> traits = []>
    : Op<Inception_Dialect, mnemonic, traits>;

// Every activation is a statically shaped float tensor; ranks are checked by
// each op because the message can then name the operand.
def Inception_Tensor : RankedTensorOf<[AnyFloat]>;
def Inception_FeatureMap : TensorRankOf<[AnyFloat], [4]>;
def Inception_Vector : TensorRankOf<[AnyFloat], [1]>;
def Inception_Matrix : TensorRankOf<[AnyFloat], [2]>;

#endif // INCEPTION_BASE_TD
