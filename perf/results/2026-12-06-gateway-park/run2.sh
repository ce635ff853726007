#!/usr/bin/env bash
# The gateway's backoff: spinning 10 duty cycles and parking from 1 µs doubling (A, the first step) against parking at
# once for up to 1 ms (B), alternated in one session; each run also samples the CPU of the gateway, the engine and the
# harness over 4 s in the middle of its 7 s. A/B: directories of published binaries (the harness and engine the same);
# RATES: the rates, in commands/s.
set -u
A=${A:-/tmp/fx/bin-after}; B=${B:-/tmp/fx/bin-after2}; OUT=${OUT:-$(dirname "$0")/park-at-once}; RATES=${RATES:-2000 5000 20000}
mkdir -p "$OUT"; uptime > "$OUT/load-start.txt"
t() { awk '{print $14+$15}' /proc/$1/stat; }
for round in 1 2 3; do
  for rate in $RATES; do
    for v in A B; do
      dir=$A; [ $v = B ] && dir=$B
      "$A/exchange-perf" e2e --client fix --rate $rate --seconds 7 --warmup 1 --runs 1 \
        --engine-exe "$A/exchange-engine" --gateway-exe "$dir/exchange-gateway" \
        --name "$v-$rate-$round" --out "$OUT/$v-$rate-$round" --overwrite > /dev/null 2>&1 &
      sleep 4
      G=$(pgrep -x exchange-gatewa | head -1); E=$(pgrep -x exchange-engine | head -1); H=$(pgrep -x exchange-perf | head -1)
      g0=$(t $G); e0=$(t $E); h0=$(t $H); sleep 4; g1=$(t $G); e1=$(t $E); h1=$(t $H)
      wait
      echo "$v $rate $round cpu%: gateway $(( (g1-g0)/4 )) engine $(( (e1-e0)/4 )) harness $(( (h1-h0)/4 )) $(grep -E '^\| all ' "$OUT/$v-$rate-$round/summary.md")"
    done
  done
done | tee "$OUT/runs.txt"
uptime > "$OUT/load-end.txt"
