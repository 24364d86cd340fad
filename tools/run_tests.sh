#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest (GUI tests run
# offscreen; GPU tests skip themselves without a GPU; golden tests read ../shared/golden).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SAM3_BUILD_DIR:-$root/build}
"$root/tools/install_deps.sh"
"$root/tools/build.sh"
cd "$build"
ctest -j "${SAM3_JOBS:-$(nproc)}" --output-on-failure --timeout 1200
