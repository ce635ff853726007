#!/usr/bin/env bash
# usage: verify-units.sh [UNIT_DIR]   (default: ops/systemd)
# Checks every systemd unit in UNIT_DIR with systemd-analyze verify (installing systemd's tools if missing): an
# unknown key, a bad value or a malformed line fails. The executables are looked for under /opt/exchange/bin on a
# real host; here each ExecStart's program is replaced by /bin/true, as only the unit itself is checked.
set -euo pipefail
dir=${1:-"$(dirname "$0")/../systemd"}
if ! command -v systemd-analyze >/dev/null; then
  "$(dirname "$0")/../servers/apt-install.sh" systemd
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0 count=0
for unit in "$dir"/*.service; do
  [ -e "$unit" ] || continue
  count=$((count + 1))
  sed 's#^\(Exec[A-Za-z]*=[-@+!:]*\)/[^ ]*#\1/bin/true#' "$unit" > "$work/$(basename "$unit")"
  out=$(cd "$work" && systemd-analyze verify --man=no "./$(basename "$unit")" 2>&1) || status=1
  if [ -n "$out" ]; then echo "$out" >&2; status=1; fi
done
[ $count -gt 0 ] || { echo "verify-units: no unit in $dir" >&2; exit 2; }
[ $status -eq 0 ] && echo "verify-units: $count units in $dir verified"
exit $status
