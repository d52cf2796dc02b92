#!/usr/bin/env bash
# Fuzzes one input format for a while:
#   tools/fuzz.sh TARGET SECONDS [libFuzzer options...]
# TARGET: parse (lexer and parser), model (elaboration into the dialect),
# safetensors, npy, onnx or weights (the runtime's weight loader). Builds the
# sanitizer build (build-asan/, as tools/check.sh does) and the target, then
# runs it with AddressSanitizer and UBSan on its corpus in build-asan/fuzz/
# TARGET (kept between runs, seeded from the repository); findings go to
# build-asan/fuzz/TARGET/crashes/. docs/fuzzing.md has what was found.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -lt 2 ]]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS [libFuzzer options...]" >&2
  exit 2
fi
target=$1 seconds=$2
shift 2
INCEPTION_BUILD_DIR="$root/build-asan" \
INCEPTION_CMAKE_ARGS="-DINCEPTION_ENABLE_ASAN=ON -DINCEPTION_ENABLE_HALIDE=OFF" \
  "$root/tools/build.sh" "fuzz-$target"
exec "$root/test/fuzz/run.sh" "$root/build-asan/bin" "$target" \
  "$root/build-asan/fuzz/$target" -max_total_time="$seconds" "$@"
