"""一件事 (issue 15) in Chromium at phone size (390 px), on both engines: a route page of
the example, reached from one of its policies, lists every step in order with its
department's phone as a tel: link and each material once, without sideways scrolling."""

from __future__ import annotations

from .conftest import ExampleSite, Visit


def test_a_route_page_at_phone_size(phone: Visit, example_site: ExampleSite) -> None:
    programme = example_site.built.programme
    route = next(iter(programme.routes.values()))
    first = route.policy_ids[0]
    phone.goto(f"policies/{first}.html")
    page = phone.page
    link = page.locator(f"article a[href='../routes/{route.route_id}.html']")
    assert link.count() == 1
    link.first.scroll_into_view_if_needed()
    link.first.click()
    page.wait_for_url(f"**/routes/{route.route_id}.html")
    assert page.locator("article h1").inner_text() == route.title
    steps = page.locator("article li.nq-step")
    expected = sum(len(programme.policies[p].steps) for p in route.policy_ids)
    assert steps.count() == expected
    numbers = [steps.nth(n).locator(".nq-step__no").inner_text() for n in range(expected)]
    assert numbers == [f"第 {n} 步" for n in range(1, expected + 1)]
    tel = page.locator("article li.nq-step a[href^='tel:']")
    assert tel.count() == expected and tel.first.is_visible()
    materials = page.locator("#materials ~ ul").first.locator("li")
    names = [materials.nth(n).inner_text().rsplit("（第", 1)[0] for n in range(materials.count())]
    assert names and len(names) == len(set(names))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    phone.screenshot(f"route-phone-{example_site.engine}")
    assert phone.axe() == []
    phone.assert_clean()
