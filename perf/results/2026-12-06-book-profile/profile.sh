#!/usr/bin/env bash
# perf stat (the events the VM has) and perf record -g of exchange-perf book for the three shapes.
set -u
cd /work/wt-book
R=perf/results/2026-12-06-book-profile
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt [c-long]=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt)
for shape in a-shallow b-deep c-long; do
  f=${FILES[$shape]}
  echo "== $shape $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
  perf stat -e cycles,instructions,branches,branch-misses,cache-references,cache-misses,L1-dcache-load-misses,task-clock,context-switches,cpu-migrations,page-faults \
    -o $R/perf-stat-$shape.txt -- bin/exchange-perf book --orders $f --runs 5 --json > $R/book-$shape-stat-run.json 2>&1
  perf record -F 999 -e cpu-clock --call-graph fp -o /tmp/bookprof/perf-$shape.data -- bin/exchange-perf book --orders $f --runs 5 --json > $R/book-$shape-record-run.json 2>/tmp/bookprof/record-$shape.err
  perf report -i /tmp/bookprof/perf-$shape.data --no-children --stdio --sort symbol -g none --percent-limit 0.5 > $R/perf-report-$shape.txt 2>/dev/null
  perf script -i /tmp/bookprof/perf-$shape.data -F comm,tid,ip,sym 2>/dev/null | gzip > /tmp/bookprof/script-$shape.txt.gz
done
echo "done $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >> $R/loadavg.txt
