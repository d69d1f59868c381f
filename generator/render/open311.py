"""Open311 GeoReport v2 as read-only static files (docs/help/open311.md has
the mapping of our columns to GeoReport's fields).

- ``open311/services.json`` and ``services.xml``: the service list, one
  service per issue category of 问题清单 (its enum), in both editions.
- ``open311/requests.json`` and ``requests.xml``: one service request per
  issue, in the internal edition only. Per-request records with their dates
  are the microdata the public tables aggregate and suppress (a request
  reported on one day in one category is one enterprise's issue), and no
  audit proves them safe, so the public site has none.

A request's ``service_request_id`` is not the issue ID: a keyed hash of it
under the receipt key, so that the feed can be handed on without the ledger's
numbering. Each value is escaped by the JSON and XML writers; nothing here is
a template.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree

from ..model import Issue, Programme
from ..schema import WorkbookSchema
from .writer import PageWriter

SERVICES_FILE = "open311/services"
REQUESTS_FILE = "open311/requests"
GROUP = "涉企问题"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def categories(schema: WorkbookSchema) -> tuple[str, ...]:
    """The issue categories: the enum of 问题清单's category column."""
    for f in schema.sheet("issues").fields:
        if f.name == "category" and f.enum:
            return f.enum
    return ()


def services(schema: WorkbookSchema) -> list[dict[str, Any]]:
    """GeoReport's service list: each category a service, its code the category itself."""
    return [
        {"service_code": c, "service_name": c, "description": f"企业反映的“{c}”类问题，由暖企专员收集、交办责任单位限时办理。",
         "metadata": False, "type": "batch", "keywords": c, "group": GROUP}
        for c in categories(schema)
    ]


def request_id(key: bytes, issue_id: str) -> str:
    """A request's ID: HMAC-SHA256 of the issue ID under the receipt key, 16 hex digits."""
    return hmac.new(key, b"nuanqi open311\0" + issue_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def _at(day: dt.date | None, zone: str) -> str | None:
    """A date as GeoReport's w3 datetime: midnight of that day in the programme's zone."""
    if day is None:
        return None
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(0), ZoneInfo(zone)).isoformat()


def _request(issue: Issue, programme: Programme, schema: WorkbookSchema, key: bytes) -> dict[str, Any]:
    closed = issue.closed_by(programme.as_of)
    dept = programme.departments.get(issue.dept_id) if issue.dept_id else None
    enterprise = programme.enterprises.get(issue.enterprise_id)
    updated = max((d for d in (issue.reported_on, issue.assigned_on, issue.closed_on, issue.revisit_on)
                   if d is not None and d <= programme.as_of), default=issue.reported_on)
    zone = schema.timezone
    return {
        "service_request_id": request_id(key, issue.issue_id),
        "status": "closed" if closed else "open",
        "status_notes": (issue.closure_type or "") if closed else issue.status,
        "service_name": issue.category,
        "service_code": issue.category,
        "description": issue.description,
        "agency_responsible": dept.name if dept else (issue.dept_id or ""),
        "service_notice": "",
        "requested_datetime": _at(issue.reported_on, zone),
        "updated_datetime": _at(updated, zone),
        "expected_datetime": _at(issue.due_on, zone),
        "address": enterprise.town if enterprise else "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def requests(programme: Programme, schema: WorkbookSchema, key: bytes) -> list[dict[str, Any]]:
    """Every issue reported by the as-of date, as a GeoReport service request."""
    issues = sorted((i for i in programme.issues if i.reported_on <= programme.as_of), key=lambda i: i.issue_id)
    return [_request(i, programme, schema, key) for i in issues]


def to_xml(root: str, item: str, rows: Sequence[Mapping[str, Any]]) -> str:
    top = ElementTree.Element(root)
    for row in rows:
        element = ElementTree.SubElement(top, item)
        for name, value in row.items():
            ElementTree.SubElement(element, name).text = _xml_text(value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(top, encoding="unicode") + "\n"


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # XML 1.0 cannot hold these at all (the cells refuse them; a template override might not).
    return _NOT_XML.sub("", str(value))


def _write(w: PageWriter, name: str, root: str, item: str, rows: list[dict[str, Any]]) -> None:
    w.text(f"{name}.json", json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    w.text(f"{name}.xml", to_xml(root, item, rows))


def render_services(w: PageWriter, schema: WorkbookSchema) -> None:
    _write(w, SERVICES_FILE, "services", "service", services(schema))


def render_requests(w: PageWriter, programme: Programme, schema: WorkbookSchema, key: bytes) -> None:
    _write(w, REQUESTS_FILE, "service_requests", "request", requests(programme, schema, key))

