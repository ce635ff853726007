#!/usr/bin/env bash
# Third comparison (quieter machine), base vs 16-byte KeyIndex entries: 6 rounds per shape, --runs 3 each, order alternating per round.
set -u
cd /work/wt-book
R=perf/results/2026-12-06-book-profile
out=$R/compare-keyindex-3.jsonl
: > $out
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt [c-long]=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt)
for shape in a-shallow b-deep c-long; do
  for round in 1 2 3 4 5 6; do
    if [ $((round % 2)) = 0 ]; then order="branch base"; else order="base branch"; fi
    for variant in $order; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$(/tmp/bookprof/$variant-bin/exchange-perf book --orders ${FILES[$shape]} --runs 3 --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"load1\":$load,\"result\":$json}" >> $out
    done
  done
done
echo compare3 done >> /tmp/bookprof/compare.log
