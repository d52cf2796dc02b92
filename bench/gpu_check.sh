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
  du -sh "$LIBS"
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
  echo "usage: bench/gpu_check.sh prepare|run" >&2
  exit 2
  ;;
esac
