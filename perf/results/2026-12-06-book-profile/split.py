# Splits perf script samples (with call chains) by phase and tallies leaf symbols of the replay phase.
import gzip, sys, re, collections
def short(s):
    s = re.sub(r'<exchange_perf_Exchange_Perf_CountingOutput>', '', s)
    s = s.replace('Exchange_Engine_Exchange_Engine_', 'Engine.').replace('exchange_perf_Exchange_Perf_', 'Perf.').replace('S_P_CoreLib_System_', 'CoreLib.')
    return s
def samples(path):
    cur = None
    for line in gzip.open(path, 'rt', errors='replace'):
        if not line.strip():
            if cur: yield cur
            cur = None; continue
        if not line.startswith('\t') and not line.startswith(' '):
            cur = []; continue
        parts = line.split(None, 1)
        cur.append(parts[1].strip() if len(parts) > 1 else parts[0])
    if cur: yield cur
def phase(chain):
    j = ' '.join(chain)
    if 'BookReplay__Replay' in j: return 'replay passes (BookReplay.Replay)'
    if 'NewEngine' in j or 'MatchingEngine_1<exchange_perf_Exchange_Perf_CountingOutput>___ctor' in j or 'KeyIndex___ctor' in j: return 'building a fresh engine per pass'
    if 'ReadOrderFile' in j: return 'loading the file'
    if 'ArraySortHelper' in j or 'Array__Sort' in j: return 'sorting latencies'
    if 'BookReplay__Run' in j: return 'other in BookReplay.Run'
    return 'other (runtime start, GC, exit)'
shape = sys.argv[1]
phases = collections.Counter(); leaves = collections.Counter(); callers = collections.defaultdict(collections.Counter)
total = 0
for chain in samples(sys.argv[2]):
    if not chain: continue
    total += 1
    p = phase(chain); phases[p] += 1
    if p.startswith('replay'):
        leaf = chain[0]
        leaves[leaf] += 1
        # first frame from the engine or the replay loop above a runtime/kernel leaf
        for f in chain[1:]:
            if 'Exchange_Engine' in f or 'exchange_perf' in f:
                callers[leaf][f] += 1; break
r = phases['replay passes (BookReplay.Replay)']
print(f'## {shape}: {total} samples (cpu-clock, 999 Hz)\n')
print('| phase | samples | share |\n|---|---:|---:|')
for p, n in phases.most_common(): print(f'| {p} | {n} | {100*n/total:.1f} % |')
print(f'\nInside the replay passes ({r} samples), self time by symbol (perf report --no-children restricted to samples under BookReplay.Replay):\n')
print('| symbol | share of replay | top engine caller (for runtime/kernel leaves) |\n|---|---:|---|')
for leaf, n in leaves.most_common(25):
    if 100*n/r < 0.7: break
    c = ''
    if 'Exchange_Engine' not in leaf and 'exchange_perf' not in leaf and callers[leaf]:
        f, k = callers[leaf].most_common(1)[0]; c = f'{short(f)} ({100*k/n:.0f} %)'
    print(f'| {short(leaf)} | {100*n/r:.1f} % | {c} |')
print()
# Kernel time inside the replay passes (page faults on first touch of pool memory, timer interrupts).
k = collections.Counter(); kt = 0
for chain in samples(sys.argv[2]):
    if not chain or phase(chain) != 'replay passes (BookReplay.Replay)': continue
    if any('asm_exc_page_fault' in f or 'exc_page_fault' in f or 'handle_mm_fault' in f for f in chain):
        k['page faults'] += 1
    elif chain[0].startswith(('pvm_', '__', 'clear_page')) or 'entry_SYSCALL' in ' '.join(chain) or any(f.startswith(('asm_', 'irq', 'sysvec')) for f in chain):
        k['other kernel (interrupts, timer)'] += 1
for key, n in k.items(): print(f'Kernel inside the replay passes: {key}: {n} samples, {100*n/r:.1f} % of the replay')
# the engine function that touched the faulting page
fc = collections.Counter()
for chain in samples(sys.argv[2]):
    if not chain or phase(chain) != 'replay passes (BookReplay.Replay)': continue
    if any('exc_page_fault' in f for f in chain):
        for f in chain:
            if 'Exchange_Engine' in f or 'exchange_perf' in f or 'CoreLib' in f: fc[short(f)] += 1; break
print('Page faults inside the replay raised in: ' + ', '.join(f'{a} ({b})' for a, b in fc.most_common(5)))
print()
