#!/bin/bash
# fix.sh BASE_DIR NEW_DIR ROUNDS RATE OUT: exchange-perf e2e --client fix (FIX 4.4 through a gateway it starts,
# durability none, the harness's idle plan), base and new alternated, each with its own engine and gateway.
base=$1 new=$2 rounds=$3 rate=$4 out=$5
mkdir -p $out
for r in $(seq 1 $rounds); do
  for v in base new; do
    dir=$base; [ $v = new ] && dir=$new
    $dir/exchange-perf e2e --client fix --rate $rate --seconds 10 --warmup 2 --runs 1 --durability none \
      --engine-exe $dir/exchange-engine --gateway-exe $dir/exchange-gateway \
      --out $out/$v-$r --overwrite --json > $out/$v-$r.json 2> $out/$v-$r.log
    echo "$v-$r exit $? load $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/runs.txt
  done
done
