#!/usr/bin/env bash
# perf stat (the events the VM has) and perf record -g of exchange-perf book for the three shapes.
set -u
source "$(dirname "$0")/shapes.sh"
for shape in a-shallow b-deep c-long; do
  f=${FILES[$shape]}
  echo "== $shape $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
  perf stat -e cycles,instructions,branches,branch-misses,cache-references,cache-misses,L1-dcache-load-misses,task-clock,context-switches,cpu-migrations,page-faults \
    -o $R/perf-stat-$shape.txt -- bin/exchange-perf book --orders $f --runs 5 --json > $R/book-$shape-stat-run.json 2>&1
  perf record -F 999 -e cpu-clock --call-graph fp -o $SCRATCH/perf-$shape.data -- bin/exchange-perf book --orders $f --runs 5 --json > $R/book-$shape-record-run.json 2>$SCRATCH/record-$shape.err
  perf report -i $SCRATCH/perf-$shape.data --no-children --stdio --sort symbol -g none --percent-limit 0.5 > $R/perf-report-$shape.txt 2>/dev/null
  perf script -i $SCRATCH/perf-$shape.data -F comm,tid,ip,sym 2>/dev/null | gzip > $R/perf-script-$shape.txt.gz
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
