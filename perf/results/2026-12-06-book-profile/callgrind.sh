#!/usr/bin/env bash
# Simulated instruction, cache and branch counts inside BookReplay.Replay only (warm-up, one untimed, one timed pass).
set -u
cd /work/wt-book
R=perf/results/2026-12-06-book-profile
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt [c-long]=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt)
for shape in a-shallow b-deep c-long; do
  f=${FILES[$shape]}
  echo "== callgrind $shape $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
  valgrind --tool=callgrind --callgrind-out-file=$R/callgrind-$shape.out --toggle-collect='exchange_perf_Exchange_Perf_BookReplay__Replay' \
    --cache-sim=yes --branch-sim=yes --D1=49152,12,64 --LL=33554432,16,64 \
    bin/exchange-perf book --orders $f --runs 1 --json > $R/callgrind-$shape-run.json 2> $R/callgrind-$shape-summary.txt
  gzip -f $R/callgrind-$shape.out
done
echo "callgrind done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
