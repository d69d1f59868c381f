"""Feeds beside the policy list: an Atom feed of new and changed policies and of
new progress reports (``policies/feed.atom``), and iCalendar files of the 申报截止
dates (``policies/deadlines.ics``, one per category as ``deadlines-<slug>.ics``).

Only published policies and the progress pages the site shows are in them, and
only their public fields. Everything is derived from the data and the as-of
date, never from the clock, so an unchanged workbook writes the same bytes.
Cell text is escaped by ElementTree (XML) or by ``ics_text`` (RFC 5545);
characters XML 1.0 cannot hold are dropped. Links are relative to the feed, or
a URL the check accepted at its cell.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..figures.report import Progress
from ..model import Policy
from ..schema import WorkbookSchema
from .escape import safe_url, slug
from .labels import KIND_LABELS, period_label

if TYPE_CHECKING:
    from .writer import PageWriter

FEED_PATH = "policies/feed.atom"
CALENDAR_PATH = "policies/deadlines.ics"
# The newest entries only: a province has thousands of policies.
FEED_ENTRIES = 100
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold (and C1 controls, invisible anyway).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_ICS_SPECIAL = re.compile(r"([\\;,])")


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def stable_uid(schema: WorkbookSchema, what: str) -> str:
    """A stable identifier: the same programme and record, the same UUID (name-based, RFC 9562 v5)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"nuanqi:{schema.title}:{what}"))


@dataclass(frozen=True)
class Entry:
    uid: str
    title: str
    href: str  # relative to the feed
    updated: dt.date
    published: dt.date
    summary: str
    category: str


def _policy_entries(policies: Iterable[Policy], schema: WorkbookSchema, as_of: dt.date) -> list[Entry]:
    out = []
    for p in policies:
        changed = p.updated_on or p.effective_from
        if changed > as_of or p.effective_from > as_of:
            continue
        summary = f"更新说明：{p.update_note}" if p.update_note and p.updated_on else p.benefit
        out.append(Entry(f"urn:uuid:{stable_uid(schema, 'policy/' + p.policy_id)}", p.title, f"{slug(p.policy_id)}.html",
                         changed, p.effective_from, summary, p.category))
    return out


def _report_entries(progress: Progress, schema: WorkbookSchema) -> list[Entry]:
    out = []
    for doc in progress.all_docs():
        period = doc.period
        day = doc.frozen_on if doc.frozen and doc.frozen_on else period.end
        label = f"工作进展{KIND_LABELS[period.kind]}：{period_label(period)}"
        out.append(Entry(f"urn:uuid:{stable_uid(schema, f'progress/{period.kind}/{period.key}')}", label,
                         f"../progress/{period.kind}/{period.key}.html", day, day,
                         f"{period_label(period)}问题办理进展统计（{period.start.isoformat()} 至 {period.end.isoformat()}）。",
                         KIND_LABELS[period.kind]))
    return out


def _stamp(day: dt.date, zone: ZoneInfo) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def atom_feed(entries: list[Entry], schema: WorkbookSchema) -> str:
    zone = ZoneInfo(schema.timezone)
    newest = sorted(entries, key=lambda e: (e.updated, e.uid), reverse=True)[:FEED_ENTRIES]
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _sub(feed, "id", f"urn:uuid:{stable_uid(schema, 'feed')}")
    _sub(feed, "title", f"{schema.title}：惠企政策与工作进展更新")
    _sub(feed, "updated", _stamp(max((e.updated for e in newest), default=dt.date(2000, 1, 1)), zone))
    _sub(_sub(feed, "author"), "name", schema.title)
    _sub(feed, "link", rel="self", href="feed.atom", type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href="index.html", type="text/html")
    for e in newest:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e.uid)
        _sub(entry, "title", e.title, type="text")
        _sub(entry, "link", rel="alternate", href=e.href, type="text/html")
        _sub(entry, "updated", _stamp(e.updated, zone))
        _sub(entry, "published", _stamp(e.published, zone))
        _sub(entry, "summary", e.summary, type="text")
        _sub(entry, "category", term=e.category)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def ics_text(value: object) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    text = _NOT_XML.sub("", _LINE_BREAK.sub("\n", str(value).strip()))
    return _ICS_SPECIAL.sub(r"\\\1", text).replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # the first byte left out continues a character: cut before it
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, 74  # a folded line starts with a space
    pieces.append(data[start:])
    return "\r\n ".join(p.decode("utf-8") for p in pieces)


