#!/usr/bin/env bash
# Runs Prometheus' promtool (Debian's prometheus package, installed if the machine lacks it; its server is not
# started): the tests check the exchange's metrics with it, e.g. `exchange-stat --prometheus | ops/servers/promtool.sh check metrics`.
set -euo pipefail

if ! command -v promtool >/dev/null; then
  echo "promtool.sh: installing prometheus (for promtool)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  # The package's own server would start where an init system runs; the tests need only the tool.
  "$(dirname "$0")/apt-install.sh" RUNLEVEL=1 --no-install-recommends prometheus
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi
exec promtool "$@"
