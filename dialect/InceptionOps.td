//===- InceptionOps.td - Inception dialect operations ------*- tablegen -*-===//

#ifndef INCEPTION_OPS_TD
#define INCEPTION_OPS_TD

include "dialect/InceptionBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"

//===----------------------------------------------------------------------===//
// Convolution and dense layers
//===----------------------------------------------------------------------===//

def Inception_Conv2DOp : Inception_Op<"conv2d",
    [Pure, InferTypeOpAdaptor, AttrSizedOperandSegments]> {
  let summary = "2-D convolution (NCHW input, OIHW filter), grouped or depthwise";
  let description = [{
    PyTorch's `Conv2d` at inference. `padding` is `[top, left, bottom, right]`
    zero padding; `groups` equal to the input channels gives a depthwise
    convolution. The filter has shape `[C_out, C_in / groups, KH, KW]` and the
    optional bias `[C_out]`. The optional `residual`, of the result's
    shape, is added to the convolution's sum (a ResNet shortcut fused by
    `fuse-epilogue`), and `fused_relu` then applies max(0, x):
    `output = relu?(conv(input, filter) + bias + residual)`.

    ```mlir
    %y = inception.conv2d %x, %w, %b strides = [2, 2] padding = [3, 3, 3, 3]
           dilations = [1, 1] groups = 1
           : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>)
           -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input,
                       Inception_FeatureMap:$filter,
                       Optional<Inception_Vector>:$bias,
                       Optional<Inception_FeatureMap>:$residual,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       UnitAttr:$fused_relu);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? (`residual` $residual^)?
    `strides` `=` $strides
    `padding` `=` $padding `dilations` `=` $dilations `groups` `=` $groups
    (`fused_relu` $fused_relu^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Inception_DenseOp : Inception_Op<"dense", [Pure, InferTypeOpAdaptor]> {
  let summary = "fully connected layer, y = x W^T + b";
  let description = [{
    PyTorch's `Linear`: the weight has shape `[out_features, in_features]`.

    ```mlir
    %y = inception.dense %x, %w, %b
           : (tensor<1x1024xf32>, tensor<1000x1024xf32>, tensor<1000xf32>)
           -> tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Inception_Matrix:$input,
                       Inception_Matrix:$weight,
                       Optional<Inception_Vector>:$bias,
                       UnitAttr:$fused_relu);
  let results = (outs Inception_Matrix:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`fused_relu` $fused_relu^)? attr-dict
    `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Inception_BatchNormOp : Inception_Op<"batch_norm",
    [Pure, InferTypeOpAdaptor,
     AllTypesMatch<["scale", "offset", "mean", "variance"]>]> {
  let summary = "inference batch normalization over the channel axis";
  let description = [{
    `y = (x - mean) / sqrt(variance + epsilon) * scale + offset`, per channel,
    with the running statistics of PyTorch's `BatchNorm2d` in eval mode.

    ```mlir
    %y = inception.batch_norm %x, %gamma, %beta, %mean, %var epsilon = 1.0E-3
           : tensor<1x64x56x56xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input,
                       Inception_Vector:$scale,
                       Inception_Vector:$offset,
                       Inception_Vector:$mean,
                       Inception_Vector:$variance,
                       F64Attr:$epsilon);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $offset `,` $mean `,` $variance
    `epsilon` `=` $epsilon attr-dict `:` type($input) `,` type($scale)
  }];
  let hasVerifier = 1;
}

