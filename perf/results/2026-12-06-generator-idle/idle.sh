#!/bin/bash
# idle.sh ROUNDS RATE OUT (from the repository root, bin/ published): the binary round trip (durability none, engine busy-spin) with the load generator parking
# (backoff, the harness's default on 2 cores) and spinning (busy-spin: the two processes then take both cores), alternated.
rounds=$1 rate=$2 out=$3
mkdir -p $out
for r in $(seq 1 $rounds); do
  for v in backoff busy-spin; do
    bin/exchange-perf e2e --rate $rate --seconds 10 --warmup 2 --runs 1 --durability none --idle $v --engine-idle busy-spin \
      --out $out/$v-$r --overwrite --json > $out/$v-$r.json 2> $out/$v-$r.log
    echo "$v-$r exit $? load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/runs.txt
  done
done
