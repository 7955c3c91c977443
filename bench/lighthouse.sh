#!/bin/sh
# Lighthouse 12.2.3 (mobile preset, simulated throttling) on the home page, an item page and a
# township page of the built sample site, served locally and opened with Debian's chromium.
# A bench, not a test: scores depend on the machine's load. Usage: sh bench/lighthouse.sh [OUT]
# Prints one line per page: performance, accessibility, LCP, TBT, transfer size; JSON reports in OUT.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${1:-$ROOT/bench/out/lighthouse}
PORT=${PORT:-8791}
CHROME=${CHROME:-/usr/bin/chromium}
[ -x "$HERE/lighthouse/node_modules/.bin/lighthouse" ] || npm ci --prefix "$HERE/lighthouse" --no-audit --no-fund
mkdir -p "$OUT"
cd "$ROOT"
python3 -m generator.cli build --catalogue catalogue --out "$OUT/site" > "$OUT/build.log" 2>&1
python3 -m http.server -b 127.0.0.1 -d "$OUT/site" "$PORT" > /dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
for page in home:'' item:items/SX-CXJS-001/ township:townships/qingshui/; do
  name=${page%%:*}
  path=${page#*:}
  CHROME_PATH=$CHROME "$HERE/lighthouse/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT/$path" \
    --only-categories=performance,accessibility --form-factor=mobile --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --output=json --output-path="$OUT/$name.json"
  python3 - "$OUT/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
c, a = r["categories"], r["audits"]
failed = [k for k, v in a.items() if v.get("score") == 0 and k in {x["id"] for x in c["accessibility"]["auditRefs"]}]
print(f'{sys.argv[2]:9} performance {round(c["performance"]["score"] * 100):3}  accessibility {round(c["accessibility"]["score"] * 100):3}'
      f'  LCP {a["largest-contentful-paint"]["numericValue"] / 1000:.1f} s  TBT {a["total-blocking-time"]["numericValue"]:.0f} ms'
      f'  transfer {a["total-byte-weight"]["numericValue"] / 1024:.0f} KB' + (f'  failed: {", ".join(failed)}' if failed else ""))
PY
done
