"""Cost of point-in-time versions: the same catalogue built with one version per item and with three.

    python bench/versions_bench.py 16000

Makes the synthetic catalogue of bench/make_catalogue.py twice (cached under
/tmp/qingdan-vbench-N): ``plain/catalogue`` outside git (one version per item)
and ``repo/catalogue`` in a git repository of three commits (added; every item
adjusted with a new history entry; adjusted again), so that every item that is
not cancelled has three versions. Builds each with ``qingdan build`` in a
subprocess and prints both times and their ratio (the target is at most 1.5).
The machine is shared: run it when it is quiet, and read the ratio, not the seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def _adjust(catalogue: Path, day: str, approval: str, mark: str) -> int:
    """Change every active item's summary and add the approving history entry (history is the last key)."""
    n = 0
    for path in sorted((catalogue / "items").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if "action: cancelled" in text:
            continue
        head, sep, rest = text.partition("\nsummary: ")
        line, _, tail = rest.partition("\n")
        text = f"{head}{sep}{line}{mark}\n{tail}"
        path.write_text(text.rstrip("\n") + f"\n- date: '{day}'\n  action: adjusted\n  approval: {approval}\n", encoding="utf-8")
        n += 1
    return n


def prepare(n: int, base: Path) -> tuple[Path, Path]:
    plain, repo = base / "plain" / "catalogue", base / "repo"
    if not plain.exists():
        subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), str(n), str(plain)], check=True)
    if not (repo / ".git").exists():
        shutil.rmtree(repo, ignore_errors=True)
        repo.mkdir(parents=True)
        shutil.copytree(plain, repo / "catalogue")
        subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=repo, check=True)
        for message, change in (("add", None), ("adjust", ("2025-04-01", "基编办〔2025〕4号", "（第二版）")),
                                ("adjust again", ("2025-08-01", "基编办〔2025〕8号", "（第三版）"))):
            if change:
                _adjust(repo / "catalogue", *change)
            subprocess.run([*GIT, "add", "-A"], cwd=repo, check=True)
            subprocess.run([*GIT, "commit", "-q", "-m", message], cwd=repo, check=True)
    return plain, repo / "catalogue"


def build(catalogue: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator.cli", "build", "--catalogue", str(catalogue), "--out", str(out), "--quiet"],
                   cwd=HERE.parent, check=True)
    return time.perf_counter() - start


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16000
    base = Path(f"/tmp/qingdan-vbench-{n}")
    plain, versioned = prepare(n, base)
    one = build(plain, base / "site-one")
    three = build(versioned, base / "site-three")
    pages = sum(1 for _ in (base / "site-three" / "items").glob("*/v/*/index.html"))
    print(f"{n} items: one version each {one:.1f} s; three versions each ({pages} version pages) {three:.1f} s; "
          f"ratio {three / one:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
