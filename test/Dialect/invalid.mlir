// RUN: %inception-opt %s -split-input-file -verify-diagnostics

// Every verifier and shape-inference error of the dialect, one per case. A
// shape error is reported by the op's shape rule and then, generically, by
// MLIR's result type verifier.

func.func @conv_channels(%x: tensor<1x192x28x28xf32>, %w: tensor<64x96x1x1xf32>) {
  // expected-error @+2 {{'inception.conv2d' op input has 192 channels but the filter expects 96 (groups = 1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x192x28x28xf32>, tensor<64x96x1x1xf32>) -> tensor<1x64x28x28xf32>
  return
}

// -----

func.func @conv_groups_input(%x: tensor<1x10x8x8xf32>, %w: tensor<12x2x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op groups = 4 must be positive and divide the 10 input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x10x8x8xf32>, tensor<12x2x3x3xf32>) -> tensor<1x12x6x6xf32>
  return
}

// -----

func.func @conv_groups_output(%x: tensor<1x8x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op groups = 4 must divide the 6 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x8x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

func.func @conv_groups_zero(%x: tensor<1x8x8x8xf32>, %w: tensor<8x8x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op groups = 0 must be positive and divide the 8 input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 0 : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{'inception.conv2d' op bias has shape [5] but the convolution has 4 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w, %b strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op strides must have 2 values, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op strides values must be in [1, 1099511627776], got [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [0, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_padding(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op padding must have 4 values, got 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [1, 1] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_negative_padding(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op padding values must be in [0, 1099511627776], got [-1, 0, 0, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [-1, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_dilations(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op dilations values must be in [1, 1099511627776], got [1, 0]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 0] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_residual_shape(%x: tensor<1x8x5x5xf32>, %w: tensor<4x8x1x1xf32>, %r: tensor<1x4x5x4xf32>) {
  // expected-error @+2 {{'inception.conv2d' op residual of shape [1, 4, 5, 4] does not match the result shape [1, 4, 5, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w residual %r strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x8x5x5xf32>, tensor<4x8x1x1xf32>, tensor<1x4x5x4xf32>) -> tensor<1x4x5x5xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op the height of the padded input (2) is smaller than the dilated kernel (3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

func.func @conv_result_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'inception.conv2d' op operand #0 must be 4D tensor of floating-point values, but got 'tensor<3x8x8xf32>'}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_dynamic(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'inception.conv2d' op input must have a static shape of positive extents, got [?, 3, 8, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_element_types(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+2 {{'inception.conv2d' op operands mix element types 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @dense_features(%x: tensor<1x1024xf32>, %w: tensor<1000x2048xf32>) {
  // expected-error @+2 {{'inception.dense' op input has 1024 features but the weight expects 2048}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.dense %x, %w : (tensor<1x1024xf32>, tensor<1000x2048xf32>) -> tensor<1x1000xf32>
  return
}

// -----

func.func @dense_bias(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+2 {{'inception.dense' op bias has shape [8] but the layer has 4 output features}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.dense %x, %w, %b : (tensor<1x8xf32>, tensor<4x8xf32>, tensor<8xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @batch_norm_channels(%x: tensor<1x64x8x8xf32>, %p: tensor<32xf32>) {
  // expected-error @+1 {{'inception.batch_norm' op input has 64 channels but the parameters have shape [32]}}
  %0 = inception.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-3 : tensor<1x64x8x8xf32>, tensor<32xf32>
  return
}

// -----

func.func @batch_norm_epsilon(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{'inception.batch_norm' op epsilon must be positive and finite, got 0}}
  %0 = inception.batch_norm %x, %p, %p, %p, %p epsilon = 0.0 : tensor<1x4x8x8xf32>, tensor<4xf32>
  return
}

// -----

func.func @batch_norm_param_types(%x: tensor<1x4x8x8xf32>, %p: tensor<4xf32>, %q: tensor<5xf32>) {
  // expected-error @+1 {{'inception.batch_norm' op failed to verify that all of {scale, offset, mean, variance} have same type}}
  %0 = "inception.batch_norm"(%x, %p, %p, %p, %q) <{epsilon = 1.0e-3 : f64}> : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<5xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @lrn_size(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'inception.lrn' op size must be positive, got 0}}
  %0 = inception.lrn %x size = 0 alpha = 1.0e-4 beta = 0.75 k = 1.0 : tensor<1x4x8x8xf32>
  return
}

// -----

func.func @lrn_k(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'inception.lrn' op k must be positive and alpha non-negative, got k = 0.000000e+00, alpha = 1.000000e-04}}
  %0 = inception.lrn %x size = 5 alpha = 1.0e-4 beta = 0.75 k = 0.0 : tensor<1x4x8x8xf32>
  return
}

// -----

func.func @lrn_finite(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{'inception.lrn' op alpha, beta and k must be finite}}
  %0 = "inception.lrn"(%x) <{size = 5 : i64, alpha = 1.0e-4 : f64, beta = 0x7FF0000000000000 : f64, k = 1.0 : f64}> : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @max_pool_kernel(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{'inception.max_pool2d' op kernel must have 2 values, got 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.max_pool2d %x kernel = [3] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x4x8x8xf32> -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @max_pool_padding(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{'inception.max_pool2d' op padding [2, 2, 2, 2] must be at most half of the kernel [3, 3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.max_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [2, 2, 2, 2] : tensor<1x4x8x8xf32> -> tensor<1x4x10x10xf32>
  return
}

// -----

func.func @max_pool_window(%x: tensor<1x4x2x2xf32>) {
  // expected-error @+2 {{'inception.max_pool2d' op the height of the padded input (2) is smaller than the kernel (3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.max_pool2d %x kernel = [3, 3] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x4x2x2xf32> -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @avg_pool_result(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{'inception.avg_pool2d' op inferred type(s) 'tensor<1x4x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x4x3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] count_include_pad = true : tensor<1x4x8x8xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @global_avg_pool_rank(%x: tensor<4x8x8xf32>) {
  // expected-error @+1 {{'inception.global_avg_pool2d' op operand #0 must be 4D tensor of floating-point values, but got 'tensor<4x8x8xf32>'}}
  %0 = inception.global_avg_pool2d %x : tensor<4x8x8xf32> -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @concat_shapes(%a: tensor<1x4x8x8xf32>, %b: tensor<1x4x7x8xf32>) {
  // expected-error @+2 {{'inception.concat' op input 1 has shape [1, 4, 7, 8] but input 0 has [1, 4, 8, 8]; they may differ only on axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.concat %a, %b axis = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x7x8xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<1x4x8x8xf32>, %b: tensor<1x4x8xf32>) {
  // expected-error @+2 {{'inception.concat' op input 1 has shape [1, 4, 8] of a different rank than input 0 [1, 4, 8, 8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.concat %a, %b axis = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x8xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{'inception.concat' op axis 4 is out of range for rank 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.concat %a axis = 4 : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+2 {{'inception.concat' op needs at least one input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "inception.concat"() <{axis = 1 : i64}> : () -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @add_shapes(%a: tensor<1x4x8x8xf32>, %b: tensor<1x4x8x7xf32>) {
  // expected-error @+1 {{'inception.add' op operands have different shapes [1, 4, 8, 8] and [1, 4, 8, 7]}}
  %0 = inception.add %a, %b : tensor<1x4x8x8xf32>, tensor<1x4x8x7xf32>
  return
}

// -----

func.func @clip_no_bound(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'inception.clip' op needs a min, a max or both}}
  %0 = inception.clip %x : tensor<1x4xf32>
  return
}

// -----

func.func @clip_order(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'inception.clip' op min 6.000000e+00 is greater than max 0.000000e+00}}
  %0 = inception.clip %x {min = 6.0 : f64, max = 0.0 : f64} : tensor<1x4xf32>
  return
}

// -----

func.func @clip_finite(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'inception.clip' op bounds must be finite (leave one out for none)}}
  %0 = inception.clip %x {max = 0x7FF0000000000000 : f64} : tensor<1x4xf32>
  return
}

// -----

func.func @result_too_large(%x: tensor<1x1x1048576x524289xf32>) {
  // expected-error @+2 {{'inception.concat' op result of shape [1, 2, 1048576, 524289] has more than 1099511627776 elements}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = inception.concat %x, %x axis = 1 : (tensor<1x1x1048576x524289xf32>, tensor<1x1x1048576x524289xf32>) -> tensor<1x2x1048576x524289xf32>
  return
}

// -----

func.func @scale_finite(%x: tensor<1x4xf32>) {
  // expected-error @+1 {{'inception.scale' op factor must be finite}}
  %0 = "inception.scale"(%x) <{factor = 0x7FF8000000000000 : f64}> : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @flatten_rank(%x: tensor<4xf32>) {
  // expected-error @+2 {{'inception.flatten' op input must have rank 2 or more, got [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "inception.flatten"(%x) : (tensor<4xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'inception.softmax' op axis 2 is out of range for rank 2}}
  %0 = inception.softmax %x axis = 2 : tensor<1x10xf32>
  return
}

// -----

func.func @dropout_ratio(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{'inception.dropout' op ratio must be in [0, 1), got 1}}
  %0 = inception.dropout %x ratio = 1.0 : tensor<1x10xf32>
  return
}

// -----

func.func @ukernel_mixed(%x: tensor<1x8x4x4xf32>, %out: memref<1x8x4x4xf32>) {
  // expected-error @+1 {{'inception.ukernel' op takes tensors or buffers, not both}}
  inception.ukernel "pool2d" input(%x : tensor<1x8x4x4xf32>) output(%out : memref<1x8x4x4xf32>) params {}
  return
}

// -----

func.func @ukernel_no_result(%x: tensor<1x8x4x4xf32>, %out: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'inception.ukernel' op on tensors returns its output}}
  inception.ukernel "pool2d" input(%x : tensor<1x8x4x4xf32>) output(%out : tensor<1x8x4x4xf32>) params {}
  return
}

// -----

func.func @ukernel_result_type(%x: tensor<1x8x4x4xf32>, %out: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{'inception.ukernel' op returns a result of its output's type, not 'tensor<1x8x2x2xf32>'}}
  %0 = inception.ukernel "pool2d" input(%x : tensor<1x8x4x4xf32>) output(%out : tensor<1x8x4x4xf32>) params {} -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @ukernel_param(%x: memref<1x8x4x4xf32>, %out: memref<1x8x4x4xf32>) {
  // expected-error @+1 {{'inception.ukernel' op param 'kind' is not a number or an array}}
  inception.ukernel "pool2d" input(%x : memref<1x8x4x4xf32>) output(%out : memref<1x8x4x4xf32>) params {kind = "max"}
  return
}

// -----

// A fused input ReLU is the 3x3 depthwise rows' alone.
func.func @ukernel_input_relu(%x: memref<1x1x6x6x16xf32>, %w: memref<1x3x3x16xf32>, %out: memref<1x1x2x4x16xf32>) {
  // expected-error @+1 {{'inception.ukernel' op 'input_relu' is for depthwise2d_blocked kernels of 3x3 taps, stride and dilation 1 along rows}}
  inception.ukernel "depthwise2d_blocked" input(%x : memref<1x1x6x6x16xf32>) filter(%w : memref<1x3x3x16xf32>) output(%out : memref<1x1x2x4x16xf32>) params {input_relu = 1 : i64, kernel_h = 3 : i64, kernel_w = 3 : i64, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>}
  return
}

// -----

func.func @parameter_key() {
  // expected-error @+1 {{'inception.parameter' op needs a non-empty key}}
  %0 = inception.parameter "" : tensor<2xf32>
  return
}

// -----

func.func @parameter_type() {
  // expected-error @+1 {{'inception.parameter' op parameter 'w' must be f32, not 'f16'}}
  %0 = inception.parameter "w" : tensor<2xf16>
  return
}

// -----

func.func @transform_unknown(%w: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op unknown weight transform 'transpose'}}
  %0 = inception.weight_transform "transpose" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {} -> tensor<4xf32>
  return
}

// -----

func.func @transform_inputs(%w: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op 'concat' takes 2 inputs, not 1}}
  %0 = inception.weight_transform "concat" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {first_elements = 4 : i64, second_elements = 0 : i64} -> tensor<4xf32>
  return
}

// -----

func.func @transform_missing_param(%w: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op 'scale' needs param 'factor', a float}}
  %0 = inception.weight_transform "scale" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {elements = 4 : i64} -> tensor<4xf32>
  return
}

// -----

func.func @transform_extra_param(%w: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op 'scale' has no param 'mr'}}
  %0 = inception.weight_transform "scale" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {elements = 4 : i64, factor = 2.0 : f64, mr = 6 : i64} -> tensor<4xf32>
  return
}

