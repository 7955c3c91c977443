"""Time `qingdan build` before search indexing, with and without other modules' pages.

    /usr/bin/time -v python bench/build_bench.py 16000 [--core-only]

Builds the synthetic catalogue of bench/make_catalogue.py (cached in
/tmp/qingdan-bench-N). Post-build steps (search index) never run here;
--core-only also skips pages.SIDE_WRITERS (downloads, handbook, change log),
which measures the site's own pages (items, lists, laws) plus MkDocs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16000
    catalogue = Path(os.environ.get("BENCH_DIR", f"/tmp/qingdan-bench-{n}"))
    out = Path(os.environ.get("BENCH_OUT", f"/tmp/qingdan-bench-site-{n}"))
    if not catalogue.exists():
        subprocess.run([sys.executable, str(HERE / "make_catalogue.py"), str(n), str(catalogue)], check=True)
    from generator import pages
    from generator.build import BuildOptions, build_site

    if "--core-only" in sys.argv:
        pages.SIDE_WRITERS.clear()
    start = time.perf_counter()
    build_site(catalogue, out, options=BuildOptions(post_build=False))
    print(f"build of {n} items: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
