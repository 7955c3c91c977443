#!/usr/bin/env bash
# Time `qingdan check` on a synthetic catalogue of N items (default 16000), with this checkout's code.
#   bash bench/check.sh [N]
set -euo pipefail
n=${1:-16000}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/qingdan-bench-$n}
[ -d "$dir" ] || python3 "$root/bench/make_catalogue.py" "$n" "$dir"
dir=$(cd "$dir" && pwd)
cd "$root"  # (python -m puts the current folder first: run from the checkout whose code is timed)
PYTHONPATH="$root" /usr/bin/time -f "check of $n items: %e s wall, %U s user, %S s sys, peak %M KB" \
  python3 -m generator.cli check "$dir" | tail -1
