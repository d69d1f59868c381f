"""The sample's 政策推送 and 兑付: each officer tells some of the enterprises paired
with them of a few published policies that apply to them (by the finder's own
matching, so the sample raises no warning), and some of those enterprises apply;
most applications are paid, a few are refused, and some still wait, a few of
them past the policy's 承诺期限. A random stream of its own, so the other sheets'
cells do not change."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ...check.matching import ANSWERED, Firm, Offer, Requirement, fit
from ...schema import WorkbookSchema
from .ledgers import Rows
from .vocabulary import YEAR_END

POLICIES_PER_PAIR = (0, 3)  # policies an officer tells one enterprise of, at most
CANDIDATES = 8  # policies drawn for one pair, of which those that apply are told
APPLY_SHARE = 0.45  # of the enterprises told, those that apply
METHOD_WEIGHTS = (4, 5, 1, 3, 2, 1)  # 上门, 电话, 短信, 微信, 会议, 其他 (push_methods, in order)


def _items(cell: Any) -> tuple[str, ...]:
    return tuple(s for s in str(cell).split("、") if s) if cell else ()


def _offers(policies: Rows, conditions: Rows, schema: WorkbookSchema) -> dict[str, Offer]:
    asked: dict[str, list[Requirement]] = {}
    for c in conditions:
        condition = schema.roles["condition"].role_of(c["condition"]) or ""
        test = schema.roles["comparison"].role_of(c["comparison"]) or ""
        asked.setdefault(c["policy_id"], []).append(Requirement(condition, test, c["min"], c["max"]))
    return {p["policy_id"]: Offer(_items(p["industries"]), _items(p["sizes"]), _items(p["towns"]),
                                  tuple(asked.get(p["policy_id"], ()))) for p in policies}


def _firm(e: dict[str, Any]) -> Firm:
    answers = tuple((role, e[name] == "是") for role, name in ANSWERED.items())
    return Firm(e["industry"], e["size"], e["town"], answers)


def _payment(rng: random.Random, push: dict[str, Any], policy: dict[str, Any], statuses: dict[str, str]) -> dict[str, Any]:
    applied = min(YEAR_END, push["notified_on"] + dt.timedelta(days=rng.randint(3, 40)))
    days = policy.get("promised_days") or 20
    roll = rng.random()
    accepted = applied + dt.timedelta(days=rng.randint(1, 7)) if roll >= 0.12 else None
    # Calendar days at about 7/5 of the working days promised; some are late on purpose.
    paid = accepted + dt.timedelta(days=rng.randint(3, days * 7 // 5 + 10)) if accepted and roll >= 0.3 else None
    if accepted and accepted > YEAR_END:
        accepted = paid = None
    if paid and paid > YEAR_END:
        paid = None
    status = statuses["paid"] if paid else statuses["accepted"] if accepted else statuses["applied"]
    if accepted and not paid and rng.random() < 0.25:
        status = statuses["rejected"]
    cap = policy.get("support_cap") or 200_000
    amount = rng.randrange(5, max(6, int(cap) // 1000 + 1)) * 1000 if paid or rng.random() < 0.5 else None
    return {"policy_id": push["policy_id"], "enterprise_id": push["enterprise_id"], "applied_on": applied,
            "accepted_on": accepted, "paid_on": paid, "amount": amount, "status": status}


def delivery(seed: int, schema: WorkbookSchema, policies: Rows, conditions: Rows, enterprises: Rows,
             assignments: Rows) -> dict[str, Rows]:
    """Rows of 政策推送 and 兑付, when the schema declares both sheets."""
    if not {"policy_pushes", "payments"} <= {s.name for s in schema.sheets} or "payment_status" not in schema.roles:
        return {}
    rng = random.Random(f"{seed}-delivery")
    current = [p for p in policies if p["published"] == "是" and (p["effective_to"] is None or p["effective_to"] >= YEAR_END)]
    offers = _offers(current, conditions, schema)
    firms = {e["enterprise_id"]: _firm(e) for e in enterprises}
    methods = list(schema.enums["push_methods"])
    statuses = schema.roles["payment_status"].values
    weights = METHOD_WEIGHTS if len(methods) == len(METHOD_WEIGHTS) else None
    pushes: Rows = []
    payments: Rows = []
    for a in assignments:
        if a["end_on"] is not None and a["end_on"] < YEAR_END:
            continue
        # A few policies drawn, those that apply kept: not every policy against every pair (a province has 55,000).
        drawn = rng.sample(current, min(len(current), CANDIDATES))
        fitting = [p for p in drawn if fit(offers[p["policy_id"]], firms[a["enterprise_id"]]).matches]
        for policy in fitting[:rng.randint(*POLICIES_PER_PAIR)]:
            start = max(a["start_on"], policy["effective_from"])
            if start >= YEAR_END:
                continue
            push = {"policy_id": policy["policy_id"], "enterprise_id": a["enterprise_id"], "officer_id": a["officer_id"],
                    "notified_on": start + dt.timedelta(days=rng.randrange((YEAR_END - start).days)),
                    "method": rng.choices(methods, weights=weights)[0]}
            pushes.append(push)
            if rng.random() < APPLY_SHARE:
                payments.append(_payment(rng, push, policy, statuses))
    return {"policy_pushes": pushes, "payments": payments}
