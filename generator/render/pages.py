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


def _policies(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    published = sorted(programme.published_policies(), key=lambda p: p.policy_id)
    current = [p for p in published if not p.expired_at(programme.as_of)]
    expired = [p for p in published if p.expired_at(programme.as_of)]
    order = schema.enums["policy_categories"]
    grouped: dict[str, list[Policy]] = defaultdict(list)
    for p in current:
        grouped[p.category].append(p)
    by_category = [(c, grouped[c]) for c in order if grouped.get(c)]
    w.page("policies/index.md.j2", "policies/index.md", current=current, expired=expired, by_category=by_category)
    dimensions = [(key, label, schema.enums[enum]) for key, _field, enum, label in FINDER_DIMENSIONS]
    w.page("policies/finder.md.j2", "policies/finder.md", dimensions=dimensions, categories=order,
           count=len(current), expired_count=len(expired))
    w.text("data/policies.json", json.dumps(finder_data(current, schema), ensure_ascii=False, separators=(",", ":")))
    for p in published:
        w.page(
            "policies/policy.md.j2", f"policies/{slug(p.policy_id)}.md",
            policy=p, departments=programme.departments, expired=p.expired_at(programme.as_of),
        )


def _officers(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    in_post = sorted(programme.officers_in_post(), key=lambda o: (o.role, o.officer_id))
    served: dict[str, set[str]] = defaultdict(set)
    for a in programme.active_assignments():
        served[a.officer_id].add(a.enterprise_id)
    cards: dict[str, dict[str, Any]] = {}
    for o in in_post:
        enterprises = [programme.enterprises[e] for e in sorted(served[o.officer_id])]
        named = sorted(e.name for e in enterprises if e.publish_name)
        cards[o.officer_id] = {"officer": o, "named": named, "unnamed": len(enterprises) - len(named)}
    towns = list(schema.enums["towns"]) + ["未指定镇街"]
    roles = schema.enums["officer_roles"]
    by_town = []
    for town in towns:
        def serves(o: Officer, town: str = town) -> bool:
            return town in (o.towns or ()) if town != "未指定镇街" else not o.towns

        groups = [(role, [cards[o.officer_id] for o in in_post if o.role == role and serves(o)]) for role in roles]
        groups = [(r, c) for r, c in groups if c]
        if groups:
            by_town.append((town, groups))
    w.page("officers/index.md.j2", "officers/index.md", by_town=by_town, officer_count=len(in_post))


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
