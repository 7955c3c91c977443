"""``qingdan publish --out DIR``: build beside DIR, verify, then swap it in with renames.

For hosts that serve a folder (a government portal's web root). The live
folder is touched only after a complete build whose every permanent URL has
been checked: items, ``formerly`` redirects, categories, departments,
townships, laws, the lists, ``/changes/`` and ``/feed.xml``; and every item
URL the live site already serves must still be there. A failed build or a
failed check leaves DIR exactly as it was.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import QingdanError
from generator.model import Catalogue
from generator.permanence import advice, dropped, expected_files, site_files, url_of


def verify_site(site: Path, cat: Catalogue, live: Path | None = None) -> list[str]:
    """Plain-words problems of a built site; empty when it may go live."""
    problems = [f"缺少 {rel}（网址 {url_of(rel)}）" for rel in expected_files(cat) if not (site / rel).is_file()]
    for item in cat.items:
        for old in item.formerly:
            page = site / "items" / old / "index.html"
            if page.is_file() and f"items/{item.code}/" not in page.read_text(encoding="utf-8"):
                problems.append(f"曾用编码页 /items/{old}/ 没有转到 /items/{item.code}/")
    feed = site / "feed.xml"
    if feed.is_file():
        try:
            ET.parse(feed)
        except ET.ParseError as exc:
            problems.append(f"feed.xml 不是有效的 XML：{exc}")
    if live is not None:  # every URL the live site serves (sitemap and data files) must stay
        for rel in dropped(site_files(live), lambda rel: (site / rel).is_file()):
            problems.append(f"正在发布的网址 {url_of(rel)} 在新网站中消失了：{advice(rel)}")
    return problems


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_leftovers(out: Path) -> list[str]:
    """Folders beside ``out`` left by a publish that was killed, whose process is gone.

    ``.OUT.publish-PID`` (the staged site), ``..OUT.publish-PID.build-*`` (its build folder),
    ``.OUT.old-PID`` (the previous live site during the swap). If the kill fell between the two
    renames of the swap, ``out`` is missing and the previous live site is put back first.
    Returns what was done, in words.
    """
    pattern = re.compile(r"\.\.?" + re.escape(out.name) + r"\.(publish|old)-(\d+)(\..*)?")
    done: list[str] = []
    if not out.parent.is_dir():
        return done
    for folder in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(folder.name)
        if not match or process_alive(int(match.group(2))):
            continue
        if match.group(1) == "old" and not match.group(3) and not out.exists():
            folder.rename(out)
            done.append(f"上次发布在替换时中断：已恢复原网站 {out}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"已删除上次中断的发布留下的 {folder.name}")
    return done


@dataclass
class SiteChanges:
    """Files (relative paths) a new site adds, changes and removes compared with the live one."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"新增 {len(self.added)} 个、修改 {len(self.changed)} 个、删除 {len(self.removed)} 个文件"

    def lines(self) -> str:
        """One ``A|M|D<TAB>path`` line per file, sorted by path (like ``git diff --name-status``)."""
        rows = [("A", p) for p in self.added] + [("M", p) for p in self.changed] + [("D", p) for p in self.removed]
        return "".join(f"{mark}\t{path}\n" for mark, path in sorted(rows, key=lambda r: r[1]))


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()


def site_changes(new: Path, live: Path) -> SiteChanges:
    """Compare byte for byte (a portal upload then moves only ``added`` and ``changed``)."""
    new_files, old_files = _files(new), _files(live)
    changed = [rel for rel in sorted(new_files & old_files) if not filecmp.cmp(new / rel, live / rel, shallow=False)]
    return SiteChanges(sorted(new_files - old_files), changed, sorted(old_files - new_files))


def swap(new_site: Path, out: Path) -> None:
    """Rename ``out`` away, rename ``new_site`` in, remove the old one; put it back if the second rename fails."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}") if out.exists() else None
    if old is not None:
        out.rename(old)
    try:
        new_site.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def publish(catalogue: Path, out: Path, say: Callable[[str], None], tell: Callable[[str], None],
            changes_file: Path | None = None, cache: Path | None = None) -> str:
    """Build, verify and swap into ``out``; returns the line to tell the user.

    Raises QingdanError (``out`` untouched) for an invalid catalogue, a failed build or a failed
    check, and a usage error when ``out`` is not a folder. ``say`` hears the build's progress,
    ``tell`` what was cleaned up from earlier, killed publishes. ``changes_file`` receives the
    list of files added, changed and removed; ``cache`` is the build cache folder (none by default).
    """
    from generator.build import BuildOptions, build_site
    from generator.validate import check

    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise QingdanError(f"发布位置 {out} 已存在但不是文件夹，未发布。", usage=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    for line in remove_leftovers(out):
        tell(line)
    staging = out.with_name(f".{out.name}.publish-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    unchanged = f"生成失败，未发布；{out} 保持不变。"
    try:
        try:
            build_site(Path(catalogue), staging, say, BuildOptions(cache=cache))
        except QingdanError as exc:
            raise exc.also(unchanged) from exc.__cause__
        except Exception as exc:
            raise QingdanError(f"生成时出现内部错误（{type(exc).__name__}: {exc}）。", unchanged) from None
        cat, _ = check(Path(catalogue))
        if cat is None:  # cannot happen after a successful build; keeps the type checker honest
            raise QingdanError(unchanged)
        problems = verify_site(staging, cat, out if out.is_dir() else None)
        if problems:
            raise QingdanError(f"核验失败（{len(problems)} 处），未发布；{out} 保持不变：", *(f"  {line}" for line in problems[:50]))
        changes = site_changes(staging, out)
        if changes_file is not None:
            changes_file.parent.mkdir(parents=True, exist_ok=True)
            changes_file.write_text(changes.lines(), encoding="utf-8")
        swap(staging, out)
        return f"已发布到 {out}（核验 {len(expected_files(cat))} 个网址；{changes.summary()}）。"
    finally:
        shutil.rmtree(staging, ignore_errors=True)
