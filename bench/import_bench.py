"""Time and peak memory of ``qingdan import`` and ``qingdan import-law`` on large inputs.

    python bench/import_bench.py rows 10000        # one 属地-style sheet of N rows (.xlsx and .csv)
    python bench/import_bench.py onboarding 340    # the three documented commands for an N-item list
    python bench/import_bench.py laws 25 400       # import-law per law, libraries of 25 and 400 laws

Statutes come from tests/data/laws/ (25 real texts); larger libraries are
variants of them with distinct titles (示例省…（第N号）), so each is its own law.
Each command runs in a fresh interpreter; peak memory is its maximum RSS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
LAWS = ROOT / "tests" / "data" / "laws"
IDENTITY = ROOT / "tests" / "data" / "valid" / "minimal" / "catalogue.yml"
CATEGORIES = ["应急管理", "自然资源", "林业", "农业农村", "住房城乡建设", "生态环境", "市场监管", "民政", "卫生健康", "水利"]
KINDS = ["主体责任", "配合责任", "上级部门收回"]
DEPTS = ["县林业局", "县自然资源局", "县应急管理局", "县住房和城乡建设局", "县市场监督管理局", "县水利局", "县民政局"]
PEAK = ("import resource, sys, time; from generator.cli import main; t = time.perf_counter(); rc = main(sys.argv[1:]); "
        "sys.stderr.write(f'TIME {time.perf_counter() - t}\\n'); "
        "sys.stderr.write(f'PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}\\n'); sys.exit(rc)")


def run(*args: str) -> tuple[float, int, int]:
    """Seconds (the command's own, interpreter start left out), peak MB and exit code of one ``qingdan`` command."""
    done = subprocess.run([sys.executable, "-c", PEAK, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = float(re.findall(r"TIME ([\d.]+)", done.stderr)[-1])
    peak = int(re.findall(r"PEAK (\d+)", done.stderr)[-1])
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr)
    return seconds, peak, done.returncode


def _basis() -> list[str]:
    out = []
    for path in sorted(LAWS.glob("*.md")):
        title = path.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        out.append(f"《{title}》第一条、第二条")
    return out


def workbook_rows(n: int) -> list[list[object]]:
    basis = _basis()
    rows: list[list[object]] = []
    for i in range(1, n + 1):
        rows.append([i, CATEGORIES[i % len(CATEGORIES)], f"事项{i}巡查处置", KINDS[i % 3], DEPTS[i % len(DEPTS)],
                     f"1.指导乡镇开展第{i}项工作；2.依法查处违法行为。", DEPTS[(i + 2) % len(DEPTS)],
                     f"（1）组织巡查；（2）发现问题及时报告第{i}项。", basis[i % len(basis)], "未按规定履职造成后果的。"])
    return rows


HEADER = ["序号", "事项类别", "事项名称", "责任类型", "县级主管部门", "县级部门职责", "配合部门", "乡镇职责", "法律法规依据", "追责情形"]


def write_xlsx(path: Path, n: int) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("清单")
    ws.append(["测试县乡镇属地管理事项主体责任和配合责任清单"])
    ws.append(HEADER)
    for row in workbook_rows(n):
        ws.append(row)
    wb.save(path)


def target(tmp: Path, name: str) -> Path:
    folder = tmp / name
    folder.mkdir()
    shutil.copy(IDENTITY, folder / "catalogue.yml")
    return folder


def bench_rows(n: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        book = tmp / "清单.xlsx"
        write_xlsx(book, n)
        csv_file = tmp / "清单.csv"
        lines = [",".join(HEADER)] + [",".join(f'"{v}"' for v in row) for row in workbook_rows(n)]
        csv_file.write_bytes("\r\n".join(lines).encode("gb18030"))
        for label, path in (("xlsx", book), ("csv (GB18030)", csv_file)):
            seconds, peak, rc = run("import", str(path), "--into", str(target(tmp, label.split()[0])), "--code-prefix", "B")
            items = len(list((tmp / label.split()[0] / "items").rglob("*.yml")))
            print(f"import {n} rows {label}: {seconds:.1f} s, peak {peak} MB, {items} items written, exit {rc}")
            seconds, peak, rc = run("import", str(path), "--into", str(tmp / label.split()[0]), "--code-prefix", "B", "--dry-run")
            print(f"  again with --dry-run (all unchanged): {seconds:.1f} s, peak {peak} MB")


def bench_onboarding(n: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        book = tmp / "清单.xlsx"
        write_xlsx(book, n)
        folder, site = tmp / "我的清单", tmp / "网站"
        total = 0.0
        for args in (["import", str(book), "--into", str(folder), "--county", "测试县"],
                     ["import-law", str(LAWS), "--into", str(folder)],
                     ["build", "--catalogue", str(folder), "--out", str(site), "--quiet"]):
            seconds, peak, rc = run(*args)
            total += seconds
            print(f"qingdan {args[0]}: {seconds:.1f} s, peak {peak} MB, exit {rc}")
        print(f"three commands for {n} items: {total:.1f} s; site pages: {len(list(site.rglob('index.html')))}")


def variants(folder: Path, n: int) -> None:
    """``n`` statute files: the real texts, then variants with distinct titles."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(LAWS.glob("*.md"))]
    for i in range(n):
        text = texts[i % len(texts)]
        if i >= len(texts):
            first, _, rest = text.partition("\n")
            text = f"# 示例省{first.lstrip('# ').strip()}（第{i}号）\n{rest}"
        (folder / f"law{i:04d}.md").write_text(text, encoding="utf-8")


def bench_laws(sizes: list[int]) -> None:
    for n in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            tmp = Path(scratch)
            source = tmp / "法规"
            source.mkdir()
            variants(source, n)
            into = tmp / "清单"
            into.mkdir()
            seconds, peak, _ = run("import-law", str(source), "--into", str(into))
            print(f"import-law folder of {n} laws: {seconds:.1f} s, {seconds / n * 1000:.0f} ms per law, peak {peak} MB")
            one = source / "law0003.md"
            seconds, peak, _ = run("import-law", str(one), "--into", str(into))
            print(f"  one more law into a library of {n}: {seconds * 1000:.0f} ms , peak {peak} MB")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "rows"
    numbers = [int(a) for a in sys.argv[2:]]
    if what == "rows":
        bench_rows(numbers[0] if numbers else 10_000)
    elif what == "onboarding":
        bench_onboarding(numbers[0] if numbers else 340)
    else:
        bench_laws(numbers or [25, 400])
