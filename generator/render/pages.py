"""The public pages. Each function renders one kind of page; ``render_public``
writes them all into a docs folder and returns the paths it wrote."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..figures.closed_loop import closed_loop_figures
from ..figures.ledger import headline
from ..figures.report import Progress, compile_progress
from ..figures.suppression import threshold
from ..model import Policy, Programme
from ..schema import WorkbookSchema
from .activities import render_activities
from .conditions import condition_data, condition_text, finder_fields
from .environment import make_environment, yuan
from .escape import js_literal, slug
from .feeds import calendar_links, render_feeds
from .ledgers import render_ledgers
from .open311 import render_services
from .progress import latest_reports, render_progress
from .status import render_status
from .structured import policy_jsonld
from .views.public import (
    DepartmentsView,
    DirectoryView,
    PoliciesView,
    departments_view,
    directory_view,
    policies_view,
)
from .views.routes import RouteView, routes_by_policy, routes_view
from .writer import PageWriter

FINDER_DIMENSIONS = (
    # (query key, Policy field, enum list, label)
    ("industry", "industries", "industries", "所属行业"),
    ("size", "sizes", "sizes", "企业规模"),
    ("town", "towns", "towns", "所在镇街"),
)


FINDER_JS_PREFIX = "window.NUANQI_POLICIES = "


def finder_data(current: list[Policy], schema: WorkbookSchema, as_of: dt.date | None = None) -> dict[str, Any]:
    """What the policy finder reads (docs/data/policies.json): published, current
    policies and only their public fields. An empty list means "fits all".
    ``conditions``: what the finder asks an enterprise about itself (申报条件).
    ``apply_closed``: 申报截止 before ``as_of`` (a flag, not the date: a new day changes
    the file only when a deadline passes)."""
    return {
        "dimensions": [
            {"key": key, "field": field, "label": label, "options": list(schema.enums[enum])}
            for key, field, enum, label in FINDER_DIMENSIONS
        ],
        "conditions": finder_fields(schema),
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
                "apply_to": p.apply_to.isoformat() if p.apply_to else None,
                "apply_closed": bool(as_of and p.apply_to and p.apply_to < as_of),
                "support_cap": p.support_cap,
                "support_cap_text": str(yuan(p.support_cap)) if p.support_cap is not None else None,
                "conditions": [condition_data(c, schema) for c in p.conditions],
            }
            for p in current
        ],
    }


def _policies(w: PageWriter, view: PoliciesView, programme: Programme, schema: WorkbookSchema) -> None:
    calendars = calendar_links(view.published, schema)
    routes = routes_view(programme)
    in_routes = routes_by_policy(routes)
    for page in view.list_pages:
        w.page("policies/index.md.j2", f"policies/{page.name}.md", current=view.current, expired=view.expired,
               categories=page.categories, sections=page.sections, pages=view.pages, number=page.number,
               calendars=calendars, routes=len(routes))
    dimensions = [(key, label, schema.enums[enum]) for key, _field, enum, label in FINDER_DIMENSIONS]
    w.page("policies/finder.md.j2", "policies/finder.md", dimensions=dimensions, conditions=finder_fields(schema),
           categories=schema.enums["policy_categories"], count=len(view.current), expired_count=len(view.expired),
           expired_page=view.expired_page)
    finder = json.dumps(finder_data(view.current, schema, programme.as_of), ensure_ascii=False, separators=(",", ":"))
    w.text("data/policies.json", finder)
    # The same as a script, which a page opened from a file (USB stick, shared drive) can load and fetch() cannot.
    w.text("data/policies.js", FINDER_JS_PREFIX + js_literal(finder) + ";\n")
    countdown = w.labels.deadline_countdown
    for p in view.published:
        w.page(
            "policies/policy.md.j2", f"policies/{slug(p.policy_id)}.md",
            policy=p, departments=programme.departments, expired=p.expired_at(programme.as_of),
            as_of=programme.as_of, countdown=countdown,
            conditions=[(condition_text(c, schema), c.note) for c in p.conditions],
            jsonld=policy_jsonld(p, programme.departments, schema.district),
            routes=in_routes.get(p.policy_id, []),
        )
    _routes(w, routes)


def _routes(w: PageWriter, views: list[RouteView]) -> None:
    """一件事: an index, and a page per route that has a published policy."""
    if not views:
        return
    w.page("routes/index.md.j2", "routes/index.md", routes=views)
    for v in views:
        w.page("routes/route.md.j2", f"routes/{slug(v.route.route_id)}.md", view=v)


def _officers(w: PageWriter, view: DirectoryView) -> None:
    """The directory: an index of towns, and each town's pages."""
    for town in view.towns:
        for page in town.pages:
            w.page(
                "officers/town.md.j2", f"officers/{page.name}.md", town=town.town, unassigned=town.unassigned,
                sections=page.sections, officer_count=town.officer_count, pages=town.links, number=page.number,
                first=page.first, last=page.last,
            )
    index = [{"town": t.town, "href": t.href, "count": t.officer_count, "pages": len(t.pages)} for t in view.towns]
    w.page("officers/index.md.j2", "officers/index.md", towns=index, officer_count=view.officer_count)


def _departments(w: PageWriter, view: DepartmentsView) -> None:
    w.page("departments/index.md.j2", "departments/index.md", departments=view.rows)
    for row in view.rows:
        d = row.department
        w.page(
            "departments/department.md.j2", f"departments/{slug(d.dept_id)}.md",
            department=d, steps=view.steps[d.dept_id],
        )


def render_public(
    programme: Programme, schema: WorkbookSchema, docs_dir: Path, templates: Path | None = None,
    progress: Progress | None = None, receipt_key: bytes | None = None,
) -> list[Path]:
    """``progress``: the audited period figures (frozen ones included); computed here when not given.
    ``receipt_key``: the key of the receipt codes; without it there is no status page."""
    env = make_environment(templates)
    w = PageWriter(env, docs_dir)
    head = replace(headline(programme, schema.roles["satisfaction"]), closed_loop=closed_loop_figures(
        programme.issues, programme.as_of, schema, programme.columns.get("issues", frozenset())))
    if progress is None:
        progress = compile_progress(programme, schema, threshold(schema))
    w.page("index.md.j2", "index.md", site_title=schema.title, headline=head, latest=latest_reports(progress),
           status=receipt_key is not None)
    view = policies_view(programme, schema)
    _policies(w, view, programme, schema)
    render_feeds(w, view.published, schema, progress, programme.as_of)
    _officers(w, directory_view(programme, schema))
    _departments(w, departments_view(programme))
    render_progress(w, head, progress, schema.closed_loop,
                    {p.policy_id: p.title for p in programme.published_policies()})
    render_ledgers(w, programme, schema)
    render_activities(w, programme, schema)
    if receipt_key is not None:
        render_status(w, programme, receipt_key)
    render_services(w, schema)
    return w.written
