"""政策推送 and 兑付 (issue 16, the sheets and the internal edition): their rules
(yuan, not 万元; no negative amount; 申报 ≤ 受理 ≤ 拨付; 已拨付 needs 拨付日期;
policy and enterprise exist; an enterprise the policy does not apply to warned),
each officer's printable push list, the 兑付 overdue in 督办, and nothing of
either sheet in the public edition."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import validate

AS_OF = dt.date(2022, 12, 31)
SHEETS = ("政策推送", "兑付")


def findings(path, schema, sheets=SHEETS):
    checked = validate([str(path)], AS_OF, schema)
    return [f for f in checked.report.findings if f.sheet in sheets]


def test_the_sample_pushes_and_payments_are_valid(make_workbook, schema, sample_rows):
    assert sample_rows["policy_pushes"] and sample_rows["payments"]
    assert findings(make_workbook(), schema) == []


@pytest.mark.parametrize("cell", ["12万元", "12万", "1.5 万元", "１２万元"])
def test_an_amount_in_wan_is_refused_and_never_read_as_yuan(make_workbook, schema, cell):
    path = make_workbook(lambda rows: rows["payments"][0].update(amount=cell))
    [f] = findings(path, schema)
    assert (f.code, f.severity, f.place) == ("amount_in_wan", "error", "兑付!F2")
    wan = 1.5 if "1.5" in cell else 12
    assert f.message == f"“{cell}”是以万元为单位填写的，而“金额（元）”以元为单位"
    assert f.hint == f"请以元为单位填写数字，例如 {int(wan * 10_000)}。"


def test_an_amount_in_yuan_is_read_as_yuan(make_workbook, schema):
    path = make_workbook(lambda rows: rows["payments"][0].update(amount="120,000"))
    assert findings(path, schema) == []
    checked = validate([str(path)], AS_OF, schema)
    assert checked.tables["payments"].value("amount", 0) == 120000


@pytest.mark.parametrize(("values", "code", "place"), [
    ({"amount": -5000}, "minimum", "兑付!F2"),
    ({"accepted_on": dt.date(2022, 1, 1)}, "not_before", "兑付!D2"),
    ({"paid_on": None, "status": "已拨付"}, "required_if", "兑付!E2"),
    ({"amount": None, "status": "已拨付"}, "required_if", "兑付!F2"),
    ({"policy_id": "P9999"}, "reference", "兑付!A2"),
    ({"enterprise_id": "E99999"}, "reference", "兑付!B2"),
    ({"status": "已到账"}, "enum", "兑付!G2"),
])
def test_a_wrong_payment_cell_is_named(make_workbook, schema, values, code, place):
    def edit(rows):
        paid = next(r for r in rows["payments"] if r["paid_on"])
        rows["payments"].remove(paid)
        rows["payments"].insert(0, {**paid, **values})

    assert (code, place) in [(f.code, f.place) for f in findings(make_workbook(edit), schema)]


def test_paid_before_accepted_is_an_error_at_the_paid_date(make_workbook, schema):
    def edit(rows):
        paid = next(r for r in rows["payments"] if r["paid_on"])
        paid["paid_on"] = paid["accepted_on"] - dt.timedelta(days=1)
        rows["payments"].remove(paid)
        rows["payments"].insert(0, paid)

    [f] = findings(make_workbook(edit), schema)
    assert (f.code, f.place) == ("not_before", "兑付!E2")


@pytest.mark.parametrize(("values", "code", "place"), [
    ({"policy_id": "P9999"}, "reference", "政策推送!A2"),
    ({"enterprise_id": "E99999"}, "reference", "政策推送!B2"),
    ({"officer_id": "O9999"}, "reference", "政策推送!C2"),
    ({"method": "邮寄"}, "enum", "政策推送!E2"),
    ({"notified_on": dt.date(2023, 2, 1)}, "not_after_as_of", "政策推送!D2"),
])
def test_a_wrong_push_cell_is_named(make_workbook, schema, values, code, place):
    path = make_workbook(lambda rows: rows["policy_pushes"][0].update(values))
    assert (code, place) in [(f.code, f.place) for f in findings(path, schema)]


def _unfit_pair(rows):
    """A policy that names its industries and an enterprise outside them."""
    policy = next(p for p in rows["policies"] if p["industries"] and p["published"] == "是")
    allowed = policy["industries"].split("、")
    firm = next(e for e in rows["enterprises"] if e["industry"] not in allowed)
    return policy, firm


def test_an_enterprise_the_policy_does_not_apply_to_is_warned(make_workbook, schema, sample_rows):
    policy, firm = _unfit_pair(sample_rows)

    def edit(rows):
        rows["policy_pushes"][0].update(policy_id=policy["policy_id"], enterprise_id=firm["enterprise_id"])
        rows["payments"][0].update(policy_id=policy["policy_id"], enterprise_id=firm["enterprise_id"])

    found = findings(make_workbook(edit), schema)
    assert [(f.code, f.severity, f.place) for f in found] == [
        ("not_eligible", "warning", "政策推送!B2"), ("not_eligible", "warning", "兑付!B2")]
    assert found[0].message.startswith(
        f"{firm['enterprise_id']} 不符合政策 {policy['policy_id']} 的适用范围：适用行业")


def test_an_enterprise_failing_a_condition_it_answers_is_warned(make_workbook, schema, sample_rows):
    """规上 is the 申报条件 the 企业 sheet answers (规上企业); 成立年限 and the like it does not."""
    policy_id = next(p["policy_id"] for p in sample_rows["policies"]
                     if not p["industries"] and not p["sizes"] and not p["towns"] and p["published"] == "是")
    firm = next(e for e in sample_rows["enterprises"] if e["above_scale"] == "否")

    def edit(rows):
        rows["policy_conditions"] = [c for c in rows["policy_conditions"] if c["policy_id"] != policy_id] + [
            {"policy_id": policy_id, "condition": "规上", "comparison": "是"},
            {"policy_id": policy_id, "condition": "员工人数", "comparison": "≥", "min": 10}]
        rows["policy_pushes"][0].update(policy_id=policy_id, enterprise_id=firm["enterprise_id"])

    found = findings(make_workbook(edit), schema)
    assert {f.code for f in found} == {"not_eligible"}  # the other rows of that policy too, if not 规上
    [f] = [f for f in found if f.place == "政策推送!B2"]
    assert f.message.endswith("的适用范围：规上：是")
