#!/usr/bin/env bash
# exchange-perf book, variants interleaved per flow shape, their order rotating every round; one JSON line per
# invocation: {"shape","round","variant","args","load1","result"}.
#   perf/compare-book.sh OUT ROUNDS RUNS NAME=EXE[,ARG...] [NAME=EXE[,ARG...]...] [-- ARGS...]
# A variant's ARGs (after its executable, comma-separated) go to it alone, ARGS to every variant; each invocation
# runs `EXE book ARG... ARGS... --orders FILE --runs RUNS --json`. OUT and EXE are paths from the working directory.
# SHAPES (default "a-shallow b-deep c-long") picks shapes, their files as
# perf/results/2026-12-06-book-profile/shapes.sh names them (made by ./build.sh bench).
# Summarize with perf/results/2026-12-07-live-lookahead/summarize.py OUT A B.
set -u
usage="usage: compare-book.sh OUT ROUNDS RUNS NAME=EXE[,ARG...]... [-- ARGS...]"
[ $# -ge 4 ] || { echo "$usage" >&2; exit 2; }
out=$(realpath -m "$1") rounds=$2 runs=$3
shift 3
names=() specs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  [[ $1 == *=* ]] || { echo "$usage" >&2; exit 2; }
  IFS=, read -ra parts <<< "${1#*=}"
  parts[0]=$(realpath "${parts[0]}")
  names+=("${1%%=*}")
  specs+=("$(printf '%q ' "${parts[@]}")")
  shift
done
[ $# -gt 0 ] && shift
source "$(dirname "$(realpath "$0")")/results/2026-12-06-book-profile/shapes.sh"
: > "$out"
n=${#names[@]}
for shape in ${SHAPES:-a-shallow b-deep c-long}; do
  for round in $(seq 1 "$rounds"); do
    for k in $(seq 0 $((n - 1))); do
      i=$(( (k + round) % n ))
      eval "variant=(${specs[$i]})"
      load=$(cut -d' ' -f1 /proc/loadavg)
      json=$("${variant[0]}" book "${variant[@]:1}" "$@" --orders "${FILES[$shape]}" --runs "$runs" --json)
      all=("${variant[@]:1}" "$@")
      echo "{\"shape\":\"$shape\",\"round\":$round,\"variant\":\"${names[$i]}\",\"args\":\"${all[*]}\",\"load1\":$load,\"result\":$json}" >> "$out"
    done
  done
done
