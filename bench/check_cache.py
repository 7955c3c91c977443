"""Time the check a build runs, with the build's parse cache: cold, warm, and after a one-file change.

    python bench/check_cache.py 16000 [--work DIR]

Copies the synthetic catalogue (bench/make_catalogue.py, made once in
$BENCH_DIR or /tmp/qingdan-bench-N, as bench/check.sh does) into a scratch folder, then checks it
through a FileParser with a fresh cache folder three times: cold (every file
parsed and stored), warm (every file from the cache), and after one item's
name was edited (that file parsed, the others from the cache). Prints wall
and CPU seconds (this process and its workers) of each run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.cache import Cache
from generator.load import FileParser
from generator.validate import check


def _cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def _timed(name: str, root: Path, cache: Path) -> None:
    wall, cpu = time.perf_counter(), _cpu()
    _, problems = check(root, FileParser(Cache(cache)))
    print(f"{name}: {time.perf_counter() - wall:.2f} s wall, {_cpu() - cpu:.2f} s CPU, {len(problems)} problems", flush=True)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    args.add_argument("n", type=int, nargs="?", default=16000)
    args.add_argument("--work", type=Path, help="scratch folder (default: a new temporary one, removed after)")
    opts = args.parse_args()
    source = Path(os.environ.get("BENCH_DIR", f"/tmp/qingdan-bench-{opts.n}"))
    if not source.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), str(opts.n), str(source)], check=True)
    work = opts.work or Path(tempfile.mkdtemp(prefix="qingdan-check-cache-"))
    try:
        root, cache = work / "catalogue", work / "cache"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(source, root)
        _timed(f"check of {opts.n} items, cold cache", root, cache)
        _timed(f"check of {opts.n} items, warm cache", root, cache)
        item = sorted((root / "items").rglob("*.yml"))[0]
        item.write_text(item.read_text(encoding="utf-8").replace("\nname: ", "\nname: 调整", 1), encoding="utf-8")
        _timed(f"check of {opts.n} items, one item edited", root, cache)
    finally:
        if opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
