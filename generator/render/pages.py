"""The public pages. Each function renders one kind of page; ``render_public``
writes them all into a docs folder and returns the paths it wrote."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment

from ..figures.ledger import headline
from ..figures.report import Progress, compile_progress
from ..figures.suppression import threshold
from ..model import Officer, Policy, Programme
from ..schema import WorkbookSchema
from .environment import make_environment
from .escape import slug
from .ledgers import render_ledgers
from .progress import latest_reports, render_progress

# What rendering owns inside docs/ (ignored by git); everything else there is
# hand-written and copied as it is.
GENERATED_PATHS = ("index.md", "policies", "officers", "departments", "progress", "data", "projects", "leniency")


class PageWriter:
    def __init__(self, env: Environment, docs_dir: Path) -> None:
        self.env = env
        self.docs_dir = docs_dir
        self.written: list[Path] = []

    def page(self, template: str, path: str, **context: Any) -> None:
        self.text(path, self.env.get_template(template).render(**context))

    def text(self, path: str, content: str) -> None:
        target = self.docs_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        self.written.append(target)


FINDER_DIMENSIONS = (
    # (query key, Policy field, enum list, label)
    ("industry", "industries", "industries", "所属行业"),
    ("size", "sizes", "sizes", "企业规模"),
    ("town", "towns", "towns", "所在镇街"),
)


def finder_data(current: list[Policy], schema: WorkbookSchema) -> dict[str, Any]:
    """What the policy finder reads (docs/data/policies.json): published, current
    policies and only their public fields. An empty list means "fits all"."""
    return {
        "dimensions": [
            {"key": key, "field": field, "label": label, "options": list(schema.enums[enum])}
            for key, field, enum, label in FINDER_DIMENSIONS
        ],
        "categories": list(schema.enums["policy_categories"]),
        "policies": [
            {
                "id": p.policy_id,
                "url": f"{slug(p.policy_id)}.html",
                "title": p.title,
                "issuer": p.issuer,
                "category": p.category,
                "industries": list(p.industries or ()),
                "sizes": list(p.sizes or ()),
                "towns": list(p.towns or ()),
                "effective_to": p.effective_to.isoformat() if p.effective_to else None,
            }
            for p in current
        ],
    }


# Entries per page of the policy list (~150 bytes of HTML each): a province lists
# thousands, and a page must stay light enough for a phone.
POLICIES_PER_PAGE = 250


def _list_page_names(count: int, taken: set[str]) -> list[str]:
    """``index``, then ``index-2``, ``index-3`` … (``list-2`` … if a policy's own
    page has such a name, also on a disk that ignores case)."""
    base = "index"
    while True:
        names = ["index"] + [f"{base}-{n}" for n in range(2, count + 1)]
        if not any(n.lower() in taken for n in names[1:]):
            return names
        base = "list" if base == "index" else f"list-{base}"


def _policy_list(w: PageWriter, current: list[Policy], expired: list[Policy],
                 by_category: list[tuple[str, list[Policy]]]) -> str:
    """The list of policies by category, then the expired ones, on as many pages as
    it takes; each category's link in the list of categories leads to the page it
    begins on. Returns the name of the page the expired ones begin on."""
    # (section number, policy): categories 1, 2 …; 0 the expired ones, last
    entries = [(n, p) for n, (_, items) in enumerate(by_category, 1) for p in items] + [(0, p) for p in expired]
    chunks = [entries[i:i + POLICIES_PER_PAGE] for i in range(0, len(entries), POLICIES_PER_PAGE)] or [[]]
    names = _list_page_names(len(chunks), {slug(p.policy_id).lower() for _, p in entries})
    begins: dict[int, str] = {}  # section -> the page it begins on
    for name, chunk in zip(names, chunks, strict=True):
        for section, _ in chunk:
            begins.setdefault(section, name)
    totals = {n: len(items) for n, (_, items) in enumerate(by_category, 1)} | {0: len(expired)}
    # Links in raw HTML, which MkDocs leaves as they are: to the built pages.
    pages = [{"number": n, "href": f"{name}.html"} for n, name in enumerate(names, 1)]
    for number, (name, chunk) in enumerate(zip(names, chunks, strict=True), 1):
        sections: list[dict[str, Any]] = []
        for section, p in chunk:
            if not sections or sections[-1]["number"] != section:
                sections.append({"number": section, "category": by_category[section - 1][0] if section else None,
                                 "total": totals[section], "continued": begins[section] != name, "policies": []})
            sections[-1]["policies"].append(p)
        categories = [
            {"category": c, "count": len(items), "href": ("" if begins[n] == name else f"{begins[n]}.html") + f"#cat-{n}"}
            for n, (c, items) in enumerate(by_category, 1)
        ]
        w.page("policies/index.md.j2", f"policies/{name}.md", current=current, expired=expired,
               categories=categories, sections=sections, pages=pages, number=number)
    return begins.get(0, "index")


def _policies(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    published = sorted(programme.published_policies(), key=lambda p: p.policy_id)
    current = [p for p in published if not p.expired_at(programme.as_of)]
    expired = [p for p in published if p.expired_at(programme.as_of)]
    order = schema.enums["policy_categories"]
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for p in current:
        grouped[p.category].append(p)
    by_category = [(c, grouped[c]) for c in order if grouped.get(c)]
    expired_page = _policy_list(w, current, expired, by_category)
    dimensions = [(key, label, schema.enums[enum]) for key, _field, enum, label in FINDER_DIMENSIONS]
    w.page("policies/finder.md.j2", "policies/finder.md", dimensions=dimensions, categories=order,
           count=len(current), expired_count=len(expired), expired_page=expired_page)
    w.text("data/policies.json", json.dumps(finder_data(current, schema), ensure_ascii=False, separators=(",", ":")))
    for p in published:
        w.page(
            "policies/policy.md.j2", f"policies/{slug(p.policy_id)}.md",
            policy=p, departments=programme.departments, expired=p.expired_at(programme.as_of),
        )


# Officers who serve no town in particular are listed under this heading.
NO_TOWN = "未指定镇街"
# Officer cards per directory page (~1 KB of HTML each): a town of a province
# has hundreds of officers, and a page must stay light enough for a phone.
OFFICERS_PER_PAGE = 50


def _page_names(town: str, pages: int, used: set[str]) -> list[str]:
    """File names (no suffix) of a town's directory pages: ``slug(town)``, then
    ``-2``, ``-3`` … Never ``index`` nor a name taken by an earlier town, also
    on a disk that ignores case."""
    base = slug(town)
    while True:
        names = [base] + [f"{base}-{n}" for n in range(2, pages + 1)]
        if not any(n.lower() in used for n in names):
            used.update(n.lower() for n in names)
            return names
        base = f"town-{base}"


def _officers(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    """The directory: an index of towns, and each town's officers in post by role
    on pages of their own (an officer serving several towns is on each town's
    pages; one serving none under NO_TOWN), so no page grows with the district."""
    in_post = sorted(programme.officers_in_post(), key=lambda o: (o.role, o.officer_id))
    served: dict[str, set[str]] = defaultdict(set)
    for a in programme.active_assignments():
        served[a.officer_id].add(a.enterprise_id)
    cards: dict[str, dict[str, Any]] = {}
    for o in in_post:
        enterprises = [programme.enterprises[e] for e in sorted(served[o.officer_id])]
        named = sorted(e.name for e in enterprises if e.publish_name)
        cards[o.officer_id] = {"officer": o, "named": named, "unnamed": len(enterprises) - len(named)}
    by_town: dict[str, list[Officer]] = defaultdict(list)
    for o in in_post:
        for town in dict.fromkeys(o.towns or (NO_TOWN,)):
            by_town[town].append(o)
    roles = schema.enums["officer_roles"]
    index = []
    used = {"index"}  # the directory's own page
    for town in dict.fromkeys([*schema.enums["towns"], NO_TOWN]):
        # (role, cards of that role) in the order of the schema's roles
        entries = [(role, cards[o.officer_id]) for role in roles for o in by_town.get(town, ()) if o.role == role]
        if not entries:
            continue
        totals = {role: sum(1 for r, _ in entries if r == role) for role in roles}
        chunks = [entries[i:i + OFFICERS_PER_PAGE] for i in range(0, len(entries), OFFICERS_PER_PAGE)]
        names = _page_names(town, len(chunks), used)
        pages = [{"number": n, "href": f"{name}.html"} for n, name in enumerate(names, 1)]
        shown: set[str] = set()  # roles begun on an earlier page
        for number, (name, chunk) in enumerate(zip(names, chunks, strict=True), 1):
            sections: list[dict[str, Any]] = []
            for role, card in chunk:
                if not sections or sections[-1]["role"] != role:
                    sections.append({"role": role, "total": totals[role], "continued": role in shown, "cards": []})
                sections[-1]["cards"].append(card)
            shown.update(s["role"] for s in sections)
            first = (number - 1) * OFFICERS_PER_PAGE + 1
            w.page(
                "officers/town.md.j2", f"officers/{name}.md", town=town, unassigned=town == NO_TOWN,
                sections=sections, officer_count=len(entries), pages=pages, number=number,
                first=first, last=first + len(chunk) - 1,
            )
        index.append({"town": town, "href": f"{names[0]}.md", "count": len(entries), "pages": len(names)})
    w.page("officers/index.md.j2", "officers/index.md", towns=index, officer_count=len(in_post))


def _departments(w: PageWriter, programme: Programme) -> None:
    steps_by_dept: dict[str, list[Any]] = defaultdict(list)
    # Current policies first, expired ones after them, marked.
    policies = sorted(programme.published_policies(), key=lambda p: (p.expired_at(programme.as_of), p.policy_id))
    for p in policies:
        for s in p.steps:
            steps_by_dept[s.dept_id].append((p, s, p.expired_at(programme.as_of)))
    departments = sorted(programme.departments.values(), key=lambda d: d.dept_id)
    w.page(
        "departments/index.md.j2", "departments/index.md",
        departments=[(d, len(steps_by_dept[d.dept_id])) for d in departments],
    )
    for d in departments:
        w.page(
            "departments/department.md.j2", f"departments/{slug(d.dept_id)}.md",
            department=d, steps=steps_by_dept[d.dept_id],
        )


def render_public(
    programme: Programme, schema: WorkbookSchema, docs_dir: Path, templates: Path | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """``progress``: the audited period figures (frozen ones included); computed here when not given."""
    env = make_environment(templates)
    w = PageWriter(env, docs_dir)
    head = headline(programme)
    if progress is None:
        progress = compile_progress(programme, schema, threshold(schema))
    w.page("index.md.j2", "index.md", site_title=schema.title, headline=head, latest=latest_reports(progress))
    _policies(w, programme, schema)
    _officers(w, programme, schema)
    _departments(w, programme)
    render_progress(w, head, progress)
    render_ledgers(w, programme, schema)
    return w.written
