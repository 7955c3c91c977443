"""How pages show an item's versions: date ranges, labels and the comparison with the version before.

Shared by the item page (its versions list and cite box) and the version pages
(generator/pages/versions.py); comparisons use the same field-by-field diff as
``qingdan diff`` (generator/review/diff.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from generator.model import Catalogue, Item, Version
from generator.pages.base import cn_date
from generator.review.diff import FieldChange, history_text, item_changes, new_history


@dataclass(eq=False)
class VersionView:
    """One version as the pages show it."""

    version: Version
    number: int
    path: str
    """Site-relative URL of the version page, under the item's current code."""
    json_path: str
    url: str | None
    """Absolute URL when the catalogue has a site_url."""
    current: bool
    previous: VersionView | None = None
    changes: list[FieldChange] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)

    @property
    def item(self) -> Item:
        return self.version.item

    @property
    def start(self) -> date:
        return self.version.start

    @property
    def end(self) -> date | None:
        return self.version.end

    @property
    def approval(self) -> str | None:
        return self.version.approval

    @property
    def note(self) -> str:
        change = self.version.change
        return change.note or "" if change else "内容调整，未附新的变更记录"

    @property
    def label(self) -> str:
        return f"{cn_date(self.start)}版" + (f"（当日第 {self.version.slug.rsplit('-', 1)[-1]} 版）" if len(self.version.slug) > 10 else "")

    @property
    def range_text(self) -> str:
        if self.end is None:
            return f"{cn_date(self.start)}起至今"
        if self.end <= self.start:
            return f"{cn_date(self.start)}（当日即由新版本取代）"
        return f"{cn_date(self.start)}起至{cn_date(self.end - timedelta(days=1))}"


def views(cat: Catalogue, item: Item) -> list[VersionView]:
    """The item's versions, oldest first, each compared with the one before."""
    base = (cat.identity.site_url or "").rstrip("/")
    out: list[VersionView] = []
    versions = cat.versions_of(item)
    for n, v in enumerate(versions, 1):
        path = f"items/{item.code}/v/{v.slug}/"
        view = VersionView(v, n, path, f"items/{item.code}/v/{v.slug}.json", f"{base}/{path}" if base else None,
                           n == len(versions), out[-1] if out else None)
        if view.previous is not None:
            before = view.previous.version
            view.changes = item_changes(before.context, v.context, before.item, v.item)
            if before.item.code != v.item.code:
                view.changes.insert(0, FieldChange("事项编码", before.item.code, v.item.code))
            view.approvals = new_history(before.item, v.item)[0]
        else:
            view.approvals = [history_text(v.change)] if v.change else []
        out.append(view)
    return out


def what_changed(old: VersionView, current: VersionView) -> str:
    """A plain-language summary of the changes from ``old`` to the current version."""
    a, b = old.version, current.version
    parts = []
    recoded = a.item.code != b.item.code
    fields = [c.label for c in item_changes(a.context, b.context, a.item, b.item) if not (recoded and c.label == "曾用编码")]
    if fields:
        parts.append(f"{'、'.join(fields)}有变化")
    if recoded:
        parts.append(f"事项编码由 {a.item.code} 改为 {b.item.code}")
    if b.item.cancelled and not a.item.cancelled:
        parts.append(f"本事项已于{cn_date(b.item.cancelled.date)}取消（{b.item.cancelled.approval}）")
    later = len(b.item.history) - len(a.item.history)
    head = f"此后经过 {later} 次批准的变更" if later > 0 else f"此后共有 {current.number - old.number} 个新版本"
    return head + ("；与现行版本相比，" + "；".join(parts) if parts else "；内容与现行版本相同") + "。"


def item_page_context(cat: Catalogue, item: Item) -> dict[str, Any]:
    """What the current item page adds for its versions list and cite box."""
    shown = views(cat, item)
    return {"versions": shown, "shown": shown[-1], "code_now": item.code}
