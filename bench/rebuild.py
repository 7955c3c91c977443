"""Rebuild after one approved change: time, and how many files of the site differ.

    python bench/rebuild.py 2000 [--work DIR] [--runs N]

Builds the synthetic catalogue (bench/make_catalogue.py) once with the build
cache, adds one history entry to one item (what an approved adjustment looks
like), rebuilds into the same folder with the same cache (``qingdan build`` in a new process,
as an editor runs it) and prints the rebuild's wall time and
the files added, changed and removed (as `qingdan publish` counts them). With
``--runs N`` it does that N times (another entry each time) and prints each time,
the minimum and the median; the files are counted for the first.

Before each rebuild the file system is synced: an approved change comes long after
the last build, whose gigabytes of writes (a first build at 16,000 items writes about
3 GB) are on the disk by then; right after a first build the kernel is still writing
them back, and a rebuild then took 12.4 s instead of 9.2 s here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.build import BuildOptions, build_site
from generator.publish import site_changes

ENTRY = "- date: 2099-01-01\n  action: adjusted\n  approval: 基编办〔2099〕1号\n  note: 调整乡镇职责表述。\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qingdan-rebuild")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    work = args.work / str(args.n)
    catalogue, cache = work / "catalogue", work / "cache"
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), str(args.n), str(catalogue)], check=True)
    options = BuildOptions(cache=cache)
    site = work / "site"
    start = time.perf_counter()
    build_site(catalogue, site, options=options)
    first = time.perf_counter() - start
    # The first site as it was: a copy (hard links would change every file's change time, and the
    # rebuild would find none of them as its ledger has them: generator.reuse).
    shutil.copytree(site, work / "before")
    item = sorted(catalogue.joinpath("items").rglob("*.yml"))[args.n // 2]
    times = []
    for run in range(args.runs):
        text = item.read_text(encoding="utf-8")
        tail = text[text.index("\nhistory:\n"):]
        assert all(not line or line.startswith(("-", " ")) for line in tail.splitlines()[2:]), "history must be last"
        item.write_text(text.rstrip("\n") + "\n" + ENTRY.replace("2099-01-01", f"2099-01-{run + 1:02d}"), encoding="utf-8")
        os.sync()
        # As an editor runs it: `qingdan build` again in a new process (imports included), same --out, same cache.
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "generator.cli", "build", "--quiet", "--catalogue", str(catalogue), "--out", str(site),
                        "--cache", str(cache)], check=True, cwd=HERE.parent)
        times.append(time.perf_counter() - start)
        if run == 0:
            changes = site_changes(site, work / "before")
    total = sum(1 for p in site.rglob("*") if p.is_file())
    print(f"{args.n} items: first build {first:.1f} s, rebuild after one history entry on {item.stem}: "
          + ", ".join(f"{t:.1f}" for t in times) + f" s (min {min(times):.1f}, median {statistics.median(times):.1f})")
    print(f"  first rebuild: {changes.summary()} of {total}")
    for rel in changes.changed[:40]:
        print(f"    M {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
