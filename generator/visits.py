"""The records of 走访记录 (issue 18), part of the typed workbook (model.py,
stage 3): the officers' own log of days stationed in enterprises (驻企), visits
(走访) and calls (电话). Internal: no field of these records is ever shown on the
public site, and no public figure is grouped by officer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Visit:
    """走访记录: one entry of an officer's log."""

    officer_id: str
    enterprise_id: str
    visited_on: dt.date
    method: str
    hours: float | None = None
    matter: str | None = None
    issues_collected: int | None = None
