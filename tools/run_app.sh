#!/usr/bin/env bash
# Installs what is missing, builds, and launches the app on a bundled sample image with the
# classic engine (no model needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install_deps.sh"
"$root/tools/build.sh"
exec "${SAM3_BUILD_DIR:-$root/build}/bin/sam3-annotate" --sample 0 "$@"
