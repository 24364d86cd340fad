#!/usr/bin/env bash
# The GPU server check, one prepared command: builds the Qt-free part against the machine's own
# torch, runs every golden suite (on CUDA where there is a device path), gpu_ops_check, the
# CUDA tables of the benchmarks, and times the full-size SAM3 model (random weights, exported
# here) against the official PyTorch model on the same GPU in the same run. On a machine
# without a GPU it runs end to end too, CUDA parts skipped with their reason, and the model
# timing on a depth-2 bundle (the path checked, not the figures).
#   tools/gpu_check.sh                  run (everything also goes to the log, see below)
#   tools/gpu_check.sh --prepare-wheels DIR
#                                       on a machine with PyPI: download the wheels a server
#                                       lacks (tools/reference/gpu-wheels.txt) for Python 3.12
# Environment:
#   SAM3_TORCH_PYTHON  the python holding torch (default python3: a GPU image's own)
#   SAM3_WHEELS        a folder of wheels to install (--no-index, into the build folder) first
#   SAM3_BUILD_DIR     build folder (default build-gpu); SAM3_JOBS parallel jobs
#   SAM3_GPU_LOG       the log (default $SAM3_BUILD_DIR/gpu_check.log)
#   SAM3_GOLDEN_DIR    golden data (default ../shared/golden, else ./shared/golden)
# Needs CMake, ninja, a C++17 compiler, and the development files of OpenCV, nlohmann-json,
# ICU and zlib; nvcc for the CUDA kernels. No Qt, no network.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--prepare-wheels" ]; then
  out=${2:?--prepare-wheels needs a folder}
  exec python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d "$out" -r "$root/tools/reference/gpu-wheels.txt"
fi

build=${SAM3_BUILD_DIR:-$root/build-gpu}
python=${SAM3_TORCH_PYTHON:-python3}
mkdir -p "$build"
log=${SAM3_GPU_LOG:-$build/gpu_check.log}
: >"$log"
exec > >(tee -a "$log") 2>&1
start=$(date +%s)
failures=()
section() { printf '\n== %s (%d s)\n' "$1" $(( $(date +%s) - start )); }
skip() { echo "SKIP $1: $2"; }
# Runs a step; a failure is recorded and the check goes on.
step() {
  local name=$1; shift
  "$@"
  record "$name" $?
}
# The same, printing only the last N lines, those matching STEP_FILTER if set (the whole
# output stays in $build/steps/).
step_tail() {
  local lines=$1 name=$2; shift 2
  local out="$build/steps/${name// /_}.txt"
  mkdir -p "$build/steps"
  "$@" >"$out" 2>&1
  local status=$?
  tail -n "$lines" "$out" | grep -E "${STEP_FILTER:-.}" | sed "s|^|$name: |"
  record "$name" $status
}
record() {
  case $2 in
    0) ;;
    77) echo "($1 skipped itself)" ;;
    *) echo "FAILED: $1 (exit $2)"; failures+=("$1") ;;
  esac
}

section "machine"
echo "date: $(date -u +%FT%TZ); $(uname -srm); $(nproc) cores"
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "gpu_check: $python has no torch; set SAM3_TORCH_PYTHON" >&2
  exit 2
fi
"$python" - <<'PY'
import torch
print("torch %s, CUDA %s, cuDNN %s" % (torch.__version__, torch.version.cuda, torch.backends.cudnn.version()))
if torch.cuda.is_available():
    p = torch.cuda.get_device_properties(0)
    print("GPU: %s, %.0f GiB, %d SMs" % (p.name, p.total_memory / 2**30, p.multi_processor_count))
else:
    print("GPU: none visible to torch")
PY
gpu=$("$python" -c 'import torch; print(int(torch.cuda.is_available()))')
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
command -v nvcc >/dev/null && nvcc --version | tail -n 2 | head -n 1 || echo "nvcc: not found (CUDA kernels not built)"
golden=${SAM3_GOLDEN_DIR:-}
[ -z "$golden" ] && for g in "$root/../shared/golden" "$root/shared/golden"; do [ -d "$g" ] && golden=$(cd "$g" && pwd) && break; done
echo "golden data: ${golden:-not found}"

if [ -n "${SAM3_WHEELS:-}" ]; then
  section "wheels from $SAM3_WHEELS"
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$build/site" \
    "$SAM3_WHEELS"/*.whl && export PYTHONPATH="$build/site${PYTHONPATH:+:$PYTHONPATH}"
