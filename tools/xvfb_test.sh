#!/usr/bin/env bash
# Runs one GUI test on the xcb platform on an X server of its own (Xvfb): a real window system's
# focus, activation and standard keys. Its own server, because two test windows on one display
# take the keyboard focus from each other when ctest runs suites in parallel.
#   tools/xvfb_test.sh TEST_EXECUTABLE [ARGS...]     exit 77 (ctest: skipped) without Xvfb
set -uo pipefail
if ! command -v Xvfb >/dev/null; then
  echo "xvfb_test: Xvfb is not installed (tools/install_deps.sh installs it): skipped"
  exit 77
fi
fifo=$(mktemp -u "${TMPDIR:-/tmp}/xvfb-display.XXXXXX")
mkfifo "$fifo"
# -displayfd: the server picks a free display and writes its number when it accepts clients.
Xvfb -displayfd 3 -screen 0 1920x1200x24 -nolisten tcp 3>"$fifo" 2>/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$fifo"' EXIT
if ! read -r -t 30 display <"$fifo"; then
  echo "xvfb_test: Xvfb did not start" >&2
  exit 1
fi
DISPLAY=:$display QT_QPA_PLATFORM=xcb "$@"
