"""Search step of ``qingdan build``: writes the static search index into the built site.

Called by generator/build.py after ``mkdocs build`` as ``index_site(site_dir, cat, options, previous)``.
The index (generator/search/index.py) is built from the model, not from the HTML,
so it takes seconds and little memory for 16,000 items. The browser side is
generator/assets/search/search.js and search-ui.js (copied to assets/qingdan/search/
with the other assets) and the page docs/search.md; see docs/decisions/search.md.

Layout under the site: ``search-index/meta.json`` names the manifest (the one
file that must not be cached long); every other file, the manifest included, is
named by its own content (``g/12-<digest>.bin``), so it can be cached forever and an
edited item changes only the files that hold its text: the rest keep their names
and bytes, and an upload or rsync moves only what changed. The manifest lists the
content names of the logical files (``g/<n>``, ``d/<n>`` …) in order.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cache import Cache
from generator.model import Catalogue
from generator.reuse import write_or_keep
from generator.search.index import Index, build_index, gz, json_bytes

if TYPE_CHECKING:
    from generator.build import BuildOptions

log = logging.getLogger("qingdan")
FOLDER = "search-index"
NAME_CHARS = 6  # hex digits of SHA-256 after a file's logical name: 1 in 16 million that an edit keeps the name


def digest(data: bytes, chars: int = NAME_CHARS) -> str:
    return hashlib.sha256(data).hexdigest()[:chars]


def physical_files(index: Index) -> tuple[dict[str, bytes], dict[str, object]]:
    """(path -> bytes, manifest with ``names``): ``g/12`` is written as ``g/12-<digest>.bin``.

    ``names[kind]`` concatenates the digests of ``kind/0``, ``kind/1`` … (for
    facets in the manifest's facet and value order), ``names["x"]`` maps the
    single files' names to theirs.
    """
    files: dict[str, bytes] = {}
    order: dict[str, list[tuple[int, str]]] = {}
    single: dict[str, str] = {}
    facet_list: list[dict[str, object]] = index.manifest["facets"]  # type: ignore[assignment]
    facet_order = {f"{f['key']}-{i}": n for n, (f, i) in enumerate(
        (f, i) for f in facet_list for i in range(len(f["values"])))}  # type: ignore[arg-type]
    for logical, data in index.files.items():
        kind, _, rest = logical.partition("/")
        files[f"{logical}-{digest(data)}.bin"] = data
        if kind == "x":
            single[rest] = digest(data)
        else:
            order.setdefault(kind, []).append((facet_order[rest] if kind == "f" else int(rest), digest(data)))
    names: dict[str, object] = {kind: "".join(d for _, d in sorted(pairs)) for kind, pairs in sorted(order.items())}
    names["x"] = dict(sorted(single.items()))
    return files, {**index.manifest, "names": names, "nameChars": NAME_CHARS}


def index_site(site_dir: Path, cat: Catalogue, options: BuildOptions | None = None, previous: Path | None = None) -> None:
    """Write ``search-index/`` into ``site_dir``; ``options`` say whether to fork and where the cache is,
    ``previous`` is the site this build replaces (its unchanged files are kept: generator.reuse)."""
    from generator.build import BuildOptions

    options = options or BuildOptions()
    index = build_index(cat, parallel=len(cat.items) >= options.parallel_from, cache=Cache(options.cache))
    files, manifest = physical_files(index)
    packed = gz(json_bytes(manifest))
    manifest_path = f"manifest-{digest(packed, 12)}.bin"
    files[manifest_path] = packed
    target = Path(site_dir) / FOLDER
    if target.exists():
        shutil.rmtree(target)
    meta = json.dumps({"version": 2, "manifest": manifest_path}, sort_keys=True, separators=(",", ":"))
    files["meta.json"] = (meta + "\n").encode("utf-8")
    for rel, content in sorted(files.items()):
        write_or_keep(previous, f"{FOLDER}/{rel}", target / rel, content)
    log.debug("search index: %d files, %d bytes", len(files), sum(len(b) for b in files.values()))
