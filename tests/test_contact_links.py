"""Contacts are links wherever they appear (issue 17): every phone number of an
officer, a department, a policy or an enterprise's contact is a tel: link to that
number, and every officer's e-mail address a mailto: link, on every page of the
public site and of the internal edition (officer pages, 督办, 交办单, …)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import build
from htmltree import Node, parse

from generator.model import Programme

AS_OF = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, example_workbook: Path) -> tuple[Programme, Path, Path]:
    base = tmp_path_factory.mktemp("contacts")
    public = build([str(example_workbook)], AS_OF, site_dir=base / "site", docs_dir=base / "docs")
    internal = build([str(example_workbook)], AS_OF, site_dir=base / "site-internal", docs_dir=base / "docs",
                     audience="internal")
    return public.programme, public.result.site_dir, internal.result.site_dir


def _contacts(programme: Programme) -> tuple[set[str], set[str]]:
    phones = {d.phone for d in programme.departments.values()}
    phones |= {p for o in programme.officers.values() for p in (o.mobile, o.office_phone)}
    phones |= {e.contact_phone for e in programme.enterprises.values()}
    phones |= {p for policy in programme.policies.values() for p in (policy.phone, policy.complaint_phone)}
    emails = {o.email for o in programme.officers.values()}
    return {p for p in phones if p}, {e for e in emails if e}


def _unlinked(node: Node, values: set[str], scheme: str, inside: str | None = None) -> list[str]:
    """Text in ``node`` holding one of ``values`` that is not inside <a href="scheme:value">."""
    out = []
    for child in node.children:
        if isinstance(child, str):
            out += [v for v in values if v in child and inside != f"{scheme}:{v}"]
        elif child.tag not in ("script", "style"):
            href = child.attrs.get("href") if child.tag == "a" else None
            out += _unlinked(child, values, scheme, href or inside)
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_every_phone_is_a_tel_link_and_every_email_a_mailto_link(editions) -> None:
    programme, public, internal = editions
    phones, emails = _contacts(programme)
    assert len(phones) > 20 and len(emails) > 5
    seen = {"tel": 0, "mailto": 0}
    for site in (public, internal):
        for path in _pages(site):
            body = parse(path).find("article")
            assert _unlinked(body, phones, "tel") == [], path
            assert _unlinked(body, emails, "mailto") == [], path
            for a in body.find_all("a"):
                scheme = a.attrs.get("href", "").split(":", 1)[0]
                if scheme in seen:
                    seen[scheme] += 1
    assert seen["tel"] > 100 and seen["mailto"] > 10


def test_the_staff_pages_link_the_contacts_they_show(editions) -> None:
    programme, _, internal = editions
    officer = next(o for o in sorted(programme.officers.values(), key=lambda o: o.officer_id) if o.email and o.mobile)
    page = parse(internal / "officers" / f"{officer.officer_id}.html").find("article")
    hrefs = {a.attrs.get("href") for a in page.find_all("a")}
    assert {f"mailto:{officer.email}", f"tel:{officer.mobile}"} <= hrefs
    index = parse(internal / "officers/index.html").find("article")
    assert f"tel:{officer.mobile}" in {a.attrs.get("href") for a in index.find_all("a")}
    # A 交办单 names the enterprise's contact and links their phone, and the officer's.
    orders = sorted((internal / "orders").glob("dept-*.html"))
    order = parse(orders[0]).find("section", "nq-order")
    links = [a.attrs["href"] for a in order.find_all("a") if a.attrs.get("href", "").startswith("tel:")]
    assert len(links) == 2, links
