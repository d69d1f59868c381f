"""Issue 15, machine-readable: the Atom feed of new and changed policies and of
progress reports (``policies/feed.atom``) and the iCalendar files of 申报截止
(``policies/deadlines.ics``, one per category), read back with feedparser and
icalendar; linked from the policy list; only published policies; stable IDs;
hostile cells inert; scanned by the leak guard."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest
from conftest import build, write_workbook
from htmltree import article

from generator.pipeline import Built
from generator.render.environment import make_environment
from generator.render.feeds import FEED_ENTRIES, Entry, atom_feed, fold, ics_text, render_feeds
from generator.render.writer import PageWriter
from generator.schema import load_schema
from generator.site import leakguard

AS_OF = dt.date(2022, 12, 31)
HOSTILE = "</script><!-- --8<-- \"x\" [y](javascript:alert(1)) & <b>; a,b \\n"


def _policy(rows: dict[str, list[dict[str, Any]]], policy_id: str) -> dict[str, Any]:
    return next(p for p in rows["policies"] if p["policy_id"] == policy_id)


def _edit(rows: dict[str, list[dict[str, Any]]]) -> None:
    _policy(rows, "P0001").update(published="是", effective_from=dt.date(2022, 1, 1), effective_to=None,
                                  updated_on=AS_OF, update_note="申报截止延长至2023年1月31日",
                                  apply_from=dt.date(2022, 12, 1), apply_to=dt.date(2023, 1, 31))
    _policy(rows, "P0003").update(published="否", title="未发布的草稿政策甲", apply_to=dt.date(2022, 12, 20),
                                  apply_from=dt.date(2022, 12, 1), updated_on=AS_OF)
    _policy(rows, "P0006").update(published="是", effective_from=dt.date(2022, 1, 1), effective_to=None,
                                  title=f"政策{HOSTILE}", update_note=HOSTILE, updated_on=AS_OF,
                                  apply_from=dt.date(2022, 12, 1), apply_to=dt.date(2023, 2, 28))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    base = tmp_path_factory.mktemp("feeds")
    book = write_workbook(base / "book.xlsx", rows)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    return built.result.site_dir


def _feed(site: Path) -> Any:
    data = (site / "policies/feed.atom").read_bytes()
    parsed = feedparser.parse(data, response_headers={"content-location": "https://example.gov.cn/policies/feed.atom",
                                                  "content-type": "application/atom+xml; charset=utf-8"})
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def _events(path: Path) -> list[Any]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal["VERSION"] == "2.0" and cal["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    return list(cal.walk("VEVENT"))


def test_the_feed_parses_and_lists_new_and_changed_policies_and_reports(site: Path, built: Built) -> None:
    parsed = _feed(site)
    assert parsed.feed.title == "定海区暖企服务工程：惠企政策与工作进展更新"
    entries = parsed.entries
    assert 0 < len(entries) <= FEED_ENTRIES
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    updated = [e.updated_parsed for e in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    first = next(e for e in entries if e.link.endswith("/policies/P0001.html"))
    assert first.title == built.programme.policies["P0001"].title
    assert first.summary == "更新说明：申报截止延长至2023年1月31日"
    assert first.updated.startswith("2022-12-31T00:00:00+08:00")
    reports = [e for e in entries if "/progress/" in e.link]
    assert any(e.title == "工作进展月度分析：2022年12月" for e in reports)
    assert any(e.title.startswith("工作进展周报：") for e in reports)
    for e in entries:  # every link leads to a page of the site
        rel = e.link.removeprefix("https://example.gov.cn/")
        assert (site / rel).is_file(), rel


def test_only_published_policies_in_the_feed_and_calendars(site: Path) -> None:
    files = [site / "policies/feed.atom", *sorted((site / "policies").glob("*.ics"))]
    assert len(files) > 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "未发布的草稿政策甲" not in text and "P0003" not in text, path.name


def test_the_calendar_has_every_deadline_as_an_all_day_event(site: Path, built: Built) -> None:
    published = [p for p in built.programme.published_policies() if p.apply_to is not None]
    events = _events(site / "policies/deadlines.ics")
    assert len(events) == len(published) > 10
    by_summary = {str(e["SUMMARY"]): e for e in events}
    p1 = built.programme.policies["P0001"]
    e1 = by_summary[f"申报截止：{p1.title}"]
    assert e1.decoded("DTSTART") == dt.date(2023, 1, 31) and e1.decoded("DTEND") == dt.date(2023, 2, 1)
    assert str(e1["URL"]) == p1.online_url and str(e1["CATEGORIES"].cats[0]) == p1.category
    assert "申报时间：2022-12-01 至 2023-01-31" in str(e1["DESCRIPTION"])
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_one_calendar_per_category_with_the_same_uids(site: Path, built: Built) -> None:
    every = {str(e["UID"]): e for e in _events(site / "policies/deadlines.ics")}
    index = article(site / "policies/index.html")
    links = [a for a in index.find_all("a") if a.attrs.get("type") == "text/calendar"]
    assert links[0].text().startswith("全部政策") and links[0].attrs["href"] == "deadlines.ics"
    seen: dict[str, str] = {}
    for a in links[1:]:
        category = a.text().rsplit("（", 1)[0]
        for e in _events(site / "policies" / a.attrs["href"]):
            assert str(e["CATEGORIES"].cats[0]) == category
            uid = str(e["UID"])
            assert str(every[uid]["SUMMARY"]) == str(e["SUMMARY"])  # the same event, the same UID
            seen[uid] = category
    assert set(seen) == set(every)
    feed = index.find("a", type="application/atom+xml")
    assert feed.attrs["href"] == "feed.atom"


def test_hostile_cells_stay_text_in_the_feed_and_the_calendar(site: Path) -> None:
    raw = (site / "policies/feed.atom").read_text(encoding="utf-8")
    assert "</script>" not in raw and "<b>" not in raw and "<!--" not in raw
    entry = next(e for e in _feed(site).entries if e.link.endswith("/policies/P0006.html"))
    assert entry.title == f"政策{HOSTILE}" and entry.summary == f"更新说明：{HOSTILE}"
    assert entry.title_detail.type == "text/plain"
    event = next(e for e in _events(site / "policies/deadlines.ics") if "P0006" in str(e.get("URL", "")))
    assert str(event["SUMMARY"]) == f"申报截止：政策{HOSTILE}"


def test_ids_are_stable_when_a_policy_changes(tmp_path: Path, built: Built) -> None:
    programme, schema = built.programme, load_schema()
    published = sorted(programme.published_policies(), key=lambda p: p.policy_id)

    def write(policies: list[Any], folder: str) -> tuple[dict[str, str], dict[str, str]]:
        w = PageWriter(make_environment(), tmp_path / folder)
        render_feeds(w, policies, schema, built.progress, AS_OF)
        feed = feedparser.parse((tmp_path / folder / "policies/feed.atom").read_bytes())
        events = _events(tmp_path / folder / "policies/deadlines.ics")
        return ({e.link: e.id for e in feed.entries},
                {str(e["URL"]): str(e["UID"]) for e in events if "URL" in e})

    before = write(published, "a")
    changed = [dataclasses.replace(p, title=p.title + "（修订）", updated_on=AS_OF) if p.policy_id == "P0001" else p
               for p in published]
    after = write(changed, "b")
    assert before[0]["P0001.html"] == after[0]["P0001.html"]
    assert before[1] == after[1]
    again = write(published, "c")  # the same data, the same bytes
    assert (tmp_path / "a/policies/feed.atom").read_bytes() == (tmp_path / "c/policies/feed.atom").read_bytes()
    assert before == again


def test_ics_text_and_folding() -> None:
    assert ics_text("a;b,c\\d\ne\x0bf\x01") == "a\\;b\\,c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "申报截止" * 40
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_the_leak_guard_scans_the_feed_and_the_calendars(tmp_path: Path) -> None:
    assert {".atom", ".ics"} <= leakguard.SCANNED_SUFFIXES
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies/feed.atom").write_text("<feed><title>示例秘密企业有限公司</title></feed>", encoding="utf-8")
    (tmp_path / "policies/deadlines.ics").write_text("SUMMARY:示例秘密企业有限公司\r\n", encoding="utf-8")
    leaks = leakguard.scan(tmp_path, {"示例秘密企业有限公司": "企业!C2"})
    assert sorted(leak.page for leak in leaks) == ["policies/deadlines.ics", "policies/feed.atom"]


def test_characters_xml_cannot_hold_are_dropped_from_the_feed() -> None:
    day = dt.date(2022, 12, 1)
    entry = Entry("urn:uuid:00000000-0000-5000-8000-000000000000", "甲\x0b乙\x01丙\ufffe丁", "P1.html", day, day,
                  "说明\x0c", "其他")
    parsed = feedparser.parse(atom_feed([entry], load_schema()).encode("utf-8"),
                              response_headers={"content-type": "application/atom+xml"})
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title == "甲乙丙丁" and parsed.entries[0].summary == "说明"
