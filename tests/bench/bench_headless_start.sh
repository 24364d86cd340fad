#!/usr/bin/env bash
# Start-up of the headless commands: wall time from exec to exit, 10 runs each, interleaved
# A/B, median and p95. Ours: the `sam3-annotate` launcher (no LibTorch; the classic `segment`
# runs in it too). Reference: the same
# command through the application proper, sam3-annotate-app (LibTorch loaded; before the
# launcher existed, every command also re-executed itself for libgomp: 1.28-1.31 s measured).
#   tests/bench/bench_headless_start.sh [BUILD_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
runs=${2:-10}
ours="$build/bin/sam3-annotate"
reference="$build/bin/sam3-annotate-app"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

millis() {  # one run's wall time in ms
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

stats() {  # median and p95 of the numbers on stdin
  sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; p=a[int(0.95*NR+0.999)]; printf "%s %s", m, p}'
}

printf '%-44s %16s %22s %7s\n' "command" "ours ms (p95)" "app proper ms (p95)" "ratio"
while IFS='|' read -r name args; do
  read -r -a argv <<<"$args"
  a="" b=""
  for ((i = 0; i < runs; ++i)); do
    a+="$(millis "$ours" "${argv[@]}")"$'\n'
    b+="$(millis "$reference" "${argv[@]}")"$'\n'
  done
  read -r am ap <<<"$(printf '%s' "$a" | stats)"
  read -r bm bp <<<"$(printf '%s' "$b" | stats)"
  printf '%-44s %9s (%4s) %15s (%4s) %6.1fx\n' "$name" "$am" "$ap" "$bm" "$bp" "$(awk -v x="$bm" -v y="$am" 'BEGIN {print x / y}')"
done <<EOF2
validate-coco, missing file|validate-coco $work/missing.json
export, missing project|export --project $work/missing.sam3proj --format coco --out $work/x.json
import-labelme, missing folder|import-labelme --project $work/p.sam3proj --folder $work/missing
--version|--version
--help|--help
segment (classic), missing image|segment --image $work/missing.png --point 1,1,1 --out $work/m.png
segment (classic), 600x400 photo, one click|segment --image $root/tests/data/real_photos/coffee.png --point 300,200,1 --out $work/m.png
EOF2
