"""Which published policies are open on a day, and which enterprises each applies
to, by the policy finder's rules (check/matching.py ``fit``). The internal push
lists (render/views/delivery.py) and the published 已告知率 (money.py) both ask
here, so that the list an officer prints and the rate the site shows count the
same pairs."""

from __future__ import annotations

import datetime as dt

from ..check.matching import ANSWERED, Firm, Offer, Requirement
from ..model import Enterprise, Policy, Programme
from ..schema import WorkbookSchema


def offer_of(policy: Policy, schema: WorkbookSchema) -> Offer:
    conditions, comparisons = schema.roles["condition"], schema.roles["comparison"]
    asked = tuple(Requirement(conditions.role_of(c.condition) or "", comparisons.role_of(c.comparison) or "",
                              c.min, c.max, f"{c.condition} {c.comparison}") for c in policy.conditions)
    return Offer(policy.industries or (), policy.sizes or (), policy.towns or (), asked)


def firm_of(enterprise: Enterprise) -> Firm:
    answers = tuple((role, getattr(enterprise, name)) for role, name in ANSWERED.items())
    return Firm(enterprise.industry, enterprise.size, enterprise.town, answers)


def open_on(policy: Policy, day: dt.date) -> bool:
    """Published, in effect on ``day``, and its 申报 not closed."""
    return (policy.published and policy.effective_from <= day and not policy.expired_at(day)
            and not (policy.apply_to and policy.apply_to < day))


def open_policies(programme: Programme, day: dt.date | None = None) -> list[Policy]:
    """Published policies an enterprise can apply for on ``day`` (the as-of date by default),
    the most urgent first (申报 closing soonest, then those without a deadline, newest first)."""
    day = day or programme.as_of
    return sorted((p for p in programme.published_policies() if open_on(p, day)),
                  key=lambda p: (p.apply_to or dt.date.max, -p.effective_from.toordinal(), p.policy_id))
