"""Realistic synthetic workflows (8–20 steps, decisions, loops, hand-overs) for the flowchart bench and tests.

Deterministic for a seed. Actors are those of the sample catalogue: grid, village,
township and its offices, county departments, the public. Every workflow obeys
``qingdan check``'s rules: each step is reachable from the first and the last one ends.
"""

from __future__ import annotations

import random

from generator.model import Branch, Step

ACTORS = ["grid", "village", "township", "township", "township-emergency", "township-enforcement", "township-social",
          "forestry", "housing", "natural-resources", "emergency", "police", "ecology", "public", "county"]
VERBS = ["巡查发现", "核实登记", "现场勘查", "调查取证", "下达整改通知", "督促整改", "组织复查", "汇总上报", "研究处置意见",
         "依法立案查处", "公示结果", "反馈群众", "归档备案", "组织专家评估", "制定处置方案", "先期处置"]
OBJECTS = ["违法建设行为", "森林火情隐患", "地质灾害隐患点", "秸秆焚烧", "河道非法采砂", "燃气安全隐患", "群众诉求"]
CONDITIONS = ["是", "否", "属于乡镇职责", "需要县级部门处置", "整改合格", "整改不合格", "材料齐全", "材料不全，退回补正",
              "情节轻微", "情节严重的，移送公安机关", "属实", "不属实"]
LIMITS = [None, None, "当日", "2小时内", "24小时内", "3个工作日", "5个工作日内完成并书面反馈", "接到报告后1小时内到达现场"]


def workflow(rnd: random.Random) -> list[Step]:
    n = rnd.randint(8, 20)
    ids = [f"s{i}" for i in range(n)]
    lanes = rnd.sample(ACTORS, rnd.randint(3, 6))
    steps: list[Step] = []
    for i in range(n):
        action = f"{rnd.choice(VERBS)}{rnd.choice(OBJECTS)}" if rnd.random() < 0.7 else rnd.choice(VERBS)
        kw: dict[str, object] = {"time_limit": rnd.choice(LIMITS)}
        roll = rnd.random()
        if i == n - 1:
            kw["next"] = []
        elif roll < 0.25 and i + 2 < n:
            # A decision: one branch goes on, the others skip ahead or go back.
            others = {rnd.randrange(i + 2, n)}
            if rnd.random() < 0.4:
                others.add(rnd.randrange(0, i + 1))
            targets = [i + 1] + sorted(others)
            whens = rnd.sample(CONDITIONS, len(targets))
            kw["branches"] = [Branch(when=w, next=ids[t]) for w, t in zip(whens, targets, strict=True)]
            action = f"是否{rnd.choice(OBJECTS)}"
        elif roll < 0.32 and i + 2 < n:
            kw["next"] = [ids[i + 1], ids[rnd.randrange(i + 2, n)]]
        steps.append(Step(id=ids[i], actor=rnd.choice(lanes), action=action, **kw))  # type: ignore[arg-type]
    return steps


def workflows(count: int, seed: int = 1) -> list[list[Step]]:
    rnd = random.Random(seed)
    return [workflow(rnd) for _ in range(count)]
