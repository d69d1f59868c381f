"""The figures of 活动 and 研修计划 (issue 18).

活动 (a public sheet): the events held by the as-of date (日期 on or before
it) counted by 类型 and by month, with their participants (人数, or for an event
without one the rows 参加人员 lists for it), and the upcoming events (日期 after
the as-of date). Events are not grouped by any enterprise attribute, so nothing
here is suppressed.

研修计划 (internal rows): nominees counted by 计划 and 状态 (the stage each has
reached), with the totals of each 计划, of each 状态 and of all. These counts
draw on enterprises, so the threshold rule applies: a count drawing on fewer
than k distinct enterprises is suppressed, and so are enough others that none
can be worked out from a published total. The table has totals both ways, so
every row and every column (the totals' own row and column too) is a line of
``suppression.protect_column``; a cell one line suppresses is forced in the
others, until no line changes. When a line cannot be protected the table is
withheld and only the grand total is published (itself under the primary rule).
No enterprise is ever named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..activities import Activities, Event, StudyPlan
from .suppression import Cell, protect_column, shown


@dataclass(frozen=True)
class EventFigures:
    as_of: dt.date
    kinds: tuple[str, ...]  # the 类型 in enum order, then any other seen
    months: tuple[str, ...]  # YYYY-MM, oldest first
    counts: dict[tuple[str, str], int]  # (month, kind) -> events held
    by_kind: dict[str, int]
    by_month: dict[str, int]
    held: tuple[Event, ...]  # newest first
    upcoming: tuple[Event, ...]  # soonest first
    participants: dict[str, int]  # event ID -> participants of a held event

    @property
    def total(self) -> int:
        return len(self.held)

    @property
    def total_participants(self) -> int:
        return sum(self.participants.values())

    @property
    def participants_by_month(self) -> dict[str, int]:
        out = dict.fromkeys(self.months, 0)
        for e in self.held:
            out[e.held_on.strftime("%Y-%m")] += self.participants[e.event_id]
        return out


def participants_of(event: Event, activities: Activities) -> int:
    """人数, or when it is blank the rows 参加人员 lists for the event."""
    if event.attendance is not None:
        return event.attendance
    return len(activities.participants_of(event.event_id))


def event_figures(activities: Activities, kinds: Sequence[str], as_of: dt.date) -> EventFigures:
    held = sorted((e for e in activities.events if e.held_on <= as_of), key=lambda e: (e.held_on, e.event_id),
                  reverse=True)
    upcoming = sorted((e for e in activities.events if e.held_on > as_of), key=lambda e: (e.held_on, e.event_id))
    order = tuple(kinds) + tuple(sorted({e.kind for e in held} - set(kinds)))
    months = tuple(sorted({e.held_on.strftime("%Y-%m") for e in held}))
    counts: dict[tuple[str, str], int] = {}
    for e in held:
        key = (e.held_on.strftime("%Y-%m"), e.kind)
        counts[key] = counts.get(key, 0) + 1
    return EventFigures(
        as_of=as_of, kinds=order, months=months, counts=counts,
        by_kind={k: sum(1 for e in held if e.kind == k) for k in order},
        by_month={m: sum(1 for e in held if e.held_on.strftime("%Y-%m") == m) for m in months},
        held=tuple(held), upcoming=tuple(upcoming),
        participants={e.event_id: participants_of(e, activities) for e in held},
    )


@dataclass(frozen=True)
class StudyRow:
    plan: str | None  # None: the total of all plans
    cells: tuple[int | str, ...]  # one per 状态, then the row's total


@dataclass(frozen=True)
class StudyFigures:
    as_of: dt.date
    k: int
    statuses: tuple[str, ...]
    rows: tuple[StudyRow, ...]  # one per 计划, then the total row; empty when withheld
    withheld: bool  # the 计划 × 状态 table could not be protected (the margins may be)
    by_plan: tuple[tuple[str, int | str], ...]  # when withheld: each 计划's total; empty if these are withheld too
    by_status: tuple[tuple[str, int | str], ...]  # when withheld: each 状态's total, likewise
    total: int | str

    @property
    def empty(self) -> bool:
        return self.total == 0


def _cell(plans: list[StudyPlan]) -> Cell:
    return Cell(count=len(plans), enterprises=len({p.enterprise_id for p in plans}))


def protect_grid(grid: list[list[Cell]], k: int) -> bool:
    """Suppress cells of a table whose last row and last column are totals; False
    when it cannot be protected. Every row and every column is one line."""
    lines = [list(row) for row in grid] + [[row[j] for row in grid] for j in range(len(grid[0]))]
    # A total the primary rule suppresses (the grand total is in no line's cells) stays hidden.
    hidden = {id(c) for row in grid for c in row if 0 < c.count and c.enterprises < k}
    while True:
        before = set(hidden)
        for line in lines:
            # The line's last cell is its published total; protect_column works on the others.
            cells = {str(i): c for i, c in enumerate(line[:-1])}
            if not protect_column(cells, k, forced=[str(i) for i, c in enumerate(line[:-1]) if id(c) in hidden]):
                return False
            hidden |= {id(c) for c in line[:-1] if c.suppressed}
        if hidden == before:
            grid[-1][-1].suppressed = id(grid[-1][-1]) in hidden
            return True


def _margin(labels: Sequence[str], groups: list[list[StudyPlan]], k: int) -> tuple[tuple[str, int | str], ...]:
    """One line of totals (each 计划's, or each 状态's) against the grand total, or () when it cannot be protected."""
    cells = {label: _cell(group) for label, group in zip(labels, groups, strict=True)}
    if not protect_column(cells, k):
        return ()
    return tuple((label, shown(cell, k)) for label, cell in cells.items())


def study_figures(activities: Activities, statuses: Sequence[str], as_of: dt.date, k: int) -> StudyFigures:
    """Nominees with a 推荐日期 on or before the as-of date, by 计划 (in name order) and 状态 (in enum order)."""
    nominated = [p for p in activities.study_plans if p.nominated_on <= as_of]
    plans = sorted({p.plan for p in nominated})
    order = tuple(statuses) + tuple(sorted({p.status for p in nominated} - set(statuses)))
    by = [[p for p in nominated if p.plan == plan] for plan in plans] + [nominated]
    grid = [[_cell([p for p in group if p.status == s]) for s in order] + [_cell(group)] for group in by]
    withheld = bool(plans) and not protect_grid(grid, k)
    total = _cell(nominated)
    total.suppressed = 0 < total.count and total.enterprises < k
    rows: tuple[StudyRow, ...] = ()
    by_plan: tuple[tuple[str, int | str], ...] = ()
    by_status: tuple[tuple[str, int | str], ...] = ()
    if plans and not withheld:
        rows = tuple(StudyRow(plan, tuple(shown(c, k) for c in line))
                     for plan, line in zip([*plans, None], grid, strict=True))
    elif withheld and not total.suppressed:
        by_plan = _margin(plans, by[:-1], k)
        by_status = _margin(order, [[p for p in nominated if p.status == s] for s in order], k)
    return StudyFigures(as_of=as_of, k=k, statuses=order, rows=rows, withheld=withheld, by_plan=by_plan,
                        by_status=by_status, total=shown(total, k))
