#!/usr/bin/env bash
# The FIX store's sequence numbers written with a pwrite per change (A) against through a shared mapping (B), the
# same alternation and CPU sampling as run2.sh, at 2,000 and 5,000 commands/s.
A=${A:-/tmp/fx/bin-after3} B=${B:-/tmp/fx/bin-after4} OUT=${OUT:-$(dirname "$0")/store-map} RATES="2000 5000" exec "$(dirname "$0")/run2.sh"
