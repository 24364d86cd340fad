#!/usr/bin/env bash
# Configures and builds SAM3 Annotate (Release, Ninja, ccache when installed).
#   tools/build.sh [--torch debian|pip] [--no-qt] [CMake configure arguments...]
# --torch debian (default): Debian's LibTorch 1.13 (CPU) into ./build.
# --torch pip: LibTorch 2.x from PyPI's torch wheel (CUDA 13.0, the same major as nvcc 13) into
#   ./build-torch2; the wheel comes from the reference venv (tools/setup_reference.sh, pyenv
#   python3), or from SAM3_TORCH_PYTHON's torch when that is set (a GPU server's own python).
# --no-qt: only the Qt-free part (engine, ops, golden runner, benchmarks, segment CLI).
# SAM3_BUILD_DIR overrides the build folder, SAM3_JOBS the parallel jobs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${SAM3_JOBS:-$(nproc)}
flavour=debian
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) flavour=${2:?--torch needs debian or pip}; shift 2 ;;
    --torch=*) flavour=${1#--torch=}; shift ;;
    --no-qt) args+=(-DSAM3_WITH_QT=OFF); shift ;;
    *) args+=("$1"); shift ;;
  esac
done

case "$flavour" in
  debian) build=${SAM3_BUILD_DIR:-$root/build} ;;
  pip)
    build=${SAM3_BUILD_DIR:-$root/build-torch2}
    python=${SAM3_TORCH_PYTHON:-}
    if [ -z "$python" ]; then
      python=$("$root/tools/setup_reference.sh" | tail -n 1)/bin/python
    fi
    prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
    echo "build: LibTorch $("$python" -c 'import torch; print(torch.__version__)') from $prefix"
    args=(-DCMAKE_PREFIX_PATH="$prefix" -DSAM3_TORCH_PYTHON="$python" "${args[@]}") ;;
  *) echo "build: --torch takes debian or pip, not '$flavour'" >&2; exit 2 ;;
esac

# Paths relative to the checkout in ccache's keys, so a fresh clone elsewhere (CI) reuses the
# objects of an earlier build on the same machine instead of compiling all 200 units again.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${args[@]}"
cmake --build "$build" -j "$jobs"
