#!/usr/bin/env bash
# Time the open-data exports and the round trip on a synthetic catalogue of N items (default 16000).
#   bash bench/opendata.sh [N]
set -euo pipefail
n=${1:-16000}
dir=${BENCH_DIR:-/tmp/qingdan-bench-$n}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -d "$dir" ] || python3 "$(dirname "$0")/make_catalogue.py" "$n" "$dir"
for fmt in xlsx csv json; do
  /usr/bin/time -f "export $fmt of $n items: %e s wall, peak %M KB" qingdan export --catalogue "$dir" --format $fmt --out "$out/qingdan.$fmt" | tail -1
done
mkdir "$out/back" && cp "$dir/catalogue.yml" "$out/back/"
/usr/bin/time -f "import of the $n-item workbook: %e s wall, peak %M KB" qingdan import "$out/qingdan.xlsx" --into "$out/back" | tail -1