def Inception_LRNOp : Inception_Op<"lrn", [Pure, InferTypeOpAdaptor]> {
  let summary = "local response normalization across channels";
  let description = [{
    PyTorch's `LocalResponseNorm`:
    `y_c = x_c / (k + alpha / size * sum_{c' in window(c)} x_c'^2) ^ beta`,
    where the window spans channels `c - size/2 .. c + (size-1)/2`, clipped
    to the valid range (zero padded).

    ```mlir
    %y = inception.lrn %x size = 5 alpha = 1.0E-4 beta = 7.5E-1 k = 1.0
           : tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input,
                       I64Attr:$size,
                       F64Attr:$alpha,
                       F64Attr:$beta,
                       F64Attr:$k);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = [{
    $input `size` `=` $size `alpha` `=` $alpha `beta` `=` $beta `k` `=` $k
    attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

def Inception_MaxPool2DOp : Inception_Op<"max_pool2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D max pooling with PyTorch's ceil_mode rule";
  let description = [{
    `padding` is `[top, left, bottom, right]`; padded positions never win.
    With `ceil_mode` the output size rounds up, but a window that would start
    in the bottom/right padding is dropped, as PyTorch does.

    ```mlir
    %y = inception.max_pool2d %x kernel = [3, 3] strides = [2, 2]
           padding = [0, 0, 0, 0] ceil_mode
           : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input,
                       DenseI64ArrayAttr:$kernel_size,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       UnitAttr:$ceil_mode);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel_size `strides` `=` $strides
    `padding` `=` $padding (`ceil_mode` $ceil_mode^)? attr-dict
    `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def Inception_AvgPool2DOp : Inception_Op<"avg_pool2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D average pooling with PyTorch's ceil_mode and count_include_pad";
  let description = [{
    With `count_include_pad` the divisor counts the zero padding inside the
    window (but never positions past the padding that `ceil_mode` adds);
    without it the divisor counts only input elements.

    ```mlir
    %y = inception.avg_pool2d %x kernel = [3, 3] strides = [1, 1]
           padding = [1, 1, 1, 1] count_include_pad = true
           : tensor<1x192x35x35xf32> -> tensor<1x192x35x35xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input,
                       DenseI64ArrayAttr:$kernel_size,
                       DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       UnitAttr:$ceil_mode,
                       BoolAttr:$count_include_pad);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel_size `strides` `=` $strides
    `padding` `=` $padding (`ceil_mode` $ceil_mode^)?
    `count_include_pad` `=` $count_include_pad attr-dict
    `:` type($input) `->` type($output)
  }];
  let hasFolder = 1;
}

