#!/usr/bin/env bash
# The README's second command, and what CI runs: installs what is missing,
# builds everything the tests need, and runs the whole suite through ctest:
# lit (dialect, frontend, models, driver), the GoogleTest units, and the
# malformed-model corpus and the runtime's tests (its weight loader on every
# malformed safetensors image) again under AddressSanitizer and UBSan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/tools/setup.sh" --test

# The sanitizer build only needs the driver and the runtime's tests (and
# not the Halide back half: the malformed-model corpus never reaches it).
# It also builds the fuzz targets, which ctest runs briefly (test/fuzz).
INCEPTION_BUILD_DIR="$root/build-asan" \
INCEPTION_CMAKE_ARGS="-DINCEPTION_ENABLE_ASAN=ON -DINCEPTION_ENABLE_HALIDE=OFF" \
  "$root/tools/build.sh" inceptionc inception-run inception-runtime-tests fuzzers

# The runtime's tests again under ThreadSanitizer (C and GoogleTest only).
INCEPTION_BUILD_DIR="$root/build-tsan" \
INCEPTION_CMAKE_ARGS="-DINCEPTION_ENABLE_TSAN=ON -DINCEPTION_ENABLE_HALIDE=OFF -DINCEPTION_ENABLE_ONNX=OFF" \
  "$root/tools/build.sh" inception-runtime-tests

asan_args=(-DINCEPTION_ASAN_INCEPTIONC="$root/build-asan/bin/inceptionc"
           -DINCEPTION_ASAN_RUNTIME_TESTS="$root/build-asan/bin/inception-runtime-tests"
           -DINCEPTION_ASAN_BIN_DIR="$root/build-asan/bin"
           -DINCEPTION_TSAN_RUNTIME_TESTS="$root/build-tsan/bin/inception-runtime-tests")
INCEPTION_CMAKE_ARGS="${asan_args[*]}" "$root/tools/build.sh"
# A build folder configured before the sanitizer build existed learns of it.
cmake "$root/build" "${asan_args[@]}" > /dev/null

cd "$root/build"
ctest --output-on-failure -j "$(nproc)"
