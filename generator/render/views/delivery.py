"""政策推送 and 兑付 in the internal edition (issue 16): each officer's push list
(for every published, open policy, the officer's paired enterprises it applies to,
told or not yet told) and the 兑付 past the policy's 承诺期限 without 拨付 (督办).

Whether a policy applies to an enterprise is check/matching.py's ``fit``, the
policy finder's rules, which the validation's warning uses too. Internal only:
nothing here is imported by the public build."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ...check.matching import Firm, fit
from ...delivery import Payment, PolicyPush
from ...figures.eligibility import firm_of, offer_of, open_policies
from ...model import Enterprise, Officer, Policy, Programme
from ...schema import WorkbookSchema
from ..escape import slug

# An officer's printed list holds whole policies, the most urgent first, up to about this many
# rows (the first policy always): a province's officer has some 27 enterprises and hundreds of
# open policies apply to each, 23 million rows in all, which no one prints or reads. The
# rest are counted on the page, and the policy finder has them.
PUSH_LIST_ROWS = 200


@dataclass(frozen=True)
class PushRow:
    enterprise: Enterprise
    told: PolicyPush | None  # the first time anyone told it of the policy, by the as-of date
    met: int  # 申报条件 the 企业 sheet answers and the enterprise meets
    unknown: int  # 申报条件 to ask the enterprise about


@dataclass(frozen=True)
class PushPolicy:
    policy: Policy
    rows: tuple[PushRow, ...]  # by enterprise ID

    @property
    def untold(self) -> int:
        return sum(1 for r in self.rows if r.told is None)


@dataclass(frozen=True)
class PushList:
    officer: Officer
    policies: tuple[PushPolicy, ...]  # the most urgent with at least one of the officer's enterprises
    # Open policies after the last one listed, in order of urgency, not looked at (PUSH_LIST_ROWS):
    # the policy finder tells which apply. Matching every one for every officer is what a
    # province could not afford (2,000 policies, 50,000 enterprises).
    more: int = 0

    @property
    def page(self) -> str:
        return f"pushes/{slug(self.officer.officer_id)}.md"

    @property
    def total(self) -> int:
        return sum(len(p.rows) for p in self.policies)

    @property
    def untold(self) -> int:
        return sum(p.untold for p in self.policies)


def _first_told(programme: Programme) -> dict[tuple[str, str], PolicyPush]:
    out: dict[tuple[str, str], PolicyPush] = {}
    for push in sorted(programme.pushes, key=lambda p: (p.notified_on, p.officer_id)):
        if push.notified_on <= programme.as_of:
            out.setdefault((push.policy_id, push.enterprise_id), push)
    return out


def push_lists(programme: Programme, schema: WorkbookSchema) -> list[PushList]:
    """One list per officer in post with enterprises paired at the as-of date, by officer ID."""
    paired: dict[str, list[Enterprise]] = defaultdict(list)
    for a in programme.active_assignments():
        if a.enterprise_id in programme.enterprises:
            paired[a.officer_id].append(programme.enterprises[a.enterprise_id])
    told = _first_told(programme)
    policies = open_policies(programme)
    offers = [offer_of(p, schema) for p in policies]
    # Enterprises alike in what the 企业 sheet says share one answer per policy: a province
    # has tens of thousands of enterprises but a few thousand such profiles.
    fitting: dict[tuple[int, Firm], tuple[int, int] | None] = {}
    out = []
    for officer in sorted(programme.officers_in_post(), key=lambda o: o.officer_id):
        firms = sorted(paired.get(officer.officer_id, []), key=lambda e: e.enterprise_id)
        if not firms:
            continue
        profiles = [firm_of(e) for e in firms]
        shown: list[PushPolicy] = []
        count = 0
        examined = len(policies)
        for n, policy in enumerate(policies):  # in order of urgency, as far as the page goes
            rows: list[PushRow] = []
            for e, firm in zip(firms, profiles, strict=True):
                key = (n, firm)
                if key not in fitting:
                    f = fit(offers[n], firm)
                    fitting[key] = (f.met, f.unknown) if f.matches else None
                found = fitting[key]
                if found is not None:
                    rows.append(PushRow(e, told.get((policy.policy_id, e.enterprise_id)), *found))
            if not rows:
                continue
            if shown and count + len(rows) > PUSH_LIST_ROWS:
                examined = n
                break
            shown.append(PushPolicy(policy, tuple(rows)))
            count += len(rows)
        out.append(PushList(officer, tuple(shown), len(policies) - examined))
    return out


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start``, Monday to Friday (the sheet's 工作日;
    public holidays are not known here, so a deadline may fall a day or two early)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@dataclass(frozen=True)
class OverduePayment:
    payment: Payment
    policy: Policy
    enterprise: str  # its name, or its ID when it has no row
    officer: str  # the officer paired with it at the as-of date, "" when none
    due_on: dt.date  # 申报日期 + 承诺期限 (working days)
    overdue_days: int  # calendar days past due_on


def overdue_payments(programme: Programme, schema: WorkbookSchema) -> list[OverduePayment]:
    """兑付 applied for but neither paid nor refused by the as-of date, past the policy's
    承诺期限 (a policy without one is not judged); longest overdue first."""
    done = {schema.roles["payment_status"]["paid"], schema.roles["payment_status"]["rejected"]}
    officer_of = {a.enterprise_id: programme.officers[a.officer_id].name
                  for a in programme.active_assignments() if a.officer_id in programme.officers}
    out = []
    for p in programme.payments:
        policy = programme.policies.get(p.policy_id)
        if policy is None or policy.promised_days is None or p.status in done or p.paid_by(programme.as_of):
            continue
        due = add_working_days(p.applied_on, policy.promised_days)
        if due < programme.as_of:
            e = programme.enterprises.get(p.enterprise_id)
            out.append(OverduePayment(p, policy, e.name if e else p.enterprise_id, officer_of.get(p.enterprise_id, ""),
                                      due, (programme.as_of - due).days))
    out.sort(key=lambda o: (-o.overdue_days, o.payment.policy_id, o.payment.enterprise_id))
    return out
