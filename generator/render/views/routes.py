"""一件事 as pages read them: each route's published policies in order, their steps
numbered across the route, every material once with the policies that ask for it,
and the promised days added up."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ...model import Department, Policy, PolicyStep, Programme, Route

# What separates the materials of one cell: a list is written 申请表；营业执照复印件；… or a line each.
_MATERIAL_SEPARATORS = re.compile(r"[；;\n。]+")
# A list number at the start of an item: 1. 1、 (1) （1） ①.
_NUMBERING = re.compile(r"^\s*(?:\d+[.、．)]|[(（]\d+[)）]|[①-⑳])\s*")


@dataclass(frozen=True)
class RouteStep:
    number: int  # counted across the whole route
    step: PolicyStep
    department: Department | None


@dataclass(frozen=True)
class RoutePart:
    """One policy of the route, at its place."""

    place: int
    policy: Policy
    steps: tuple[RouteStep, ...]
    days: int | None  # its steps' promised days, or its 承诺期限 when no step has any
    expired: bool


@dataclass(frozen=True)
class Material:
    name: str
    places: tuple[int, ...]  # the places in the route of the policies that ask for it


@dataclass(frozen=True)
class RouteView:
    route: Route
    lead: Department | None
    parts: tuple[RoutePart, ...]
    materials: tuple[Material, ...]
    departments: tuple[Department, ...]  # in the order the route reaches them
    total_days: int | None
    days_complete: bool  # every policy's days are known

    @property
    def steps(self) -> int:
        return sum(len(p.steps) for p in self.parts)


def materials_of(text: str | None) -> list[str]:
    """The items of a materials cell, without list numbers or a closing full stop."""
    items = []
    for piece in _MATERIAL_SEPARATORS.split(text or ""):
        item = _NUMBERING.sub("", piece).strip(" \t，,、")
        if item:
            items.append(item)
    return items


def _part(place: int, policy: Policy, programme: Programme, first: int) -> RoutePart:
    steps = tuple(RouteStep(first + n, s, programme.departments.get(s.dept_id)) for n, s in enumerate(policy.steps))
    days = policy.total_days()
    return RoutePart(place, policy, steps, days if days is not None else policy.promised_days,
                     policy.expired_at(programme.as_of))


def _materials(parts: tuple[RoutePart, ...]) -> tuple[Material, ...]:
    found: dict[str, tuple[str, list[int]]] = {}
    for part in parts:
        cells = [part.policy.materials, *(s.step.materials for s in part.steps)]
        for item in (i for cell in cells for i in materials_of(cell)):
            key = unicodedata.normalize("NFKC", item).casefold()
            name, places = found.setdefault(key, (item, []))
            if part.place not in places:
                places.append(part.place)
    return tuple(Material(name, tuple(places)) for name, places in found.values())


def route_view(route: Route, programme: Programme) -> RouteView | None:
    """The route as the public site shows it: its published policies only; None when it has none."""
    policies = [programme.policies[p] for p in route.policy_ids if p in programme.policies]
    published = [p for p in policies if p.published]
    if not published:
        return None
    parts = []
    first = 1
    for place, policy in enumerate(published, start=1):
        parts.append(_part(place, policy, programme, first))
        first += len(policy.steps)
    reached: dict[str, Department] = {}
    for part in parts:
        for s in part.steps:
            if s.department is not None:
                reached.setdefault(s.department.dept_id, s.department)
    known = [p.days for p in parts if p.days is not None]
    # Every policy's days known, and where they come from its steps, every step's.
    complete = len(known) == len(parts) and all(
        s.step.days is not None for p in parts if p.policy.total_days() is not None for s in p.steps)
    return RouteView(
        route, programme.departments.get(route.dept_id or ""), tuple(parts), _materials(tuple(parts)),
        tuple(reached.values()), sum(known) if known else None, complete,
    )


def routes_view(programme: Programme) -> list[RouteView]:
    views = (route_view(r, programme) for r in programme.routes.values())
    return [v for v in views if v is not None]


def routes_by_policy(views: list[RouteView]) -> dict[str, list[tuple[RouteView, int]]]:
    """Policy ID -> the routes it is part of, with its place in each."""
    out: dict[str, list[tuple[RouteView, int]]] = {}
    for view in views:
        for part in view.parts:
            out.setdefault(part.policy.policy_id, []).append((view, part.place))
    return out
