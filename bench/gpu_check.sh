#!/bin/sh
# The GPU back half's check on a GPU (issue 14, docs/gpu.md), in two steps:
#
#   bench/gpu_check.sh prepare   here, with the project built: compiles every
#                                model's GPU library (--weights-at-load, sm_90)
#                                at batch 1 and 2, and googlenet and
#                                inception_v3 at batch 32, into bench/.gpu
#   bench/gpu_check.sh run [ARGS] on the machine with the GPU (PyTorch there):
#                                bench/gpu_check.py over bench/.gpu (ARGS:
#                                --no-compile, --compile-budget SECONDS)
#
# With the device tool: run(command="bench/gpu_check.sh run",
# carry=["bench/.gpu"], timeout_s=600). It prints a table of every model
# against PyTorch on the GPU (TF32 off), then the latencies against PyTorch
# eager, then against torch.compile within a budget of autotuning time
# (240 s), and writes them to $OUT/gpu_check.txt when $OUT is set.
set -eu
cd "$(dirname "$0")/.."
LIBS=bench/.gpu
MODELS="googlenet googlenet_lrn bn_inception inception_v3 inception_v4 inception_resnet_v1 inception_resnet_v2 xception"
ARCH=${GPU_CHECK_ARCH:-sm_90}

case "${1:-}" in
prepare)
  INCEPTIONC=${INCEPTIONC:-build/bin/inceptionc}
  [ -x "$INCEPTIONC" ] || { echo "gpu_check: no $INCEPTIONC: build the project first (tools/build.sh)" >&2; exit 1; }
  rm -rf "$LIBS"
  for model in $MODELS; do
    for batch in 1 2; do
      mkdir -p "$LIBS/${model}_b$batch"
      "$INCEPTIONC" "models/$model.inception" --backend=gpu --gpu-arch="$ARCH" \
        --weights-at-load --batch "$batch" -o "$LIBS/${model}_b$batch/lib$model.so" 2>/dev/null
    done
  done
  for model in googlenet inception_v3; do
    mkdir -p "$LIBS/${model}_b32"
    "$INCEPTIONC" "models/$model.inception" --backend=gpu --gpu-arch="$ARCH" \
      --weights-at-load --batch 32 -o "$LIBS/${model}_b32/lib$model.so" 2>/dev/null
  done
  # inception-run and its runtime, for 'sanitize' (the RUNPATH names this
  # checkout's build folder, which the device machine's copy also has).
  mkdir -p "$LIBS/tools"
  cp -L build/bin/inception-run build/runtime/libinception_runtime.so.0 "$LIBS/tools/"
  du -sh "$LIBS"
  ;;
sanitize)
  # Every model's batch-1 library through inception-run on the GPU, alone
  # and then under compute-sanitizer's memcheck, on the PyTorch reference's
  # weights: names the kernel and address of a bad access that the 'run'
  # table reports only as CUDA error 700.
  shift
  models=${*:-$MODELS}
  WEIGHTS=${TMPDIR:-/tmp}/gpu_check_weights
  mkdir -p "$WEIGHTS"
  python3 - "$WEIGHTS" $models <<'PY'
import os, sys
sys.path[:0] = ["test/e2e", "test/lib"]
import safetensors_io
from compare_with_pytorch import reference
for model in sys.argv[2:]:
    safetensors_io.save(reference(model, 0).state_dict(), os.path.join(sys.argv[1], model + ".safetensors"))
PY
  export LD_LIBRARY_PATH="$LIBS/tools"
  for model in $models; do
    echo "== $model"
    run="$LIBS/tools/inception-run $LIBS/${model}_b1/lib$model.so --weights $WEIGHTS/$model.safetensors --random-input=1 --device cuda --top 1"
    timeout 60 $run 2>&1 | tail -n 3
    timeout 60 compute-sanitizer --tool memcheck --print-limit 3 $run 2>&1 | head -n 40
  done
  ;;
run)
  shift
  [ -d "$LIBS" ] || { echo "gpu_check: no $LIBS: run 'bench/gpu_check.sh prepare' first and carry it" >&2; exit 1; }
  export PYTHONUNBUFFERED=1
  if [ -n "${OUT:-}" ]; then
    python3 bench/gpu_check.py --libs "$LIBS" "$@" 2>&1 | tee "$OUT/gpu_check.txt"
  else
    python3 bench/gpu_check.py --libs "$LIBS" "$@"
  fi
  ;;
*)
  echo "usage: bench/gpu_check.sh prepare|run|sanitize [MODEL...]" >&2
  exit 2
  ;;
esac
