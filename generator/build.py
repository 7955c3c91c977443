"""``qingdan build``: catalogue -> static site, all or nothing.

Steps: check (any error: report and stop, --out untouched) -> copy docs/ into a
temporary docs folder -> write generated pages (generator.pages) -> mkdocs
build into a temporary site folder -> version pages and the items' record files
-> post-build steps (POST_BUILD) -> swap
the finished site into --out, or, over a site built before, move just the
changed files into it (generator.reuse). Everything happens in a sibling
folder of --out so the renames stay on one file system.
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.cache import Cache, key
from generator.errors import QingdanError
from generator.model import Catalogue
from generator.problems import errors
from generator.reuse import forget, open_ledger, record_ledger, site_files, update, write_or_keep
from generator.search import write as search_step

ASSETS = Path(__file__).resolve().parent / "assets"

def precompress_assets(site_dir: Path, cat: Catalogue, options: BuildOptions, previous: Path | None) -> None:
    """``assets/**/*.css|js|svg`` of 1 KB or more also as ``.gz`` (no name, no time: deterministic).

    For servers that send a ready ``.gz`` but do not compress (nginx ``gzip_static``; docs/hosting.md).
    Level 9 takes about a second for Material's assets: the build cache keeps each by its content.
    """
    cache = Cache(options.cache)
    for rel, path in sorted(site_files(site_dir, previous, "assets/").items()):
        if path.suffix in (".css", ".js", ".svg") and path.stat().st_size >= 1024:
            data = path.read_bytes()
            packed = cache.get_or_make("gz", key(data), functools.partial(gzip.compress, data, 9, mtime=0))
            write_or_keep(previous, rel + ".gz", site_dir / (rel + ".gz"), packed)


# Post-build steps, called as step(site_dir, cat, options, previous) after MkDocs has written
# the site and before it replaces --out (``previous``: the site there, see generator.reuse; the
# files it keeps are not in site_dir: see generator.reuse.site_files); an exception fails the
# build and --out stays as it was.
POST_BUILD: list[Callable[[Path, Catalogue, BuildOptions, Path | None], Any]] = [
    search_step.index_site,  # static n-gram search index (docs/decisions/search.md)
    precompress_assets,
]


@dataclass(frozen=True)
class BuildOptions:
    """How to build (never what: the output depends on the catalogue and project only)."""

    parallel_from: int = 2000
    """Catalogues of this many items use forked workers; smaller ones are quicker in one process."""
    post_build: bool = True
    """Run POST_BUILD (off: benchmarks of the HTML step alone)."""
    markdown_all: bool = False
    """Let Python-Markdown parse generated pages too (a test that the raw-block shortcut changes nothing)."""
    stencils: bool = True
    """Fill alike theme pages from one rendering, outside MkDocs (off: MkDocs reads and renders every page; the reference in tests)."""
    cache: Path | None = None
    """Folder of the build cache (generator.cache; None: none). It only saves time: same bytes either way."""


def default_cache(out: Path) -> Path:
    """``qingdan build``'s cache folder: hidden beside --out (``site`` -> ``.site.cache``), never published."""
    out = Path(out).absolute()
    return out.with_name(f".{out.name}.cache")


def silent(message: str) -> None:
    """The default progress callback: says nothing."""


def prepare_docs(cat: Catalogue, project: Path, docs_dir: Path, say: Callable[[str], None], options: BuildOptions,
                 charts: Cache | None = None) -> None:
    """Hand-written docs/ first, then our assets, then the generated pages."""
    from generator.pages import write_pages

    if (project / "docs").is_dir():
        outside = links_out_of(project / "docs", project)
        if outside:
            raise QingdanError(f"docs/ 中的符号链接指向项目文件夹以外（{'、'.join(outside)}），未生成网站：网站只发布项目里的文件，请换成真正的文件。")
        shutil.copytree(project / "docs", docs_dir, dirs_exist_ok=True)
    shutil.copytree(ASSETS, docs_dir / "assets" / "qingdan", dirs_exist_ok=True)
    write_pages(cat, docs_dir, say, parallel=len(cat.items) >= options.parallel_from, cache=Cache(options.cache), charts=charts)


def links_out_of(folder: Path, inside: Path) -> list[str]:
    """Symbolic links below ``folder`` that are dangling or lead out of ``inside`` (copying would publish them)."""
    root = inside.resolve()
    found = []
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top) / name
            if path.is_symlink() and (not path.exists() or not path.resolve().is_relative_to(root)):
                found.append(path.relative_to(inside).as_posix())
    return sorted(found)


