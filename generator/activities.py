"""The records of 活动, 参加人员 and 研修计划 (issue 18), part of the typed
workbook (model.py, stage 3): kept apart only so that model.py stays a readable
size. 活动 is public; a 参加人员 or 研修计划 row is internal and is never shown
on the public site (only counts of 研修计划, under the threshold rule)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Event:
    """活动: a training class, study class, 交流营, 座谈会 …"""

    event_id: str
    kind: str
    name: str
    held_on: dt.date
    place: str
    organiser: str  # a 部门编号
    ends_on: dt.date | None = None
    attendance: int | None = None

    @property
    def last_day(self) -> dt.date:
        return self.ends_on or self.held_on


@dataclass(frozen=True)
class EventParticipant:
    """参加人员: one enterprise or one officer at one event (exactly one of the two codes)."""

    event_id: str
    enterprise_id: str | None = None
    officer_id: str | None = None


@dataclass(frozen=True)
class StudyPlan:
    """研修计划: one nominee of an enterprise to a plan such as MBA."""

    plan: str
    enterprise_id: str
    nominated_on: dt.date
    status: str
    grant: float | None = None  # yuan


@dataclass
class Activities:
    """The three sheets together (each empty when the workbook lacks it)."""

    events: list[Event] = field(default_factory=list)
    participants: list[EventParticipant] = field(default_factory=list)
    study_plans: list[StudyPlan] = field(default_factory=list)

    @cached_property
    def _by_event(self) -> dict[str, list[EventParticipant]]:
        # Once, not a scan of every row per event: a province lists tens of thousands.
        out: dict[str, list[EventParticipant]] = {}
        for p in self.participants:
            out.setdefault(p.event_id, []).append(p)
        return out

    def participants_of(self, event_id: str) -> list[EventParticipant]:
        return self._by_event.get(event_id, [])