def _event(p: Policy, schema: WorkbookSchema) -> list[str]:
    assert p.apply_to is not None
    stamp = (p.updated_on or p.effective_from).strftime("%Y%m%dT000000Z")
    when = f"申报时间：{p.apply_from.isoformat() if p.apply_from else '即日'} 至 {p.apply_to.isoformat()}"
    details = [p.issuer, when] + ([f"咨询电话：{p.phone}"] if p.phone else []) + [p.benefit]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{stable_uid(schema, 'deadline/' + p.policy_id)}@nuanqi",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{p.apply_to.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(p.apply_to + dt.timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{ics_text('申报截止：' + p.title)}",
        f"DESCRIPTION:{ics_text(chr(10).join(details))}",
        f"CATEGORIES:{ics_text(p.category)}",
        "TRANSP:TRANSPARENT",
    ]
    if str(safe_url(p.online_url)):
        lines.append(f"URL:{xml_text(p.online_url or '').strip()}")
    return lines + ["END:VEVENT"]


def ics_calendar(schema: WorkbookSchema, name: str, as_of: dt.date, events: Iterable[list[str]],
                 product: str = "policy deadlines") -> str:
    """A VCALENDAR of the given VEVENTs (their content lines), in the programme's time zone."""
    zone = ZoneInfo(schema.timezone)
    offset = dt.datetime(as_of.year, as_of.month, as_of.day, 12, tzinfo=zone).strftime("%z")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//nuanqi//{product}//ZH", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_text(name)}", f"X-WR-TIMEZONE:{ics_text(schema.timezone)}",
        "BEGIN:VTIMEZONE", f"TZID:{ics_text(schema.timezone)}", "BEGIN:STANDARD", "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}", "END:STANDARD", "END:VTIMEZONE",
    ]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def calendar(policies: Iterable[Policy], schema: WorkbookSchema, name: str, as_of: dt.date) -> str:
    """All-day events (DATE values) on each 申报截止, in the programme's time zone."""
    dated = sorted((p for p in policies if p.apply_to is not None), key=lambda p: (p.apply_to or as_of, p.policy_id))
    return ics_calendar(schema, name, as_of, (_event(p, schema) for p in dated))


@dataclass(frozen=True)
class CalendarLink:
    label: str
    href: str  # relative to the policy list
    count: int


def calendar_links(published: list[Policy], schema: WorkbookSchema) -> list[CalendarLink]:
    """The calendars: all policies first, then one per category that has a deadline."""
    dated = [p for p in published if p.apply_to is not None]
    links = [CalendarLink("全部政策", CALENDAR_PATH.removeprefix("policies/"), len(dated))]
    for category in schema.enums["policy_categories"]:
        count = sum(1 for p in dated if p.category == category)
        if count:
            links.append(CalendarLink(category, f"deadlines-{slug(category)}.ics", count))
    return links


def render_feeds(w: PageWriter, published: list[Policy], schema: WorkbookSchema, progress: Progress,
                 as_of: dt.date) -> None:
    entries = _policy_entries(published, schema, as_of) + _report_entries(progress, schema)
    w.text(FEED_PATH, atom_feed(entries, schema))
    _every, *categories = calendar_links(published, schema)
    w.text(CALENDAR_PATH, calendar(published, schema, f"{schema.title}：政策申报截止", as_of))
    for link in categories:
        chosen = [p for p in published if p.category == link.label]
        w.text(f"policies/{link.href}", calendar(chosen, schema, f"{schema.title}：{link.label}申报截止", as_of))
