#!/usr/bin/env bash
# Base and branch exchange-perf interleaved per shape, the order swapped every round; one JSON line per invocation.
#   compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS
#   the three runs recorded here: OUT compare-keyindex.jsonl 3 rounds --runs 5; compare-keyindex-2.jsonl and
#   compare-keyindex-3.jsonl 6 rounds --runs 3
set -u
[ $# -eq 5 ] || { echo "usage: compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS" >&2; exit 2; }
declare -A EXE=([base]=$(realpath "$1") [branch]=$(realpath "$2"))
name=$3 rounds=$4 runs=$5
source "$(dirname "$0")/shapes.sh"
out=$R/$name
: > $out
for shape in a-shallow b-deep c-long; do
  for round in $(seq 1 $rounds); do
    if [ $((round % 2)) = 0 ]; then order="branch base"; else order="base branch"; fi
    for variant in $order; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$(${EXE[$variant]} book --orders ${FILES[$shape]} --runs $runs --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"load1\":$load,\"result\":$json}" >> $out
    done
  done
done