// -----

func.func @transform_negative(%w: tensor<4xf32>, %e: tensor<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op param 'elements' must not be negative}}
  %0 = inception.weight_transform "scale" ins(%w : tensor<4xf32>) outs(%e : tensor<4xf32>) params {elements = -4 : i64, factor = 2.0 : f64} -> tensor<4xf32>
  return
}

// -----

// The extents the C function would touch are checked against the
// operands: folding runs it inside the compiler.
func.func @transform_input_extent(%w: tensor<6x10xf32>, %e: tensor<72xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op input 0 has 60 elements; 'pack_panels' reads 66}}
  %0 = inception.weight_transform "pack_panels" ins(%w : tensor<6x10xf32>) outs(%e : tensor<72xf32>) params {depth = 11 : i64, mr = 6 : i64, out_channels = 6 : i64} -> tensor<72xf32>
  return
}

// -----

func.func @transform_output_extent(%w: tensor<7x10xf32>, %e: tensor<70xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op output has 70 elements; 'pack_panels' writes 120}}
  %0 = inception.weight_transform "pack_panels" ins(%w : tensor<7x10xf32>) outs(%e : tensor<70xf32>) params {depth = 10 : i64, mr = 6 : i64, out_channels = 7 : i64} -> tensor<70xf32>
  return
}

