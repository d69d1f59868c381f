"""The public pages of 研修助学 (issue 18): the events held (counts by 类型 and
month, participants, a list with date, place and organiser), the upcoming ones
with an iCalendar file of them (``activities/upcoming.ics``, after the as-of
date only), and the 研修计划 counts by 计划 and 状态 under the threshold rule
(figures/activities.py). No 参加人员 row and no 研修计划 row is ever shown, and
no enterprise is named.

The page is always written, so the navigation never points at a missing page;
without the sheets it says there is nothing to show yet. The calendar is always
written too: a subscription keeps one address whether or not events are due.
"""

from __future__ import annotations

import datetime as dt
import json

from ..activities import Event
from ..figures.activities import EventFigures, StudyFigures, event_figures, study_figures
from ..figures.suppression import threshold
from ..model import Programme
from ..schema import WorkbookSchema
from .feeds import ics_calendar, ics_text, stable_uid
from .views.ledgers import enum_of
from .writer import PageWriter

CALENDAR_PATH = "activities/upcoming.ics"


def _vevent(e: Event, schema: WorkbookSchema, organiser: str) -> list[str]:
    """An all-day event from 日期 to 结束日期 (DTEND is the day after, RFC 5545 3.6.1)."""
    return [
        "BEGIN:VEVENT",
        f"UID:{stable_uid(schema, 'event/' + e.event_id)}@nuanqi",
        # The as-of date would change every event each day; the event's own date does not.
        f"DTSTAMP:{e.held_on.strftime('%Y%m%dT000000Z')}",
        f"DTSTART;VALUE=DATE:{e.held_on.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(e.last_day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{ics_text(e.name)}",
        f"LOCATION:{ics_text(e.place)}",
        f"DESCRIPTION:{ics_text(chr(10).join([e.kind, '主办：' + organiser]))}",
        f"CATEGORIES:{ics_text(e.kind)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def upcoming_calendar(figures: EventFigures, programme: Programme, schema: WorkbookSchema) -> str:
    names = {d.dept_id: d.name for d in programme.departments.values()}
    events = (_vevent(e, schema, names.get(e.organiser, e.organiser)) for e in figures.upcoming)
    return ics_calendar(schema, f"{schema.title}：活动安排", figures.as_of, events, product="activities")


def _open_data(events: EventFigures, study: StudyFigures, present: bool) -> dict[str, object]:
    """The published counts, suppressed cells as shown (a string)."""
    return {
        "as_of": events.as_of.isoformat(), "k": study.k, "has_sheets": present,
        "events_held": events.total, "participants": events.total_participants,
        "by_kind": events.by_kind, "by_month": events.by_month,
        "study_plans": {
            "statuses": list(study.statuses), "withheld": study.withheld, "total": study.total,
            "rows": [{"plan": r.plan, "cells": list(r.cells)} for r in study.rows],
            "by_plan": dict(study.by_plan), "by_status": dict(study.by_status),
        },
    }


def render_activities(w: PageWriter, programme: Programme, schema: WorkbookSchema) -> None:
    acts, as_of = programme.activities, programme.as_of
    events = event_figures(acts, enum_of(schema, "events", "kind"), as_of)
    study = study_figures(acts, enum_of(schema, "study_plans", "status"), as_of, threshold(schema))
    present = {"events", "study_plans"} & set(programme.columns)
    names = {d.dept_id: d.name for d in programme.departments.values()}
    w.page("activities/index.md.j2", "activities/index.md", events=events, study=study, organisers=names,
           has_events="events" in present, has_study="study_plans" in present)
    w.text(CALENDAR_PATH, upcoming_calendar(events, programme, schema))
    w.text("activities/index.json", json.dumps(_open_data(events, study, bool(present)), ensure_ascii=False, indent=1))
