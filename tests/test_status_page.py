"""The public status page (办理进度查询): 256 script files of records sealed
under the receipt codes, keyed by the code's SHA-256; only assigned issues,
only status, department, deadline and 办结类型; inside the leak guard, which
opens every record and fails the build when one says something internal or
cannot be opened. The page itself, its form and its <noscript>."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import build
from htmltree import article, parse

from generator.errors import LeakError
from generator.render import receipts
from generator.render.receipts import code, lookup_id, parse_shard, shard_script, unseal
from generator.site.leakguard import scan
from generator.sources import EXAMPLE_WORKBOOK
from generator.sources.receipt_key import ReceiptKey

AS_OF = dt.date(2022, 12, 31)
SECRET = "status page test key, not a real one"
KEY = SECRET.encode()


def _build(base: Path, **fields: object) -> object:
    book = base / "book.xlsx"
    if not book.exists():
        shutil.copy(EXAMPLE_WORKBOOK, book)
    return build([str(book)], AS_OF, site_dir=base / "site", docs_dir=base / "docs", engine="mkdocs",
                 receipt_key=ReceiptKey(secret=SECRET), **fields)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    base = tmp_path_factory.mktemp("status")
    shutil.copytree(Path(__file__).parent.parent / "docs", base / "docs")
    return base, _build(base)


def _records(root: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((root / "status" / "records").glob("*.js")):
        records = parse_shard(path.read_text(encoding="utf-8"))
        assert records is not None, path
        assert all(lookup.startswith(path.stem) for lookup in records)
        found.update(records)
    return found


def test_every_assigned_issue_has_a_record_that_says_only_four_things(site: tuple[Path, object]) -> None:
    base, built = site
    programme = built.programme  # type: ignore[attr-defined]
    records = _records(base / "site")
    assert len(list((base / "site" / "status" / "records").glob("*.js"))) == 256
    assigned = [i for i in programme.issues if i.dept_id and i.reported_on <= AS_OF]
    assert len(records) == len(assigned)
    closed = 0
    for issue in assigned:
        c = code(KEY, issue.issue_id)
        record = unseal(c, records[lookup_id(c)])
        assert record is not None
        assert set(record) == {"status", "dept", "due", "closure"}
        assert record["status"] == issue.status
        assert record["dept"] == programme.departments[issue.dept_id].name
        assert record["due"] == (issue.due_on.isoformat() if issue.due_on else None)
        if issue.closed_on is not None:
            closed += 1
            assert record["closure"] == issue.closure_type
        else:
            assert record["closure"] is None
    assert closed > 0
    for issue in programme.issues:
        if not issue.dept_id:
            assert lookup_id(code(KEY, issue.issue_id)) not in records


def test_the_page_has_a_form_a_noscript_and_its_own_script(site: tuple[Path, object]) -> None:
    base, built = site
    page = base / "site" / "status" / "index.html"
    body = article(page)
    assert body.find("h1").text().strip() == "办理进度查询"
    form = body.find("form", id="nq-status-form")
    assert form.attrs.get("data-records") == "records/"
    assert body.find("label").attrs.get("for") == "nq-status-code"
    assert "启用 JavaScript" in body.find("noscript").text()
    assert "对照交办单" in body.find("div", id="nq-status-unknown").text()
    scripts = [s.attrs.get("src") for s in parse(page).find_all("script") if s.attrs.get("src")]
    assert "status.js" in scripts
    assert (base / "site" / "status" / "status.js").exists()
    home = parse(base / "site" / "index.html")
    assert any(a.attrs.get("href") == "status/index.html" for a in home.find_all("a"))


def test_the_leak_guard_fails_the_build_when_a_record_says_something_internal(
        site: tuple[Path, object], monkeypatch: pytest.MonkeyPatch) -> None:
    base, built = site
    programme = built.programme  # type: ignore[attr-defined]
    enterprise = next(e for e in programme.enterprises.values() if not e.publish_name)
    original = receipts.status_record

    def planted(issue, programme):  # type: ignore[no-untyped-def]
        record = original(issue, programme)
        return receipts.StatusRecord(record.status, enterprise.name, record.due, record.closure)

    monkeypatch.setattr(receipts, "status_record", planted)
    before = (base / "site" / "status" / "records" / "00.js").read_bytes()
    with pytest.raises(LeakError) as raised:
        _build(base)
    assert "status/records/" in str(raised.value)
    # Nothing was published.
    assert (base / "site" / "status" / "records" / "00.js").read_bytes() == before


def test_a_record_no_code_opens_is_a_leak(tmp_path: Path) -> None:
    folder = tmp_path / "status" / "records"
    folder.mkdir(parents=True)
    c = code(KEY, "Q000001")
    good = receipts.seal(c, {"status": "办理中", "dept": "区人社局", "due": None, "closure": None})
    stranger = "ab" + "0" * 62
    (folder / "ab.js").write_text(shard_script("ab", {stranger: good}), encoding="utf-8")
    leaks = scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed={lookup_id(c): c})
    assert [leak.value for leak in leaks] == [stranger]
    # With its own code the same record opens and is clean.
    lookup = lookup_id(c)
    (folder / "ab.js").write_text(shard_script("ab", {lookup: good}), encoding="utf-8")
    assert scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed={lookup: c}) == []
    planted = receipts.seal(c, {"status": "办理中", "dept": "某某机械有限公司", "due": None, "closure": None})
    (folder / "ab.js").write_text(shard_script("ab", {lookup: planted}), encoding="utf-8")
    leaks = scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed={lookup: c})
    assert [(leak.page, leak.origin) for leak in leaks] == [("status/records/ab.js", "企业名录!C2")]


def test_without_a_code_the_records_say_nothing_but_their_number(site: tuple[Path, object]) -> None:
    import re

    base, built = site
    programme = built.programme  # type: ignore[attr-defined]
    text = "".join(p.read_text(encoding="utf-8") for p in (base / "site" / "status" / "records").glob("*.js"))
    # Base64 has no dash and no Chinese: neither a date nor a word can appear by chance.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for word in [*(d.name for d in programme.departments.values()), "已销号", "办理中", "已交办", "已解决", "解释说明"]:
        assert word not in text


def test_a_records_file_with_anything_more_is_refused_whole(tmp_path: Path) -> None:
    folder = tmp_path / "status" / "records"
    folder.mkdir(parents=True)
    c = code(KEY, "Q000001")
    lookup = lookup_id(c)
    body = shard_script(lookup[:2], {lookup: receipts.seal(c, {"status": "办理中", "dept": "区人社局", "due": None,
                                                               "closure": None})})
    path = folder / f"{lookup[:2]}.js"
    path.write_text(body, encoding="utf-8")
    assert scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed={lookup: c}) == []
    path.write_text(body + "// 某某机械有限公司\n", encoding="utf-8")
    leaks = scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed={lookup: c})
    assert [leak.value for leak in leaks] == [f"status/records/{lookup[:2]}.js"]


def test_records_that_say_the_same_are_each_opened_and_each_a_leak(tmp_path: Path) -> None:
    """The scan reads what a record's bytes say once, but opens every record with
    its own code: the same internal text in two shards is a leak in both, and a
    copy of a good record under another code's lookup id does not open."""
    folder = tmp_path / "status" / "records"
    folder.mkdir(parents=True)
    planted = {"status": "办理中", "dept": "某某机械有限公司", "due": None, "closure": None}
    good = {"status": "办理中", "dept": "区人社局", "due": None, "closure": None}
    codes = [code(KEY, f"Q{n:06d}") for n in range(40)]
    by_shard: dict[str, list[str]] = {}
    for c in codes:
        by_shard.setdefault(lookup_id(c)[:2], []).append(c)
    first, second = (cs[0] for cs in list(by_shard.values())[:2])
    for c in (first, second):
        lookup = lookup_id(c)
        (folder / f"{lookup[:2]}.js").write_text(
            shard_script(lookup[:2], {lookup: receipts.seal(c, planted)}), encoding="utf-8")
    sealed = {lookup_id(c): c for c in (first, second)}
    leaks = scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed=sealed)
    assert sorted(leak.page for leak in leaks) == sorted(f"status/records/{lookup_id(c)[:2]}.js" for c in (first, second))
    # The second shard now holds the first code's good record under its own lookup id.
    lookup = lookup_id(second)
    (folder / f"{lookup[:2]}.js").write_text(
        shard_script(lookup[:2], {lookup: receipts.seal(first, good)}), encoding="utf-8")
    leaks = scan(tmp_path, {"某某机械有限公司": "企业名录!C2"}, sealed=sealed)
    assert [(leak.page, leak.value) for leak in leaks] == sorted([
        (f"status/records/{lookup_id(first)[:2]}.js", "某某机械有限公司"), (f"status/records/{lookup[:2]}.js", lookup)])
