#!/bin/bash
# pingpong.sh BASE_DIR NEW_DIR ROUNDS OUT: exchange-stream ping/pong, both busy-spinning, base and new alternated.
base=$1 new=$2 rounds=$3 out=$4
ping='aeron:udp?endpoint=127.0.0.1:20123' pong='aeron:udp?endpoint=127.0.0.1:20124'
for r in $(seq 1 $rounds); do
  for v in base new; do
    dir=$base; [ $v = new ] && dir=$new
    $dir/exchange-stream pong --ping-channel "$ping" --pong-channel "$pong" --idle busy-spin >/dev/null 2>&1 &
    pid=$!
    sleep 0.5
    line=$($dir/exchange-stream ping --ping-channel "$ping" --pong-channel "$pong" --idle busy-spin --warmup-messages 100000 --messages 300000 --json --counters 2>/dev/null)
    kill $pid; wait $pid 2>/dev/null
    echo "{\"round\":$r,\"variant\":\"$v\",\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\",\"result\":$line}" | tee -a $out
  done
done
