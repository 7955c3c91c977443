"""The ``qingdan`` command: parses arguments, calls the steps, prints their results, sets exit codes.

Exit codes: 0 done / catalogue valid, 1 catalogue invalid or build failed,
2 usage error. Each subcommand's work lives in its own module, which returns
results and raises ``QingdanError`` (caught in ``main``); imports are lazy so
that ``qingdan check`` stays quick.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.errors import QingdanError


def _check(args: argparse.Namespace) -> int:
    from generator.load import FileParser
    from generator.problems import errors, report_json, report_text
    from generator.validate import check

    files = FileParser(share=bool(args.against))  # with --against, a file the old side has unchanged is parsed once
    cat, problems = check(Path(args.dir), files)
    if args.against:
        from generator.review.policy import policy_problems

        problems += policy_problems(args.against, Path(args.dir), cat, files)
    out = report_json(problems) if args.format == "json" else report_text(problems)
    sys.stdout.write(out)
    return 1 if errors(problems) else 0


def _progress(quiet: bool = False) -> Callable[[str], None]:
    """Progress lines on stderr, each with the seconds since the command started."""
    start = time.monotonic()

    def say(message: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    return say


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _report(exc: QingdanError) -> None:
    """A failed step, as the user reads it: problems on stdout, then the step's lines on stderr."""
    from generator.problems import report_text

    if exc.problems:
        sys.stdout.write(report_text(exc.problems))
        sys.stdout.flush()
    if exc.__cause__ is not None:  # a bug, not the user's doing: the traceback is for the maintainers
        traceback.print_exception(exc.__cause__)
    for line in exc.lines:
        print(line, file=sys.stderr)


def _build(args: argparse.Namespace) -> int:
    from generator.build import BuildOptions, build_site, default_cache

    out = Path(args.out)
    cache = None if args.no_cache else Path(args.cache) if args.cache else default_cache(out)
    build_site(Path(args.catalogue), out, _progress(args.quiet), BuildOptions(cache=cache))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from generator.serve import serve

    def say(message: str) -> None:  # at once, also into a pipe or a log file (a preview address nobody sees is no use)
        print(message, flush=True)

    serve(Path(args.catalogue), args.port, say, _progress(), _report)
    return 0


def _publish(args: argparse.Namespace) -> int:
    from generator.publish import publish

    print(publish(Path(args.catalogue), Path(args.out), _progress(), _stderr, Path(args.changes) if args.changes else None,
                  Path(args.cache) if args.cache else None), file=sys.stderr)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from generator.load import FileParser
    from generator.problems import errors
    from generator.review.diff import diff_report
    from generator.review.gitread import SourceError, read_catalogue

    files = FileParser(share=True)  # a file whose bytes are the same on both sides is parsed once
    try:
        old_cat, old_problems = read_catalogue(args.old, files=files)
        new_cat, new_problems = read_catalogue(args.new, files=files)
    except SourceError as exc:
        raise QingdanError(f"qingdan diff：{exc}", usage=True) from None
    sys.stdout.write(diff_report(old_cat, new_cat, args.old, args.new))
    for name, problems in ((args.old, old_problems), (args.new, new_problems)):
        count = len(errors(problems))
        if count:  # a catalogue with load errors is still compared: say that some records were skipped
            print(f"提醒：{name} 有 {count} 个错误，出错的记录未参加比较（运行 qingdan check 查看）。", file=sys.stderr)
    return 0


def _schema(args: argparse.Namespace) -> int:
    from generator.schema import write_schemas

    for path in write_schemas(*([Path(args.out)] if args.out else [])):
        print(path)
    return 0


def _import(args: argparse.Namespace) -> int:
    from generator.sheets.importer import import_workbook, report_lines

    mapping = Path(args.mapping) if args.mapping else None
    report = import_workbook(Path(args.file), Path(args.into), args.code_prefix, mapping, args.approval,
                             dry_run=args.dry_run, county=args.county)
    print("\n".join(report_lines(report)))
    return report.exit_code


def _export(args: argparse.Namespace) -> int:
    from generator import jsondata
    from generator.problems import errors, report_text
    from generator.sheets import export
    from generator.validate import check

    out = Path(args.out)
    cat, problems = check(Path(args.catalogue))
    if cat is None or errors(problems):
        sys.stderr.write(report_text(problems))  # (on stderr: export's stdout is kept for the result line)
        raise QingdanError("清单有错误，未导出：请先按上面的提示修改。")
    if out.parent and not out.parent.is_dir():
        raise QingdanError(f"输出文件夹 {out.parent} 不存在。", usage=True)
    if args.format == "xlsx":
        export.write_xlsx(cat, out)
    elif args.format == "csv":
        export.write_csv(cat, out)
    else:
        out.write_text(jsondata.dumps(jsondata.catalogue_data(cat)), encoding="utf-8", newline="\n")
    print(f"已导出 {len(cat.items)} 个事项到 {out}（{out.stat().st_size:,} 字节）。")
    return 0


