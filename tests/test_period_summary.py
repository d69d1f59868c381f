"""The sentences of a weekly or monthly report (issue 17: 月度分析 says in words
what changed against the period before): every number is a published one."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from conftest import build
from htmltree import article


@pytest.fixture(scope="module")
def site(tmp_path_factory, example_workbook):
    root = tmp_path_factory.mktemp("summary")
    build([str(example_workbook)], dt.date(2022, 12, 31), site_dir=root / "site", docs_dir=root / "docs",
          published_dir=root / "published", freeze="month")
    return root / "site"


def summary(site, kind: str, key: str) -> str:
    page = article(site / f"progress/{kind}/{key}.html")
    (heading,) = [h for h in page.find_all("h2") if h.text().strip() == "本期概况"]
    siblings = heading.parent.children
    return next(c for c in siblings[siblings.index(heading) + 1:] if not isinstance(c, str)).text()


def figures(site, kind: str, key: str) -> dict:
    return json.loads((site / f"progress/{kind}/{key}.json").read_text(encoding="utf-8"))


def test_a_month_is_compared_with_the_month_before(site):
    now, before = figures(site, "month", "2022-11"), figures(site, "month", "2022-10")
    f, b = now["figures"], before["figures"]
    text = summary(site, "month", "2022-11")
    assert text.startswith(f"本月新增问题 {f['issues_new']} 件，销号 {f['issues_closed']} 件；"
                           f"月末在办 {f['issues_open']} 件，其中超期未办结 {f['issues_overdue']} 件。")
    change = f["issues_new"] - b["issues_new"]
    word = "多" if change > 0 else "少"
    assert f"与上月（2022年10月）比，新增{word} {abs(change)} 件（" in text
    diff = round(f["closure_rate"] - b["closure_rate"], 1)
    phrase = "与上月末持平" if diff == 0 else f"比上月末{'提高' if diff > 0 else '下降'} {abs(diff):.1f} 个百分点"
    assert f"累计销号率 {f['closure_rate']:.1f}%（{phrase}）" in text
    assert f"问题化解率 {f['resolution_rate']:.1f}%" in text
    # a published month names its largest category, from its own table
    rows = now["tables"]["category"]["rows"]
    top = max(rows, key=lambda r: r["issues_new"])
    assert f"本月新增问题最多的类别是“{top['category']}”（{top['issues_new']} 件）" in text


def test_every_number_in_the_words_is_on_the_page(site):
    for path in sorted((site / "progress/week").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        text = summary(site, "week", data["period"]["key"])
        assert text.startswith(f"本周新增问题 {data['figures']['issues_new']} 件")
        published = {str(v) for v in data["figures"].values() if isinstance(v, int)}
        published |= {f"{v:.1f}" for v in data["figures"].values() if isinstance(v, float)}
        first = text.split("。")[0]
        assert set(re.findall(r"\d+(?:\.\d+)?", first)) <= published
        # weeks are not published (frozen) here: no table, so no category is named
        assert "类别" not in text


def test_the_first_period_has_nothing_to_compare(site):
    text = summary(site, "month", "2022-01")
    assert "与上月" not in text and "比上月" not in text
