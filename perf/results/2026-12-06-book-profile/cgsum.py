# Per-operation figures from a callgrind profile collected inside BookReplay.Replay (3 passes of the flow).
import subprocess, sys, re
path, ops = sys.argv[1], int(sys.argv[2])
passes = 3
out = subprocess.run(['callgrind_annotate', '--show=Ir,D1mr,D1mw,DLmr,DLmw,Bcm,Bim', '--threshold=100', path], capture_output=True, text=True).stdout
rows = []
for line in out.splitlines():
    m = re.match(r'\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$', line)
    if not m: continue
    # columns: numbers possibly followed by (x%), or '.'
    parts = re.findall(r'([\d,]+|\.)(?:\s+\(\s*[\d.]+%\))?', line.split('???:')[0].split('./')[0])
    nums = [0 if p == '.' else int(p.replace(',', '')) for p in parts[:7]]
    name = line.split('???:')[-1] if '???:' in line else line.split()[-2] if 'PROGRAM' not in line else 'TOTAL'
    if 'PROGRAM TOTALS' in line: name = 'TOTAL'
    rows.append((name.strip(), nums))
total = next(n for name, n in rows if name == 'TOTAL')
funcs = [(name, n) for name, n in rows if name != 'TOTAL']
harness = re.compile(r'BookReplay__Route|BookReplay__Replay|clock_gettime|minipal_hires_ticks|RhpPInvoke|GetTimestamp|NewOrder___ctor|CancelOrder___ctor|EngineCommandHandler')
h = [0]*7
for name, n in funcs:
    if harness.search(name): h = [a+b for a, b in zip(h, n)]
N = ops * passes
def per(v): return v / N
cols = ['Ir', 'D1 read misses', 'D1 write misses', 'LL read misses', 'LL write misses', 'cond. mispredicts', 'ind. mispredicts']
print('| per operation | inside Replay | of which the harness (op array, routing, timer) | engine |')
print('|---|---:|---:|---:|')
for i, c in enumerate(cols):
    print(f'| {c} | {per(total[i]):.2f} | {per(h[i]):.2f} | {per(total[i]-h[i]):.2f} |')
def short(s):
    s = re.sub(r'<exchange_perf_Exchange_Perf_CountingOutput>', '', s)
    s = re.sub(r'\s*\[.*$', '', s)
    return s.replace('Exchange_Engine_Exchange_Engine_', 'Engine.').replace('exchange_perf_Exchange_Perf_', 'Perf.').replace('S_P_CoreLib_System_', 'CoreLib.')
print('\nEngine functions by simulated cost per operation (self):\n')
print('| function | Ir | D1 misses | LL misses | mispredicts |')
print('|---|---:|---:|---:|---:|')
for name, n in sorted(funcs, key=lambda r: -r[1][0])[:16]:
    print(f'| {short(name)[:90]} | {per(n[0]):.1f} | {per(n[1]+n[2]):.3f} | {per(n[3]+n[4]):.3f} | {per(n[5]+n[6]):.3f} |')