// -----

func.func @transform_zero_tile(%w: tensor<7x10xf32>, %e: tensor<70xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op param 'mr' must be positive}}
  %0 = inception.weight_transform "pack_panels" ins(%w : tensor<7x10xf32>) outs(%e : tensor<70xf32>) params {depth = 10 : i64, mr = 0 : i64, out_channels = 7 : i64} -> tensor<70xf32>
  return
}

// -----

func.func @transform_depth(%w: tensor<2x3x1x1xf32>, %e: tensor<1x1x1x2x4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op depth 2 is less than the 3 input channels}}
  %0 = inception.weight_transform "block_filter" ins(%w : tensor<2x3x1x1xf32>) outs(%e : tensor<1x1x1x2x4xf32>) params {block = 4 : i64, depth = 2 : i64, depthwise = 0 : i64, in_channels = 3 : i64, out_channels = 2 : i64, taps = 1 : i64} -> tensor<1x1x1x2x4xf32>
  return
}

// -----

func.func @transform_mixed(%w: tensor<4xf32>, %e: memref<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op takes tensors or buffers, not both}}
  inception.weight_transform "scale" ins(%w : tensor<4xf32>) outs(%e : memref<4xf32>) params {elements = 4 : i64, factor = 2.0 : f64}
  return
}

