#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, compiles the
# bundled GoogLeNet (with deterministic random weights) to a shared library,
# and runs it, printing the top-5 classes and the run time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/tools/setup.sh"
"$root/tools/build.sh" inceptionc inception-opt inception-run

out="$root/build/googlenet"
mkdir -p "$out"
echo
echo "== inceptionc models/googlenet.inception --random-weights=1 --emit=so"
start=$(date +%s%N)
"$root/build/bin/inceptionc" "$root/models/googlenet.inception" \
  --random-weights=1 --emit=so -o "$out/libgooglenet.so"
printf 'compiled in %d ms: %s (%s) and %s\n' \
  "$(( ($(date +%s%N) - start) / 1000000 ))" "$out/libgooglenet.so" \
  "$(du -h "$out/libgooglenet.so" | cut -f1)" "$out/googlenet.h"
echo
echo "== inception-run libgooglenet.so --random-input=1 --top 5"
"$root/build/bin/inception-run" "$out/libgooglenet.so" --random-input=1 \
  --top 5 --repeat 3
