#!/usr/bin/env bash
# Three variants interleaved per shape, their order rotated every round; one JSON line per invocation:
#   base       the engine before this change (BASE_EXE),
#   branch     this change, each input applied as it comes (as the live engine does),
#   lookahead  this change with `--lookahead` (hints for the inputs ahead).
#   compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS
# OUT is relative to this directory. Runs ../../compare-book.sh.
set -u
[ $# -eq 5 ] || { echo "usage: compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../compare-book.sh" "$here/$3" "$4" "$5" base="$1" branch="$2" lookahead="$2",--lookahead
