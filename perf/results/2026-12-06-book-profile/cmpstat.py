import sys, json, statistics, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
by = collections.defaultdict(lambda: collections.defaultdict(dict))
for d in rows: by[d['shape']][d['round']][d['variant']] = d
print('| shape | base ops/s (median pass), per round | branch ops/s, per round | branch/base per round | median ratio | base p99 ns | branch p99 ns | load (1 min) |')
print('|---|---|---|---|---:|---|---|---|')
for shape, rounds in by.items():
    b = [rounds[r]['base']['result']['opsPerSec'] for r in sorted(rounds) if 'base' in rounds[r] and 'branch' in rounds[r]]
    n = [rounds[r]['branch']['result']['opsPerSec'] for r in sorted(rounds) if 'base' in rounds[r] and 'branch' in rounds[r]]
    ratios = [y / x for x, y in zip(b, n)]
    bp = [rounds[r]['base']['result']['p99Ns'] for r in sorted(rounds) if 'branch' in rounds[r]]
    np_ = [rounds[r]['branch']['result']['p99Ns'] for r in sorted(rounds) if 'base' in rounds[r]]
    loads = [rounds[r][v]['load1'] for r in rounds for v in rounds[r]]
    f = lambda xs: ', '.join(f'{x/1e6:.2f}M' for x in xs)
    print(f"| {shape} | {f(b)} | {f(n)} | {', '.join(f'{r:.2f}' for r in ratios)} | {statistics.median(ratios):.3f} | {', '.join(map(str,bp))} | {', '.join(map(str,np_))} | {min(loads)}–{max(loads)} |")
