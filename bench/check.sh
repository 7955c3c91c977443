#!/usr/bin/env bash
# Time `qingdan check` on a synthetic catalogue of N items (default 16000).
#   bash bench/check.sh [N]
set -euo pipefail
n=${1:-16000}
dir=${BENCH_DIR:-/tmp/qingdan-bench-$n}
[ -d "$dir" ] || python3 "$(dirname "$0")/make_catalogue.py" "$n" "$dir"
/usr/bin/time -f "check of $n items: %e s wall, %U s user, peak %M KB" qingdan check "$dir" | tail -1
