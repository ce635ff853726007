#!/usr/bin/env bash
# Simulated instruction, cache and branch counts inside BookReplay.Replay only (warm-up, one untimed, one timed pass).
#   callgrind.sh [EXE [PREFIX [SHAPE...]]]   defaults: bin/exchange-perf, "callgrind", all three shapes
#   (the 16-byte index entries were counted with: callgrind.sh BRANCH_EXE callgrind-keyindex16 a-shallow b-deep)
set -u
exe=$(realpath "${1:-bin/exchange-perf}")
prefix=${2:-callgrind}
shift $(( $# >= 2 ? 2 : $# ))
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(a-shallow b-deep c-long)
source "$(dirname "$0")/shapes.sh"
for s in "${shapes[@]}"; do
  echo "== $prefix $s $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
  valgrind --tool=callgrind --callgrind-out-file=$R/$prefix-$s.out --toggle-collect='exchange_perf_Exchange_Perf_BookReplay__Replay' \
    --cache-sim=yes --branch-sim=yes --D1=49152,12,64 --LL=33554432,16,64 \
    "$exe" book --orders ${FILES[$s]} --runs 1 --json > $R/$prefix-$s-run.json 2> $R/$prefix-$s-summary.txt
  gzip -f $R/$prefix-$s.out
done
echo "$prefix done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
