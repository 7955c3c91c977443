"""`qingdan build` side by side with stock MkDocs + Material + jieba on the same items.

    pip install -e '.[bench]'                 # jieba for Material's Chinese search
    python bench/vs_stock.py 2000 8000 16000 [--runs 3]

For each size: a synthetic catalogue (bench/make_catalogue.py), the stock
project of bench/stock_site.py, then A B A B ... runs (interleaved, so a drift
in the machine's speed hits both), each timed by /usr/bin/time. Prints min and
median wall seconds, CPU seconds (user + system) and peak memory, and the
median of the per-pair ratio qingdan / stock. The qingdan build is the full
one: pages, flowcharts, downloads, search index. qingdan's build cache (beside
--out) is removed before each run unless --warm is given: a cold build is the
fair comparison; --warm shows a rebuild of an unchanged catalogue.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, cpu s, peak KB) of one run; fails loudly if the command fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", *cmd], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, user, system, peak = out.read().split()[-4:]
    return float(wall), float(user) + float(system), int(peak)


def prepare(n: int, work: Path, warm: bool) -> tuple[list[str], list[str]]:
    catalogue, stock = work / f"catalogue-{n}", work / f"stock-{n}"
    if not catalogue.exists():
        subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), str(n), str(catalogue)], check=True)
    subprocess.run([sys.executable, str(HERE / "stock_site.py"), str(catalogue), str(stock)], check=True)
    ours = [sys.executable, "-m", "generator.cli", "build", "--catalogue", str(catalogue), "--out", str(work / f"site-{n}"), "--quiet"]
    if not warm:
        ours.append("--no-cache")
    theirs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(stock / "mkdocs.yml")]
    return ours, theirs


def row(name: str, runs: list[tuple[float, float, int]]) -> str:
    walls, cpus, peaks = zip(*runs, strict=True)
    return (f"  {name:8} wall min {min(walls):6.1f} s  median {statistics.median(walls):6.1f} s   "
            f"cpu median {statistics.median(cpus):6.1f} s   peak median {statistics.median(peaks) / 1024:6.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", action="store_true", help="keep qingdan's build cache between runs")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qingdan-vs-stock")
    args = parser.parse_args()
    for n in args.sizes:
        ours, theirs = prepare(n, args.work, args.warm)
        a: list[tuple[float, float, int]] = []
        b: list[tuple[float, float, int]] = []
        for _ in range(args.runs):
            a.append(timed(ours))
            b.append(timed(theirs))
        ratios = [x[0] / y[0] for x, y in zip(a, b, strict=True)]
        print(f"{n} items, {args.runs} interleaved runs each ({'warm' if args.warm else 'cold'} qingdan cache):")
        print(row("qingdan", a))
        print(row("stock", b))
        print(f"  ratio qingdan/stock (wall, per pair): median {statistics.median(ratios):.2f}, min {min(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
