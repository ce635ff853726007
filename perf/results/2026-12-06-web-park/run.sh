#!/usr/bin/env bash
# JSON over WebSocket through exchange-web: its engine thread backing off with nanosleep (before) against parking on
# the engine sessions' sockets and the posted-command signal (after), alternated in one session, 3 rounds; each run's
# CPU sampled from /proc over 4 s in the middle of its 7 s. BEFORE/AFTER: exchange-web's directories; HARNESS: the
# exchange-perf and exchange-engine of both.
set -u
BEFORE=${BEFORE:-/tmp/fx/bin-before}; AFTER=${AFTER:-/tmp/fx/bin-after2}; HARNESS=${HARNESS:-/tmp/fx/bin-after2}
OUT=${OUT:-$(dirname "$0")}
uptime > "$OUT/load-start.txt"
t() { awk '{print $14+$15}' /proc/$1/stat; }
for round in 1 2 3; do
  for rate in 500 2000; do
    for v in before after; do
      dir=$BEFORE; [ $v = after ] && dir=$AFTER
      "$HARNESS/exchange-perf" e2e --client ws --rate $rate --seconds 7 --warmup 1 --runs 1 \
        --engine-exe "$HARNESS/exchange-engine" --gateway-exe "$dir/exchange-web" \
        --name "$v-$rate-$round" --out "$OUT/$v-$rate-$round" --overwrite > /dev/null 2>&1 &
      sleep 4
      W=$(pgrep -x exchange-web | head -1); E=$(pgrep -x exchange-engine | head -1); H=$(pgrep -x exchange-perf | head -1)
      w0=$(t $W); e0=$(t $E); h0=$(t $H); sleep 4; w1=$(t $W); e1=$(t $E); h1=$(t $H)
      wait
      echo "$v $rate $round cpu%: web $(( (w1-w0)/4 )) engine $(( (e1-e0)/4 )) harness $(( (h1-h0)/4 )) $(grep -E '^\| all ' "$OUT/$v-$rate-$round/summary.md")"
    done
  done
done | tee "$OUT/runs.txt"
uptime > "$OUT/load-end.txt"
