"""Time drawing every workflow of a catalogue (default: the sample), single process.

    python bench/flowchart.py [CATALOGUE] [ROUNDS]
    python bench/make_catalogue.py 5000 /tmp/cat5k && python bench/flowchart.py /tmp/cat5k 1
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.flowchart.svg import draw  # noqa: E402
from generator.validate import check  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "catalogue"
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    cat, _ = check(folder)
    assert cat is not None
    flows = [(i.name, i.workflow) for i in cat.items if i.workflow]
    if cat.identity.general_workflow:
        flows.append(("通用流程", cat.identity.general_workflow))
    start = time.perf_counter()
    size = 0
    for _ in range(rounds):
        size += sum(len(draw(steps, cat, name)) for name, steps in flows)
    took = time.perf_counter() - start
    charts = len(flows) * rounds
    print(f"{charts} charts in {took:.2f} s: {took / charts * 1000:.2f} ms per chart, {size / charts / 1024:.1f} KiB per chart")


if __name__ == "__main__":
    main()
