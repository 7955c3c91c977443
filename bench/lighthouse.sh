#!/bin/sh
# Lighthouse 12.2.3 (mobile preset, simulated throttling) on the home page, an item page and a
# township page of the built sample site, served locally and opened with Debian's chromium, in two
# settings: "plain", python's http.server (no compression), and "hosted", the server settings that
# docs/hosting.md gives a portal (bench/hosting_server.py: ready .gz files as nginx gzip_static, gzip
# for other text, the guide's cache headers).
# A bench, not a test: scores depend on the machine's load; each page is run RUNS times (default 3)
# and the median run is reported. Usage: sh bench/lighthouse.sh [OUT]
# Prints one line per setting and page: performance (median, min-max), accessibility, FCP, LCP, TBT,
# transfer size, and what Lighthouse still calls render-blocking; JSON reports in OUT.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${1:-$ROOT/bench/out/lighthouse}
PORT=${PORT:-8791}
RUNS=${RUNS:-3}
CHROME=${CHROME:-/usr/bin/chromium}
[ -x "$HERE/lighthouse/node_modules/.bin/lighthouse" ] || npm ci --prefix "$HERE/lighthouse" --no-audit --no-fund
mkdir -p "$OUT"
rm -f "$OUT"/*.json
cd "$ROOT"
python3 -m generator.cli build --catalogue catalogue --out "$OUT/site" > "$OUT/build.log" 2>&1
SERVER=
trap '[ -z "$SERVER" ] || kill $SERVER' EXIT
for setting in plain hosted; do
  if [ "$setting" = plain ]; then
    python3 -m http.server -b 127.0.0.1 -d "$OUT/site" "$PORT" > /dev/null 2>&1 &
  else
    python3 "$HERE/hosting_server.py" "$OUT/site" "$PORT" > /dev/null 2>&1 &
  fi
  SERVER=$!
  sleep 1
  for page in home:'' item:items/SX-CXJS-001/ township:townships/qingshui/; do
    name=${page%%:*}
    path=${page#*:}
    run=1
    while [ "$run" -le "$RUNS" ]; do
      CHROME_PATH=$CHROME "$HERE/lighthouse/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT/$path" \
        --only-categories=performance,accessibility --form-factor=mobile --quiet \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
        --output=json --output-path="$OUT/$setting-$name-$run.json"
      run=$((run + 1))
    done
  done
  kill $SERVER
  wait $SERVER 2>/dev/null || true
  SERVER=
done
python3 - "$OUT" <<'PY'
import json, statistics, sys
from pathlib import Path

out = Path(sys.argv[1])
for setting in ("plain", "hosted"):
    for name in ("home", "item", "township"):
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.glob(f"{setting}-{name}-*.json"))]
        perf = sorted(round(r["categories"]["performance"]["score"] * 100) for r in runs)
        r = next(r for r in runs if round(r["categories"]["performance"]["score"] * 100) == statistics.median_low(perf))
        c, a = r["categories"], r["audits"]
        failed = [x["id"] for x in c["accessibility"]["auditRefs"] if a[x["id"]].get("score") == 0]
        blocking = [i["url"].rsplit("/", 1)[-1] for i in (a["render-blocking-resources"].get("details") or {}).get("items", [])]
        print(f'{setting:6} {name:9} performance {statistics.median_low(perf):3} ({perf[0]}-{perf[-1]})'
              f'  accessibility {round(c["accessibility"]["score"] * 100):3}'
              f'  FCP {a["first-contentful-paint"]["numericValue"] / 1000:.1f} s  LCP {a["largest-contentful-paint"]["numericValue"] / 1000:.1f} s'
              f'  TBT {a["total-blocking-time"]["numericValue"]:.0f} ms  transfer {a["total-byte-weight"]["numericValue"] / 1024:.0f} KB'
              + (f'  blocking: {" ".join(blocking)}' if blocking else "") + (f'  failed: {", ".join(failed)}' if failed else ""))
PY
