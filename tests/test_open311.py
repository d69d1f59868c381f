"""Open311 GeoReport v2 as static files: the service list from the issue
categories in both editions (JSON and XML); service requests, with their
dates, only in the internal edition, under IDs that are not the issue IDs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import build

from generator.render.open311 import categories, request_id
from generator.sources import EXAMPLE_WORKBOOK
from generator.sources.receipt_key import ReceiptKey

AS_OF = dt.date(2022, 12, 31)
SECRET = "open311 test key, not a real one"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    base = tmp_path_factory.mktemp("open311")
    book = base / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    shutil.copytree(Path(__file__).parent.parent / "docs", base / "docs")
    common = {"docs_dir": base / "docs", "engine": "mkdocs", "receipt_key": ReceiptKey(secret=SECRET)}
    build([str(book)], AS_OF, site_dir=base / "site", **common)
    internal = build([str(book)], AS_OF, site_dir=base / "site-internal", audience="internal", **common)
    return base, internal


def test_services_are_the_issue_categories_in_both_editions(sites: tuple[Path, object], schema) -> None:
    base, _built = sites
    expected = list(categories(schema))
    assert expected == list(schema.enums["issue_categories"])
    for edition in ("site", "site-internal"):
        services = json.loads((base / edition / "open311" / "services.json").read_text(encoding="utf-8"))
        assert [s["service_code"] for s in services] == expected
        for s in services:
            assert set(s) == SERVICE_FIELDS
            assert s["metadata"] is False and s["type"] == "batch" and s["service_name"] == s["service_code"]
        xml = ElementTree.parse(base / edition / "open311" / "services.xml").getroot()
        assert xml.tag == "services"
        assert [e.findtext("service_code") for e in xml.findall("service")] == expected
        assert {e.findtext("metadata") for e in xml.findall("service")} == {"false"}


def test_requests_are_only_in_the_internal_edition(sites: tuple[Path, object]) -> None:
    base, built = sites
    assert not (base / "site" / "open311" / "requests.json").exists()
    assert not (base / "site" / "open311" / "requests.xml").exists()
    assert not list((base / "site").rglob("requests.*"))
    programme = built.programme  # type: ignore[attr-defined]
    requests = json.loads((base / "site-internal" / "open311" / "requests.json").read_text(encoding="utf-8"))
    issues = sorted((i for i in programme.issues if i.reported_on <= AS_OF), key=lambda i: i.issue_id)
    assert len(requests) == len(issues)
    ids = {i.issue_id for i in programme.issues}
    key = SECRET.encode()
    for issue, r in zip(issues, requests, strict=True):
        assert set(r) == REQUEST_FIELDS
        assert r["service_request_id"] == request_id(key, issue.issue_id)
        assert r["service_request_id"] not in ids
        assert r["status"] == ("closed" if issue.closed_on else "open")
        assert r["service_code"] == issue.category
        assert r["requested_datetime"] == f"{issue.reported_on.isoformat()}T00:00:00+08:00"
        if issue.due_on:
            assert r["expected_datetime"].startswith(issue.due_on.isoformat())
        if issue.dept_id:
            assert r["agency_responsible"] == programme.departments[issue.dept_id].name
    xml = ElementTree.parse(base / "site-internal" / "open311" / "requests.xml").getroot()
    assert len(xml.findall("request")) == len(requests)
    assert len({r["service_request_id"] for r in requests}) == len(requests)
