#!/usr/bin/env bash
# usage: no-secrets-in-logs.sh LOG_DIR SECRETS_FILE
# Fails (exit 1) naming file and line when any secret listed in SECRETS_FILE (one per line; '#' comments and blank
# lines ignored) appears anywhere under LOG_DIR: what processes printed must never hold an API key or a password.
# ./build.sh test runs it over the output of every process the test suite started, with tests/secrets.txt.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 LOG_DIR SECRETS_FILE" >&2; exit 2; }
dir=$1 secrets=$2
[ -d "$dir" ] || { echo "no-secrets-in-logs: no directory $dir" >&2; exit 2; }
patterns=$(mktemp)
trap 'rm -f "$patterns"' EXIT
grep -v '^[[:space:]]*#' "$secrets" | grep -v '^[[:space:]]*$' > "$patterns" || true
[ -s "$patterns" ] || { echo "no-secrets-in-logs: $secrets lists no secret" >&2; exit 2; }
files=$(find "$dir" -type f | wc -l)
if grep -rnF -f "$patterns" "$dir" > "$patterns.hits" 2>/dev/null; then
  echo "no-secrets-in-logs: a configured secret appears in what a process printed:" >&2
  head -20 "$patterns.hits" | cut -c1-300 >&2
  rm -f "$patterns.hits"
  exit 1
fi
rm -f "$patterns.hits"
echo "no-secrets-in-logs: none of $(wc -l < "$patterns") secrets in the output of $files processes"
