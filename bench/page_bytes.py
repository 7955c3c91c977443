"""Bytes a reader downloads per page view, measured in Chromium over gzip with the hosting guide's cache headers.

    python bench/page_bytes.py SITE [--chromium /usr/bin/chromium]

Serves SITE the way docs/hosting.md configures a server (bench/hosting_server.py:
ready ``.gz`` files as nginx ``gzip_static``, gzip for other text, the guide's
cache headers, 304 for unchanged files), then in a fresh browser profile: a
first visit to an item page (cold cache), a second item page, and the home
page. For each view it prints the bytes on the wire (compressed, headers excluded) and the requests,
so a file that grows with the catalogue (sitemap.xml, an index) stands out.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from hosting_server import server as hosting_server


def view(page: Any, cdp: Any, url: str) -> tuple[int, list[tuple[str, int]]]:
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    rows = sorted(((urls.get(k, k), v) for k, v in sizes.items()), key=lambda r: -r[1])
    return sum(v for _, v in rows), rows


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser()
    parser.add_argument("site", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    site = args.site.resolve()
    items = sorted(p.parent.name for p in (site / "items").glob("*/index.html"))
    server = hosting_server(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"{site}: {len(items)} item pages, {sum(1 for _ in site.rglob('*'))} paths; sizes are bytes on the wire")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        for name, path in (("first visit, item page", f"items/{items[len(items) // 2]}/"),
                           ("second page, another item", f"items/{items[len(items) // 3]}/"), ("then the home page", "")):
            total, rows = view(page, cdp, base + path)
            print(f"{name}: {total / 1024:.1f} KB in {len(rows)} responses")
            for url, size in rows[:12]:
                print(f"    {size / 1024:7.1f} KB  {url.removeprefix(base)}")
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
