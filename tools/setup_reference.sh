#!/usr/bin/env bash
# Creates (idempotently) the reference Python environment: the official SAM3 package on a pinned
# torch 2.x, for the exporter, the parity check and the LibTorch 2.x build flavour. Uses the
# pyenv/system `python3` (3.10+, with venv), never Debian's /usr/bin/python3 (torch 1.13).
# Nothing in the app's runtime path uses it. Prints the venv's path on the last line.
#   SAM3_REFERENCE_VENV  where the venv lives (default ~/.cache/sam3-annotate/reference-venv)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${SAM3_REFERENCE_VENV:-$HOME/.cache/sam3-annotate/reference-venv}
requirements=$root/tools/reference/requirements.txt
stamp=$venv/.sam3-annotate-requirements
start=$(date +%s)
# Two model checks may start at once: one creates the venv, the other waits for it.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9

python=${SAM3_REFERENCE_PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "setup_reference: $python is missing or older than 3.10; set SAM3_REFERENCE_PYTHON" >&2
  exit 2
fi

if [ -f "$stamp" ] && cmp -s "$stamp" "$requirements" && "$venv/bin/python" -c 'import torch, sam3' 2>/dev/null; then
  echo "setup_reference: up to date ($("$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'))" >&2
  echo "$venv"
  exit 0
fi

echo "setup_reference: creating $venv from $requirements (pip's cache is reused)" >&2
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip >&2
# --prefer-binary: every pinned package has a manylinux wheel; never build from source here.
"$venv/bin/python" -m pip install --prefer-binary -r "$requirements" >&2
cp "$requirements" "$stamp"
echo "setup_reference: installed in $(( $(date +%s) - start )) s:" >&2
"$venv/bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE '^(torch|sam3|timm|numpy|pycocotools)==' >&2
echo "$venv"
