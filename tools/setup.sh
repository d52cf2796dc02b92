#!/usr/bin/env bash
# Installs the Debian packages the project needs, and only those missing, so
# that a second run costs nothing. `--test` adds what the test suite needs
# (PyTorch for numerical references and fixtures); `--bench` adds what
# bench/compare needs besides (Node.js and npm for ONNX Runtime).
set -euo pipefail

packages=(
  cmake ninja-build
  clang-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools libomp-22-dev
  libgtest-dev pkg-config python3 python3-numpy
  # ONNX import (inception-import, inceptionc model.onnx).
  libonnx-dev libprotobuf-dev
)
case "${1:-}" in
  # The test suite also builds the driver with AddressSanitizer.
  # ... and checks the Halide back half.
  # ... and the Python package (pytest; pip and setuptools to install it).
  # ... and the ONNX importer (python3-onnx writes the test files; ONNX's
  # node tests come from libonnx-testdata).
  --test) packages+=(python3-torch python3-torchvision graphviz libclang-rt-22-dev
                     libhalide14-0-dev python3-pytest python3-pip
                     python3-setuptools python3-onnx libonnx-testdata) ;;
  # The Halide back half alone (--backend=halide, docs/halide.md).
  --halide) packages+=(libhalide14-0-dev) ;;
  --bench)
    packages+=(python3-torch python3-torchvision)
    # A Node.js from elsewhere (NodeSource, nvm) conflicts with Debian's npm;
    # any node and npm on PATH will do.
    command -v node >/dev/null && command -v npm >/dev/null ||
      packages+=(nodejs npm)
    ;;
esac

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if (( ${#missing[@]} )); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root to install packages (apt-get)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
