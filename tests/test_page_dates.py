"""A hand-written page is dated by its own last commit, so an approved change elsewhere leaves its bytes alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build_site

from .conftest import ROOT
from .gitrepo import T1, Repo


def test_a_hand_written_page_shows_the_day_its_text_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repo(tmp_path / "project")  # catalogue/ in git; the site's project beside it
    shutil.copy(ROOT / "mkdocs.yml", repo.root / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", repo.root / "overrides")
    (repo.root / "docs").mkdir()
    (repo.root / "docs" / "about.md").write_text("# 关于本站\n\n本站公布本县乡镇履行职责事项清单。\n", encoding="utf-8")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-04-02T10:00:00+08:00")
    repo.commit("关于本站")
    site = build_site(repo.cat, tmp_path / "site")
    about = site / "about" / "index.html"
    assert '更新日期：<time datetime="2025-04-02">2025年4月2日</time>' in about.read_text(encoding="utf-8")
    before = about.read_bytes()

    repo.history(T1, day="2025-06-01")  # an approved change of an item, committed later
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-06-03T10:00:00+08:00")
    repo.commit("调整 T-001")
    build_site(repo.cat, site)
    assert about.read_bytes() == before
    assert '更新日期：<time datetime="2025-06-01">' in (site / "items" / "T-001" / "index.html").read_text(encoding="utf-8")

    # A page git does not know (not committed yet) keeps the site's date, as outside git.
    (repo.root / "docs" / "help.md").write_text("# 帮助\n\n如何查找事项。\n", encoding="utf-8")
    build_site(repo.cat, site)
    assert '更新日期：<time datetime="2025-06-01">' in (site / "help" / "index.html").read_text(encoding="utf-8")
