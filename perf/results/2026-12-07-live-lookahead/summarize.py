#!/usr/bin/env python3
"""Per shape and variant: ops/s range and median, p99 range; then B/A per round.
   summarize.py FILE [A B]   (A and B: variant names, default base and branch)"""
import json, sys, statistics
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
a, b = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else ('base', 'branch')
by = defaultdict(list)
for r in rows: by[(r['shape'], r['variant'])].append(r)
for s in sorted({r['shape'] for r in rows}):
    for v in sorted({r['variant'] for r in rows}):
        rs = by[(s, v)]
        if not rs: continue
        ops = [r['result']['opsPerSec'] / 1e6 for r in rs]
        p99 = [r['result']['p99Ns'] for r in rs]
        hashes = {r['result']['stateHash'] for r in rs}
        gcs = sum(r['result']['gcCollections'] for r in rs)
        print(f"{s:10} {v:9} {min(ops):.2f}-{max(ops):.2f}M ops/s (median {statistics.median(ops):.2f}), p99 {min(p99)}-{max(p99)} ns, hashes {len(hashes)}, gc {gcs}")
    first = {r['round']: r['result']['opsPerSec'] for r in by[(s, a)]}
    ratios = sorted(r['result']['opsPerSec'] / first[r['round']] for r in by[(s, b)] if r['round'] in first)
    if ratios: print(f"{s:10} {b}/{a} per round: {' '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f})")
