#!/usr/bin/env bash
# Three variants interleaved per shape, their order rotated every round; one JSON line per invocation:
#   base       the engine before this change (BASE_EXE),
#   branch     this change, each input applied as it comes (as the live engine does),
#   lookahead  this change with `--lookahead` (hints for the inputs ahead).
#   compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS
# The three shapes' files as ../2026-12-06-book-profile/shapes.sh names them (made by ./build.sh bench).
set -u
[ $# -eq 5 ] || { echo "usage: compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS" >&2; exit 2; }
base=$(realpath "$1") branch=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../2026-12-06-book-profile/shapes.sh"
out=$here/$3 rounds=$4 runs=$5
: > "$out"
variants=(base branch lookahead)
for shape in a-shallow b-deep c-long; do
  for round in $(seq 1 "$rounds"); do
    for k in 0 1 2; do
      variant=${variants[$(( (k + round) % 3 ))]}
      case $variant in
        base) cmd=("$base" book) ;;
        branch) cmd=("$branch" book) ;;
        lookahead) cmd=("$branch" book --lookahead) ;;
      esac
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$("${cmd[@]}" --orders "${FILES[$shape]}" --runs "$runs" --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"load1\":$load,\"result\":$json}" >> "$out"
    done
  done
done
