#!/bin/bash
# run.sh DIR ROUNDS RATE OUT: exchange-perf e2e over udp and over ipc alternated (same binaries, durability none).
dir=$1 rounds=$2 rate=$3 out=$4
mkdir -p $out
for r in $(seq 1 $rounds); do
  for m in udp ipc; do
    $dir/exchange-perf e2e --rate $rate --seconds 10 --warmup 2 --runs 1 --durability none --media $m --engine-exe $dir/exchange-engine \
      --out $out/$m-$r --overwrite --json > $out/$m-$r.json 2> $out/$m-$r.log
    echo "$m-$r exit $? load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/runs.txt
  done
done
