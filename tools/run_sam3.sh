#!/usr/bin/env bash
# From the official checkpoint to the app running SAM3, through the fast build, with no other
# decision to make:
#   tools/run_sam3.sh sam3.pt [app arguments...]      # the gated checkpoint from facebook/sam3
#   tools/run_sam3.sh --random-weights [app args...]  # the real architecture, seeded random weights
# 1. installs what is missing (tools/install_deps.sh) and the reference venv (pyenv python3:
#    torch 2.11 + the official sam3 package; tools/setup_reference.sh), which the export needs;
# 2. builds the LibTorch 2.11 flavour (./build-torch2: fused attention, bf16 on CPUs with AMX or
#    AVX512-BF16 and on recent GPUs; 2-4x the Debian build's SAM3 speed, see the README);
# 3. exports the bundle once, both precisions, into the models folder the app lists
#    (~/.local/share/sam3-annotate/models/NAME.sam3bundle; the checkpoint's sha256 names it, so a
#    second run reuses it);
# 4. starts the app on that bundle (it asks once whether to trust it).
# SAM3_MODELS_DIR overrides the models folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: tools/run_sam3.sh sam3.pt | --random-weights [app arguments...]" >&2
  exit 2
fi
source=$1
shift
models=${SAM3_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sam3-annotate/models}
if [ "$source" = --random-weights ]; then
  name=sam3-random-seed1
  weights=(--random-weights 1)
else
  [ -f "$source" ] || { echo "run_sam3: $source not found (download sam3.pt from https://huggingface.co/facebook/sam3)" >&2; exit 2; }
  name=sam3-$(sha256sum "$source" | cut -c1-12)
  weights=(--checkpoint "$(cd "$(dirname "$source")" && pwd)/$(basename "$source")")
fi
"$root/tools/install_deps.sh"
venv=$("$root/tools/setup_reference.sh" | tail -n 1)
SAM3_TORCH_PYTHON="$venv/bin/python" SAM3_BUILD_DIR="$root/build-torch2" "$root/tools/build.sh" --torch pip
bundle=$models/$name.sam3bundle
if [ ! -f "$bundle/manifest.json" ]; then
  mkdir -p "$models"
  echo "run_sam3: exporting $bundle (once; ~10-20 minutes on 2 cores, ~20 GB of memory at its peak)"
  "$venv/bin/python" "$root/tools/export_sam3_bundle.py" "${weights[@]}" --target-libtorch 2.x --name "$name" --out "$bundle"
fi
exec "$root/build-torch2/bin/sam3-annotate" --bundle "$bundle" "$@"
