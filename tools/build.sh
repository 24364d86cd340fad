#!/usr/bin/env bash
# Configures and builds SAM3 Annotate in ./build (Release, Ninja, ccache when installed).
# Extra arguments go to CMake's configure step, e.g. -DSAM3_CUDA=OFF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SAM3_BUILD_DIR:-$root/build}
jobs=${SAM3_JOBS:-$(nproc)}
# Paths relative to the checkout in ccache's keys, so a fresh clone elsewhere (CI) reuses the
# objects of an earlier build on the same machine instead of compiling all 200 units again.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j "$jobs"
