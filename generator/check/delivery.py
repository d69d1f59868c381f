"""政策推送 and 兑付: the check no declared rule expresses. An enterprise told of a
policy, or paid under it, that the policy does not apply to (outside its 适用行业,
适用规模 or 适用镇街, or failing a 申报条件 its 企业 row answers) is warned at
the row's 企业编号, by the finder's own matching (matching.py). A policy or an
enterprise that does not exist is the foreign key's error, not this."""

from __future__ import annotations

from typing import Any

from ..schema import WorkbookSchema
from .frames import Tables, add_finding
from .matching import ANSWERED, Firm, Offer, Requirement, fit
from .report import WARNING, Report
from .tables import Table

DELIVERY_SHEETS = ("policy_pushes", "payments")


def _column(table: Table, name: str) -> list[Any]:
    """A field's values, None where its cell could not be read (rules skip those), a list as a tuple."""
    values = table.col(name).to_list()
    bad = table.bad_col(name).to_list()
    return [None if b else (tuple(v) if isinstance(v, list) else v) for v, b in zip(values, bad, strict=True)]


def offers(tables: Tables, schema: WorkbookSchema) -> dict[str, Offer]:
    """Policy ID -> what it asks, from the typed 政策 and 申报条件 columns (unreadable cells left out).
    Column by column: the check stage makes no row objects (Table.records is the model's)."""
    conditions, comparisons = schema.roles["condition"], schema.roles["comparison"]
    asked: dict[str, list[Requirement]] = {}
    table = tables.get("policy_conditions")
    if table is not None:
        asks = ("policy_id", "condition", "comparison", "min", "max")
        unreadable = (table.bad_col("min") | table.bad_col("max")).to_list()
        rows = zip(*(_column(table, n) for n in asks), unreadable, strict=True)
        for policy_id, said, compared, low, high, bad_bound in rows:
            condition, test = conditions.role_of(said), comparisons.role_of(compared)
            if policy_id is None or condition is None or test is None or bad_bound:
                continue
            bounds = "–".join(f"{n:g}" for n in (low, high) if n is not None)
            text = f"{said}{'：' if not bounds else ' '}{compared}{(' ' + bounds) if bounds else ''}"
            asked.setdefault(policy_id, []).append(Requirement(condition, test, low, high, text))
    out = {}
    policies = tables.get("policies")
    if policies is not None:
        names = ("policy_id", "industries", "sizes", "towns")
        for policy_id, industries, sizes, towns in zip(*(_column(policies, n) for n in names), strict=True):
            if policy_id is not None:
                out[policy_id] = Offer(industries or (), sizes or (), towns or (), tuple(asked.get(policy_id, ())))
    return out


def firms(tables: Tables) -> dict[str, Firm]:
    """Enterprise ID -> what the 企业 sheet says of it (a cell that could not be read is unknown)."""
    table = tables.get("enterprises")
    if table is None:
        return {}
    answered = {role: _column(table, name) for role, name in ANSWERED.items()}
    out = {}
    columns = zip(*(_column(table, n) for n in ("enterprise_id", "industry", "size", "town")), strict=True)
    for index, (enterprise_id, industry, size, town) in enumerate(columns):
        if enterprise_id is None:
            continue
        answers = tuple((role, answer) for role, values in answered.items()
                        if isinstance(answer := values[index], (bool, int, float)))
        out[enterprise_id] = Firm(industry, size, town, answers)
    return out


def check_delivery(tables: Tables, report: Report, schema: WorkbookSchema) -> None:
    present = [tables[name] for name in DELIVERY_SHEETS if name in tables]
    if not present:
        return
    by_policy, by_firm = offers(tables, schema), firms(tables)
    for table in present:
        _unfit(table, report, by_policy, by_firm, tables["policies"] if "policies" in tables else None)


def _unfit(table: Table, report: Report, by_policy: dict[str, Offer], by_firm: dict[str, Firm],
           policies: Table | None) -> None:
    titles = {f.name: f.title for f in policies.schema.fields} if policies is not None else {}
    pairs = zip(_column(table, "policy_id"), _column(table, "enterprise_id"), strict=True)
    for index, (policy_id, enterprise_id) in enumerate(pairs):
        offer, firm = by_policy.get(policy_id or ""), by_firm.get(enterprise_id or "")
        if offer is None or firm is None:
            continue  # a missing policy or enterprise is the foreign key's error; an unreadable cell, the cell's
        found = fit(offer, firm)
        if found.matches:
            continue
        reasons = [titles.get(name, name) for name in found.outside] + [r.text for r in found.failed]
        add_finding(report, table, index, "enterprise_id", "not_eligible", severity=WARNING,
                    policy_value=policy_id, reasons="、".join(reasons))
