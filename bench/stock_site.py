"""The yardstick: the same items as plain Markdown pages for stock MkDocs + Material + jieba.

    python bench/stock_site.py CATALOGUE PROJECT     # writes PROJECT/mkdocs.yml and PROJECT/docs/
    mkdocs build -q -f PROJECT/mkdocs.yml            # what `qingdan build` is compared with

One page per item carrying what the item page shows in words (summary,
duties, cited article texts, workflow steps, accountability, history), one
page per category listing its items, and Material's own search plugin with
Chinese segmentation by jieba (pip install -e '.[bench]'). No flowcharts, no
downloads, no JSON: those are qingdan's extra work, counted on its side.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.model import Catalogue, Item
from generator.validate import check


def item_markdown(cat: Catalogue, item: Item) -> str:
    lines = [f"# {item.code} {item.name}", "", item.summary or "", ""]
    lines += ["## 职责分工", ""]
    for duty in item.departments:
        dept = cat.department.get(duty.department)
        lines += [f"**{dept.name if dept else duty.department}**（{'牵头' if duty.role == 'lead' else '配合'}）", ""]
        lines += [f"- {d}" for d in duty.duties] + [""]
    if item.township:
        lines += ["**乡镇**", ""] + [f"- {d}" for d in item.township.duties] + [""]
    lines += ["## 法律依据", ""]
    for citation in item.basis:
        law = cat.law[citation.law]
        for ref in citation.articles:
            lines += [f"### {law.title} 第{ref}条", ""] + [f"> {p}" for p in (law.article_text(ref) or "").splitlines() if p] + [""]
    if item.workflow:
        lines += ["## 办理流程", ""]
        lines += [f"{n}. {s.action}（{cat.actor_label(s.actor)}{'，' + s.time_limit if s.time_limit else ''}）"
                  for n, s in enumerate(item.workflow, 1)] + [""]
    for title, entries in (("追责情形", item.accountability), ("免责情形", item.exemption)):
        if entries:
            lines += [f"## {title}", ""] + [f"- {e}" for e in entries] + [""]
    lines += ["## 变更记录", "", "| 日期 | 变更 | 批准文件 |", "|---|---|---|"]
    lines += [f"| {c.date.isoformat()} | {c.action} | {c.approval or ''} |" for c in item.history]
    return "\n".join(lines) + "\n"


def write_project(cat: Catalogue, project: Path) -> None:
    docs = project / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    (docs / "items").mkdir(parents=True)
    (docs / "categories").mkdir()
    for item in cat.items:
        (docs / "items" / f"{item.code}.md").write_text(item_markdown(cat, item), encoding="utf-8")
    for category in cat.categories:
        rows = [f"- [{i.code} {i.name}](../items/{i.code}.md)" for i in cat.items if i.category == category.id]
        (docs / "categories" / f"{category.id}.md").write_text(f"# {category.name}\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    home = [f"# {cat.identity.title}", ""] + [f"- [{c.name}](categories/{c.id}.md)" for c in cat.categories]
    (docs / "index.md").write_text("\n".join(home) + "\n", encoding="utf-8")
    config = {
        "site_name": cat.identity.title,
        "site_url": "https://stock.example.gov.cn/",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False, "features": ["navigation.tabs"]},
        "plugins": [{"search": {"lang": "zh"}}],
        "markdown_extensions": ["tables", "toc"],
        "nav": [{"首页": "index.md"}, {"分类": [f"categories/{c.id}.md" for c in cat.categories]}],
        "not_in_nav": "/items/*.md\n",
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


def main() -> int:
    catalogue, project = Path(sys.argv[1]), Path(sys.argv[2])
    cat, _ = check(catalogue)
    if cat is None:
        print(f"{catalogue}: not a valid catalogue", file=sys.stderr)
        return 1
    write_project(cat, project)
    print(f"{project}: {len(cat.items)} item pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
