#!/usr/bin/env bash
# The suites that share data with pool threads, built and run under ThreadSanitizer (Debian's
# LibTorch, ./build-tsan): a race is a failure (exit 66), not a warning. Only the targets that
# need it are built - the engine's LibTorch code is not run here.
#   tools/tsan.sh [TEST...]   (default: tst_images_dock)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SAM3_TSAN_DIR:-$root/build-tsan}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tst_images_dock)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAM3_SANITIZE=thread \
  -DSAM3_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$build" -j "${SAM3_JOBS:-$(nproc)}" --target "${tests[@]}"
status=0
for t in "${tests[@]}"; do
  # Qt and LibTorch are not instrumented; their own locks are seen through pthread's.
  if TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$root/tools/tsan.supp ${TSAN_OPTIONS:-}" \
     QT_QPA_PLATFORM=offscreen HOME="$build/home/$t" "$build/tests/$t"; then
    echo "tsan: $t: no race"
  else
    echo "tsan: $t failed (exit $?)"; status=1
  fi
done
exit "$status"
