#!/bin/bash
# trialcpu.sh NAME TABLE BINFILE "DDL"  -> server CPU seconds and WAL of one COPY of the whole file into a fresh table
PSQL="psql -h 127.0.0.1 -p 55434 -U exchange -X -q -At scratch"
name=$1 table=$2 file=$3 ddl=$4
pgcpu() { local pm=$(head -1 /tmp/pgprof/srv2/pgdata/postmaster.pid) t=0
  read -ra f < /proc/$pm/stat; t=$((f[13]+f[14]+f[15]+f[16]))
  for c in $(pgrep -P $pm); do read -ra f < /proc/$c/stat 2>/dev/null && t=$((t+f[13]+f[14])); done; echo $t; }
$PSQL -c "drop table if exists t_$name" -c "create table t_$name (like $table)" -c "$ddl" >/dev/null 2>&1
lsn=$($PSQL -c "select pg_current_wal_lsn()")
c0=$(pgcpu); s=$(date +%s.%N)
$PSQL -c "copy t_$name from '$file' (format binary)" >/dev/null
e=$(date +%s.%N); sleep 0.3; c1=$(pgcpu)
wal=$($PSQL -c "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')")
echo "$name wall=$(echo "$e - $s" | bc | cut -c1-5)s pgcpu=$(echo "($c1 - $c0)/100" | bc -l | cut -c1-5)s wal=$((wal/1048576))MB"
$PSQL -c "drop table t_$name" >/dev/null
