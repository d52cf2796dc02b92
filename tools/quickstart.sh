#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the
# main job on the bundled GoogLeNet model.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/tools/setup.sh"
"$root/tools/build.sh" inceptionc inception-opt

model="$root/models/googlenet.inception"
out="$root/build/googlenet.mlir"
echo
echo "== inceptionc $model --random-weights=1"
"$root/build/bin/inceptionc" "$model" --random-weights=1 --emit=summary
"$root/build/bin/inceptionc" "$model" --random-weights=1 -o "$out"
echo
echo "The module in the inception dialect is in $out"
