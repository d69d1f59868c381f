"""Issue 15, 办事指南 fields of 政策: 设定依据 and its link, 申报开始/申报截止 (the
deadline as a countdown as of the build), 扶持标准/扶持上限, 收费, 法定/承诺期限,
办理地点/时间, 监督电话, 常见问题, 附件, 更新日期/说明. Optional columns (an older
workbook without them builds), checked at their cells, shown on the policy page
only where filled, inert whatever a cell holds; and the page's schema.org
GovernmentService JSON-LD, on both engines."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import build, validate, write_workbook
from htmltree import Node, article, parse

from generator.pipeline import Built
from generator.schema import load_schema
from generator.workbook.template import build_template

AS_OF = dt.date(2022, 12, 31)
GUIDE_COLUMNS = ["设定依据", "设定依据链接", "申报开始", "申报截止", "扶持标准", "扶持上限", "收费", "法定期限",
                 "承诺期限", "办理地点", "办理时间", "监督电话", "常见问题", "附件名称", "附件链接", "更新日期",
                 "更新说明"]
GUIDE_FIELDS = ["basis", "basis_url", "apply_from", "apply_to", "support_standard", "support_cap", "fee",
                "legal_days", "promised_days", "venue", "office_hours", "complaint_phone", "faq",
                "attachment_name", "attachment_url", "updated_on", "update_note"]
HOSTILE = "</script><script>alert(1)</script><!-- --8<-- \"/etc/passwd\" [x](javascript:alert(1)) {{ 7*7 }}"


def _policy(rows: dict[str, list[dict[str, Any]]], policy_id: str) -> dict[str, Any]:
    return next(p for p in rows["policies"] if p["policy_id"] == policy_id)


def _edit(rows: dict[str, list[dict[str, Any]]]) -> None:
    for pid in ("P0001", "P0002", "P0003", "P0005", "P0006"):
        _policy(rows, pid).update(published="是", effective_from=dt.date(2022, 1, 1), effective_to=None)
    _policy(rows, "P0001").update(
        basis="《定海区稳岗若干意见》第三条", basis_url="https://www.example.gov.cn/doc/1.html",
        apply_from=dt.date(2022, 11, 1), apply_to=AS_OF + dt.timedelta(days=12),
        support_standard="按实际缴纳失业保险费的50%返还", support_cap=500000, fee="不收费",
        legal_days=20, promised_days=7, venue="定海区行政服务中心二楼综合窗口",
        office_hours="工作日 8:30-12:00，14:00-17:30", complaint_phone="0580-2012345",
        faq="问：可以线上申报吗？\n答：可以。", attachment_name="申请表.docx",
        attachment_url="https://www.example.gov.cn/files/apply.docx",
        updated_on=dt.date(2022, 12, 1), update_note="截止日期延长", phone="0580-2022003",
        online_url="https://zwfw.example.gov.cn/apply/P0001",
    )
    _policy(rows, "P0002").update(apply_from=None, apply_to=AS_OF, support_cap=12345.5)
    _policy(rows, "P0003").update(apply_from=dt.date(2022, 3, 1), apply_to=dt.date(2022, 6, 30))
    _policy(rows, "P0005").update(**dict.fromkeys(GUIDE_FIELDS))  # no guide at all
    _policy(rows, "P0006").update(  # hostile text in every new text column
        basis=HOSTILE, support_standard=HOSTILE, fee=HOSTILE, venue=HOSTILE, office_hours=HOSTILE,
        faq=HOSTILE, attachment_name=HOSTILE, update_note=HOSTILE, title=f"政策{HOSTILE}", basis_url=None,
        apply_from=dt.date(2023, 2, 1), apply_to=dt.date(2023, 3, 1),
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, sample_rows) -> Built:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    base = tmp_path_factory.mktemp("guide")
    book = write_workbook(base / "book.xlsx", rows)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    return built.result.site_dir


def _guide(page: Node) -> dict[str, Node]:
    heading = next(h for h in page.find_all("h2") if h.text() == "办事指南")
    parent = heading.parent
    assert parent is not None
    after = parent.children[parent.children.index(heading):]
    table = next(c for c in after if isinstance(c, Node) and c.tag == "table")
    assert table.find_all("thead") == []  # no "项目 | 内容" header row: each row's th names it
    return {tr.find("th").text(): tr.find("td") for tr in table.find_all("tr")}


def _jsonld(path: Path) -> dict[str, Any]:
    scripts = parse(path).find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0].text())
    return data


def test_the_columns_are_in_the_schema_and_the_template() -> None:
    sheet = load_schema().sheet("policies")
    titles = {f.title: f for f in sheet.fields}
    for title, name in zip(GUIDE_COLUMNS, GUIDE_FIELDS, strict=True):
        assert titles[title].name == name and not titles[title].required
    kinds = {f.name: f.kind for f in sheet.fields}
    assert (kinds["basis_url"], kinds["attachment_url"], kinds["complaint_phone"]) == ("url", "url", "phone")
    assert (kinds["apply_from"], kinds["support_cap"], kinds["legal_days"]) == ("date", "decimal", "integer")
    headers = [c.value for c in build_template()["政策"][1]]
    assert all(t in headers for t in GUIDE_COLUMNS)


def test_the_guide_shows_every_filled_field(site: Path, built: Built) -> None:
    page = article(site / "policies/P0001.html")
    rows = _guide(page)
    assert list(rows) == ["设定依据", "申报时间", "扶持标准", "扶持上限", "收费", "法定期限", "承诺期限", "办理地点",
                          "办理时间", "监督电话", "附件", "更新日期", "更新说明"]
    assert rows["设定依据"].text() == "《定海区稳岗若干意见》第三条 查看原文"
    assert rows["设定依据"].find("a").attrs["href"] == "https://www.example.gov.cn/doc/1.html"
    assert rows["申报时间"].text() == "2022年11月1日 至 2023年1月12日（还有 12 天截止）"
    assert rows["扶持上限"].text() == "50 万元"
    assert rows["法定期限"].text() == "20 个工作日" and rows["承诺期限"].text() == "7 个工作日"
    assert rows["监督电话"].find("a").attrs["href"] == "tel:0580-2012345"
    link = rows["附件"].find("a")
    assert (link.text(), link.attrs["href"]) == ("申请表.docx", "https://www.example.gov.cn/files/apply.docx")
    assert rows["更新日期"].text() == "2022年12月1日" and rows["更新说明"].text() == "截止日期延长"
    faq = next(h for h in page.find_all("h3") if h.text() == "常见问题")
    assert faq.parent is not None
    # The deadline also near the top, as a countdown with the date.
    note = page.find("div", "admonition")
    assert note.find("p", "admonition-title").text() == "还有 12 天截止"
    assert "申报截止：2023年1月12日" in note.text()


def test_the_countdown_today_closed_and_not_yet_open(site: Path) -> None:
    def countdown(pid: str) -> str:
        return _guide(article(site / f"policies/{pid}.html"))["申报时间"].text()

    assert countdown("P0002") == "即日 至 2022年12月31日（今天截止）"
    assert countdown("P0003") == "2022年3月1日 至 2022年6月30日（已截止）"
    assert _guide(article(site / "policies/P0002.html"))["扶持上限"].text() == "12,345.50 元"
    titles = {pid: article(site / f"policies/{pid}.html").find("p", "admonition-title").text()
              for pid in ("P0002", "P0003", "P0006")}
    assert titles == {"P0002": "今天截止", "P0003": "本期申报已截止", "P0006": "申报尚未开始"}


def test_a_policy_without_a_guide_shows_no_section(site: Path) -> None:
    page = article(site / "policies/P0005.html")
    assert "办事指南" not in [h.text() for h in page.find_all("h2")]
    assert not page.find_all("div", "admonition")


def test_government_service_json_ld(site: Path, built: Built) -> None:
    programme = built.programme
    policy = programme.policies["P0001"]
    data = _jsonld(site / "policies/P0001.html")
    assert data["@context"] == "https://schema.org" and data["@type"] == "GovernmentService"
    assert data["name"] == policy.title and data["description"] == policy.benefit
    depts = {programme.departments[s.dept_id].name: programme.departments[s.dept_id] for s in policy.steps}
    providers = {p["name"]: p for p in data["provider"]}
    assert set(depts) <= set(providers)
    for name, d in depts.items():
        assert providers[name]["@type"] == "GovernmentOrganization"
        assert providers[name]["telephone"] == d.phone
        assert providers[name]["address"]["streetAddress"] == d.address
    assert data["areaServed"] == {"@type": "AdministrativeArea", "name": "浙江省舟山市定海区"}
    channel = data["availableChannel"]
    assert channel["serviceUrl"] == "https://zwfw.example.gov.cn/apply/P0001"
    assert channel["servicePhone"]["telephone"] == "0580-2022003"
    assert channel["serviceLocation"]["address"]["streetAddress"] == "定海区行政服务中心二楼综合窗口"
    assert channel["processingTime"] == "P7D"


def test_hostile_cells_stay_text_in_the_page_and_the_json_ld(site: Path) -> None:
    path = site / "policies/P0006.html"
    raw = path.read_text(encoding="utf-8")
    page = article(path)
    rows = _guide(page)
    for label in ("设定依据", "扶持标准", "收费", "办理地点", "办理时间", "附件", "更新说明"):
        assert rows[label].text().strip() == HOSTILE, label
        assert not rows[label].find_all("script") and not rows[label].find_all("a", href="javascript:alert(1)")
    assert HOSTILE in page.text()  # the FAQ too, as text
    assert "alert(1)</script>" not in raw.replace("<script>alert(1)</script>", "")
    assert not [s for s in parse(path).find_all("script") if "alert" in s.text() and s.attrs.get("type") != "application/ld+json"]
    assert "49" not in rows["收费"].text()  # no template ran
    ld_block = raw[raw.index('<script type="application/ld+json">'):]
    ld_text = ld_block[len('<script type="application/ld+json">'):ld_block.index("</script>")]
    assert "<" not in ld_text and ">" not in ld_text and "&" not in ld_text
    data = json.loads(ld_text)
    assert data["name"] == f"政策{HOSTILE}"
    assert data["availableChannel"]["serviceLocation"]["name"] == HOSTILE


@pytest.mark.parametrize(("field", "value", "code"), [
    ("basis_url", "javascript:alert(1)", "url"),
    ("attachment_url", "https://exa mple.com/x", "url"),
    ("support_cap", -5, "minimum"),
    ("legal_days", "二十", "integer"),
    ("complaint_phone", "12", "phone"),
    ("apply_to", dt.date(2022, 1, 1), "not_before"),
])
def test_bad_guide_cells_are_errors_at_their_cell(make_workbook, field: str, value: Any, code: str) -> None:
    def edit(rows: dict[str, list[dict[str, Any]]]) -> None:
        _policy(rows, "P0001").update({"apply_from": dt.date(2022, 3, 1), "apply_to": dt.date(2022, 9, 1), field: value})

    checked = validate([str(make_workbook(edit))], AS_OF)
    title = next(f.title for f in load_schema().sheet("policies").fields if f.name == field)
    found = [f for f in checked.report.errors if f.column == title]
    assert found, [(f.column, f.code) for f in checked.report.errors]
    assert found[0].sheet == "政策" and found[0].row == 2 and found[0].cell is not None
    assert found[0].code.startswith(code), found[0].code


def test_an_update_after_the_as_of_date_is_a_warning(make_workbook) -> None:
    book = make_workbook(lambda rows: _policy(rows, "P0001").update(updated_on=dt.date(2023, 2, 1)))
    checked = validate([str(book)], AS_OF)
    assert checked.report.ok
    assert [f.code for f in checked.report.warnings if f.column == "更新日期"] == ["updated_later"]


def test_a_workbook_without_the_columns_still_builds(tmp_path: Path, sample_rows) -> None:
    book = write_workbook(tmp_path / "old.xlsx", copy.deepcopy(sample_rows))
    wb = openpyxl.load_workbook(book)
    ws = wb["政策"]
    for col in sorted((c.column for c in ws[1] if c.value in GUIDE_COLUMNS), reverse=True):
        ws.delete_cols(col)
    wb.save(book)
    assert not {c.value for c in openpyxl.load_workbook(book)["政策"][1]} & set(GUIDE_COLUMNS)
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = article(tmp_path / "site/policies/P0001.html")
    assert "办事指南" not in [h.text() for h in page.find_all("h2")]
    assert built.programme.policies["P0001"].apply_to is None
    assert _jsonld(tmp_path / "site/policies/P0001.html")["@type"] == "GovernmentService"


@pytest.mark.parametrize("engine", ["zensical", "mkdocs"])
def test_both_engines_keep_the_guide_and_the_json_ld(tmp_path: Path, sample_rows, engine: str) -> None:
    rows = copy.deepcopy(sample_rows)
    _edit(rows)
    book = write_workbook(tmp_path / "book.xlsx", rows)
    build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs", engine=engine)
    page = tmp_path / "site/policies/P0001.html"
    assert _guide(article(page))["申报时间"].text().endswith("（还有 12 天截止）")
    assert _jsonld(page)["availableChannel"]["processingTime"] == "P7D"
    hostile = _jsonld(tmp_path / "site/policies/P0006.html")
    assert hostile["name"] == f"政策{HOSTILE}"
    # The feed and the calendars are copied as they are by either engine.
    assert (tmp_path / "site/policies/feed.atom").read_bytes() == (tmp_path / "docs/policies/feed.atom").read_bytes()
    assert (tmp_path / "site/policies/deadlines.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
