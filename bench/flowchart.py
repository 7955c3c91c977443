"""Time drawing workflows, single process: a catalogue's (default: the sample) or synthetic ones.

    python bench/flowchart.py [CATALOGUE] [ROUNDS]
    python bench/flowchart.py synthetic:500 1      # 500 workflows of 8–20 steps (bench/workflows.py)
    python bench/make_catalogue.py 5000 /tmp/cat5k && python bench/flowchart.py /tmp/cat5k 1
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from workflows import workflows  # noqa: E402

from generator.flowchart.svg import draw  # noqa: E402
from generator.model import Step  # noqa: E402
from generator.validate import check  # noqa: E402


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else str(HERE.parent / "catalogue")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    folder = HERE.parent / "catalogue" if source.startswith("synthetic:") else Path(source)
    cat, _ = check(folder)
    assert cat is not None
    flows: list[tuple[str, list[Step]]]
    if source.startswith("synthetic:"):
        flows = [(f"合成流程{i}", steps) for i, steps in enumerate(workflows(int(source.split(":")[1])))]
    else:
        flows = [(i.name, i.workflow) for i in cat.items if i.workflow]
        if cat.identity.general_workflow:
            flows.append(("通用流程", cat.identity.general_workflow))
    start, cpu = time.perf_counter(), time.process_time()
    size = 0
    for _ in range(rounds):
        size += sum(len(draw(steps, cat, name)) for name, steps in flows)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    charts = len(flows) * rounds
    steps_per = sum(len(s) for _, s in flows) / len(flows)
    # CPU time too: on a shared machine it is the steadier figure.
    print(f"{charts} charts ({steps_per:.1f} steps each) in {took:.2f} s: {took / charts * 1000:.2f} ms per chart "
          f"({cpu / charts * 1000:.2f} ms CPU), {size / charts / 1024:.1f} KiB per chart")


if __name__ == "__main__":
    main()