def Inception_GlobalAvgPool2DOp : Inception_Op<"global_avg_pool2d",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "mean over the spatial axes, keeping them as 1x1";
  let description = [{
    ```mlir
    %y = inception.global_avg_pool2d %x
           : tensor<1x1024x7x7xf32> -> tensor<1x1024x1x1xf32>
    ```
  }];
  let arguments = (ins Inception_FeatureMap:$input);
  let results = (outs Inception_FeatureMap:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise and structural ops
//===----------------------------------------------------------------------===//

def Inception_ReluOp : Inception_Op<"relu", [Pure, InferTypeOpAdaptor]> {
  let summary = "max(0, x), elementwise";
  let description = [{
    ```mlir
    %y = inception.relu %x : tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasFolder = 1;
}

def Inception_ClipOp : Inception_Op<"clip", [Pure, InferTypeOpAdaptor]> {
  let summary = "min(max(x, min), max), elementwise (ReLU6: min 0, max 6)";
  let description = [{
    ONNX's Clip and `torch.clamp`; a bound that is absent does not apply.

    ```mlir
    %y = inception.clip %x {max = 6.0 : f64, min = 0.0 : f64} : tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input, OptionalAttr<F64Attr>:$min,
                       OptionalAttr<F64Attr>:$max);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Inception_AddOp : Inception_Op<"add", [Pure, Commutative, InferTypeOpAdaptor]> {
  let summary = "elementwise sum of two tensors of the same shape";
  let description = [{
    The residual connection of Inception-ResNet. No broadcasting: both
    operands must have the same shape.

    ```mlir
    %y = inception.add %a, %b : tensor<1x320x35x35xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$lhs, Inception_Tensor:$rhs);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)";
}

def Inception_ScaleOp : Inception_Op<"scale", [Pure, InferTypeOpAdaptor]> {
  let summary = "multiplication by a constant factor (residual scaling)";
  let description = [{
    ```mlir
    %y = inception.scale %x by 1.7E-1 : tensor<1x320x35x35xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input, F64Attr:$factor);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$input `by` $factor attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Inception_ConcatOp : Inception_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "concatenation along one axis (the channels of a module)";
  let description = [{
    ```mlir
    %y = inception.concat %a, %b axis = 1
           : (tensor<1x64x28x28xf32>, tensor<1x128x28x28xf32>)
           -> tensor<1x192x28x28xf32>
    ```
  }];
  let arguments = (ins Variadic<Inception_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = [{
    $inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, $output)
  }];
  let hasFolder = 1;
}

def Inception_FlattenOp : Inception_Op<"flatten", [Pure, InferTypeOpAdaptor]> {
  let summary = "collapse every axis after the batch axis";
  let description = [{
    ```mlir
    %y = inception.flatten %x : tensor<1x1024x1x1xf32> -> tensor<1x1024xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input);
  let results = (outs Inception_Matrix:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Inception_SoftmaxOp : Inception_Op<"softmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "softmax along one axis";
  let description = [{
    ```mlir
    %y = inception.softmax %x axis = 1 : tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input, I64Attr:$axis);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
}

def Inception_DropoutOp : Inception_Op<"dropout", [Pure, InferTypeOpAdaptor]> {
  let summary = "dropout; the identity at inference";
  let description = [{
    Kept in the graph as written so that `strip-training-ops` can show what
    it removes; every lowering treats it as the identity.

    ```mlir
    %y = inception.dropout %x ratio = 4.0E-1 : tensor<1x1024xf32>
    ```
  }];
  let arguments = (ins Inception_Tensor:$input, F64Attr:$ratio);
  let results = (outs Inception_Tensor:$output);
  let assemblyFormat = "$input `ratio` `=` $ratio attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// The CPU back half's kernel selection
//===----------------------------------------------------------------------===//

def Inception_UkernelOp : Inception_Op<"ukernel",
    [AttrSizedOperandSegments, DestinationStyleOpInterface,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
     DeclareOpInterfaceMethods<BufferizableOpInterface,
         ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
          "getAliasingValues", "bufferize"]>]> {
  let summary = "a layer run by one C microkernel, with its epilogue";
  let description = [{
    The CPU back half's `inception-microkernels` replaces a convolution,
    pooling or dense contraction on tensors, with the ops that make its
    epilogue (the accumulator's initialization from a bias and a residual,
    a ReLU after it, an average pooling's division), by this op: which
    kernel of `runtime/ukernels/ukernel_abi.h` runs it (`kernel`, the
    symbol without its `inception_uk_` prefix), what it reads and, in
    `params`, every static parameter of the call (window, strides,
    padding, the epilogue's flags, the cache blocking). It is in
    destination-passing style: one-shot bufferization places its output
    like any other op's, in a concat's slice or a padded buffer's interior,
    and `inception-lower-ukernels` then builds the call from the buffers'
    layouts.

    `output` is written; it is also read when `params` has `accumulate`
    set (the kernel adds to the output's own values).

    ```mlir
    %y = inception.ukernel "conv2d_blocked" input(%x : tensor<1x4x30x30x16xf32>)
           filter(%w : tensor<8x3x3x64x16xf32>) bias(%b : tensor<8x16xf32>)
           output(%init : tensor<1x8x28x28x16xf32>)
           params {relu = 1 : i64, ...} -> tensor<1x8x28x28x16xf32>
    ```
  }];
  let arguments = (ins StrAttr:$kernel,
                       AnyShaped:$input,
                       Optional<AnyShaped>:$filter,
                       Optional<AnyShaped>:$bias,
                       Optional<AnyShaped>:$residual,
                       Optional<AnyShaped>:$divisor,
                       AnyShaped:$output,
                       DictionaryAttr:$params);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $kernel `input` `(` $input `:` type($input) `)`
    (`filter` `(` $filter^ `:` type($filter) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`residual` `(` $residual^ `:` type($residual) `)`)?
    (`divisor` `(` $divisor^ `:` type($divisor) `)`)?
    `output` `(` $output `:` type($output) `)`
    `params` $params attr-dict (`->` type($result)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getOutputMutable();
    }
    /// An integer of `params`; `otherwise` where it has none.
    int64_t getParam(::llvm::StringRef name, int64_t otherwise = 0);
    /// Whether the kernel adds to the output's own values.
    bool accumulates() { return getParam("accumulate") != 0; }
    /// The params of a blocked kernel that fills its padded input's border
    /// itself: [top, bottom, left, right], and the value (a float).
    static constexpr ::llvm::StringLiteral kBorderParam = "border",
                                           kBorderValueParam = "border_value";
    /// Whether the kernel fills its input's border, and so writes its input.
    bool fillsInputBorder() { return getParams().get(kBorderParam) != nullptr; }
    /// The param of a depthwise kernel that applies max(x, 0) to each input
    /// value it reads: the ReLU that wrote its padded input, fused.
    static constexpr ::llvm::StringLiteral kInputReluParam = "input_relu";
    /// Whether the kernel can take kInputReluParam: depthwise2d_blocked of
    /// 3x3 taps, stride and dilation 1 along rows (its rows in registers).
    bool takesInputRelu();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// The Halide back half's layers
//===----------------------------------------------------------------------===//

def Inception_HalideCallOp : Inception_Op<"halide_call",
    [DestinationStyleOpInterface,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
     DeclareOpInterfaceMethods<BufferizableOpInterface,
         ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
          "getAliasingValues", "bufferize"]>]> {
  let summary = "a layer run by a Halide pipeline compiled ahead of time";
  let description = [{
    The Halide back half replaces each layer on tensors (a convolution,
    pooling or dense contraction with the ops of its epilogue and the
    padding and reshapes that feed it, or a run of elementwise ops) by this
    op: the function `callee`, a Halide pipeline compiled into the library,
    computes `output` from `inputs` (activations and weights), each passed
    as a `halide_buffer_t` built from the buffer's layout. In
    destination-passing style, so that one-shot bufferization places the
    output in a concat's slice like any other op's. `scratch` is the bytes
    of the per-thread arena Halide's own allocations come from.

    ```mlir
    %y = inception.halide_call @googlenet_halide_3 scratch 0
           ins(%x, %w : tensor<1x64x56x56xf32>, tensor<192x64x3x3xf32>)
           outs(%e : tensor<1x192x56x56xf32>) -> tensor<1x192x56x56xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<AnyShaped>:$inputs,
                       AnyShaped:$output,
                       I64Attr:$scratch);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $callee `scratch` $scratch (`ins` `(` $inputs^ `:` type($inputs) `)`)?
    `outs` `(` $output `:` type($output) `)` attr-dict (`->` type($result)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getOutputMutable();
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

def Inception_ParameterOp : Inception_Op<"parameter", [Pure]> {
  let summary = "a weight bound when the library loads";
  let description = [{
    The tensor a weights file holds under `key` (a state_dict key), f32,
    row-major. `inceptionc --weights-at-load` builds these instead of
    constants: the library carries the shapes, not the data, and
    `inception-hoist-weights` moves every computation on them into the
    generated weight preparation.

    ```mlir
    %w = inception.parameter "conv1.weight" : tensor<64x3x7x7xf32>
    ```
  }];
  let arguments = (ins StrAttr:$key);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = "$key attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Inception_WeightTransformOp : Inception_Op<"weight_transform",
    [DestinationStyleOpInterface,
     DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
     DeclareOpInterfaceMethods<BufferizableOpInterface,
         ["bufferizesToMemoryRead", "bufferizesToMemoryWrite",
          "getAliasingValues", "bufferize"]>]> {
  let summary = "what a pass does to weights, as one C transform";
  let description = [{
    Runs the weight transform `inception_uk_<transform>` of
    `runtime/ukernels/weight_transforms.c` on `inputs` into `output`: the
    struct's pointers are the inputs in order and then the output, its
    integers and reals come from `params` by name. The passes that change
    weights (`fold-batch-norm`, `fuse-branches`, `inception-blocked-layout`
    and `inception-microkernels`) build these; on constants with data the
    op folds, running the same C function while it compiles, and otherwise
    `inception-hoist-weights` moves it into the weight preparation, where
    it becomes a call. Every operand is contiguous and row-major.

    ```mlir
    %u = inception.weight_transform "pack_panels"
           ins(%w : tensor<64x147xf32>) outs(%e : tensor<1584xf32>)
           params {depth = 147 : i64, mr = 6 : i64, out_channels = 64 : i64}
           -> tensor<1584xf32>
    ```
  }];
  let arguments = (ins StrAttr:$transform,
                       Variadic<AnyShaped>:$inputs,
                       AnyShaped:$output,
                       DictionaryAttr:$params);
  let results = (outs Optional<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $transform `ins` `(` $inputs `:` type($inputs) `)`
    `outs` `(` $output `:` type($output) `)`
    `params` $params attr-dict (`->` type($result)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getOutputMutable();
    }
    /// The transform's symbol, `inception_uk_<transform>`.
    std::string getSymbol();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // INCEPTION_OPS_TD
