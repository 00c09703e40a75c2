"""Languages in Chromium: right-to-left and CJK pages lay out, pass axe, and htmx keeps the
language switcher in step with the search."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import axe_violations, screenshot, wait_for_htmx

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "path", ["/ar/", "/ar/projects", "/ar/interest", "/zh-hant/projects", "/ko/members"]
)
def test_language_pages_reflow_at_320px(page, path):
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("load")
    screenshot(page, "lang" + path.replace("/", "-").rstrip("-"))
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path}: {overflow}px wider than a 320px screen"


def test_arabic_pages_mirror(page):
    page.goto("/ar/projects")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # The brand (first in the header row) sits on the right in right-to-left pages.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    cell_align = page.evaluate(
        "() => { const th = document.createElement('th'); document.body.append(th);"
        " return getComputedStyle(th).textAlign; }"
    )
    assert cell_align in ("start", "right")


@pytest.mark.parametrize(
    "path", ["/ar/projects", "/ar/interest", "/zh-hant/", "/ko/projects", "/fr/members"]
)
def test_language_pages_have_no_accessibility_violations(axe_page, path):
    axe_page.goto(path)
    assert axe_violations(axe_page) == [], path


def test_htmx_search_in_french_stays_french_and_updates_the_switcher(page):
    page.goto("/fr/projects")
    wait_for_htmx(page)
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#facets input[name=theme][value=mobility]").check()
    page.wait_for_url(re.compile(r"/fr/projects\?.*theme=mobility"))
    page.wait_for_function(
        "() => document.querySelector('#languages a[hreflang=es]').href.includes('theme=mobility')"
    )
    assert page.evaluate("window.stillTheSamePage")
    assert page.locator("html").get_attribute("lang") == "fr"
    spanish = urlsplit(page.locator("#languages a[hreflang=es]").get_attribute("href"))
    assert spanish.path == "/es/projects"
    assert parse_qs(spanish.query)["theme"] == ["mobility"]
    # Following the switcher opens the same search in Spanish.
    page.locator("#languages a[hreflang=es]").click()
    page.wait_for_url(re.compile(r"/es/projects\?"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#facets input[name=theme][value=mobility]").is_checked()


def test_the_offer_is_dismissed_without_javascript(nojs_page):
    nojs_page.context.set_extra_http_headers({"Accept-Language": "pt-BR,pt;q=0.9"})
    nojs_page.goto("/awards")
    offer = nojs_page.locator(".language-offer")
    assert offer.get_attribute("lang") == "pt"
    offer.locator("button").click()
    nojs_page.wait_for_load_state("load")
    assert urlsplit(nojs_page.url).path == "/awards"
    assert nojs_page.locator(".language-offer").count() == 0
