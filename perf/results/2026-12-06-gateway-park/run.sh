#!/usr/bin/env bash
# FIX round trip through exchange-gateway before and after the gateway's backoff parks on its descriptors (and the
# harness's FIX client on its socket), alternated in one session. BEFORE/AFTER: directories of published binaries.
# Variants: before (old harness, old gateway), gateway (old harness, new gateway), after (new harness, new gateway).
set -u
BEFORE=${BEFORE:-/tmp/fx/bin-before}; AFTER=${AFTER:-/tmp/fx/bin-after}; OUT=${OUT:-$(dirname "$0")}
uptime > "$OUT/load-start.txt"
for round in 1 2 3; do
  for rate in 2000 5000; do
    for v in before gateway after; do
      case $v in before) H=$BEFORE G=$BEFORE;; gateway) H=$BEFORE G=$AFTER;; after) H=$AFTER G=$AFTER;; esac
      "$H/exchange-perf" e2e --client fix --rate $rate --seconds 5 --warmup 1 --runs 1 \
        --engine-exe "$AFTER/exchange-engine" --gateway-exe "$G/exchange-gateway" \
        --name "$v-$rate-$round" --out "$OUT/$v-$rate-$round" --overwrite > "$OUT/$v-$rate-$round.log" 2>&1
      echo "$v $rate $round $(grep -E '^\| all ' "$OUT/$v-$rate-$round/summary.md")"
    done
  done
done | tee "$OUT/runs.txt"
uptime > "$OUT/load-end.txt"
