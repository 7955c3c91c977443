"""Write a synthetic catalogue of N items in format v1, for benchmarks and large tests.

    python bench/make_catalogue.py 16000 /tmp/cat16k

Deterministic (seeded). Laws and article texts are taken from the real
statutes in tests/data/laws/ (public texts kept in the repository), so
citations resolve and the text reads like a real list; names and duties are
combined from realistic parts.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LAWS = HERE.parent / "tests" / "data" / "laws"

DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int:
    """三十四 -> 34, 一百零二 -> 102."""
    total, digit = 0, 0
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (digit or 1) * UNITS[ch]
            digit = 0
    return total + digit


ARTICLE = re.compile(r"^第([零一二三四五六七八九十百千]+)条\s*(.*)$")


def read_law(path: Path) -> tuple[str, dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip()
    body = "\n".join(lines).split("<!-- INFO END -->", 1)[-1].splitlines()
    articles: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body:
        line = line.strip()
        match = ARTICLE.match(line)
        if match:
            current = articles.setdefault(str(cn_number(match.group(1))), [])
            if match.group(2):
                current.append(match.group(2))
        elif line.startswith("#"):
            current = None
        elif line and current is not None:
            current.append(line)
    return title, {k: "\n".join(v) for k, v in articles.items() if v}


PLACES = ["辖区", "村（社区）", "集镇", "河道", "林区", "农田", "景区", "学校周边", "集贸市场", "山塘水库", "公路沿线", "工业园区"]
OBJECTS = ["违规建房", "森林防火", "秸秆焚烧", "地质灾害隐患", "燃气安全", "非法采砂", "耕地保护", "食品安全", "动物防疫", "道路交通安全",
           "防汛抗旱", "人民调解", "最低生活保障", "特困人员供养", "生活垃圾分类", "大气污染", "农村危房改造", "河湖巡查", "安全生产", "消防安全",
           "野生动物保护", "退役军人服务", "老年人关爱", "未成年人保护", "殡葬管理", "宗教活动场所", "流动人口登记", "校园周边治安"]
ACTIONS = ["巡查", "排查整治", "宣传教育", "信息报送", "劝阻制止", "日常监管", "协助处置", "初审上报", "应急处置", "隐患登记"]
DUTY_VERBS = ["组织", "督促", "协助", "配合", "负责", "指导村（社区）"]
DUTY_TAILS = ["开展日常巡查，发现问题及时劝阻并报告县级主管部门", "建立工作台账，每月汇总上报", "做好政策宣传和群众教育引导",
              "落实网格化管理，明确村级责任人", "对发现的隐患督促整改并跟踪复查", "协助县级部门开展调查取证和执法工作",
              "在规定时限内完成初审并公示", "组织应急队伍先期处置，防止事态扩大", "收集群众诉求并按程序转办", "做好相关资料的归档保存"]
DEPT_NAMES = ["自然资源和规划局", "应急管理局", "林业局", "生态环境分局", "农业农村局", "住房和城乡建设局", "市场监督管理局", "公安局",
              "消防救援大队", "水利局", "民政局", "司法局", "交通运输局", "卫生健康委员会", "综合行政执法局", "人力资源和社会保障局",
              "教育局", "退役军人事务局", "文化和旅游局", "商务局", "发展和改革局", "财政局", "统计局", "医疗保障局"]
GROUPS = ["基层党建", "综合保障", "社会治理", "城乡发展", "公共服务", "农业农村"]
CATEGORIES = ["党的建设", "平安建设", "应急管理", "自然资源", "生态环境", "城乡建设", "社会事务", "农业农村", "市场监管", "交通运输", "文化旅游", "综合执法"]
TOWNSHIP_PREFIX = "城关东西南北河山石桥林水青白马龙凤金银花桃李"


def slug(prefix: str, i: int) -> str:
    return f"{prefix}-{i:02d}"


def statutes() -> list[tuple[str, str, dict[str, str]]]:
    """(title, effective date, whole articles) of every statute the catalogue may cite."""
    out = []
    for path in sorted(LAWS.glob("*(*).md")):
        title, articles = read_law(path)
        out.append((title, re.search(r"\((\d{4}-\d{2}-\d{2})\)", path.name).group(1), articles))  # type: ignore[union-attr]
    assert out, f"no statutes in {LAWS}"
    return out


def make(n: int, out: Path, seed: int = 1) -> None:
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    write = lambda rel, data: _dump(out / rel, data)  # noqa: E731
    write("catalogue.yml", {
        "format": 1, "title": f"基准县乡镇履行职责事项清单（{n} 项，合成数据）", "jurisdiction": "基准县",
        "publisher": "中共基准县委机构编制委员会办公室", "version": "2025.1", "effective": "2025-03-01",
        "approval": "基编办〔2025〕1号", "site_url": "https://bench.example.gov.cn/", "sample": True,
    })
    depts = [{"id": slug("dept", i), "name": f"基准县{name}", "short": f"县{name[:4]}", "level": "county",
              "phone": f"0000-{1000000 + i}"} for i, name in enumerate(DEPT_NAMES)]
    write("departments.yml", depts)
    towns = [{"id": slug("town", i), "name": f"{TOWNSHIP_PREFIX[i]}{'镇' if i % 4 else '乡'}", "kind": "镇" if i % 4 else "乡"}
             for i in range(20)]
    write("townships.yml", towns)
    cats = [{"id": slug("cat", i), "name": name, "group": GROUPS[i % len(GROUPS)], "description": f"{name}类事项。"}
            for i, name in enumerate(CATEGORIES)]
    write("categories.yml", cats)
    laws: list[tuple[str, list[str]]] = []
    for i, (title, effective, articles) in enumerate(statutes()):
        law_id = slug("law", i)
        write(f"laws/{law_id}.yml", {"id": law_id, "title": title, "level": "法律" if title.startswith("中华人民共和国") else "行政法规",
                                      "effective": effective, "articles": articles})
        laws.append((law_id, sorted(articles, key=int)))
    codes = set()
    for i in range(n):
        cat = rnd.randrange(len(cats))
        code = f"BX-{cat:02d}-{i:05d}"
        codes.add(code)
        kind = rnd.choices(["lead", "support", "returned"], [6, 3, 1])[0]
        obj = rnd.choice(OBJECTS)
        name = f"{rnd.choice(PLACES)}{obj}{rnd.choice(ACTIONS)}"
        lead, helper = rnd.sample(depts, 2)
        duties = lambda k: [f"{rnd.choice(DUTY_VERBS)}{obj}{rnd.choice(DUTY_TAILS)}。" for _ in range(k)]  # noqa: E731
        item: dict = {"code": code, "name": name, "category": cats[cat]["id"], "responsibility": kind,
                      "summary": f"{name}：乡镇按清单履行{obj}相关职责，县级部门依法监管。"}
        item["departments"] = [{"department": lead["id"], "role": "lead" if kind != "lead" else "support", "duties": duties(2)},
                               {"department": helper["id"], "role": "support", "duties": duties(1)}]
        if kind != "returned":
            item["township"] = {"duties": duties(rnd.randint(2, 4))}
        if rnd.random() < 0.2:
            item["townships"] = sorted(t["id"] for t in rnd.sample(towns, rnd.randint(2, 8)))
        basis = []
        for law_id, numbers in rnd.sample(laws, rnd.randint(1, 2)):
            basis.append({"law": law_id, "articles": sorted(rnd.sample(numbers, min(2, len(numbers))), key=int)})
        item["basis"] = basis
        item["workflow"] = [
            {"id": "find", "actor": "grid", "action": f"网格员巡查发现{obj}问题", "time_limit": "当日"},
            {"id": "report", "actor": "township", "action": "乡镇核实并登记", "time_limit": "2个工作日"},
            {"id": "judge", "actor": "township", "action": "是否需要县级部门处置",
             "branches": [{"when": "需要", "next": "handover"}, {"when": "不需要", "next": "close"}]},
            {"id": "handover", "actor": lead["id"], "action": f"{lead['short']}依法处置", "time_limit": "5个工作日"},
            {"id": "close", "actor": "township", "action": "办结并反馈群众", "next": []},
        ]
        item["accountability"] = [f"未按规定开展{obj}{rnd.choice(ACTIONS)}，造成不良后果的。"]
        item["exemption"] = ["已按清单履行巡查、劝阻、报告职责的，不予追责。"]
        item["keywords"] = [obj]
        history = [{"date": f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}", "action": "added", "approval": "基编办〔2024〕3号"}]
        if rnd.random() < 0.03:
            old = f"OLD-{i:05d}"
            item["formerly"] = [old]
            history.append({"date": "2025-01-15", "action": "recoded", "approval": "基编办〔2025〕1号", "note": f"原编码 {old}"})
        if rnd.random() < 0.02:
            history.append({"date": "2025-02-20", "action": "cancelled", "approval": "基编办〔2025〕1号", "note": "职责调整，取消。"})
        item["history"] = history
        write(f"items/{cats[cat]['id']}/{code}.yml", item)


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/make_catalogue.py N OUT_DIR")
    make(int(sys.argv[1]), Path(sys.argv[2]))
