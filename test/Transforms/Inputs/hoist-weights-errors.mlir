// inception-hoist-weights' diagnostics (hoist-weights.mlir runs this).

// expected-error @+1 {{inception-hoist-weights: expects a function of one block}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^next
^next:
  return %x : tensor<4xf32>
}
