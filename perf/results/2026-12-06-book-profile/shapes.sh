# Sourced by the scripts here: the repository's root as the working directory, this directory as R, a scratch
# directory (SCRATCH, else a new temporary one) and the three flow shapes' files (made by ./build.sh bench).
cd "$(dirname "${BASH_SOURCE[0]}")/../../.." || exit 1
R=perf/results/2026-12-06-book-profile
SCRATCH=${SCRATCH:-$(mktemp -d)}
declare -A FILES=([a-shallow]=artifacts/orders-1m.txt [b-deep]=artifacts/orders-1m-cancel25-cross5-spread200-seed2.txt [c-long]=artifacts/orders-3m-cancel45-cross10-spread100-seed3.txt)
