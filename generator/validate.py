"""Rules that span records: references, uniqueness, order, workflows.

``validate`` never prints and never exits; it returns problems sorted by
file and line so an editor can work down the list.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path, PurePosixPath

from generator import problems as P
from generator.cache import Cache, runs
from generator.cache import key as cache_key
from generator.load import FileParser, load
from generator.model import (
    ACTORS,
    RECORD_KINDS,
    Assignment,
    Catalogue,
    Category,
    Citation,
    Department,
    Item,
    Located,
    Step,
    Township,
    flow_successors,
)
from generator.problems import Code, Problem


def _p(rec: Located, key: str, code: Code, /, field: str | None = None, variant: str = "", **values: object) -> Problem:
    return code.at(rec.file, rec.line_of(field or key.rsplit(".", 1)[-1].split("[")[0]), key, variant, **values)


def _duplicates(records: Sequence[Department | Township | Category], what: str) -> Iterable[Problem]:
    first: dict[str, Located] = {}
    for i, rec in enumerate(records):
        value = rec.id
        if value in first:
            yield _p(rec, f"[{i}].id", P.DUPLICATE_ID, field="id", what=what, value=value, first=first[value].line_of("id"))
        else:
            first[value] = rec


def workflow_problems(steps: list[Step], known_actors: set[str], prefix: str) -> Iterable[Problem]:
    """Unknown actors and steps, a step with both ``next`` and ``branches``, unreachable steps, no end."""
    if not steps:
        return
    ids: set[str] = set()
    for i, step in enumerate(steps):
        if step.id in ids:
            yield _p(step, f"{prefix}[{i}].id", P.DUPLICATE_STEP, field="id", id=step.id)
        ids.add(step.id)
    for i, step in enumerate(steps):
        key = f"{prefix}[{i}]"
        if step.actor not in known_actors:
            yield _p(step, f"{key}.actor", P.UNKNOWN_ACTOR, field="actor", actor=step.actor, actors="、".join(ACTORS))
        if step.next is not None and step.branches is not None:
            yield _p(step, f"{key}.branches", P.NEXT_AND_BRANCHES, field="branches")
        for target in step.next or []:
            if target == step.id:
                yield _p(step, f"{key}.next", P.STEP_LOOPS_TO_ITSELF, field="next", id=step.id)
            elif target not in ids:
                yield _p(step, f"{key}.next", P.UNKNOWN_STEP, field="next", target=target)
        for j, branch in enumerate(step.branches or []):
            if branch.next == step.id:
                yield _p(branch, f"{key}.branches[{j}].next", P.STEP_LOOPS_TO_ITSELF, field="next", variant="branch",
                         when=branch.when, id=step.id)
            elif branch.next not in ids:
                yield _p(branch, f"{key}.branches[{j}].next", P.UNKNOWN_STEP, field="next", variant="branch",
                         when=branch.when, target=branch.next)
    successors = flow_successors(steps)
    seen, todo = {steps[0].id}, [steps[0].id]
    while todo:
        for nxt in successors.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for i, step in enumerate(steps):
        if step.id not in seen:
            yield _p(step, f"{prefix}[{i}].id", P.UNREACHABLE_STEP, field="id", id=step.id)
    if not any(not successors.get(s.id) for s in steps if s.id in seen):
        yield P.NO_END.at(steps[0].file, steps[0].line, prefix)


def _item_problems(cat: Catalogue, item: Item, actors: set[str]) -> Iterable[Problem]:
    stem = PurePosixPath(item.file).stem
    if stem != item.code:
        yield _p(item, "code", P.CODE_FILE_MISMATCH, code=item.code, stem=stem)
    if item.category not in cat.category:
        yield _unknown(cat, "category", item.category, _p(item, "category", P.UNKNOWN_CATEGORY, category=item.category))
    kind = item.responsibility
    if kind in ("support", "returned"):
        if not item.departments:
            yield _p(item, "departments", P.MISSING_DEPARTMENTS, field="responsibility", kind=cat.labels.of(kind))
        elif not any(d.role == "lead" for d in item.departments):
            yield _p(item, "departments", P.NO_LEAD_DEPARTMENT, kind=cat.labels.of(kind))
    if kind in ("lead", "support") and item.township is None:
        yield _p(item, "township", P.MISSING_TOWNSHIP_DUTIES, field="responsibility", kind=cat.labels.of(kind))
    if item.township is not None and not item.township.duties:
        yield _p(item.township, "township.duties", P.EMPTY_DUTIES, field="duties", who="乡镇")
    office = item.township.office if item.township else None
    if item.township and office:
        dept = cat.department.get(office)
        if dept is None:
            yield _unknown(cat, "department", office,
                           _p(item.township, "township.office", P.UNKNOWN_DEPARTMENT, field="office", department=office))
        elif dept.level != "township":
            yield _p(item.township, "township.office", P.OFFICE_NOT_TOWNSHIP, field="office", name=dept.name)
    for i, duty in enumerate(item.departments):
        key = f"departments[{i}]"
        if duty.department not in cat.department:
            yield _unknown(cat, "department", duty.department,
                           _p(duty, f"{key}.department", P.UNKNOWN_DEPARTMENT, field="department", department=duty.department))
        # A supporting department may be named without duties, and so may the department that took a returned item over.
        if not duty.duties and duty.role == "lead" and kind != "returned":
            yield _p(duty, f"{key}.duties", P.EMPTY_DUTIES, field="duties", who="牵头部门")
    roles = Counter(d.department for d in item.departments)
    for dept_id, n in roles.items():
        if n > 1:
            yield _p(item, "departments", P.DUPLICATE_DEPARTMENT, department=dept_id, count=n)
    yield from _township_problems(cat, item)
    if not item.basis:
        yield _p(item, "basis", P.EMPTY_BASIS)
    yield from _basis_problems(cat, item.basis)
    yield from workflow_problems(item.workflow, actors, "workflow")
    yield from _history_problems(item)


def _township_problems(cat: Catalogue, rec: Item | Assignment) -> Iterable[Problem]:
    """``townships``: all, or ids that exist (a retired id says what became of it); never an empty list."""
    if rec.townships == "all":
        return
    for i, tid in enumerate(rec.townships):
        if tid not in cat.township:
            yield _unknown(cat, "township", tid, _p(rec, f"townships[{i}]", P.UNKNOWN_TOWNSHIP, field="townships", township=tid))
    if not rec.townships:
        yield _p(rec, "townships", P.EMPTY_TOWNSHIPS)


def _basis_problems(cat: Catalogue, basis: list[Citation]) -> Iterable[Problem]:
    for i, cite in enumerate(basis):
        law = cat.law.get(cite.law)
        if law is None:
            yield _unknown(cat, "law", cite.law, _p(cite, f"basis[{i}].law", P.UNKNOWN_LAW, field="law", law=cite.law))
            continue
        for article in cite.articles:
            if law.article_text(article) is None:
                yield _p(cite, f"basis[{i}].articles", P.UNKNOWN_ARTICLE, field="articles", title=law.title, article=article, file=law.file)


def _assignment_problems(cat: Catalogue, a: Assignment) -> Iterable[Problem]:
    """事项准入: a 交办事项 resolves its references, is approved before it starts, and its dates follow each other."""
    stem = PurePosixPath(a.file).stem
    if stem != a.id:
        yield _p(a, "id", P.ASSIGNMENT_FILE_MISMATCH, id=a.id, stem=stem)
    dept = cat.department.get(a.department)
    if dept is None:
        yield _p(a, "department", P.UNKNOWN_DEPARTMENT, department=a.department)
    elif dept.level != "county":
        yield _p(a, "department", P.ASSIGNMENT_NOT_COUNTY, name=dept.name)
    yield from _township_problems(cat, a)
    if not a.duties:
        yield _p(a, "duties", P.EMPTY_DUTIES, who="乡镇")
    if not a.support.given():
        yield _p(a, "support", P.ASSIGNMENT_NO_SUPPORT)
    if a.item is not None and a.item not in cat.item:
        yield _p(a, "item", P.UNKNOWN_ITEM, code=a.item)
    yield from _basis_problems(cat, a.basis)
    start, end = a.period.start, a.period.end
    if start < a.approval.date:
        yield _p(a.period, "period.start", P.ASSIGNMENT_BEFORE_APPROVAL, field="start", start=start, approved=a.approval.date)
    if end is None and a.kind == "阶段性":
        yield _p(a.period, "period.end", P.ASSIGNMENT_NO_END, field="start")
    if end is not None and end < start:
        yield _p(a.period, "period.end", P.ASSIGNMENT_END_BEFORE_START, field="end", end=end, start=start)
    previous_end = end
    for i, ext in enumerate(a.extensions):
        key = f"extensions[{i}]"
        if previous_end is None:
            yield _p(ext, key, P.EXTENSION_WITHOUT_END, field="date")
        else:
            if ext.date > previous_end:
                yield _p(ext, f"{key}.date", P.EXTENSION_AFTER_END, field="date", date=ext.date, end=previous_end)
            if ext.end <= previous_end:
                yield _p(ext, f"{key}.end", P.EXTENSION_NOT_LATER, field="end", new=ext.end, end=previous_end)
        before = a.extensions[i - 1].date if i else a.approval.date
        if ext.date < before:
            yield _p(ext, f"{key}.date", P.HISTORY_ORDER, field="date", date=ext.date, before=before)
        previous_end = ext.end
    if a.ended is not None:
        planned = a.extensions[-1].end if a.extensions else end
        if a.ended.date < start or (planned is not None and a.ended.date > planned):
            yield _p(a.ended, "ended.date", P.ASSIGNMENT_ENDED_OUTSIDE, field="date", date=a.ended.date, start=start, end=planned or "长期")


def _history_problems(item: Item) -> Iterable[Problem]:
    if not item.history:
        yield _p(item, "history", P.EMPTY_HISTORY)
        return
    for i in range(1, len(item.history)):
        before, entry = item.history[i - 1], item.history[i]
        if entry.date < before.date:
            yield _p(entry, f"history[{i}].date", P.HISTORY_ORDER, field="date", date=entry.date, before=before.date)
    for i, entry in enumerate(item.history):
        previous = item.history[i - 1].action if i else None
        if previous == "cancelled" and entry.action != "reinstated":
            yield _p(entry, f"history[{i}].action", P.CHANGE_AFTER_CANCELLED, field="action", action=entry.action)
        if entry.action == "reinstated" and previous != "cancelled":
            yield _p(entry, f"history[{i}].action", P.REINSTATED_NOT_CANCELLED, field="action")
    if item.history[0].action != "added":
        yield _p(item.history[0], "history[0].action", P.FIRST_NOT_ADDED, field="action")
    if any(c.action == "recoded" for c in item.history) and not item.formerly:
        yield _p(item, "formerly", P.RECODED_WITHOUT_FORMERLY, field="history")


def _path_collisions(cat: Catalogue) -> Iterable[Problem]:
    """Codes whose published files would clash: ``X`` and ``X.json`` (the data file of X), codes that
    differ only in case (one file on case-insensitive disks), or the list page ``items/index.html``."""
    claimed: dict[str, tuple[Item, str]] = {}  # case-folded name in items/ -> (item, code)
    for item in cat.items:
        for code in dict.fromkeys([item.code, *item.formerly]):
            for name in (code, f"{code}.json"):
                other = claimed.setdefault(name.casefold(), (item, code))
                code_field = "code" if code == item.code else "formerly"
                if name.casefold() in ("index.html", "index.md"):
                    yield _p(item, code_field, P.CODE_COLLISION, variant="index", code=code, name=name)
                elif other[1] != code:
                    yield _p(item, code_field, P.CODE_COLLISION, code=code, name=name, file=other[0].file, other=other[1])
                else:
                    continue  # this code's own claim (an exact duplicate is duplicate-code's)
                break


def _code_problems(cat: Catalogue) -> Iterable[Problem]:
    owner: dict[str, Item] = {}
    for item in cat.items:
        for code in [item.code, *item.formerly]:
            other = owner.get(code)
            if other is None:
                owner[code] = item
            elif other is item:
                yield _p(item, "formerly", P.DUPLICATE_CODE, variant="same_item", code=code)
            else:
                yield _p(item, "code" if code == item.code else "formerly", P.DUPLICATE_CODE, code=code, file=other.file)


def _unknown(cat: Catalogue, kind: str, value: str, problem: Problem) -> Problem:
    """``problem`` (an unknown id), or retired-id naming what became of a renamed or removed id."""
    what = RECORD_KINDS[kind][1]
    renamed = next((r for r in cat.records(kind) if value in r.formerly), None)
    gone = next((g for g in cat.removed if g.kind == kind and g.id == value), None)
    if renamed is not None:
        return P.RETIRED_ID.at(problem.file, problem.line, problem.key, "renamed", what=what, value=value, new=renamed.id)
    if gone is not None:
        then = f"，由“{gone.successor}”接替" if gone.successor else ""
        return P.RETIRED_ID.at(problem.file, problem.line, problem.key, what=what, value=value,
                               date=gone.date.isoformat(), approval=gone.approval, then=then)
    return problem


def _id_problems(cat: Catalogue) -> Iterable[Problem]:
    """Per kind, one owner for every id a URL was published under: current, ``formerly`` and removed ids."""
    for kind, (folder, what) in RECORD_KINDS.items():
        current = cat.records(kind)
        owner: dict[str, str] = {rec.id: f"{what}“{rec.id}”" for rec in current}
        where = "" if kind == "law" else "[{}]."  # laws are one per file; the others are list entries
        claims = [(rec, where.format(i) + "formerly", old, f"{what}“{rec.id}”的曾用 id")
                  for i, rec in enumerate(current) for old in rec.formerly]
        claims += [(gone, f"[{i}].id", gone.id, f"removed.yml 第 {gone.line} 行移除的{what}")
                   for i, gone in enumerate(cat.removed) if gone.kind == kind]
        for rec, key, value, label in claims:
            taken = owner.setdefault(value, label)
            if taken != label:
                yield _p(rec, key, P.ID_REUSED, what=what, value=value, owner=taken, folder=folder)
        for i, gone in enumerate(cat.removed):
            if gone.kind == kind and gone.successor is not None and gone.successor not in {r.id for r in current}:
                yield _p(gone, f"[{i}].successor", P.UNKNOWN_SUCCESSOR, value=gone.successor, what=what)


RUN = 64
"""Items per cache entry of their problems, on average (see :func:`_items_problems`)."""


def _items_problems(cat: Catalogue, actors: set[str], cache: Cache) -> list[Problem]:
    """Each item's own problems (:func:`_item_problems`), in item order.

    They are a function of the item's file and of the records other than items (which carry the
    digests of their files: generator.load.parse_file), so with a cache a run of items keeps its
    problems in one entry, named by those digests (an entry that fails its checks is made again).
    """
    others = [cat.identity, *cat.departments, *cat.townships, *cat.categories, *cat.laws, *cat.removed]
    digests = [item.source_digest for item in cat.items]
    if cache.folder is None or not all(digests) or not all(r.source_digest for r in others):
        return _run_problems(cat, cat.items, actors)  # (records made in memory: nothing names them)
    context = cache_key("check-context", *(r.source_digest for r in others))
    problems: list[Problem] = []
    for a, b in runs(digests, RUN):
        items = cat.items[a:b]
        entry = cache.get_or_make("check", cache_key("check", context, *digests[a:b]), partial(_pickled, cat, items, actors))
        found = _trusted(entry)
        problems += _run_problems(cat, items, actors) if found is None else found
    return problems


def _run_problems(cat: Catalogue, items: list[Item], actors: set[str]) -> list[Problem]:
    return [p for item in items for p in _item_problems(cat, item, actors)]


def _pickled(cat: Catalogue, items: list[Item], actors: set[str]) -> bytes:
    return pickle.dumps(_run_problems(cat, items, actors), protocol=pickle.HIGHEST_PROTOCOL)


def _trusted(entry: bytes) -> list[Problem] | None:
    """The problems an entry of :func:`_items_problems` holds (its digest Cache verified), or None when it holds none."""
    try:
        found = pickle.loads(entry)
    except Exception:  # whatever went wrong, the problems are found again
        return None
    return found if isinstance(found, list) and all(isinstance(p, Problem) for p in found) else None


def validate(cat: Catalogue, cache: Cache | None = None) -> list[Problem]:
    """All cross-record problems of a loaded catalogue (``cache``: the build cache, see :func:`_items_problems`)."""
    problems: list[Problem] = []
    problems += _duplicates(cat.departments, "部门")
    problems += _duplicates(cat.townships, "乡镇")
    problems += _duplicates(cat.categories, "分类")
    for law in cat.laws:
        stem = PurePosixPath(law.file).stem
        if stem != law.id:
            problems.append(_p(law, "id", P.LAW_FILE_MISMATCH, id=law.id, stem=stem))
        starts = [(c.kind, c.start) for c in law.chapters]
        if len(set(starts)) != len(starts):  # a 节 may start where its 章 starts; two 章 may not
            problems.append(_p(law, "chapters", P.DUPLICATE_CHAPTER_START))
    ident = cat.identity
    if ident.format != 1:
        problems.append(_p(ident, "format", P.UNSUPPORTED_FORMAT, format=ident.format))
    for law in cat.laws:
        if law.amended != sorted(law.amended) or (law.promulgated and law.amended and law.amended[0] < law.promulgated):
            problems.append(_p(law, "amended", P.AMENDED_ORDER))
        shown = law.shown_articles()
        if law.total_articles is not None and law.total_articles < shown:
            problems.append(_p(law, "total_articles", P.TOTAL_ARTICLES, total=law.total_articles, shown=shown))
    actors = set(ACTORS) | set(cat.department)
    problems += workflow_problems(ident.general_workflow, actors, "general_workflow")
    problems += _items_problems(cat, actors, cache or Cache(None))
    problems += _code_problems(cat)
    problems += _path_collisions(cat)
    problems += _id_problems(cat)
    seen: dict[str, Assignment] = {}
    for assignment in cat.assignments:
        if assignment.id in seen:
            problems.append(_p(assignment, "id", P.DUPLICATE_ID, what="交办事项", value=assignment.id, first=seen[assignment.id].line_of("id")))
        seen.setdefault(assignment.id, assignment)
        problems += _assignment_problems(cat, assignment)
    return problems


def check(root: Path, files: FileParser | None = None) -> tuple[Catalogue | None, list[Problem]]:
    """Load (through ``files``: a build's cache, a parser shared with another load) and validate;
    problems sorted by file and line."""
    cat, problems = load(root, files)
    if cat is not None:
        problems += validate(cat, files.cache if files else None)
    problems.sort(key=lambda p: (p.file, p.line or 0, p.key, p.code))
    return cat, problems
