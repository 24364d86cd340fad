#!/usr/bin/env bash
# The `model` check (ctest model_parity, also run by hand): exports the CI bundle - the official
# SAM3 architecture with seeded random weights and 2 of the ViT's 32 blocks, everything else at
# real size - and proves it equal to the official Python model on two images (one non-square,
# one of 12 MP) through `sam3-segment --bundle` (the code of `sam3-annotate segment`). The bundle
# targets the build's LibTorch: 1.13 for the Debian build, 2.x for the pip flavour, whose bundle
# also carries bf16 graphs, checked against the official model's own bf16 error.
#   tools/check_model.sh [BUILD_DIR]
# The bundle is cached by the content hash of everything that determines it (exporter, pinned
# requirements), in SAM3_MODEL_CACHE (default ~/.cache/sam3-annotate/ci-bundles);
# only the newest is kept. Exit 77 (ctest: skipped) when the reference venv cannot be created
# outside CI (no PyPI); in CI that is a failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
app=$build/bin/sam3-segment
torch_version=$(sed -n 's/^SAM3_TORCH_VERSION:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
case "$torch_version" in
  1.*) target=1.13 ;;
  2.*) target=2.x ;;
  *) echo "check_model: cannot tell the LibTorch version of $build (CMakeCache.txt)" >&2; exit 1 ;;
esac
cache=${SAM3_MODEL_CACHE:-$HOME/.cache/sam3-annotate/ci-bundles}
start=$(date +%s)

"$root/tools/reference_python.sh" -c "" || exit $?  # creates the venv, or says why not (77: skip)
venv=$("$root/tools/setup_reference.sh" 2>/dev/null | tail -n 1)
python=$venv/bin/python

key=$(cat "$root/tools/export_sam3_bundle.py" "$root/tools/bundle_files.py" "$root/tools/reference/official.py" \
          "$root/tools/reference/bundle_graphs.py" "$root/tools/reference/requirements.txt" | sha256sum | cut -c1-16)
bundle=$cache/ci-depth2-seed1-torch$target-$key.sam3bundle
if [ -f "$bundle/manifest.json" ]; then
  echo "check_model: cached bundle $bundle"
else
  mkdir -p "$cache"
  find "$cache" -maxdepth 1 -name "ci-depth2-seed1-torch$target-*.sam3bundle*" -exec rm -rf {} +
  "$python" "$root/tools/export_sam3_bundle.py" --random-weights 1 --depth 2 --name ci-depth2 \
    --target-libtorch "$target" --out "$bundle" 2>&1 |
    grep -v -e 'Warning' -e '^  [a-z@]' -e '^\s*\(if\|assert\|elif\|size\|spatial\|scores\|self\)' || true
  [ -f "$bundle/manifest.json" ] || { echo "check_model: the export failed" >&2; exit 1; }
fi

mkdir -p "$build/test-output"
work=$(mktemp -d "${TMPDIR:-/tmp}/sam3-model-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A 12 MP photo-sized image (4032 x 3024) made from a bundled sample, deterministic.
"$python" - "$root/resources/images/sample_tiles.png" "$work/tiles_12mp.png" <<'EOF'
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").resize((4032, 3024), Image.BICUBIC).save(sys.argv[2], compress_level=1)
EOF
set +e
"$python" "$root/tools/check_bundle_parity.py" "$bundle" "$root/resources/images/sample_shapes.png" "$work/tiles_12mp.png" \
  --app "$app" --work "$work" --cache "$work/embeddings" 2>&1 |
  grep -v -e 'Warning' -e 'autocast' -e 'warnings.warn' -e 'masks = self' -e '^$' -e 'post-processing' |
  tee "$build/test-output/model_parity.txt"
status=${PIPESTATUS[0]}
# The LibTorch 2.x build also runs the bundle's bf16 graphs: each output held to 1.5x the official
# model's own bf16 autocast error against its fp32, on the same images and prompts.
if [ "$target" = 2.x ] && [ "$status" = 0 ]; then
  "$python" "$root/tools/check_bundle_parity.py" "$bundle" "$root/resources/images/sample_shapes.png" "$work/tiles_12mp.png" \
    --app "$app" --work "$work/bf16" --cache "$work/embeddings-bf16" --precision bf16 2>&1 |
    grep -v -e 'Warning' -e 'autocast' -e 'warnings.warn' -e 'masks = self' -e '^$' -e 'post-processing' |
    tee "$build/test-output/model_parity_bf16.txt"
  status=${PIPESTATUS[0]}
fi
set -e
echo "check_model: $(( $(date +%s) - start )) s"
exit "$status"
