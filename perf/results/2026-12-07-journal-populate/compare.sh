#!/usr/bin/env bash
# The live path with the journal's pages faulted in by the engine's own stores (plain) and by the journal's prefault
# thread (thread), interleaved per shape, the order alternating every round; one JSON line per invocation:
#   plain   exchange-perf book --service --lookahead
#   thread  exchange-perf book --service --lookahead --journal-thread
#   compare.sh EXE OUT ROUNDS RUNS
# The three shapes' files as ../2026-12-06-book-profile/shapes.sh names them (made by ./build.sh bench).
set -u
[ $# -eq 4 ] || { echo "usage: compare.sh EXE OUT ROUNDS RUNS" >&2; exit 2; }
exe=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../2026-12-06-book-profile/shapes.sh"
out=$here/$2 rounds=$3 runs=$4
: > "$out"
variants=(plain thread)
for shape in a-shallow b-deep c-long; do
  for round in $(seq 1 "$rounds"); do
    for k in 0 1; do
      variant=${variants[$(( (k + round) % 2 ))]}
      case $variant in
        plain) args=(book --service --lookahead) ;;
        thread) args=(book --service --lookahead --journal-thread) ;;
      esac
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$("$exe" "${args[@]}" --orders "${FILES[$shape]}" --runs "$runs" --json)
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"$variant\",\"load1\":$load,\"result\":$json}" >> "$out"
    done
  done
done
