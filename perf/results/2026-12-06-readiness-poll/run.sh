#!/usr/bin/env bash
# The transport's duty cycle reading every socket (A) against asking ppoll which are readable first (B), whole builds
# (engine and harness) alternated in one session, 3 rounds: binary e2e with 1 session at 50k/s and 16 sessions at
# 20k/s (the engine then has 17 sockets, the harness 16 clients of 2 each), and FIX through the gateway at 2k/s.
set -u
A=${A:-/tmp/fx/bin-after2}; B=${B:-/tmp/fx/bin-after3}; OUT=${OUT:-$(dirname "$0")}
uptime > "$OUT/load-start.txt"
for round in 1 2 3; do
  for shape in "binary 1 50000" "binary 16 20000" "fix 1 2000"; do
    set -- $shape
    for v in A B; do
      dir=$A; [ $v = B ] && dir=$B
      name="$v-$1-$2x-$3-$round"
      "$dir/exchange-perf" e2e --client $1 --sessions $2 --rate $3 --seconds 5 --warmup 1 --runs 1 \
        --engine-exe "$dir/exchange-engine" --gateway-exe "$dir/exchange-gateway" \
        --name "$name" --out "$OUT/$name" --overwrite > /dev/null 2>&1
      echo "$v $1 sessions=$2 rate=$3 round=$round $(grep -E '^\| all ' "$OUT/$name/summary.md")"
    done
  done
done | tee "$OUT/runs.txt"
uptime > "$OUT/load-end.txt"
