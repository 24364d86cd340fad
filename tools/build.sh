#!/usr/bin/env bash
# Configures and builds SAM3 Annotate in ./build (Release, Ninja, ccache when installed).
# Extra arguments go to CMake's configure step, e.g. -DSAM3_CUDA=OFF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SAM3_BUILD_DIR:-$root/build}
jobs=${SAM3_JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j "$jobs"
