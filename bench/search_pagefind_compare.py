"""Stock Pagefind (extended) on the same item texts and queries as bench/search_bench.py.

    python bench/search_pagefind_compare.py CATALOGUE_DIR [--queries 200]

Writes each item's searchable text (generator.search.text) as a small HTML page
(lang zh-CN, data-pagefind-body, meta code), indexes them with the Pagefind CLI
(the index time includes writing the pages), then runs the bench queries through
pagefind.js in headless chromium and reports index time, bytes of the first
search and top-10 precision against the same exact-substring ground truth.
The figures are recorded in docs/decisions/search.md.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import CHROMIUM_ARGS, make_queries, serve  # noqa: E402

from generator.search.text import item_text, joined, norm  # noqa: E402
from generator.validate import check  # noqa: E402


def write_index(cat, out: Path) -> None:  # type: ignore[no-untyped-def]
    """One small HTML page per item holding exactly the text our index holds, then the Pagefind CLI."""
    for item in cat.items:
        text = item_text(cat, item)
        body = "".join(f"<p>{html.escape(t)}</p>" for t in text.title + text.body)
        page = out / "items" / item.code / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(item.name)}</title>'
                        f'</head><body><main data-pagefind-body data-pagefind-meta="code:{html.escape(item.code)}">{body}</main>'
                        "</body></html>", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--quiet"], check=True)


RUN = """async (qs) => {
  performance.setResourceTimingBufferSize(100000);
  const pf = await import('./pagefind/pagefind.js');
  await pf.init();
  const out = [];
  let first = null;
  for (const q of qs) {
    const r = await pf.search(q);
    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
    out.push(top.map(d => d.meta.code));
    if (first === null) first = performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0);
  }
  return [out, first];
}"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("catalogue", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    cat, _ = check(args.catalogue)
    assert cat is not None
    tmp = Path(tempfile.mkdtemp(prefix="pagefind-compare-"))
    try:
        start = time.monotonic()
        write_index(cat, tmp)
        index_seconds = time.monotonic() - start
        (tmp / "index.html").write_text("<!doctype html><meta charset=utf-8><title>pf</title>", encoding="utf-8")
        queries = make_queries(cat, args.queries)
        texts = {i.code: joined(item_text(cat, i)) for i in cat.items}
        truth = [{c for c, t in texts.items() if norm(q) in t} for _, q in queries]
        server, base = serve(tmp)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(base)
            got, first_bytes = page.evaluate(RUN, [q for _, q in queries])
            browser.close()
        server.shutdown()
        by_kind: dict[str, list[float]] = {}
        for (kind, _), codes, gt in zip(queries, got, truth):
            if gt:
                by_kind.setdefault(kind, []).append(len([c for c in codes if c in gt]) / min(10, len(gt)))
        every = [p for v in by_kind.values() for p in v]
        print(json.dumps({"items": len(cat.items), "index_seconds": round(index_seconds, 1),
                          "first_search_bytes_with_10_fragments": first_bytes,
                          "precision_mean": round(statistics.mean(every), 4),
                          "precision_by_kind": {k: round(statistics.mean(v), 4) for k, v in sorted(by_kind.items())}},
                         ensure_ascii=False, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
