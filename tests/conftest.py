"""Shared fixtures: real workbook files written with openpyxl, the example
workbook, and a CLI runner."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from generator import i18n
from generator.schema import load_schema
from generator.sources import EXAMPLE_WORKBOOK
from generator.workbook.sample import generate

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(autouse=True)
def _chinese_messages() -> None:
    i18n.set_language("zh")


@pytest.fixture(scope="session")
def schema():
    return load_schema()


@pytest.fixture(scope="session")
def example_workbook() -> Path:
    assert EXAMPLE_WORKBOOK.exists(), "run: python -m generator sample examples/dinghai-2022.xlsx"
    return EXAMPLE_WORKBOOK


def copy_example(target: Path) -> Path:
    """The example workbook copied to ``target``, with the photos its 照片 cells name beside it."""
    import shutil

    shutil.copy2(EXAMPLE_WORKBOOK, target)
    shutil.copytree(EXAMPLE_WORKBOOK.parent / "photos", target.parent / "photos", dirs_exist_ok=True)
    return target


@pytest.fixture(scope="session")
def sample_rows() -> dict[str, list[dict[str, Any]]]:
    """The district sample as rows per sheet key (fresh copies via ``rows``)."""
    return generate("district", 2022)


def write_workbook(path: Path, rows_by_sheet: dict[str, list[dict[str, Any]]], *, headers: dict[str, list[str]] | None = None) -> Path:
    """An xlsx with one tab per sheet, headers = the Chinese titles (or given)."""
    schema = load_schema()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in schema.sheets:
        if sheet.name not in rows_by_sheet:
            continue
        ws = book.create_sheet(sheet.title)
        keys = [f.name for f in sheet.fields]
        ws.append((headers or {}).get(sheet.name) or [f.title for f in sheet.fields])
        for row in rows_by_sheet[sheet.name]:
            ws.append([row.get(k) for k in keys])
    book.save(path)
    return path


@pytest.fixture
def make_workbook(tmp_path: Path, sample_rows) -> Callable[..., Path]:
    """Write the district sample, changed by ``edit(rows)``, to a fresh xlsx."""

    def make(edit: Callable[[dict[str, list[dict[str, Any]]]], None] | None = None, name: str = "book.xlsx") -> Path:
        rows = copy.deepcopy(sample_rows)
        if edit:
            edit(rows)
        return write_workbook(tmp_path / name, rows)

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# build_site on its own: a tiny MkDocs configuration and one page.


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(mkdocs.yml, docs folder, site folder) of a one-page site."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nuse_directory_urls: false\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    return config, docs, tmp_path / "site"


def render_page(text: str) -> Callable[[Path], list[Path]]:
    """A render step for build_site that writes ``text`` as the home page."""
    def render(stage_docs: Path) -> list[Path]:
        page = stage_docs / "index.md"
        page.write_text(text, encoding="utf-8")
        return [page]

    return render


def plant_hostile(rows: dict[str, list[dict[str, Any]]], texts: list[str]) -> None:
    """Put ``texts`` in turn into every public text column the site shows:
    department, officer, policy, step and key-project cells."""
    def pick(i: int) -> str:
        return texts[i % len(texts)]

    for i, d in enumerate(rows["departments"]):
        d["name"] = f"部门{i}{pick(i)}"
        d["address"] = pick(i + 1)
    for i, o in enumerate(rows["officers"]):
        o["home_unit"] = pick(i)
    for i, p in enumerate(rows["policies"]):
        p["title"] = f"政策{i}{pick(i)}"
        p["issuer"] = pick(i + 2)
        p["benefit"] = pick(i + 3)
        # the 办事指南 columns (issue 15): page, JSON-LD, feed and calendars
        p["basis"], p["venue"], p["faq"], p["update_note"] = pick(i + 4), pick(i + 5), pick(i + 6), pick(i + 7)
    for i, s in enumerate(rows["policy_steps"]):
        s["action"] = pick(i)
    for i, k in enumerate(rows.get("key_projects", [])):
        k["name"] = f"项目{i}{pick(i)}"
        k["lead"] = pick(i + 3)


# --- requests: pipeline.build / validate / read_source take typed values; these
# make them from source texts so that tests stay short.


def build_request(specs: list[str], as_of: dt.date, *, schema: Any = None, **fields: Any) -> Any:
    """A BuildRequest of these sources; ``schema`` (a loaded schema) names its folder."""
    from generator.request import BuildRequest
    from generator.sources import parse_sources

    if schema is not None:
        fields["schema_dir"] = schema.directory
    return BuildRequest(sources=parse_sources(specs), as_of=as_of, **fields)


def build(specs: list[str], as_of: dt.date, **fields: Any) -> Any:
    """pipeline.build of a request made by ``build_request``."""
    from generator import pipeline

    return pipeline.build(build_request(specs, as_of, **fields))


def validate(specs: list[str], as_of: dt.date, schema: Any = None, **google: Any) -> Any:
    """pipeline.validate of these sources; ``google``: the GoogleAccess fields."""
    from generator import pipeline
    from generator.request import ValidateRequest
    from generator.sources import GoogleAccess, parse_sources

    return pipeline.validate(ValidateRequest(
        sources=parse_sources(specs), as_of=as_of, google=GoogleAccess(**google),
        schema_dir=schema.directory if schema is not None else None))


def read_source(spec: str, **google: Any) -> Any:
    """sources.read_source of a source text; ``google``: the GoogleAccess fields."""
    from generator.sources import GoogleAccess, parse_source
    from generator.sources import read_source as read

    return read(parse_source(spec), GoogleAccess(**google))


def read_and_check(specs: list[str], schema: Any, as_of: dt.date, **google: Any) -> Any:
    """check.read_and_check of source texts; ``google``: the GoogleAccess fields."""
    from generator.check import read_and_check as check
    from generator.sources import GoogleAccess, parse_sources

    return check(parse_sources(specs), schema, as_of, GoogleAccess(**google))


# What 销号 brings with it in 问题清单: cleared when a test reopens an issue.
CLOSED_LOOP_AFTER_CLOSING = {"closed_on": None, "resolution": None, "satisfaction": None, "closure_type": None,
                             "revisit_on": None, "revisit_result": None}


def reopen(row: dict[str, Any], status: str = "办理中", ledger: list[dict[str, Any]] | None = None,
           **values: Any) -> None:
    """Make an issue row open again, with nothing of its closing left; in ``ledger``
    (its 问题清单), no issue reopens it any more (only a closed issue can be reopened)."""
    row.update(CLOSED_LOOP_AFTER_CLOSING, status=status, **values)
    for other in ledger or ():
        if other.get("reopens") == row["issue_id"]:
            other["reopens"] = None


def ledger_as_of(rows: dict[str, list[dict[str, Any]]], day: Any) -> None:
    """The 问题清单 and 督办记录 (and 政策推送, 兑付, 研修计划, 揭榜挂帅进度, 走访记录) as they stood on ``day``: later issues
    gone, later closings undone, 交办 and 回访 after it not yet made."""
    rows["issues"] = [r for r in rows["issues"] if r["reported_on"] <= day]
    kept = {r["issue_id"] for r in rows["issues"]}
    for r in rows["issues"]:
        if r["closed_on"] and r["closed_on"] > day:
            reopen(r)
        if r.get("revisit_on") and r["revisit_on"] > day:
            r.update(revisit_on=None, revisit_result=None)
        if r.get("assigned_on") and r["assigned_on"] > day:
            r["assigned_on"] = None
    closed = {r["issue_id"] for r in rows["issues"] if r["closed_on"]}
    for r in rows["issues"]:
        if r.get("reopens") and (r["reopens"] not in kept or r["reopens"] not in closed):
            r["reopens"] = None
    if "supervisions" in rows:
        rows["supervisions"] = [s for s in rows["supervisions"] if s["issue_id"] in kept and s["supervised_on"] <= day]
    _delivery_as_of(rows, day)
    if "study_plans" in rows:  # 研修计划 nominated later not yet made (推荐日期 cannot be after the as-of date)
        rows["study_plans"] = [r for r in rows["study_plans"] if r["nominated_on"] <= day]
    if "challenge_reports" in rows:  # 揭榜挂帅进度: none after the as-of date
        rows["challenge_reports"] = [r for r in rows["challenge_reports"] if r["report_on"] <= day]
    if "visits" in rows:  # 走访记录: none after the as-of date
        rows["visits"] = [r for r in rows["visits"] if r["visited_on"] <= day]


def _delivery_as_of(rows: dict[str, list[dict[str, Any]]], day: Any) -> None:
    """政策推送 and 兑付 as they stood on ``day``: later pushes and applications gone,
    a later 受理 or 拨付 not yet made (the 状态 set back to what it was then)."""
    if "policy_pushes" in rows:
        rows["policy_pushes"] = [r for r in rows["policy_pushes"] if r["notified_on"] <= day]
    if "payments" not in rows:
        return
    rows["payments"] = [dict(r) for r in rows["payments"] if r["applied_on"] <= day]
    for r in rows["payments"]:
        if r["paid_on"] and r["paid_on"] > day:
            r.update(paid_on=None, status="已受理")
        if r["accepted_on"] and r["accepted_on"] > day:
            r.update(accepted_on=None, status="已申报" if r["status"] in ("已受理", "已拨付") else r["status"])
