"""Search step of ``qingdan build``: writes the static search index into the built site.

Called by generator/build.py after ``mkdocs build`` as ``index_site(site_dir, cat)``.
The index (generator/searchindex.py) is built from the model, not from the HTML,
so it takes seconds and little memory for 16,000 items. The browser side is
generator/assets/search/search.js (copied to assets/qingdan/search/ with the
other assets) and the page docs/search.md; see docs/decisions/search.md for why
this replaces Pagefind and Material's search.

Layout under the site: ``search-index/meta.json`` (manifest, fetched on the first
search) and ``search-index/v-<hash>/...`` (content-addressed data, cacheable
forever; a new build writes a new folder name).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from generator.model import Catalogue
from generator.search.index import build_index

log = logging.getLogger("qingdan")
FOLDER = "search-index"


def index_site(site_dir: Path, cat: Catalogue) -> None:
    index = build_index(cat)
    target = Path(site_dir) / FOLDER
    if target.exists():
        shutil.rmtree(target)
    data = target / str(index.manifest["data"])
    for rel, content in sorted(index.files.items()):
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    meta = json.dumps(index.manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    (target / "meta.json").write_text(meta + "\n", encoding="utf-8")
    log.debug("search index: %d files, %d bytes", len(index.files), sum(len(b) for b in index.files.values()))
