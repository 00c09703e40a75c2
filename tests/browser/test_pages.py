"""Every public page type in Chromium: clean console and CSP, axe-core, 320 px, screenshots."""

import pytest

from ..live_server import PAGE_TYPES
from .conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(params=PAGE_TYPES)
def page_type(request, pages):
    if request.param not in pages:
        pytest.skip(f"{request.param}: not served yet")
    return request.param, pages[request.param]


def test_page_loads_without_errors_and_reflows_at_320px(page, page_type):
    name, path = page_type
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("load")
    screenshot(page, name)
    # 320 CSS px is a 1280 px window at 400% zoom (WCAG 1.4.10): no sideways scrolling.
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than a 320px screen"


def test_page_works_without_javascript(nojs_page, page_type):
    name, path = page_type
    response = nojs_page.goto(path)
    assert response.status == 200
    assert nojs_page.locator("main h1").count() == 1


def test_page_has_no_accessibility_violations(axe_page, page_type):
    name, path = page_type
    axe_page.goto(path)
    assert axe_violations(axe_page) == [], name


def test_keyboard_skip_link_and_visible_focus(page, pages):
    page.goto(pages["home"])
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("class") == "skip-link"
    assert skip.is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tabbing on always moves forward through the page: no keyboard trap.
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.outerHTML.slice(0, 80)"))
    assert len(set(seen)) > 6
