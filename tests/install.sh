#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
python3 -m pip install -q -e ".[test]"
if [ -f tests/js/package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --silent
fi
