"""The records of 政策推送 and 兑付 (issue 16), part of the typed workbook
(model.py, stage 3): kept apart only so that model.py stays a readable size.
Internal: no field of these records is ever shown on the public site."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyPush:
    """政策推送: an officer told an enterprise of a policy."""

    policy_id: str
    enterprise_id: str
    officer_id: str
    notified_on: dt.date
    method: str


@dataclass(frozen=True)
class Payment:
    """兑付: an enterprise's application under a policy, from 申报 to 拨付."""

    policy_id: str
    enterprise_id: str
    applied_on: dt.date
    status: str
    accepted_on: dt.date | None = None
    paid_on: dt.date | None = None
    amount: float | None = None  # yuan

    def paid_by(self, day: dt.date) -> bool:
        return self.paid_on is not None and self.paid_on <= day
