#!/bin/sh
# Compiles the C kernels' vector code (passes/Transforms/VectorKernels.cpp)
# into an object for the stand-alone kernel benchmarks, lowered as inceptionc
# lowers a model's module: bench/vector_kernels.sh OUT.o MR NR VL
# (6 64 16 for the AVX-512 tile, 6 16 8 for AVX2). Needs build/bin/inception-opt.
set -eu
[ $# -eq 4 ] || { echo "usage: $0 OUT.o MR NR VL" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
bin=/usr/lib/llvm-22/bin
echo 'module {}' |
  "$root/build/bin/inception-opt" -inception-vector-kernels="mr=$2 nr=$3 vl=$4" \
    -convert-vector-to-llvm -convert-scf-to-cf -expand-strided-metadata \
    -finalize-memref-to-llvm -convert-arith-to-llvm \
    -convert-func-to-llvm=use-bare-ptr-memref-call-conv -convert-cf-to-llvm \
    -reconcile-unrealized-casts |
  "$bin/mlir-translate" --mlir-to-llvmir |
  clang-22 -x ir -c -O3 -march=native -fPIC - -o "$1"
