"""Real-browser fixtures: one seeded server and one Debian Chromium per session.

The server is the app on a temporary SQLite database and search index, loaded
with the demo data, in a threaded werkzeug server on a free 127.0.0.1 port
(rate limits off). Pages come in three kinds of browser context:

- `page`: JavaScript on, the site's own CSP enforced; console errors (which
  include every CSP violation: Chromium logs them as errors), uncaught
  exceptions and failed requests fail the test;
- `nojs_page`: JavaScript off, the same checks;
- `axe_page`: CSP bypassed, only so that axe-core can be injected.

Without Debian's Chromium or the playwright package every browser test skips.
"""

import json
import shutil
from pathlib import Path

import pytest

from ..live_server import LiveServer, create_user, dispose_demo_app, make_demo_app, public_pages

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def chromium():
    if sync_playwright is None:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    if CHROMIUM is None:
        pytest.skip("Chromium not found: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory, chromium):
    # The interest form's anti-bot minimum fill time would slow every test down.
    app = make_demo_app(tmp_path_factory.mktemp("browser"), INTEREST_MIN_FILL_SECONDS=0)
    yield app
    dispose_demo_app(app)


@pytest.fixture(scope="session")
def server(demo_app):
    with LiveServer(demo_app) as live:
        yield live


@pytest.fixture(scope="session")
def pages(demo_app):
    """{page type: path} of every public page type."""
    return public_pages(demo_app)


@pytest.fixture(scope="session")
def staff_login(demo_app):
    """(email, password) of a staff user."""
    return create_user(demo_app, role="staff")


class BrowserProblems:
    """Everything a page should never produce: console errors, exceptions, failed requests."""

    def __init__(self, page):
        self.items = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"uncaught: {error}"))
        page.on("requestfailed", self._request_failed)

    def _console(self, message):
        if message.type == "error":
            self.items.append(f"console: {message.text}")

    def _request_failed(self, request):
        # An aborted navigation (the user clicked on before a page finished) is not a fault.
        if request.failure != "net::ERR_ABORTED":
            self.items.append(f"request failed: {request.url} {request.failure}")

    def allow(self, fragment):
        """Forget problems mentioning `fragment` (for a deliberate error response)."""
        self.items = [item for item in self.items if fragment not in item]


def _new_page(chromium, server, **options):
    context = chromium.new_context(base_url=server.url, viewport=DESKTOP, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = BrowserProblems(page)
    return context, page


def wait_for_htmx(page):
    """site.js loads htmx after the load event: wait until it has set the page up."""
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")


@pytest.fixture
def page(chromium, server):
    """A page with JavaScript on; the test fails on any console error or CSP violation."""
    context, page = _new_page(chromium, server)
    yield page
    problems = page.problems.items
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def nojs_page(chromium, server):
    """A page with JavaScript off (service workers too)."""
    context, page = _new_page(chromium, server, java_script_enabled=False, service_workers="block")
    yield page
    problems = page.problems.items
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def axe_page(chromium, server):
    """A page whose CSP is bypassed so that axe-core can be injected (accessibility runs only)."""
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core not installed: run `make vendor` (npm ci)")
    context, page = _new_page(chromium, server, bypass_csp=True, service_workers="block")
    yield page
    context.close()


def axe_violations(page):
    """Run axe-core on the loaded page; a list of 'rule: target' lines."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): "
        + json.dumps([node["target"] for node in violation["nodes"]][:5])
        for violation in result["violations"]
    ]


def screenshot(page, name):
    """Full-page screenshots at phone and desktop widths under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = name.replace(" ", "-")
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in(page, email, password):
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
