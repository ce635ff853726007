#!/usr/bin/env python3
"""Per shape and variant: ops/s range and median, p99 range; then branch/base per round (rounds pair the two builds)."""
import json, sys, statistics
from collections import defaultdict
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = defaultdict(list)
for r in rows: by[(r['shape'], r['variant'])].append(r)
shapes = sorted({r['shape'] for r in rows})
variants = sorted({r['variant'] for r in rows})
for s in shapes:
    for v in variants:
        rs = by[(s, v)]
        ops = [r['result']['opsPerSec'] / 1e6 for r in rs]
        p99 = [r['result']['p99Ns'] for r in rs]
        hashes = {r['result']['stateHash'] for r in rs}
        gcs = sum(r['result']['gcCollections'] for r in rs)
        print(f"{s:10} {v:9} {min(ops):.2f}-{max(ops):.2f}M ops/s (median {statistics.median(ops):.2f}), p99 {min(p99)}-{max(p99)} ns, hashes {len(hashes)}, gc {gcs}")
    base = {r['round']: r['result']['opsPerSec'] for r in by[(s, 'base')]}
    ratios = sorted(r['result']['opsPerSec'] / base[r['round']] for r in by[(s, 'branch')] if r['round'] in base)
    if ratios: print(f"{s:10} branch/base per round: {' '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f})")