// -----

func.func @transform_strided(%w: memref<4xf32, strided<[2]>>, %e: memref<4xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op takes row-major buffers, not 'memref<4xf32, strided<[2]>>'}}
  inception.weight_transform "scale" ins(%w : memref<4xf32, strided<[2]>>) outs(%e : memref<4xf32>) params {elements = 4 : i64, factor = 2.0 : f64}
  return
}

// -----

func.func @halide_call_mixed(%x: tensor<1x8x4x4xf32>, %out: memref<1x8x4x4xf32>) {
  // expected-error @+1 {{'inception.halide_call' op takes tensors or buffers, not both}}
  inception.halide_call @layer scratch 0 ins(%x : tensor<1x8x4x4xf32>) outs(%out : memref<1x8x4x4xf32>)
  return
}

// -----

func.func @halide_call_dynamic(%x: tensor<?x8xf32>, %out: tensor<1x8xf32>) {
  // expected-error @+1 {{'inception.halide_call' op takes statically shaped f32 operands, not 'tensor<?x8xf32>'}}
  %0 = inception.halide_call @layer scratch 0 ins(%x : tensor<?x8xf32>) outs(%out : tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

func.func @halide_call_no_result(%x: tensor<1x8xf32>, %out: tensor<1x8xf32>) {
  // expected-error @+1 {{'inception.halide_call' op on tensors returns its output}}
  inception.halide_call @layer scratch 0 ins(%x : tensor<1x8xf32>) outs(%out : tensor<1x8xf32>)
  return
}

// -----

func.func @halide_call_result_type(%x: tensor<1x8xf32>, %out: tensor<1x8xf32>) {
  // expected-error @+1 {{'inception.halide_call' op returns a result of its output's type, not 'tensor<1x4xf32>'}}
  %0 = inception.halide_call @layer scratch 0 ins(%x : tensor<1x8xf32>) outs(%out : tensor<1x8xf32>) -> tensor<1x4xf32>
  return
}

// -----

func.func @halide_call_scratch(%x: tensor<1x8xf32>, %out: tensor<1x8xf32>) {
  // expected-error @+1 {{'inception.halide_call' op needs a scratch size of zero or more bytes}}
  %0 = inception.halide_call @layer scratch -64 ins(%x : tensor<1x8xf32>) outs(%out : tensor<1x8xf32>) -> tensor<1x8xf32>
  return
}

// -----

// Only tap counts with a one-dimensional Winograd kernel (7: F(4, 7)).
func.func @transform_winograd1d_taps(%w: tensor<5xf32>, %e: tensor<8xf32>) {
  // expected-error @+1 {{'inception.weight_transform' op no one-dimensional Winograd kernel takes 5 taps}}
  %0 = inception.weight_transform "winograd1d_filter" ins(%w : tensor<5xf32>) outs(%e : tensor<8xf32>) params {in_channels = 1 : i64, nr = 1 : i64, out_channels = 1 : i64, source_block = 0 : i64, taps = 5 : i64} -> tensor<8xf32>
  return
}
