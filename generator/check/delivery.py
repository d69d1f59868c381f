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
from .tables import Row, Table

DELIVERY_SHEETS = ("policy_pushes", "payments")


def offers(tables: Tables, schema: WorkbookSchema) -> dict[str, Offer]:
    """Policy ID -> what it asks, from the typed 政策 and 申报条件 rows (unreadable cells left out)."""
    conditions, comparisons = schema.roles["condition"], schema.roles["comparison"]
    asked: dict[str, list[Requirement]] = {}
    table = tables.get("policy_conditions")
    for row in table.rows if table is not None else []:
        v = row.values
        condition, test = conditions.role_of(v.get("condition")), comparisons.role_of(v.get("comparison"))
        if condition is None or test is None or row.bad & {"condition", "comparison", "min", "max"}:
            continue
        bounds = "–".join(f"{n:g}" for n in (v.get("min"), v.get("max")) if n is not None)
        text = f"{v['condition']}{'：' if not bounds else ' '}{v['comparison']}{(' ' + bounds) if bounds else ''}"
        asked.setdefault(v["policy_id"], []).append(Requirement(condition, test, v.get("min"), v.get("max"), text))
    out = {}
    policies = tables.get("policies")
    for row in policies.rows if policies is not None else []:
        industries, sizes, towns = (tuple(_known(row, name) or ()) for name in ("industries", "sizes", "towns"))
        out[row.values["policy_id"]] = Offer(industries, sizes, towns, tuple(asked.get(row.values["policy_id"], ())))
    return out


def _known(row: Row, name: str) -> Any:
    return None if name in row.bad else row.values.get(name)


def firms(tables: Tables) -> dict[str, Firm]:
    """Enterprise ID -> what the 企业 sheet says of it (a cell that could not be read is unknown)."""
    table = tables.get("enterprises")
    out = {}
    for row in table.rows if table is not None else []:
        answers = tuple((role, answer) for role, name in ANSWERED.items()
                        if isinstance(answer := _known(row, name), (bool, int, float)))
        out[row.values["enterprise_id"]] = Firm(_known(row, "industry"), _known(row, "size"), _known(row, "town"),
                                                answers)
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
    for index, row in enumerate(table.rows):
        policy_id, enterprise_id = row.values.get("policy_id"), row.values.get("enterprise_id")
        offer, firm = by_policy.get(policy_id or ""), by_firm.get(enterprise_id or "")
        if offer is None or firm is None or row.bad & {"policy_id", "enterprise_id"}:
            continue  # a missing policy or enterprise is the foreign key's error
        found = fit(offer, firm)
        if found.matches:
            continue
        reasons = [titles.get(name, name) for name in found.outside] + [r.text for r in found.failed]
        add_finding(report, table, index, "enterprise_id", "not_eligible", severity=WARNING,
                    policy_value=policy_id, reasons="、".join(reasons))
