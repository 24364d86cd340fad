#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, ASan + UBSan) of every reader of outside data (image
# headers, RLE strings, safetensors, the checkpoint unpickler, bundle manifests, projects,
# journals, COCO validation and import, labelme and YOLO-seg files): builds fuzz/ with clang into build-fuzz/ and runs each target for SECONDS
# (default 30) on a scratch copy of its seed corpus (fuzz/corpus/<target>; safetensors and pickle seeds are made at run time; a crash input is kept
# as build-fuzz/crash-<target>-*; add it to the corpus once fixed). Prints executions and
# coverage per target; exits non-zero on the first finding. Needs clang (apt: clang).
#   tools/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift || true
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (apt install clang); skipped"
  exit 0
fi
CC=clang CXX=clang++ cmake -S fuzz -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_image_header fuzz_rle_string fuzz_safetensors fuzz_unpickler fuzz_bundle_manifest fuzz_project fuzz_journal
           fuzz_coco_validator fuzz_coco_import fuzz_labelme fuzz_yolo)
fi
printf '%-22s %12s %10s %8s  %s\n' target executions "exec/s" coverage result
for target in "${targets[@]}"; do
  scratch="build-fuzz/corpus-$target"
  rm -rf "$scratch" && mkdir -p "$scratch"
  cp fuzz/corpus/"$target"/* "$scratch"/ 2>/dev/null || true
  if [ "$target" = fuzz_safetensors ]; then
    # Weight files are not tracked: the seeds (two tensors with metadata; an empty tensor) are made here.
    /usr/bin/python3 - "$scratch" <<'PY'
import json, struct, sys
def write(name, header, data):
    h = json.dumps(header).encode()
    open(f"{sys.argv[1]}/{name}", "wb").write(struct.pack("<Q", len(h)) + h + data)
write("two.seed", {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                   "b": {"dtype": "I64", "shape": [1], "data_offsets": [16, 24]}, "__metadata__": {"k": "v"}}, bytes(24))
write("empty_tensor.seed", {"e": {"dtype": "BF16", "shape": [0], "data_offsets": [0, 0]}}, b"")
PY
  fi
  if [ "$target" = fuzz_unpickler ]; then
    # The pickles torch.save writes (data.pkl of its zip): state dicts flat, nested, with
    # _metadata, with views, and one carrying a code-running global the reader must refuse.
    /usr/bin/python3 - "$scratch" <<'PY' || echo "fuzz: no torch for /usr/bin/python3; unpickler seeds are hand-made pickles only"
import collections, io, pickle, sys, zipfile
out = sys.argv[1]
open(f"{out}/plain.seed", "wb").write(pickle.dumps({"a": [1, 2.5, "x", (True, None)], "b": b"bytes"}, protocol=2))
import torch
class Evil:
    def __reduce__(self):
        return (print, ("code ran",))
def saved(name, value):
    buffer = io.BytesIO()
    torch.save(value, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        pkl = [n for n in z.namelist() if n.endswith("data.pkl")][0]
        open(f"{out}/{name}.seed", "wb").write(z.read(pkl))
w = {"layer.weight": torch.ones(2, 3), "layer.bias": torch.zeros(3, dtype=torch.float16), "step": torch.tensor(7)}
saved("flat", w)
saved("nested", {"model": collections.OrderedDict(w), "epoch": 3})
saved("module", torch.nn.Linear(3, 2).state_dict())
base = torch.arange(16.0)
saved("views", {"view": base[2:14].reshape(3, 4).t(), "shared": base})
saved("malicious", {"w": torch.ones(1), "payload": Evil()})
PY
  fi
  log="build-fuzz/$target.log"
  status=0
  (cd build-fuzz && "./$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="crash-$target-" \
     "corpus-$target") >"$log" 2>&1 || status=$?
  runs=$(grep -oE 'stat::number_of_executed_units:[[:space:]]*[0-9]+' "$log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -oE 'stat::average_exec_per_sec:[[:space:]]*[0-9]+' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  result=$([ "$status" -eq 0 ] && echo "no finding" || echo "FINDING (see $log)")
  printf '%-22s %12s %10s %8s  %s\n' "$target" "$runs" "$speed" "$cov" "$result"
  if [ "$status" -ne 0 ]; then
    grep -m5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" || true
    exit 1
  fi
done
