#!/usr/bin/env bash
# The live path with and without its lookahead window, interleaved per shape (order alternating every round), one
# JSON line per invocation:
#   plain   exchange-perf book --service              (EngineServiceOptions.Lookahead off)
#   window  exchange-perf book --service --lookahead  (on: the live engine's default)
#   compare.sh EXE OUT ROUNDS RUNS
# OUT is relative to this directory. Runs ../../compare-book.sh.
set -u
[ $# -eq 4 ] || { echo "usage: compare.sh EXE OUT ROUNDS RUNS" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../compare-book.sh" "$here/$2" "$3" "$4" plain="$1",--service window="$1",--service,--lookahead
