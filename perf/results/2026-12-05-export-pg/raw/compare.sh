#!/bin/bash
# compare.sh REPS  -- alternates variants: name exe port batchrows
set -u
JOURNAL=/tmp/pgprof/journal
variants=("base /tmp/pg-base 55433 20000" "idx /tmp/pg-new 55433 20000" "idx+wal /tmp/pg-new 55434 20000" "idx+wal+100k /tmp/pg-new 55434 100000")
[ -n "${VARIANTS:-}" ] && IFS=';' read -ra variants <<< "$VARIANTS"
pgcpu() { # ticks of the postmaster and all its children, exited ones included
  local pm=$(head -1 $1/pgdata/postmaster.pid) t=0
  read -ra f < /proc/$pm/stat; t=$((f[13]+f[14]+f[15]+f[16]))
  for c in $(pgrep -P $pm); do read -ra f < /proc/$c/stat 2>/dev/null && t=$((t+f[13]+f[14])); done
  echo $t
}
for rep in $(seq 1 $1); do
  for v in "${variants[@]}"; do
    read -r name exe port rows <<< "$v"
    dir=/tmp/pgprof/srv; [ $port = 55434 ] && dir=/tmp/pgprof/srv2
    P="psql -h 127.0.0.1 -p $port -U exchange -X -q -At"
    $P postgres -c "drop database if exists bench" -c "create database bench"
    lsn=$($P postgres -c "select pg_current_wal_lsn()"); fpi0=$($P postgres -c "select wal_fpi from pg_stat_wal"); ck0=$($P postgres -c "select checkpoints_timed+checkpoints_req from pg_stat_bgwriter")
    c0=$(pgcpu $dir); load=$(cut -d' ' -f1 /proc/loadavg)
    s=$(date +%s.%N)
    out=$(/usr/bin/time -f "%U %S" -o /tmp/pgprof/t.txt $exe/exchange-export $JOURNAL --postgres "Host=127.0.0.1;Port=$port;Database=bench;Username=exchange" --once --json --batch-rows $rows | grep '^{')
    e=$(date +%s.%N)
    sleep 0.3
    c1=$(pgcpu $dir)
    wal=$($P postgres -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')"); fpi=$(( $($P postgres -c "select wal_fpi from pg_stat_wal") - fpi0 )); ck=$(( $($P postgres -c "select checkpoints_timed+checkpoints_req from pg_stat_bgwriter") - ck0 ))
    echo "$rep $name wall=$(echo "$e - $s" | bc) load=$load pgcpu=$(echo "($c1 - $c0)/100" | bc -l | cut -c1-6) exportercpu=$(cat /tmp/pgprof/t.txt | awk '{print $1+$2}') wal=$((wal/1048576))MB fpi=$fpi checkpoints=$ck $out"
  done
done