fi

section "build (Qt-free, LibTorch from $python)"
built=$(date +%s)
if ! SAM3_TORCH_PYTHON=$python SAM3_BUILD_DIR=$build "$root/tools/build.sh" --torch pip --no-qt \
     -DSAM3_GOLDEN_DIR="${golden:-$root/../shared/golden}" >"$build/build.txt" 2>&1; then
  tail -n 40 "$build/build.txt"
  echo "gpu_check: the build failed (whole output: $build/build.txt)"
  exit 1
fi
grep -E "^-- (SAM3 Annotate|CUDA kernels|sam3 ops)" "$build/build.txt"
echo "built in $(( $(date +%s) - built )) s"

section "golden suites (CPU)"
if [ -n "$golden" ]; then
  for suite in grid_sample roi_align geometry coco_rle/rle_cases.json pvs pos_enc tokenizer; do
    step_tail 1 "golden ${suite%%/*}" "$build/tests/golden_runner" --skip-missing "$golden/$suite"
  done
  section "golden suites on CUDA (device paths) and gpu_ops_check"
  step "golden on CUDA" "$build/tests/golden_runner" --skip-missing --device cuda \
    "$golden/grid_sample" "$golden/roi_align" "$golden/geometry" "$golden/pvs" "$golden/pos_enc"
  if [ -x "$build/tests/gpu_ops_check" ]; then
    step "gpu_ops_check" "$build/tests/gpu_ops_check" "$golden"
  else
    skip gpu_ops_check "not built (no nvcc)"
  fi
else
  skip "golden suites" "no golden data (set SAM3_GOLDEN_DIR)"
fi

section "bench_sampling_ops"
tv=$("$python" -c 'import glob, os, torchvision; print((glob.glob(os.path.join(os.path.dirname(torchvision.__file__), "_C*.so")) + [""])[0])' 2>/dev/null)
step bench_sampling_ops env SAM3_TORCHVISION_C="$tv" "$build/bench/bench_sampling_ops"
section "bench_interactive"
step bench_interactive "$build/bench/bench_interactive"
section "bench_geometry_encoder"
step bench_geometry_encoder "$build/bench/bench_geometry_encoder"

section "the SAM3 model against the official PyTorch model"
if ! "$python" -c 'import sam3, open_clip' 2>/dev/null; then
  skip model "the official sam3 package (or open_clip) is not importable: carry wheels (--prepare-wheels, SAM3_WHEELS)"
else
  if [ "$gpu" = 1 ]; then depth=32 runs=3 device=cuda; else depth=2 runs=1 device=cpu; fi
  [ "$gpu" = 1 ] || echo "no GPU: a depth-2 bundle on the CPU, one run (checks the path; the figures mean nothing)"
  bundle=$build/gpu-check-depth$depth.sam3bundle
  if [ ! -f "$bundle/manifest.json" ]; then
    exported=$(date +%s)
    STEP_FILTER="official model|traced in|check:|wrote|export_sam3_bundle" step_tail 60 export \
      "$python" "$root/tools/export_sam3_bundle.py" --random-weights 1 --depth "$depth" \
      --name "gpu-check-depth$depth" --target-libtorch 2.x --out "$bundle"
    echo "exported in $(( $(date +%s) - exported )) s"
  fi
  image=$build/photo_12mp.png
  "$python" - "$root/resources/images/sample_tiles.png" "$image" <<'PY'
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").resize((4032, 3024), Image.BICUBIC).save(sys.argv[2], compress_level=1)
PY
  if [ -f "$bundle/manifest.json" ]; then
    # Both precisions on both sides (ours fp32 / bf16, official eager / bf16 autocast), the eight
    # class names as one batched call, segment everything.
    step "model benchmark" "$python" "$root/tests/bench/bench_sam3_model.py" "$bundle" "$image" --app "$build/bin/sam3-segment" \
      --device "$device" --rounds "$runs"
  fi
fi

section "summary"
echo "log: $log"
if [ ${#failures[@]} -eq 0 ]; then
  echo "gpu_check: everything ran ($(( $(date +%s) - start )) s)"
else
  echo "gpu_check: ${#failures[@]} step(s) failed: ${failures[*]} ($(( $(date +%s) - start )) s)"
  exit 1
fi
