#!/usr/bin/env bash
# Runs one fuzz target on its corpus:
#   test/fuzz/run.sh BIN_DIR TARGET WORK_DIR [libFuzzer options...]
# TARGET is parse, model, safetensors, npy, onnx or weights (the binary is
# BIN_DIR/fuzz-TARGET). New inputs go to WORK_DIR/corpus, crashes, leaks and
# timeouts to WORK_DIR/crashes/; the seeds in the repository are read only.
# A finding, once fixed, goes to test/fuzz/regressions/TARGET/ (named for
# what it found) and runs on every later run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$1 target=$2 work=$3
shift 3

options=()
case "$target" in
  parse|model)
    seeds=("$root/models" "$root/test/Frontend/malformed" "$root/test/Frontend/Inputs")
    options+=(-dict="$here/model.dict") ;;
  safetensors|npy|onnx) seeds=("$here/seeds/$target") ;;
  weights) seeds=("$here/seeds/weights" "$here/seeds/safetensors") ;;
  *) echo "run.sh: unknown target '$target' (parse, model, safetensors, npy, onnx, weights)" >&2
     exit 2 ;;
esac
# Inputs that once failed (test/fuzz/regressions/TARGET) run first, every time.
[[ -d "$here/regressions/$target" ]] && seeds+=("$here/regressions/$target")
mkdir -p "$work/corpus" "$work/crashes"
# allow_user_poisoning=0: LLVM's allocators poison their slabs where their
# inline code is instrumented (ours) but not in Debian's libMLIR, a mix that
# ASan would report falsely.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allow_user_poisoning=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$bin/fuzz-$target" "${options[@]}" -artifact_prefix="$work/crashes/" \
  -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 "$@" \
  "$work/corpus" "${seeds[@]}"
