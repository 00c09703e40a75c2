"""Reaching slow connections: page weight, compression, caching, lite mode, offline.

Budgets from DESIGN.md, on the seeded demo instance: the HTML of every public
page ≤ 14 KB compressed, a first visit (HTML + CSS + JS) ≤ 35 KB compressed,
and a repeat visit fetches only the HTML (assets cached for a year).
"""

import gzip
from urllib.parse import urlsplit

import brotli
import pytest
from bs4 import BeautifulSoup

from .conftest import html
from .live_server import PAGE_TYPES, create_user, dispose_demo_app, make_demo_app, public_pages

HTML_BUDGET = 14 * 1024
FIRST_VISIT_BUDGET = 35 * 1024
YEAR = 31536000
# Pages with a form may be kept out of every cache (they hold a CSRF token and
# typed input); every other public page is cacheable and revalidated by ETag.
FORM_PAGES = ("/account/", "/interest")
# Attributes that make the browser fetch something (links to other sites are fine).
FETCHING_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "embed": "src",
    "object": "data",
    "form": "action",
}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    app = make_demo_app(tmp_path_factory.mktemp("weight"))
    yield app
    dispose_demo_app(app)


@pytest.fixture(scope="module")
def pages(demo_app):
    return public_pages(demo_app)


@pytest.fixture
def web(demo_app):
    return demo_app.test_client()


@pytest.fixture(params=PAGE_TYPES)
def page_path(request, pages):
    """The path of one public page type (the test is reported per page type)."""
    if request.param not in pages:
        pytest.skip(f"{request.param}: not served yet")
    return pages[request.param]


def decode(response):
    encoding = response.headers.get("Content-Encoding")
    body = response.get_data()
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    assert encoding is None, encoding
    return body


def parse(response):
    return BeautifulSoup(decode(response), "html.parser")


def page_assets(page):
    """The same-origin CSS and JS a page loads."""
    urls = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    urls += [script["src"] for script in page.find_all("script", src=True)]
    urls += [script["data-htmx"] for script in page.find_all("script", attrs={"data-htmx": True})]
    return urls


def loads_htmx(page):
    return page.find("script", attrs={"data-htmx": True}) is not None


def test_demo_instance_serves_every_public_page_type(pages):
    assert set(pages) == set(PAGE_TYPES)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_html_is_compressed_within_the_budget(web, page_path, encoding):
    response = web.get(page_path, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.get_data()) <= HTML_BUDGET
    assert decode(response).startswith(b"<!doctype html>")


def test_first_visit_fits_the_budget_and_repeat_visits_need_only_the_html(web, page_path):
    response = web.get(page_path, headers={"Accept-Encoding": "br"})
    total = len(response.get_data())
    page = parse(response)
    assert loads_htmx(page), "htmx is not installed (make vendor): the budget would not count it"
    assets = page_assets(page)
    for url in assets:
        asset = web.get(url, headers={"Accept-Encoding": "br"})
        assert asset.status_code == 200, url
        assert "v=" in urlsplit(url).query, f"{url} is not fingerprinted"
        cache_control = asset.headers["Cache-Control"]
        assert f"max-age={YEAR}" in cache_control and "immutable" in cache_control, url
        total += len(asset.get_data())
    assert total <= FIRST_VISIT_BUDGET


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_are_compressed_and_answer_conditional_requests(web, encoding):
    page = html(web.get("/"))
    for url in page_assets(page):
        response = web.get(url, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding
        assert int(response.headers["Content-Length"]) == len(response.get_data())
        with web.get(url, headers={"Accept-Encoding": "identity"}) as plain:
            assert "Content-Encoding" not in plain.headers
            assert decode(response) == plain.get_data()
        again = web.get(
            url, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]}
        )
        assert again.status_code == 304


