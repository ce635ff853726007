#!/usr/bin/env bash
# Two builds interleaved per shape, their order alternating every round; one JSON line per invocation.
#   compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS [EXTRA_ARGS...]
# EXTRA_ARGS go to both (e.g. --lookahead); OUT is relative to this directory. Runs ../../compare-book.sh.
set -u
[ $# -ge 5 ] || { echo "usage: compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS [EXTRA_ARGS...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../compare-book.sh" "$here/$3" "$4" "$5" base="$1" branch="$2" -- "${@:6}"
