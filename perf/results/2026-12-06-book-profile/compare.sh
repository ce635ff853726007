#!/usr/bin/env bash
# Base (main) and branch (16-byte KeyIndex entries) exchange-perf, interleaved: 3 rounds per shape, order alternating.
set -u
cd /work/wt-book
R=perf/results/2026-12-06-book-profile
out=$R/compare-keyindex.jsonl
: > $out
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt [c-long]=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt)
for shape in a-shallow b-deep c-long; do
  for round in 1 2 3; do
    if [ $round = 2 ]; then order="branch base"; else order="base branch"; fi
    for variant in $order; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$(/tmp/bookprof/$variant-bin/exchange-perf book --orders ${FILES[$shape]} --runs 5 --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"load1\":$load,\"result\":$json}" >> $out
    done
  done
done
echo compare done >> /tmp/bookprof/compare.log
