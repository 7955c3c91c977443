#!/usr/bin/env bash
# Time the pull-request review steps on a synthetic catalogue of N items (default 16000) in a
# scratch git repository, with this checkout's code: `qingdan diff HEAD:catalogue catalogue` and
# `qingdan check --against`, after one item was renamed in the working tree.
#   bash bench/review.sh [N]
set -euo pipefail
n=${1:-16000}
root=$(cd "$(dirname "$0")/.." && pwd)
repo=${BENCH_DIR:-/tmp/qingdan-review-$n}
if [ ! -d "$repo/.git" ]; then
  python3 "$root/bench/make_catalogue.py" "$n" "$repo/catalogue"
  git -C "$repo" init -q -b main
  git -C "$repo" add -A
  git -C "$repo" -c user.name=bench -c user.email=bench@example.invalid commit -q -m base
fi
git -C "$repo" checkout -q -- catalogue
first=$(cd "$repo" && find catalogue/items -name '*.yml' | sort | sed -n 1p)
sed -i '0,/^name: /s/^name: \(.*\)/name: \1（调整）/' "$repo/$first"
cd "$repo"
timed() { PYTHONPATH="$root" /usr/bin/time -f "$1 of $n items: %e s wall, %U s user, %S s sys, peak %M KB" python3 -m generator.cli "${@:2}"; }
timed check check catalogue 2>&1 >/dev/null | tail -1 || true
timed diff diff HEAD:catalogue catalogue 2>&1 >/dev/null | tail -1
timed "check --against" check catalogue --against HEAD:catalogue 2>&1 >/dev/null | tail -1 || true
