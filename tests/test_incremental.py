"""An approved change rewrites only the pages that show it (so an upload moves few files)."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.validate import check

from .conftest import SAMPLE

CHANGED = "SX-CXJS-001"
ENTRY = "- date: 2026-11-30\n  action: adjusted\n  approval: 示编办〔2026〕9号\n  note: 调整乡镇职责表述。\n"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_history_entry_leaves_unrelated_pages_byte_identical(tmp_path: Path) -> None:
    """Also with the build cache: the rebuild over the first build's cache gives the bytes of a build without one."""
    # Both sides are copies outside git: in this repository the sample's own history would add versions.
    options = BuildOptions(cache=tmp_path / "cache")
    shutil.copytree(SAMPLE, tmp_path / "before" / "catalogue")
    before = _tree(build_site(tmp_path / "before" / "catalogue", tmp_path / "before" / "site", options=options))
    catalogue = tmp_path / "catalogue"
    shutil.copytree(SAMPLE, catalogue)
    source = next(catalogue.joinpath("items").rglob(f"{CHANGED}.yml"))
    source.write_text(source.read_text(encoding="utf-8").rstrip("\n") + "\n" + ENTRY, encoding="utf-8")
    build_site(catalogue, tmp_path / "site", options=options)
    after = _tree(tmp_path / "site")
    assert after == _tree(build_site(catalogue, tmp_path / "plain"))
    cat, _ = check(SAMPLE)
    assert cat is not None
    item = cat.item[CHANGED]
    related = {f"categories/{item.category}/", *(f"departments/{d.department}/" for d in item.departments),
               *(f"townships/{t.id}/" for t in cat.townships if item.applies_to(t.id))}
    unrelated = [f"items/{i.code}/index.html" for i in cat.items if i.code != CHANGED]
    unrelated += [f"items/{i.code}.json" for i in cat.items if i.code != CHANGED]
    unrelated += [f"laws/{law.id}/index.html" for law in cat.laws if law.id not in {c.law for c in item.basis}]
    for kind, ids in (("categories", [c.id for c in cat.categories]), ("departments", [d.id for d in cat.departments]),
                      ("townships", [t.id for t in cat.townships])):
        unrelated += [f"{kind}/{i}/index.html" for i in ids if f"{kind}/{i}/" not in related]
    assert len(unrelated) > len(cat.items)
    assert [rel for rel in unrelated if before[rel] != after[rel]] == []
    assert before[f"items/{CHANGED}/index.html"] != after[f"items/{CHANGED}/index.html"]
    assert before[f"categories/{item.category}/index.html"] != after[f"categories/{item.category}/index.html"]  # its date moved
    cited = item.basis[0].law
    assert before[f"laws/{cited}/index.html"] != after[f"laws/{cited}/index.html"]  # a citing item's change dates the law page
