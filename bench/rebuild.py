"""Rebuild after one approved change: time, and how many files of the site differ.

    python bench/rebuild.py 2000 [--work DIR]

Builds the synthetic catalogue (bench/make_catalogue.py) once with the build
cache, adds one history entry to one item (what an approved adjustment looks
like), rebuilds into the same folder with the same cache (``qingdan build`` in a new process,
as an editor runs it) and prints the rebuild's wall time and
the files added, changed and removed (as `qingdan publish` counts them).
"""

from __future__ import annotations

import argparse
import os
import shutil
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
    shutil.copytree(site, work / "before", copy_function=os.link)  # the first site as it was (builds never write into old files)
    item = sorted(catalogue.joinpath("items").rglob("*.yml"))[args.n // 2]
    text = item.read_text(encoding="utf-8")
    tail = text[text.index("\nhistory:\n"):]
    assert all(not line or line.startswith(("-", " ")) for line in tail.splitlines()[2:]), "history must be last"
    item.write_text(text.rstrip("\n") + "\n" + ENTRY, encoding="utf-8")
    # As an editor runs it: `qingdan build` again in a new process (imports included), same --out, same cache.
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator.cli", "build", "--quiet", "--catalogue", str(catalogue), "--out", str(site),
                    "--cache", str(cache)], check=True, cwd=HERE.parent)
    again = time.perf_counter() - start
    changes = site_changes(site, work / "before")
    total = sum(1 for p in site.rglob("*") if p.is_file())
    print(f"{args.n} items: first build {first:.1f} s, rebuild after one history entry on {item.stem} {again:.1f} s")
    print(f"  {changes.summary()} of {total}")
    for rel in changes.changed[:40]:
        print(f"    M {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