def _swap(new_site: Path, out: Path) -> None:
    """Replace ``out`` by ``new_site`` with renames only (same parent folder)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    new_site.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_site(catalogue: Path, out: Path, say: Callable[[str], None] = silent, options: BuildOptions | None = None) -> Path:
    """Build the site of ``catalogue`` into ``out`` and return ``out``; ``say`` hears the progress.

    Raises QingdanError (``out`` untouched) for an invalid catalogue or a failed build.
    """
    from generator.history import read_versions
    from generator.load import FileParser
    from generator.mkdocs_site.config import derived_config, docs_dates, git_commit, project_dir
    from generator.mkdocs_site.render import MkDocsFailed, run_mkdocs
    from generator.pages.base import last_date
    from generator.pages.downloads import write_records
    from generator.pages.versions import write_version_pages
    from generator.validate import check

    options = options or BuildOptions()
    catalogue, out = Path(catalogue), Path(out).absolute()
    say(f"校验清单 {catalogue} …")
    parser = FileParser(Cache(options.cache))  # a rebuild parses only changed files (and earlier texts once)
    cat, problems = check(catalogue, parser)
    if cat is None or errors(problems):
        raise QingdanError("清单有错误，未生成网站；原有网站文件夹未改动。", problems=problems)
    say("读取各事项的历次版本（git 历史）…")
    cat.versions = read_versions(cat, catalogue, parser=parser)
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise QingdanError(f"无法生成到 {out}：{blocker} 是一个文件，不是文件夹；请换一个输出文件夹（--out）。")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    except OSError as exc:
        raise QingdanError(f"无法在 {out.parent} 中生成网站：{exc.strerror or exc}；请换一个输出文件夹（--out）。") from None
    try:
        project = project_dir(catalogue)
        docs_dir, site_dir = work / "docs", work / "site"
        open_ledger(Cache(options.cache), out, site_dir)  # what the build of --out wrote there (generator.reuse)
        updated = last_date(cat)
        say(f"生成页面：{len(cat.items)} 个事项 …")
        parallel = len(cat.items) >= options.parallel_from
        # Each flowchart is drawn once: item and version pages (other workers) share this store.
        charts = Cache(options.cache or work / "charts")
        prepare_docs(cat, project, docs_dir, say, options, charts)
        config = derived_config(cat, project, docs_dir, site_dir, git_commit(catalogue), updated)
        say("MkDocs 渲染网页 …")
        # Over a site built before, only what changed is written, then moved into it (generator.reuse).
        old_files = run_mkdocs(config, work, say, updated, parallel=parallel, markdown_all=options.markdown_all,
                               stencils=options.stencils, replaces=out if out.is_dir() else None,
                               page_dates=docs_dates(project / "docs"), cache=Cache(options.cache))
        previous = out if old_files is not None else None
        say("生成历次版本页面 …")
        write_version_pages(site_dir, cat, say, parallel=parallel, charts=charts, cache=Cache(options.cache),
                            previous=previous)
        say("写入各事项的数据文件 …")
        write_records(site_dir, cat, parallel=parallel, cache=Cache(options.cache), previous=previous)
        # --- post-build steps (search index, …): see POST_BUILD ---
        for step in POST_BUILD if options.post_build else []:
            say(f"后处理：{step.__module__}.{step.__name__} …")
            step(site_dir, cat, options, previous)
        if old_files is None:
            _swap(site_dir, out)
        else:
            try:
                update(site_dir, out, old_files)
            except OSError as exc:
                raise QingdanError(f"新网站已生成，但更新 {out} 时出错：{exc}；网站可能只更新了一部分，请排除问题后重新运行生成。") from None
        record_ledger(Cache(options.cache), out, site_dir)
        say(f"完成：网站已写入 {out}")
        say(f"打开方式：运行 `python3 -m http.server -d {out} 8000`（或 `qingdan serve`），再用浏览器打开 http://127.0.0.1:8000/")
        return out
    except QingdanError:
        raise
    except MkDocsFailed as exc:
        raise QingdanError(str(exc)) from None
    except Exception as exc:  # a bug in a page writer or post-build step: cli shows the traceback; --out is kept
        raise QingdanError("生成网站时程序出错（见上面的错误信息，请报告给维护人员）；原有网站文件夹未改动。") from exc
    finally:
        forget(work / "site", out)
        shutil.rmtree(work, ignore_errors=True)
