#!/usr/bin/env bash
# The layering rules as a test (label unit): no include cycle between the folders of engine/, ui/,
# cli/ and app/, and no LibTorch header reached from ui/ or the engine's LibTorch-free folders.
# It first shows the checker failing on a small tree with a planted cycle and a planted torch
# include, so a checker that finds nothing cannot pass. Plain python3 (standard library only).
set -euo pipefail
source_dir=$1
tool="$source_dir/tools/include_graph.py"

planted=$(mktemp -d)
trap 'rm -rf "$planted"' EXIT
mkdir -p "$planted/engine/a" "$planted/engine/b" "$planted/ui/x"
printf '#include "engine/b/B.h"\n' > "$planted/engine/a/A.h"
printf '#include "engine/a/A.h"\n' > "$planted/engine/b/B.h"
printf '#include "engine/b/B.h"\n' > "$planted/ui/x/X.h"
printf '#include <ATen/ATen.h>\n' > "$planted/engine/b/B.cpp"
printf '#include "engine/a/A.h"\n#include <torch/script.h>\n' > "$planted/ui/x/X.cpp"
if python3 "$tool" --root "$planted" --check engine ui > /dev/null 2> "$planted/cycle.txt"; then
  echo "FAIL: the checker missed a planted cycle"; exit 1
fi
grep -q "cycle: engine/a <-> engine/b" "$planted/cycle.txt" || { echo "FAIL: cycle not named"; cat "$planted/cycle.txt"; exit 1; }
if python3 "$tool" --root "$planted" --forbid-torch ui engine ui > /dev/null 2> "$planted/torch.txt"; then
  echo "FAIL: the checker missed a planted torch include"; exit 1
fi
grep -q "reaches LibTorch: ui/x/X.cpp" "$planted/torch.txt" || { echo "FAIL: torch include not named"; cat "$planted/torch.txt"; exit 1; }

python3 "$tool" --root "$source_dir" --check engine ui cli app \
  --forbid-torch ui \
  --forbid-torch engine/mask --forbid-torch engine/annotation --forbid-torch engine/io \
  --forbid-torch engine/weights --forbid-torch engine/prompt --forbid-torch engine/segment \
  --forbid-torch engine/classic --forbid-torch engine/text --forbid-torch engine/bundle --forbid-torch engine/workflow \
  --torch-free-headers engine/platform --torch-free-headers engine/factory > /dev/null
echo "PASS: no folder cycle, LibTorch only where declared"
