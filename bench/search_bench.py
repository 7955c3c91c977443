"""Search budgets and precision, measured in headless Debian chromium.

    python bench/search_bench.py CATALOGUE_DIR [--site BUILT_SITE] [--queries 200] [--json OUT]

Without --site, only the search parts are written (index, search.js/css and a
stub page carrying the header search box), which takes seconds instead of a full
site build; with --site the real built site is used (its index is re-used).

Reports:
- index build time and size;
- bytes transferred (bodies + headers, as chromium counts them) on page load
  (search-load.js, search.css), for the first search including the engine
  (search.js, search-ui.js, fetched when the box gets focus) and for each
  further query;
- milliseconds from focus and typing (the input event at once) to the results
  painted, the first time including the engine's download;
- top-10 precision against exact-substring ground truth for queries taken from
  the text: item names, substrings of duties, article numbers (第三十四条) and
  short phrases that start mid-word (so they span two words).
- recall of forgiving queries (bench/search_forgiving.tsv: misspellings and
  everyday words, plus codes typed without separators or without their prefix and
  law + article queries drawn from the catalogue): the share of the meant items
  found, and whether the meant item is first for codes;
- completeness for workflow actors and time limits: every item whose page shows a
  department's full name or a step's time limit is found by it.
Budgets (issues 14, 15): first search <= 100 KB, further <= 50 KB, <= 300 ms to
painted results, exact-substring precision >= 0.98.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.search.text import article_names, compact, item_text, joined, norm  # noqa: E402
from generator.search.write import index_site  # noqa: E402
from generator.validate import check  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STUB = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>search bench</title></head><body>
<input type="checkbox" id="__search">
<div class="md-search qd-search" data-qd-search><form action="search/"><input name="q" data-qd-search-input></form>
<div data-qd-search-status></div><ol data-qd-search-list></ol></div>
<link rel="stylesheet" href="assets/qingdan/search/search.css">
<script src="assets/qingdan/search/search-load.js" defer></script></body></html>"""


def stub_site(cat, out: Path) -> float:  # type: ignore[no-untyped-def]
    (out / "assets" / "qingdan").mkdir(parents=True)
    shutil.copytree(ROOT / "generator" / "assets" / "search", out / "assets" / "qingdan" / "search")
    (out / "index.html").write_text(STUB, encoding="utf-8")
    start = time.monotonic()
    index_site(out, cat)
    return time.monotonic() - start


def make_queries(cat, n: int, seed: int = 7) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rnd = random.Random(seed)
    items = sorted(cat.items, key=lambda i: i.code)
    out: list[tuple[str, str]] = []
    kinds = ["name", "duty", "article", "phrase"]
    while len(out) < n:
        item = rnd.choice(items)
        text = item_text(cat, item)
        kind = kinds[len(out) % 4]
        long_body = [t for t in text.body if len(t) >= 8]
        if kind == "name":
            q = item.name
        elif kind == "duty":
            src = rnd.choice(long_body)
            size = rnd.randint(4, min(10, len(src)))
            start = rnd.randrange(0, len(src) - size + 1)
            q = src[start:start + size]
        elif kind == "article":
            arts = [t for t in text.body if t.startswith("第") and t.endswith(("条", "款")) and not t[1].isdigit()]
            if not arts:
                continue
            q = rnd.choice(arts)
        else:
            src = rnd.choice([item.name, *long_body])
            size = rnd.randint(3, 6)
            start = rnd.randrange(1, max(2, len(src) - size + 1))
            q = src[start:start + size]
        if q.strip():
            out.append((kind, q))
    return out


FORGIVING = ROOT / "bench" / "search_forgiving.tsv"


def forgiving_queries(cat, texts: dict[str, str], seed: int = 11) -> list[tuple[str, str, set[str]]]:  # type: ignore[no-untyped-def]
    """(kind, query, meant item codes): the TSV, then codes and law + article queries from the catalogue."""
    out = []
    for line in FORGIVING.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, query, meant = line.split("\t")
            words = [norm(w) for w in meant.split("|")]
            codes = {c for c, t in texts.items() if any(w in t for w in words)}
            if codes:
                out.append((kind, query, codes))
    rnd = random.Random(seed)
    items = sorted(cat.items, key=lambda i: i.code)
    for item in rnd.sample(items, 10):
        parts = compact(item.code)
        out.append(("code", parts, {item.code}))
        tail = "".join(item.code.split("-")[1:]) if "-" in item.code else parts[1:]
        out.append(("code", tail, {item.code}))
    cited = [(i, c) for i in items for c in i.basis if c.articles]
    typed = {i.code: "\n".join(norm(t) for t in item_text(cat, i).typed) for i in items}
    for _item, citation in rnd.sample(cited, min(10, len(cited))):
        law = cat.law[citation.law]
        query = (law.short or law.title).removeprefix("中华人民共和国") + article_names(citation.articles[0])[1]
        out.append(("law+article", query, {code for code, t in typed.items() if norm(query) in t}))
    return out


