"""``qingdan import`` and ``qingdan export``: the command-line ends of the sheet modules."""

from __future__ import annotations

import sys
from pathlib import Path

from .problems import errors, report_text
from .validate import check


def run_export(catalogue: Path, fmt: str, out: Path) -> int:
    from . import catjson, sheet_export

    cat, problems = check(catalogue)
    if cat is None or errors(problems):
        sys.stderr.write(report_text(problems))
        print("清单有错误，未导出：请先按上面的提示修改。", file=sys.stderr)
        return 1
    if out.parent and not out.parent.is_dir():
        print(f"输出文件夹 {out.parent} 不存在。", file=sys.stderr)
        return 2
    if fmt == "xlsx":
        sheet_export.write_xlsx(cat, out)
    elif fmt == "csv":
        sheet_export.write_csv(cat, out)
    elif fmt == "json":
        out.write_text(catjson.dumps(catjson.catalogue_data(cat)), encoding="utf-8", newline="\n")
    else:
        print(f"不支持的格式“{fmt}”：可选 xlsx、csv、json。", file=sys.stderr)
        return 2
    print(f"已导出 {len(cat.items)} 个事项到 {out}（{out.stat().st_size:,} 字节）。")
    return 0


def run_import(file: Path, into: Path, code_prefix: str, mapping: Path | None, approval: str | None = None) -> int:
    from .sheet_import import import_workbook

    return import_workbook(file, into, code_prefix, mapping, approval)
