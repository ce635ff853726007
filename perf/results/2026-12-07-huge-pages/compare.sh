#!/usr/bin/env bash
# Builds of exchange-perf interleaved per shape, the order of the variants rotating every round; one JSON line per
# invocation.
#   compare.sh OUT ROUNDS RUNS NAME=EXE [NAME=EXE...] [-- EXTRA_ARGS...]
# EXTRA_ARGS go to every variant (e.g. --lookahead). SHAPES (default: all three) picks shapes, e.g.
# SHAPES="b-deep c-long". The three shapes' files as ../2026-12-06-book-profile/shapes.sh names them (made by
# ./build.sh bench).
set -u
[ $# -ge 4 ] || { echo "usage: compare.sh OUT ROUNDS RUNS NAME=EXE [NAME=EXE...] [-- EXTRA_ARGS...]" >&2; exit 2; }
out=$1 rounds=$2 runs=$3
shift 3
names=() exes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  names+=("${1%%=*}")
  exes+=("$(realpath "${1#*=}")")
  shift
done
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../2026-12-06-book-profile/shapes.sh"
out=$here/$out
: > "$out"
n=${#names[@]}
for shape in ${SHAPES:-a-shallow b-deep c-long}; do
  for round in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n - 1))); do
      i=$(( (k + round) % n ))
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$("${exes[$i]}" book "$@" --orders "${FILES[$shape]}" --runs "$runs" --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"${names[$i]}\",\"args\":\"$*\",\"load1\":$load,\"result\":$json}" >> "$out"
    done
  done
done