def shown_on_pages(cat) -> list[tuple[str, str, set[str]]]:  # type: ignore[no-untyped-def]
    """(kind, query, items whose page shows it): department full names and time limits."""
    out = []
    for dept in cat.departments[:6]:
        codes = {i.code for i in cat.items if any(d.department == dept.id for d in i.departments)
                 or any(s.actor == dept.id for s in i.workflow)}
        out.append(("department", dept.name.removeprefix(cat.identity.jurisdiction), codes))
    limits = sorted({s.time_limit for i in cat.items for s in i.workflow if s.time_limit})
    for limit in limits[:6]:
        out.append(("time limit", limit, {i.code for i in cat.items if any(s.time_limit == limit for s in i.workflow)}))
    return out


SERVER = """
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as every real static server
    disable_nagle_algorithm = True  # headers and body go out in two writes: else 40 ms delayed-ACK stalls
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops a burst of connections: 1 s SYN retries, not search time
server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def serve(folder: Path) -> tuple[subprocess.Popen[str], str]:
    """A static server in its own process, keep-alive and no Nagle delay, like the servers of docs/hosting.md.

    Python's server in this process (the old way) added hundreds of milliseconds to some queries: the
    browser driver held the interpreter, and a burst of new connections overflowed its backlog of 5.
    """
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(folder)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    return server, f"http://127.0.0.1:{server.stdout.readline().strip()}/"


# Bytes come from Resource Timing (transferSize: headers + body as sent, 0 when cached),
# read in the page once the results are shown, so no request is counted for the wrong query.
TYPE_AND_WAIT = """async ([q]) => {
  performance.setResourceTimingBufferSize(100000);
  const input = document.querySelector('[data-qd-search-input]');
  const box = input.closest('[data-qd-search]');
  const before = performance.getEntriesByType('resource').length;
  const t0 = performance.now();
  input.focus();  // the first time, search-load.js fetches the engine: typing at once is the worst case
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  while (box.dataset.qdDone !== q) await new Promise(r => setTimeout(r, 1));
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));  // the results are painted
  const ms = performance.now() - t0;
  await new Promise(r => setTimeout(r, 100));
  const bytes = performance.getEntriesByType('resource').slice(before).reduce((n, e) => n + e.transferSize, 0);
  return [bytes, ms];
}"""
ENGINE = """() => performance.getEntriesByType('resource').filter(e => /search(-ui|-load)?\\.(js|css)/.test(e.name))
  .reduce((n, e) => n + e.transferSize, 0)"""


def run_browser(base: str, queries: list[tuple[str, str]], truth: list[set[str]],
                forgiving: list[tuple[str, str, set[str]]]) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # Budgets: a fresh context per first search, then 20 further queries in the same page.
        context = browser.new_context()
        page = context.new_page()
        page.goto(base)
        page.wait_for_load_state("networkidle")
        on_load = page.evaluate(ENGINE)  # search-load.js and search.css come with every page
        per_query: list[tuple[str, int, float]] = []
        for _, q in queries[:21]:
            size, ms = page.evaluate(TYPE_AND_WAIT, [q])
            per_query.append((q, size, ms))
        forgiving_bytes = [page.evaluate(TYPE_AND_WAIT, [q]) for _, q, _ in forgiving]
        # Precision: every query through the engine, top 10 codes.
        got = page.evaluate("""async (qs) => { const out = [];
          for (const q of qs) { const r = await qingdanSearch.search(q, {});
            out.push((await qingdanSearch.records(r.m, r.ids.slice(0, 10))).map(x => x.code)); }
          return out; }""", [q for _, q in queries])
        found = page.evaluate("""async (qs) => { const out = [];
          for (const q of qs) { const r = await qingdanSearch.search(q, {});
            const ids = r.ids.slice(0, 20000);
            out.push([(await qingdanSearch.records(r.m, ids)).map(x => x.code), r.pages.map(p => p.path)]); }
          return out; }""", [q for _, q, _ in forgiving])
        engine = page.evaluate(ENGINE)  # and search.js, search-ui.js with the first query
        browser.close()
    recall: dict[str, list[float]] = {}
    first: dict[str, list[int]] = {}
    missed = []
    for (kind, q, meant), (codes, _) in zip(forgiving, found, strict=True):
        r = len(meant & set(codes)) / len(meant)
        recall.setdefault(kind, []).append(r)
        first.setdefault(kind, []).append(1 if codes and codes[0] in meant else 0)
        if r < 1:
            missed.append([kind, q, round(r, 3), len(codes), len(meant)])
    precision = []
    for codes, gt in zip(got, truth, strict=True):
        if gt:
            precision.append(len([c for c in codes if c in gt]) / min(10, len(gt)))
    first_q, first_bytes, first_ms = per_query[0]
    further = per_query[1:]
    return {
        "search_bytes_on_load": on_load,
        "engine_bytes": engine,
        "first_query": first_q,
        "first_search_bytes": on_load + first_bytes,
        "first_search_ms": round(first_ms, 1),
        "further_bytes_max": max(b for _, b, _ in further),
        "further_bytes_median": statistics.median(b for _, b, _ in further),
        "further_ms_max": round(max(ms for _, _, ms in further), 1),
        "further_ms_median": round(statistics.median(ms for _, _, ms in further), 1),
        "further": [[q, b, round(ms, 1)] for q, b, ms in further],
        "precision_queries": len(precision),
        "precision_mean": round(statistics.mean(precision), 4),
        "precision_by_kind": {},
        "_precision": precision,
        "forgiving_recall": {k: round(statistics.mean(v), 4) for k, v in sorted(recall.items())},
        "forgiving_recall_mean": round(statistics.mean(x for v in recall.values() for x in v), 4),
        "forgiving_first_hit": {k: round(statistics.mean(v), 4) for k, v in sorted(first.items())},
        "forgiving_queries": {k: len(v) for k, v in sorted(recall.items())},
        "forgiving_below_1": missed,
        "forgiving_bytes_max": max(b for b, _ in forgiving_bytes),
        "forgiving_bytes_median": statistics.median(b for b, _ in forgiving_bytes),
        "forgiving_ms_max": round(max(ms for _, ms in forgiving_bytes), 1),
        "forgiving_ms_median": round(statistics.median(ms for _, ms in forgiving_bytes), 1),
        "forgiving_slowest": sorted([[q, round(ms, 1)] for (_, q, _), (_, ms) in zip(forgiving, forgiving_bytes, strict=True)],
                                    key=lambda x: -x[1])[:5],
        "forgiving_heaviest": sorted([[q, b] for (_, q, _), (b, _) in zip(forgiving, forgiving_bytes, strict=True)], key=lambda x: -x[1])[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("catalogue", type=Path)
    parser.add_argument("--site", type=Path, help="a site built by `qingdan build` from the same catalogue")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    start = time.monotonic()
    cat, _ = check(args.catalogue)
    assert cat is not None, "catalogue invalid"
    print(f"loaded {len(cat.items)} items in {time.monotonic() - start:.1f} s", file=sys.stderr)
    tmp = None
    if args.site:
        site, index_seconds = args.site, None
    else:
        tmp = Path(tempfile.mkdtemp(prefix="search-bench-"))
        site = tmp / "site"
        index_seconds = round(stub_site(cat, site), 1)
    index_files = [p for p in (site / "search-index").rglob("*") if p.is_file()]
    index_bytes = sum(p.stat().st_size for p in index_files)
    queries = make_queries(cat, args.queries)
    texts = {i.code: joined(item_text(cat, i)) for i in cat.items}
    truth = [{code for code, text in texts.items() if norm(q) in text} for _, q in queries]
    forgiving = forgiving_queries(cat, texts) + shown_on_pages(cat)
    server, base = serve(site)
    try:
        figures = run_browser(base, queries, truth, forgiving)
    finally:
        server.terminate()
        server.wait()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    by_kind: dict[str, list[float]] = {}
    precision = figures.pop("_precision")
    scored = [(kind, q) for (kind, q), gt in zip(queries, truth, strict=True) if gt]
    misses = []
    for (kind, q), p in zip(scored, precision, strict=True):  # type: ignore[arg-type]
        by_kind.setdefault(kind, []).append(p)
        if p < 0.9:
            misses.append([kind, q, round(p, 2)])
    figures["below_0.9"] = misses
    figures["precision_by_kind"] = {k: round(statistics.mean(v), 4) for k, v in sorted(by_kind.items())}
    figures.update(items=len(cat.items), index_seconds=index_seconds, index_files=len(index_files),
                   index_bytes=index_bytes)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
