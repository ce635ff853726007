#!/usr/bin/env bash
# The live path with the journal's pages faulted in by the engine's own stores (plain) and by the journal's prefault
# thread (thread), interleaved per shape, the order alternating every round; one JSON line per invocation:
#   plain   exchange-perf book --service --lookahead
#   thread  exchange-perf book --service --lookahead --journal-thread
#   compare.sh EXE OUT ROUNDS RUNS
# OUT is relative to this directory. Runs ../../compare-book.sh.
set -u
[ $# -eq 4 ] || { echo "usage: compare.sh EXE OUT ROUNDS RUNS" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../compare-book.sh" "$here/$2" "$3" "$4" plain="$1",--service,--lookahead thread="$1",--service,--lookahead,--journal-thread
