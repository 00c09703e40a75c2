"""Every htmx swap, driven in Chromium twice in a row: the page never holds an id twice."""

import re

import pytest

from .conftest import log_in, wait_for_htmx

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.browser

DUPLICATE_IDS = """() => {
  const seen = {}, twice = [];
  for (const element of document.querySelectorAll('[id]')) {
    if (seen[element.id]) twice.push(element.id);
    seen[element.id] = true;
  }
  return twice;
}"""


def swapped(page, action, url_pattern):
    """Run `action`, wait for htmx to settle at the new URL, return the page's duplicate ids."""
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_response(
        lambda response: response.request.headers.get("hx-request") == "true"
    ):
        action()
    page.wait_for_url(re.compile(url_pattern))
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")
    assert page.evaluate("window.stillTheSamePage") is True, "a full page load, not a swap"
    return page.evaluate(DUPLICATE_IDS)


def test_member_directory_filters(page):
    page.goto("/members")
    wait_for_htmx(page)
    for index in (1, 2):
        action = lambda index=index: page.locator("#filter-type").select_option(index=index)  # noqa: E731
        assert swapped(page, action, r"[?&]type=") == []


def test_project_search_facets(page):
    page.goto("/projects")
    wait_for_htmx(page)
    for theme in ("mobility", "safe-city"):
        selector = f"#facets input[name=theme][value={theme}]"
        action = lambda selector=selector: page.locator(selector).check()  # noqa: E731
        assert swapped(page, action, rf"theme={theme}") == []


def test_a_search_swap_refreshes_the_heads_feed_and_download_links(page):
    """The <head> links to this search as a feed and files follow the swapped search."""
    page.goto("/projects")
    wait_for_htmx(page)
    action = lambda: page.locator("#facets input[name=theme][value=mobility]").check()  # noqa: E731
    assert swapped(page, action, r"theme=mobility") == []
    links = page.evaluate(
        """() => [...document.head.querySelectorAll('link[rel=alternate][type]')]
             .filter(link => link.type !== 'text/html').map(link => link.href)"""
    )
    assert len(links) == 3
    assert all("theme=mobility" in href for href in links), links
    visible = page.evaluate(
        "() => [...document.querySelectorAll('#results .downloads a')].map(a => a.href)"
    )
    assert sorted(visible) == sorted(links)


def test_award_winner_filter(page, pages):
    page.goto(pages["award edition"])
    wait_for_htmx(page)
    for index in (1, 2):
        page.locator("#filter-category").select_option(index=index)
        action = lambda: page.locator("form.filters button[type=submit]").click()  # noqa: E731
        assert swapped(page, action, r"[?&]category=") == []


def test_staff_inbox_filters(page, staff_login):
    email, password = staff_login
    log_in(page, email, password)
    page.goto("/staff/interest")
    wait_for_htmx(page)
    for status in ("received", "closed"):
        page.get_by_label("Status").select_option(status)
        action = lambda: page.get_by_role("button", name="Apply").click()  # noqa: E731
        assert swapped(page, action, rf"status={status}") == []
