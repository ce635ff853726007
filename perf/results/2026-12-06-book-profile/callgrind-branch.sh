#!/usr/bin/env bash
set -u
cd /work/wt-book
R=perf/results/2026-12-06-book-profile
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt)
for shape in a-shallow b-deep; do
  echo "== callgrind branch $shape $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
  valgrind --tool=callgrind --callgrind-out-file=$R/callgrind-keyindex16-$shape.out --toggle-collect='exchange_perf_Exchange_Perf_BookReplay__Replay' \
    --cache-sim=yes --branch-sim=yes --D1=49152,12,64 --LL=33554432,16,64 \
    /tmp/bookprof/branch-bin/exchange-perf book --orders ${FILES[$shape]} --runs 1 --json > $R/callgrind-keyindex16-$shape-run.json 2> $R/callgrind-keyindex16-$shape-summary.txt
  gzip -f $R/callgrind-keyindex16-$shape.out
done
echo "callgrind branch done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
