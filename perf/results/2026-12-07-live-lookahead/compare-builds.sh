#!/usr/bin/env bash
# Two builds interleaved per shape (here: the event router before and after routes noted by the writer), their order alternating every round; one JSON line per invocation.
#   compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS [EXTRA_ARGS...]
# EXTRA_ARGS go to both (e.g. --lookahead). The three shapes' files as ../2026-12-06-book-profile/shapes.sh names them
# (made by ./build.sh bench).
set -u
[ $# -ge 5 ] || { echo "usage: compare.sh BASE_EXE BRANCH_EXE OUT ROUNDS RUNS [EXTRA_ARGS...]" >&2; exit 2; }
base=$(realpath "$1") branch=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../2026-12-06-book-profile/shapes.sh"
out=$here/$3 rounds=$4 runs=$5
shift 5
: > "$out"
variants=(base branch)
for shape in a-shallow b-deep c-long; do
  for round in $(seq 1 "$rounds"); do
    for k in 0 1; do
      variant=${variants[$(( (k + round) % 2 ))]}
      case $variant in
        base) exe=$base ;;
        branch) exe=$branch ;;
      esac
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$("$exe" book "$@" --orders "${FILES[$shape]}" --runs "$runs" --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"args\":\"$*\",\"load1\":$load,\"result\":$json}" >> "$out"
    done
  done
done