def test_pages_revalidate_with_etag_and_304_unless_never_stored(web, page_path):
    response = web.get(page_path, headers={"Accept-Encoding": "br"})
    if response.headers["Cache-Control"] == "private, no-store":
        assert page_path.startswith(FORM_PAGES)
        assert "ETag" not in response.headers
        return
    etag = response.headers.get("ETag")
    assert etag and etag.endswith(':br"')
    assert "no-store" not in response.headers["Cache-Control"]
    assert "no-cache" in response.headers["Cache-Control"]
    again = web.get(page_path, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    changed = web.get(page_path, headers={"Accept-Encoding": "br", "If-None-Match": '"stale:br"'})
    assert changed.status_code == 200


def test_anonymous_read_only_pages_set_no_cookie_and_are_the_same_for_everyone(demo_app, pages):
    for name in ("home", "catalogue", "case study", "awards", "members", "offline"):
        if name not in pages:
            continue
        first = demo_app.test_client().get(pages[name])
        second = demo_app.test_client().get(pages[name])
        assert "Set-Cookie" not in first.headers, name
        assert first.headers["Cache-Control"] == "no-cache", name
        assert first.headers["ETag"] == second.headers["ETag"], name


def test_pages_of_a_signed_in_user_are_never_stored(demo_app, pages):
    email, password = create_user(demo_app, role="staff")
    client = demo_app.test_client()
    login = html(client.get("/account/login"))
    token = login.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        "/account/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code in (302, 303)
    page = client.get(pages["catalogue"])
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers
    # Signed-in users get the token htmx sends with buttons outside forms.
    assert html(page).find("meta", attrs={"name": "csrf-token"})["content"]


def test_account_pages_are_never_stored(web, pages):
    for name in ("log in", "register"):
        if name in pages:
            assert web.get(pages[name]).headers["Cache-Control"] == "private, no-store"


def test_no_third_party_requests_and_nothing_inline(web, page_path):
    page = html(web.get(page_path))
    for tag, attribute in FETCHING_ATTRIBUTES.items():
        for element in page.find_all(tag, attrs={attribute: True}):
            url = urlsplit(element[attribute])
            assert not url.scheme and not url.netloc, str(element)[:120]
    for link in page.find_all("link", href=True):
        if link.get("rel") == ["alternate"] and link.get("hreflang"):
            continue  # this page in another language: absolute by rule, never fetched
        url = urlsplit(link["href"])
        assert not url.scheme and not url.netloc, str(link)[:120]
    assert not page.find_all("script", src=False)
    assert not page.find_all("style")
    assert not page.select("[style]")
    for element in page.find_all(True):
        handlers = [attr for attr in element.attrs if attr.lower().startswith("on")]
        assert not handlers, str(element)[:120]
    for element in page.find_all(href=True):
        assert not element["href"].lower().startswith("javascript:")


def test_images_have_dimensions_and_load_lazily(web, page_path):
    for image in html(web.get(page_path)).find_all("img"):
        assert image.get("width") and image.get("height"), str(image)
        assert image.get("loading") == "lazy", str(image)
        assert image.get("alt") is not None, str(image)


def test_save_data_gives_the_lite_page(web, pages):
    full = html(web.get(pages["home"]))
    assert loads_htmx(full)
    response = web.get(pages["home"], headers={"Save-Data": "on"})
    lite = html(response)
    assert not loads_htmx(lite)
    assert not lite.find("img")
    assert {"Save-Data", "Cookie"} <= set(response.vary)
    switch = lite.find("form", class_="lite-switch")
    assert switch.find("input", attrs={"name": "lite"})["value"] == "0"


def test_lite_pages_have_no_images_and_no_htmx(web, page_path):
    page = html(web.get(page_path, headers={"Save-Data": "on"}))
    assert not page.find("img")
    assert not loads_htmx(page)


def test_lite_switch_works_without_javascript_and_returns_to_the_page(web, pages):
    page = html(web.get(pages["catalogue"]))
    switch = page.find("form", class_="lite-switch")
    assert switch["method"] == "post"
    fields = {field["name"]: field["value"] for field in switch.find_all("input")}
    assert fields == {"next": pages["catalogue"], "lite": "1"}

    response = web.post(switch["action"], data=fields)
    assert response.status_code == 303
    assert response.headers["Location"] == pages["catalogue"]
    assert "lite=1" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    lite = html(web.get(pages["catalogue"]))
    assert not loads_htmx(lite)

    web.post(switch["action"], data={"next": "/", "lite": "0"})
    # An explicit choice beats the browser's Save-Data header.
    full = html(web.get("/", headers={"Save-Data": "on"}))
    assert loads_htmx(full)


def test_lite_switch_keeps_the_query_string(web):
    page = html(web.get("/projects?q=bus&page=1"))
    field = page.find("form", class_="lite-switch").find("input", attrs={"name": "next"})
    assert field["value"] == "/projects?q=bus&page=1"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        None,
    ],
)
def test_lite_switch_never_redirects_elsewhere(web, target):
    data = {"lite": "1"} if target is None else {"lite": "1", "next": target}
    response = web.post("/lite", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_lite_switch_accepts_only_post(web):
    assert web.get("/lite").status_code == 405


def test_service_worker_is_served_from_the_root_and_always_revalidated(web):
    page = html(web.get("/"))
    script = page.find("script", src=lambda src: "site.js" in src)
    assert script["data-service-worker"] == "/sw.js"
    response = web.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.headers["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in decode(response)


def test_favicon_is_served_where_browsers_look_for_it(web, pages):
    response = web.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "max-age" in response.headers["Cache-Control"]
    # Not linked from pages: a linked icon is fetched early, at high priority.
    assert not html(web.get(pages["home"])).find("link", rel="icon")


def test_offline_page_is_a_full_small_page(web):
    response = web.get("/offline")
    page = html(response)
    assert page.find("h1").get_text(strip=True)
    assert page.find("main", id="main")
    assert page.find("a", href="/")


def test_base_layout_landmarks_and_live_region(web, page_path):
    page = html(web.get(page_path))
    assert page.find("html").get("lang")
    assert page.find("meta", attrs={"name": "viewport"})
    skip = page.find("a", class_="skip-link")
    assert skip and skip["href"] == "#main"
    assert len(page.find_all("main")) == 1
    assert page.find("header") and page.find("footer")
    assert len(page.find_all("h1")) == 1
    live = page.find(id="live-region")
    assert live and live["aria-live"] == "polite"


@pytest.fixture(params=["fr", "es", "pt", "ar", "ko", "zh-Hant"])
def language(request, demo_app):
    languages = {language.tag: language for language in demo_app.extensions["i18n"].languages}
    if request.param not in languages:
        pytest.skip(f"{request.param} is not configured")
    return languages[request.param]


def test_every_language_stays_within_the_budgets(web, pages, language):
    """The budgets hold in every language: each page type under its /<lang>/ prefix."""
    for path in pages.values():
        localized = f"/{language.prefix}{path}"
        response = web.get(localized, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200, localized
        page = parse(response)
        assert page.find("html")["lang"] == language.tag, localized
        total = len(response.get_data())
        assert total <= HTML_BUDGET, (localized, total)
        for url in page_assets(page):
            assert urlsplit(url).path.startswith("/static/"), url  # one copy for every language
            total += len(web.get(url, headers={"Accept-Encoding": "br"}).get_data())
        assert total <= FIRST_VISIT_BUDGET, (localized, total)
        gzipped = web.get(localized, headers={"Accept-Encoding": "gzip"})
        assert len(gzipped.get_data()) <= HTML_BUDGET, localized
