"""A small phone: where the first result sits, the size of every control, feedback while waiting,
focus after a swap, and a double tap on the interest form (issue 12)."""

import re

import pytest

from app.extensions import db
from app.models import Interest

from .conftest import CHROMIUM_ARGS, SCREENSHOTS, BrowserProblems, log_in, wait_for_htmx  # noqa: F401

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect
pytestmark = pytest.mark.browser

SMALL = {"width": 320, "height": 640}
MINIMUM = 24  # WCAG 2.2 target size (minimum), CSS px
MAIN_ACTION = 44  # GOV.UK / WCAG AAA for the main actions
MAIN_PAGES = (
    "home",
    "catalogue",
    "search with facets",
    "case study",
    "awards",
    "award edition",
    "members",
    "interest form",
    "about",
    "contact",
)

# Every control, and the links that act as controls (navigation, paging, chips, the map, footer).
CONTROLS = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const selector = 'button, input:not([type=hidden]), select, textarea, summary, nav a, .pagination a,'
    + ' .chips a, a.button, a.badge, .footer-links a, .themes a, .world-map a';
  return [...document.querySelectorAll(selector)]
    .filter(el => !el.closest('.honeypot, .visually-hidden, .skip-link'))
    .map(el => { const r = el.getBoundingClientRect(); return {
      what: el.outerHTML.slice(0, 90), width: r.width, height: r.height,
      main: el.matches('main button[type=submit], a.button, .site-header a.brand'),
      shown: r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' }; })
    .filter(c => c.shown);
}"""


def small_page(page):
    page.set_viewport_size(SMALL)
    return page


def undersized(page):
    controls = page.evaluate(CONTROLS)
    assert controls, "no control found"
    too_small = [c for c in controls if min(c["width"], c["height"]) < MINIMUM - 0.5]
    main_too_small = [c for c in controls if c["main"] and c["height"] < MAIN_ACTION - 0.5]
    return [f"{c['width']:.0f}x{c['height']:.0f} {c['what']}" for c in too_small + main_too_small]


@pytest.mark.parametrize("page_type", MAIN_PAGES)
def test_every_control_is_at_least_24px_and_main_actions_44px_at_320px(page, pages, page_type):
    small_page(page).goto(pages[page_type])
    assert undersized(page) == []


def test_staff_inbox_controls_at_320px(page, staff_login):
    log_in(small_page(page), *staff_login)
    page.goto("/staff/interest")
    assert undersized(page) == []
    # The table is stacked: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]


# Each row a card whose cells show their column's label (the one .stack rule set in site.css).
STACKED = """() => [...document.querySelectorAll('main table.stack tbody tr')].slice(0, 5).map(row => ({
  display: getComputedStyle(row).display,
  cells: [...row.children].map(cell => ({
    label: cell.dataset.label,
    shown: getComputedStyle(cell, '::before').content,
    width: cell.getBoundingClientRect().right }))
}))"""


@pytest.mark.parametrize(
    "path", ["/staff/projects?state=all", "/staff/members?state=all", "/staff/projects/review"]
)
def test_other_staff_tables_stack_into_labelled_cards_at_320px(page, staff_login, path):
    log_in(small_page(page), *staff_login)
    page.goto(path)
    rows = page.evaluate(STACKED)
    assert rows, f"{path} shows no row"
    for row in rows:
        assert row["display"] == "block"
        for cell in row["cells"]:
            assert cell["shown"] == f'"{cell["label"]}"'
            assert cell["width"] <= SMALL["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]
    assert undersized(page) == []


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_the_first_result_is_above_the_fold_at_320x640(request, js):
    page = request.getfixturevalue("page" if js else "nojs_page")
    small_page(page).goto("/projects")
    first = page.locator("#results .results-list > li").first.bounding_box()
    assert first["y"] + 48 <= SMALL["height"], f"the first result starts at {first['y']:.0f} px"
    # The filters wait behind one "Filters (n)" control.
    summary = page.locator("details.filter-panel > summary")
    expect(summary).to_have_text(re.compile(r"Filters\W+\(0\)"))
    assert not page.locator("#facets input[type=checkbox]").first.is_visible()
    summary.click()
    assert page.locator("#facets input[type=checkbox]").first.is_visible()


def test_filters_are_an_open_sidebar_on_wide_screens(any_js_page):
    any_js_page.goto("/projects")
    assert any_js_page.locator("#facets input[type=checkbox]").first.is_visible()


@pytest.fixture(params=["js", "no-js"])
def any_js_page(request):
    return request.getfixturevalue("page" if request.param == "js" else "nojs_page")


def test_paging_moves_focus_to_the_results_heading_in_view(page):
    small_page(page).goto("/projects")
    wait_for_htmx(page)
    page.evaluate("window.stillTheSamePage = true")
    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'results-heading'"
    )
    assert page.evaluate("window.stillTheSamePage")
    top = page.evaluate("document.getElementById('results-heading').getBoundingClientRect().top")
    assert -1 <= top < SMALL["height"] / 2, f"the heading is at {top:.0f} px, not at the top"


def test_sorting_applies_at_once_and_moves_focus_to_the_results(page):
    small_page(page).goto("/projects")
    wait_for_htmx(page)
    page.locator("#sort").select_option("title")
    page.wait_for_url(re.compile(r"[?&]sort=title"))
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'results-heading'"
    )


def test_typing_a_search_keeps_focus_in_the_box_and_the_count_in_step(page):
    small_page(page).goto("/projects")
    wait_for_htmx(page)
    page.locator("#q").fill("parking")
    page.wait_for_url(re.compile(r"[?&]q=parking"))
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy')")
    assert page.evaluate("document.activeElement.id") == "q"
    shown = page.locator("#results .results-list > li").count()
    assert shown and re.search(r"\d+", page.locator("#results-heading").inner_text())
    expect(page.locator("#filter-count")).to_have_text("(0)")


def test_an_invalid_form_moves_focus_to_the_error_summary(page):
    small_page(page).goto("/interest")
    wait_for_htmx(page)
    page.problems.allow("status of 4")  # the form answers its errors with a 4xx status
    page.locator("#interest-form button[type=submit]").click()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.classList.contains('error-summary')"
    )
    top = page.evaluate("document.querySelector('.error-summary').getBoundingClientRect().top")
    assert -1 <= top < SMALL["height"] / 2
    expect(page.locator(".error-summary")).to_have_attribute("role", "alert")
    page.problems.allow("status of 4")


@pytest.fixture
def no_worker_page(chromium, server):
    """JavaScript on, no service worker, so that the test can hold and fail requests itself."""
    context = chromium.new_context(base_url=server.url, viewport=SMALL, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = BrowserProblems(page)
    yield page
    context.close()


def test_a_slow_search_shows_it_is_busy_then_the_count_in_step(no_worker_page):
    page = no_worker_page
    page.goto("/projects")
    wait_for_htmx(page)
    held = []
    page.route(re.compile(r"/projects\?"), lambda route: held.append(route))
    page.locator("#q").fill("parking")
    page.wait_for_function(
        "() => document.getElementById('results').getAttribute('aria-busy') === 'true'"
    )
    expect(page.locator("#search-status")).to_be_visible()
    while not held:
        page.wait_for_timeout(20)
    held[0].continue_()
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy')")
    expect(page.locator("#search-status")).not_to_be_visible()
    heading = page.locator("#results-heading").inner_text()
    assert int(re.search(r"\d+", heading).group()) == page.locator(".results-list > li").count()


def test_a_request_without_network_shows_a_visible_offline_notice(no_worker_page):
    page = no_worker_page
    page.goto("/projects")
    wait_for_htmx(page)
    notice = page.locator("#offline-notice")
    expect(notice).to_be_hidden()
    page.route(re.compile(r"/projects\?"), lambda route: route.abort("internetdisconnected"))
    page.locator(".pagination a[rel=next]").click()
    expect(notice).to_be_visible()
    assert not page.locator("#results").get_attribute("aria-busy")
    page.problems.items.clear()  # the failed request is the point of the test
    # Back online: the next answer hides it again.
    page.unroute(re.compile(r"/projects\?"))
    page.locator(".pagination a[rel=next]").click()
    expect(notice).to_be_hidden()


def test_an_error_answer_keeps_the_form_and_says_what_happened(no_worker_page, demo_app):
    """A 413 (or any error htmx does not swap) leaves what was typed in place, with a visible notice."""
    page = no_worker_page
    page.goto("/interest")
    wait_for_htmx(page)
    fill(page)
    notice = page.locator("#request-error")
    expect(notice).to_be_hidden()
    too_long = "Our city. " * 8000  # beyond INTEREST_MAX_CONTENT_LENGTH; maxlength is bypassed
    page.eval_on_selector("#message", "(box, text) => { box.value = text; }", too_long)
    before = interests(demo_app)
    page.locator("#interest-form button[type=submit]").click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Request too large")
    expect(notice).to_be_focused()
    assert page.locator("#message").input_value() == too_long
    assert page.get_by_label("Your name").input_value() == "Amina Okafor"
    assert interests(demo_app) == before
    page.problems.items.clear()  # the refused request is the point of the test
    # Shortened, it goes through and the notice goes away.
    page.locator("#message").fill("We would like to replicate this in our city.")
    page.locator("#interest-form button[type=submit]").click()
    page.get_by_text(re.compile(r"EOI-")).first.wait_for()
    expect(notice).to_be_hidden()


def interests(demo_app):
    with demo_app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Interest))


def fill(page):
    page.get_by_label("Your name").fill("Amina Okafor")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Organisation", exact=True).fill("City of Example")
    page.get_by_label("Type of organisation").select_option(index=1)
    page.get_by_label("Country").select_option("KE")
    page.get_by_label("What are you interested in?").select_option(index=1)
    page.get_by_label("Your message").fill("We would like to replicate this in our city.")
    page.get_by_label("The organisers may share my contact").check()


def test_a_double_tap_with_javascript_sends_once_and_says_sending(no_worker_page, demo_app):
    page = no_worker_page
    page.goto("/interest")
    wait_for_htmx(page)
    fill(page)
    before = interests(demo_app)
    held = []
    page.route(re.compile(r"/interest$"), lambda route: held.append(route))
    button = page.locator("#interest-form button[type=submit]")
    button.dblclick()
    expect(button).to_be_disabled()
    assert button.inner_text().strip() == "Sending…"
    while not held:
        page.wait_for_timeout(20)
    page.wait_for_timeout(200)
    assert len(held) == 1, "the second tap sent the form again"
    held[0].continue_()
    page.get_by_text(re.compile(r"EOI-")).first.wait_for()
    assert interests(demo_app) == before + 1


def test_a_double_tap_without_javascript_stores_one_record(nojs_page, demo_app):
    page = nojs_page
    page.goto("/interest")
    fill(page)
    before = interests(demo_app)
    page.locator("#interest-form button[type=submit]").dblclick()
    page.get_by_text(re.compile(r"EOI-")).first.wait_for()
    page.wait_for_timeout(300)
    assert interests(demo_app) == before + 1


@pytest.mark.parametrize("path", ["/", "/projects", "/awards", "/interest"])
def test_screenshots_at_320_390_and_1280(page, path):
    """Writes test-artifacts/screenshots/mobile-<page>-<width>.png (compared by people)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/") or "home"
    for width in (320, 390, 1280):
        page.set_viewport_size({"width": width, "height": 640 if width < 1000 else 800})
        page.goto(path)
        target = SCREENSHOTS / f"mobile-{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 0
