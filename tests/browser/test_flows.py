"""The main flows, each with JavaScript off (plain links and forms) and on (htmx)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import axe_violations, log_in, wait_for_htmx

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
pytestmark = pytest.mark.browser


@pytest.fixture(params=["no-js", "js"])
def any_page(request):
    """The same test with JavaScript off, then on (each full page load waits for htmx)."""
    page = request.getfixturevalue("nojs_page" if request.param == "no-js" else "page")
    page.js = request.param == "js"
    return page


def visit(page, path):
    page.goto(path)
    if page.js:
        wait_for_htmx(page)


def query_of(page):
    return parse_qs(urlsplit(page.url).query)


def results_heading(page):
    return page.locator("#results-heading").inner_text()


def count_in(text):
    return int(re.search(r"\d+", text).group())


def test_search_with_facets_paging_and_chips(any_page):
    page = any_page
    visit(page, "/projects")
    total = count_in(results_heading(page))
    assert total > 20, "the demo data fills more than one page"

    # Paging: page 2 has its own URL and the rest of the results.
    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    assert page.locator(".pagination [aria-current=page]").inner_text().endswith("2")
    assert page.locator(".results-list > li").count() == total - 20

    # A facet: with JS the change itself searches; without JS, "Apply filters" does.
    visit(page, "/projects")
    if page.js:
        page.evaluate("window.stillTheSamePage = true")
    page.locator("#facets input[name=theme][value=mobility]").check()
    if not page.js:
        page.locator("#facets button[type=submit]").click()
    page.wait_for_url(re.compile(r"[?&]theme=mobility"))
    page.wait_for_function(
        "total => !document.querySelector('#results-heading').textContent.includes(String(total))",
        arg=total,
    )
    filtered = count_in(results_heading(page))
    assert 0 < filtered < total
    assert query_of(page)["theme"] == ["mobility"]
    assert page.locator("#facets input[name=theme][value=mobility]").is_checked()
    if page.js:  # htmx swapped the results in place, and screen readers hear the new count
        assert page.evaluate("window.stillTheSamePage")
        expect(page.locator("#live-region")).to_have_text(results_heading(page))

    # Remove the chip: back to every project.
    page.locator(".chips a", has_text="Mobility").first.click()
    page.wait_for_url(lambda url: "theme=" not in url)
    page.wait_for_function(
        "total => document.querySelector('#results-heading').textContent.includes(String(total))",
        arg=total,
    )
    assert not page.locator("#facets input[name=theme][value=mobility]").is_checked()


def test_search_text_with_no_results_suggests_what_to_do(any_page):
    any_page.goto("/projects?q=zzzzqqqq")
    assert count_in(results_heading(any_page)) == 0
    assert any_page.locator(".empty-state").is_visible()


def test_awards_filter(any_page, pages):
    page = any_page
    visit(page, pages["award edition"])
    all_winners = page.locator("#winner-list .winner").count()
    page.locator("#filter-category").select_option(index=1)
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"[?&]category="))
    page.wait_for_function(
        "n => document.querySelectorAll('#winner-list .winner').length < n", arg=all_winners
    )
    assert 0 < page.locator("#winner-list .winner").count() < all_winners


def fill_interest_form(page, message="We would like to replicate this in our city."):
    page.get_by_label("Your name").fill("Amina Okafor")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Organisation", exact=True).fill("City of Example")
    page.get_by_label("Type of organisation").select_option(index=1)
    page.get_by_label("Country").select_option("KE")
    page.get_by_label("What are you interested in?").select_option(index=1)
    page.get_by_label("Your message").fill(message)
    page.get_by_label("The organisers may share my contact").check()


def test_interest_form_error_then_success(any_page):
    page = any_page
    visit(page, "/interest")
    page.get_by_label("Your name").fill("Amina Okafor")
    page.locator("#interest-form button[type=submit]").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    # What the user typed is kept; each error is tied to its field.
    assert page.get_by_label("Your name").input_value() == "Amina Okafor"
    email = page.get_by_label("Email address")
    assert email.get_attribute("aria-invalid") == "true"
    error_id = email.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}").inner_text()
    page.problems.allow("status of 4")  # the form answers its errors with a 4xx status

    fill_interest_form(page)
    page.locator("#interest-form button[type=submit]").click()
    page.get_by_text(re.compile(r"EOI-", re.I)).first.wait_for()
    assert page.locator(".error-summary").count() == 0


def test_login_and_staff_triage(any_page, staff_login):
    page = any_page
    visit(page, "/interest")
    fill_interest_form(page, message="Triage me, please.")
    page.locator("#interest-form button[type=submit]").click()
    page.get_by_text(re.compile(r"EOI-", re.I)).first.wait_for()

    email, password = staff_login
    log_in(page, email, password)
    visit(page, "/staff/interest")
    assert page.locator("h1").inner_text() == "Expressions of interest"
    page.locator("table.inbox tbody th a").first.click()
    page.wait_for_url(re.compile(r"/staff/interest/\d+$"))
    page.get_by_label("New status").select_option("in-review")
    page.get_by_role("button", name="Change status").click()
    page.locator(".badge", has_text="In review").first.wait_for()


def test_interest_form_errors_are_accessible(axe_page):
    axe_page.goto("/interest")
    axe_page.locator("#interest-form button[type=submit]").click()
    axe_page.locator(".error-summary").wait_for()
    assert axe_violations(axe_page) == []


def test_offline_pages_stay_readable(page, server, pages):
    """The service worker keeps visited pages and shows the offline page for the rest."""
    page.goto(pages["case study"])
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which keeps this copy
    title = page.locator("h1").inner_text()
    page.wait_for_function(
        "url => caches.open('pages-v1').then(c => c.match(url)).then(Boolean)",
        arg=f"{server.url}{pages['case study']}",
    )
    page.context.set_offline(True)
    page.goto(pages["case study"])
    assert page.locator("h1").inner_text() == title
    page.goto("/projects?q=never-visited")
    assert page.locator("h1").inner_text() == "You are offline"
    page.context.set_offline(False)
    page.problems.allow("ERR_INTERNET_DISCONNECTED")
