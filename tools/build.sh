#!/usr/bin/env bash
# Configures (once) and builds the project into build/ with Ninja. Extra
# arguments are Ninja targets. INCEPTION_BUILD_DIR overrides the folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${INCEPTION_BUILD_DIR:-$root/build}

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    ${INCEPTION_CMAKE_ARGS:-}
fi
ninja -C "$build" "$@"
