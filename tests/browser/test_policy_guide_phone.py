"""Issue 15 in Chromium at phone size (390 px): a policy page of the example
with its 办事指南 (countdown, table, 监督电话 as a tel: link) readable without
sideways scrolling of the page, its JSON-LD read by the browser, and the feed
and the calendars the policy list links to served as files; on both engines."""

from __future__ import annotations

import json

from .conftest import ExampleSite, Visit


def _guided(site: ExampleSite) -> str:
    """A published, current policy of the example with a deadline and a 监督电话."""
    programme = site.built.programme
    return next(p.policy_id for p in sorted(programme.published_policies(), key=lambda p: p.policy_id)
                if not p.expired_at(programme.as_of) and p.apply_to and p.complaint_phone and p.venue)


def test_policy_guide_at_phone_size(phone: Visit, example_site: ExampleSite) -> None:
    pid = _guided(example_site)
    policy = example_site.built.programme.policies[pid]
    phone.goto(f"policies/{pid}.html")
    page = phone.page
    heading = page.locator("article h2", has_text="办事指南")
    assert heading.count() == 1
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    note = page.locator("article .admonition").first
    assert any(word in note.inner_text() for word in ("天截止", "今天截止", "已截止", "尚未开始"))
    text = page.locator("article").inner_text()
    assert policy.venue in text and "监督电话" in text
    tel = page.locator(f"article a[href='tel:{policy.complaint_phone}']")
    assert tel.count() >= 1 and tel.first.is_visible()
    # The page itself never scrolls sideways at 390 px (a wide table scrolls in its own box).
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    assert page.locator("article table").count() == 2  # the facts, the 办事指南
    assert page.locator("article thead").count() == 0  # no "项目 | 内容" header row
    if policy.online_url:  # 线上办理: a button to tap, not a long address wrapping in a cell
        button = page.locator("article .nq-apply a.md-button")
        assert button.get_attribute("href") == policy.online_url
        box = button.bounding_box()
        assert box is not None and box["height"] >= 32 and box["x"] + box["width"] <= 390
    raw = page.eval_on_selector("script[type='application/ld+json']", "s => s.textContent")
    data = json.loads(raw)
    assert data["@type"] == "GovernmentService" and data["name"] == policy.title
    phone.screenshot(f"policy-guide-phone-{example_site.engine}")
    assert phone.axe() == []
    phone.assert_clean()


def test_the_feed_and_calendars_are_served(phone: Visit, example_site: ExampleSite) -> None:
    phone.goto("policies/index.html")
    page = phone.page
    feed = page.locator("a[type='application/atom+xml']")
    assert feed.count() == 1 and feed.first.is_visible()
    calendars = page.locator("a[type='text/calendar']")
    assert calendars.count() >= 2
    for href in [feed.first.get_attribute("href"), calendars.first.get_attribute("href")]:
        response = page.request.get(phone.base + "policies/" + str(href))
        assert response.ok
        body = response.body()
        assert body.startswith(b"<?xml") or body.startswith(b"BEGIN:VCALENDAR")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot(f"policy-list-feeds-phone-{example_site.engine}")
    assert phone.axe() == []
    phone.assert_clean()
