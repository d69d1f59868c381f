"""Issue 15's finder with 申报条件, in Chromium at phone size (390 px): the
enterprise types its 员工人数 and picks a 是/否 flag, and every listed policy with
conditions shows "符合 n/m 项" as computed here straight from the example
workbook's 申报条件 tab (openpyxl, not the generator's reading of it); amount and
deadline shown; the page never scrolls sideways; on both engines."""

from __future__ import annotations

from typing import Any

import openpyxl

from generator.sources import EXAMPLE_WORKBOOK

from .conftest import ExampleSite, Visit


def _conditions_from_the_workbook() -> dict[str, list[dict[str, Any]]]:
    """申报条件 rows by 政策编号, read by header from the workbook file."""
    sheet = openpyxl.load_workbook(EXAMPLE_WORKBOOK, read_only=True, data_only=True)["申报条件"]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    out: dict[str, list[dict[str, Any]]] = {}
    for cells in rows:
        row = dict(zip(header, cells, strict=False))
        if row.get("政策编号") is not None:
            out.setdefault(str(row["政策编号"]), []).append(row)
    return out


def _met(row: dict[str, Any], profile: dict[str, Any]) -> bool:
    value = profile.get(row["条件"])
    if value is None:
        return False
    comparison, low, high = row["比较"], row["下限"], row["上限"]
    if comparison == "≥":
        return bool(value >= low)
    if comparison == "≤":
        return bool(value <= high)
    if comparison == "介于":
        return bool(low <= value <= high)
    return bool(value == comparison)  # 是 / 否


def _cn(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _shown(page: Any) -> dict[str, tuple[str | None, str]]:
    """Each listed policy: its "符合 n/m 项" (None without conditions) and its text."""
    items = page.locator("#policy-finder-results li").evaluate_all(
        "els => els.map(e => [e.dataset.policy, e.querySelector('.nq-finder__score')"
        " ? e.querySelector('.nq-finder__score').textContent : null, e.textContent])")
    return {pid: (score, text) for pid, score, text in items}


def _check(page: Any, site: ExampleSite, profile: dict[str, Any]) -> int:
    conditions = _conditions_from_the_workbook()
    programme = site.built.programme
    current = [p for p in programme.published_policies() if not p.expired_at(programme.as_of)]
    shown = _shown(page)
    assert sorted(shown) == sorted(p.policy_id for p in current)
    scored = 0
    for p in current:
        score, text = shown[p.policy_id]
        rows = conditions.get(p.policy_id, [])
        if rows:
            met = sum(1 for row in rows if _met(row, profile))
            assert score == f"符合 {met}/{len(rows)} 项", (p.policy_id, profile)
            scored += 1
        else:
            assert score is None, p.policy_id
        if p.support_cap is not None:
            cap = p.support_cap
            assert (f"扶持上限 {int(cap) // 10_000} 万元" if cap % 10_000 == 0 else "扶持上限 ") in text, text
        else:
            assert "扶持上限" not in text
        if p.apply_to is not None:
            closed = "（本期已截止）" if p.apply_to < programme.as_of else ""
            assert f"申报截止 {_cn(p.apply_to)}{closed}" in text
            assert closed or "本期已截止" not in text
    return scored


def test_the_finder_scores_the_conditions_at_phone_size(phone: Visit, example_site: ExampleSite) -> None:
    phone.goto("policies/finder.html")
    page = phone.page
    assert page.locator("#policy-finder").is_visible()
    # Nothing typed yet: every condition counts as not met.
    assert _check(page, example_site, {}) > 10
    employees = page.locator("#nq-c-employees")
    employees.scroll_into_view_if_needed()
    assert employees.is_visible() and page.get_by_label("员工人数（人）").count() == 1
    employees.press_sequentially("30")
    page.select_option("#nq-c-high_tech", value="yes")
    scored = _check(page, example_site, {"员工人数": 30, "高新技术企业": "是"})
    assert scored > 10
    # Another answer changes the scores at once (no button to press).
    employees.fill("")
    employees.press_sequentially("600")
    page.select_option("#nq-c-high_tech", value="no")
    _check(page, example_site, {"员工人数": 600, "高新技术企业": "否"})
    # Some policy is fully met or partly met: the scores are not all alike.
    scores = {score for score, _text in _shown(page).values() if score}
    assert len(scores) > 2, scores
    # The enterprise's answers stay in the browser: not in the address.
    assert "600" not in page.url and "high_tech" not in page.url
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    phone.screenshot(f"finder-conditions-phone-{example_site.engine}")
    assert phone.axe() == []
    phone.assert_clean()


def test_the_conditions_are_on_the_policy_page_without_javascript(browser: Any, site_url: str,
                                                                  example_site: ExampleSite) -> None:
    conditions = _conditions_from_the_workbook()
    programme = example_site.built.programme
    pid = next(p.policy_id for p in sorted(programme.published_policies(), key=lambda p: p.policy_id)
               if len(conditions.get(p.policy_id, [])) >= 2)
    ctx = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        page.goto(site_url + f"policies/{pid}.html")
        items = page.locator("article ul.nq-conditions li").all_inner_texts()
        assert len(items) == len(conditions[pid])
        for text, row in zip(items, conditions[pid], strict=True):
            assert text.startswith(str(row["条件"])) and str(row["比较"]) in text
        # The list fits the phone's width (Material's header without JavaScript is its own matter).
        right = page.evaluate("() => document.querySelector('article ul.nq-conditions').getBoundingClientRect().right")
        assert right <= 390, right
    finally:
        ctx.close()