def _import_law(args: argparse.Namespace) -> int:
    from generator.laws.importer import run_import_law

    print("\n".join(run_import_law(Path(args.file), Path(args.into), args.id).text()))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="qingdan", description="乡镇履行职责事项清单：校验、生成网站、导入导出。")
    sub = top.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("check", help="校验清单，列出全部错误（文件:行: 键: 说明）")
    p.add_argument("dir", nargs="?", default="catalogue", help="清单文件夹（默认 catalogue/）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    p.add_argument("--against", metavar="OLD", help="与旧版本比较，检查动态管理规则（文件夹或 REV:PATH）")
    p.set_defaults(run=_check)

    p = sub.add_parser("build", help="生成静态网站")
    p.add_argument("--catalogue", default="catalogue", help="清单文件夹（默认 catalogue/）")
    p.add_argument("--out", default="site", help="输出文件夹（默认 site/）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.add_argument("--cache", metavar="DIR", help="缓存文件夹（默认是 --out 旁边的 .<名称>.cache/；只节省时间，不影响结果）")
    p.add_argument("--no-cache", action="store_true", help="不使用缓存")
    p.set_defaults(run=_build)

    p = sub.add_parser("serve", help="本地预览，修改后自动重新生成")
    p.add_argument("--catalogue", default="catalogue")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(run=_serve)

    p = sub.add_parser("publish", help="生成、核验并原子替换发布文件夹")
    p.add_argument("--catalogue", default="catalogue")
    p.add_argument("--out", required=True, help="发布文件夹（网站根目录）")
    p.add_argument("--changes", metavar="FILE", help="把新增（A）、修改（M）、删除（D）的文件列表写入 FILE，供只上传改动的门户使用")
    p.add_argument("--cache", metavar="DIR", help="缓存文件夹（默认不用缓存）")
    p.set_defaults(run=_publish)

    p = sub.add_parser("diff", help="比较两个版本的清单，输出 Markdown 报告")
    p.add_argument("old", help="旧版本：文件夹，或 REV:PATH（如 origin/main:catalogue）")
    p.add_argument("new", help="新版本：文件夹，或 REV:PATH")
    p.set_defaults(run=_diff)

    p = sub.add_parser("schema", help="写出 JSON Schema（供编辑器校验）")
    p.add_argument("--out", help="输出文件夹（默认 generator/schema/，即仓库中提交的副本）")
    p.set_defaults(run=_schema)

    p = sub.add_parser("import", help="从 Excel/WPS 表格或 CSV 导入事项（每张工作表、每一行都有交代）")
    p.add_argument("file", help=".xlsx、.xls、.ods 或 .csv 文件")
    p.add_argument("--into", required=True, help="清单文件夹；没有 catalogue.yml 时新建（用 --county 写明县名）")
    p.add_argument("--county", help="新建清单时的县（市、区）名，如 某某县（默认从表格标题看出）")
    p.add_argument("--code-prefix", default="SX", help="没有编码列时生成编码的前缀")
    p.add_argument("--mapping", help="表头映射文件（YAML）")
    p.add_argument("--approval", help="新事项 history 的批准文件（默认取 catalogue.yml 的 approval）")
    p.add_argument("--dry-run", action="store_true", help="只显示逐行导入结果，不写入任何文件")
    p.set_defaults(run=_import)

    p = sub.add_parser("export", help="导出为 XLSX、CSV 或 JSON")
    p.add_argument("--catalogue", default="catalogue")
    p.add_argument("--format", choices=["xlsx", "csv", "json"], required=True)
    p.add_argument("--out", required=True, help="输出文件")
    p.set_defaults(run=_export)

    p = sub.add_parser("import-law", help="导入法规全文（国家法律法规数据库的文本格式）")
    p.add_argument("file", help="法规全文文件（.docx、.txt、.md），或装有这些文件的文件夹")
    p.add_argument("--id", help="法规 id（默认由标题生成）")
    p.add_argument("--into", default="catalogue", help="清单文件夹（写入 laws/<id>.yml）")
    p.set_defaults(run=_import_law)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except QingdanError as exc:
        _report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
