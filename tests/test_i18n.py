"""The interface in every configured language: a URL per language, lang/dir, hreflang,
the switcher, the Accept-Language offer, unknown prefixes, forms under a prefix, and
dates, numbers and country names that follow the language."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from babel.dates import format_date
from flask_babel import gettext

from app import config, create_app
from app.extensions import db
from app.i18n.languages import build_languages
from app.models import AwardEdition, Project

from .conftest import html, make_test_config
from .live_server import dispose_demo_app, make_demo_app

LANGUAGES = build_languages(config.LANGUAGES)
DEFAULT = LANGUAGES[0]
OTHERS = LANGUAGES[1:]
FRENCH = next(language for language in LANGUAGES if language.tag == "fr")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
# Paths that exist once for every language.
UNPREFIXED = ("/static/", "/api/", "/feeds/", "/sitemap.xml", "/robots.txt", "/healthz")


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    app = make_demo_app(tmp_path_factory.mktemp("i18n"))
    yield app
    dispose_demo_app(app)


@pytest.fixture(scope="module")
def demo_pages(demo_app):
    """Unprefixed paths of the page types every language must serve."""
    with demo_app.app_context():
        project = db.session.scalar(
            db.select(Project.slug).where(Project.publication == "published").order_by(Project.id)
        )
        edition = db.session.scalar(db.select(AwardEdition.slug).order_by(AwardEdition.id))
    return {
        "home": "/",
        "catalogue": "/projects",
        "search": "/projects?q=city&theme=mobility",
        "case study": f"/projects/{project}",
        "award edition": f"/awards/{edition}",
        "members": "/members",
        "interest": "/interest",
    }


@pytest.fixture
def web(demo_app):
    return demo_app.test_client()


def in_language(language, path):
    """The path of a page in `language` (the contract: /<tag in lower case>/<page>)."""
    return path if language.default else f"/{language.tag.lower()}{path}"


def translated(app, language, msgid):
    with app.test_request_context(in_language(language, "/")):
        return gettext(msgid)


def local_links(page, within=None):
    """Every same-site URL a page links to or submits to (outside `within`'s exclusions)."""
    urls = []
    for element in page.find_all(["a", "form"]):
        if within and element.find_parent(id=within):
            continue
        url = element.get("href") if element.name == "a" else element.get("action")
        if url and url.startswith("/"):
            urls.append(url)
    return urls


# ------------------------------------------------------------------ every language, every page


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.tag)
def test_every_page_answers_in_every_language_with_lang_and_dir(web, demo_pages, language):
    for name, path in demo_pages.items():
        response = web.get(in_language(language, path))
        assert response.status_code == 200, (name, language.tag)
        root = html(response).find("html")
        assert root["lang"] == language.tag, name
        assert root["dir"] == ("rtl" if language.tag == "ar" else "ltr"), name


def test_language_tags_and_directions():
    assert [language.tag for language in LANGUAGES] == [
        "en",
        "fr",
        "es",
        "pt",
        "ar",
        "ko",
        "zh-Hant",
    ]
    by_tag = {language.tag: language for language in LANGUAGES}
    assert by_tag["zh-Hant"].prefix == "zh-hant" and by_tag["zh-Hant"].locale == "zh_Hant"
    assert by_tag["ar"].direction == "rtl"
    assert DEFAULT.prefix == ""


@pytest.mark.parametrize(
    "language", [DEFAULT, FRENCH, OTHERS[-1]], ids=lambda language: language.tag
)
def test_pages_are_in_their_language(demo_app, web, language):
    page = html(web.get(in_language(language, "/projects")))
    nav = page.find("nav", attrs={"aria-label": translated(demo_app, language, "Main")})
    assert nav is not None
    labels = [link.get_text(strip=True) for link in nav.find_all("a")]
    assert translated(demo_app, language, "Projects") in labels
    if not language.default:
        assert translated(demo_app, language, "Projects") != "Projects", "catalogue not compiled?"


def test_hreflang_alternates_are_complete_and_absolute(web, demo_pages):
    for name, path in demo_pages.items():
        for language in (DEFAULT, FRENCH):
            page = html(web.get(in_language(language, path)))
            alternates = {
                link["hreflang"]: link["href"]
                for link in page.find_all("link", rel="alternate", hreflang=True)
            }
            expected = {
                other.tag: f"http://localhost{in_language(other, path)}" for other in LANGUAGES
            }
            expected["x-default"] = f"http://localhost{path}"
            assert alternates == expected, name
            assert len(page.find_all("link", hreflang=True)) == len(LANGUAGES) + 1


def test_switcher_links_to_the_same_page_and_query_in_each_language(web):
    path = "/projects?q=waste&theme=mobility&theme=safe-city&page=1"
    page = html(web.get(in_language(FRENCH, path)))
    switcher = page.find("nav", id="languages")
    links = switcher.find_all("a")
    assert [link["hreflang"] for link in links] == [language.tag for language in LANGUAGES]
    for language, link in zip(LANGUAGES, links, strict=True):
        assert link["lang"] == language.tag
        assert link["href"] == in_language(language, path)
        assert link.get_text(strip=True) == language.name
    names = {link["lang"]: link.get_text(strip=True) for link in links}
    assert names["fr"] == "Français" and names["ar"] == "العربية" and names["ko"] == "한국어"
    current = switcher.find_all("a", attrs={"aria-current": True})
    assert [link["lang"] for link in current] == ["fr"]


def test_switcher_keeps_non_ascii_queries(web):
    page = html(web.get("/fr/projects?q=d%C3%A9chets"))
    link = page.find("nav", id="languages").find("a", hreflang="es")
    assert link["href"] == "/es/projects?q=d%C3%A9chets"


def test_switcher_and_alternates_on_an_error_page(web):
    response = web.get("/fr/projects/no-such-project")
    assert response.status_code == 404
    page = html(response)
    assert page.find("html")["lang"] == "fr"
    switcher = page.find("nav", id="languages")
    assert switcher.find("a", hreflang="en")["href"] == "/projects/no-such-project"


def test_links_inside_a_prefixed_page_stay_in_its_language(web, demo_pages):
    for name in ("home", "catalogue", "case study", "award edition", "members", "interest"):
        page = html(web.get(in_language(FRENCH, demo_pages[name])))
        urls = local_links(page, within="languages")
        assert urls, name
        for url in urls:
            assert url.startswith("/fr/") or url.startswith(UNPREFIXED), (name, url)


def test_default_language_pages_link_without_prefix(web, demo_pages):
    page = html(web.get(demo_pages["catalogue"]))
    prefixes = tuple(f"/{language.prefix}/" for language in OTHERS)
    assert not [url for url in local_links(page, within="languages") if url.startswith(prefixes)]


def test_assets_api_and_feeds_stay_unprefixed(web):
    page = html(web.get("/fr/"))
    stylesheet = page.find("link", rel="stylesheet")["href"]
    assert stylesheet.startswith("/static/")
    feed = page.find("link", type="application/atom+xml")
    assert feed["href"] == "/feeds/projects.atom"
    for path in (
        "/fr/api/v1/projects",
        "/fr/feeds/projects.atom",
        "/fr/sitemap.xml",
        "/fr/static/css/site.css",
    ):
        assert web.get(path).status_code == 404, path


def test_htmx_partials_under_a_prefix_are_in_that_language(demo_app, web):
    response = web.get("/fr/projects?q=city", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = html(response)
    assert fragment.find("html") is None
    with demo_app.test_request_context("/fr/projects"):
        expected = str(gettext("Filters"))
    assert fragment.find("h2", string=expected) is not None
    assert expected != "Filters"
    # Feeds and downloads have no language prefix (README, Languages): they take ?lang= instead.
    for url in local_links(fragment):
        if url.startswith(("/feeds/", "/projects.csv", "/projects.json")):
            continue
        assert url.startswith("/fr/"), url
    hx_urls = [element["hx-get"] for element in fragment.find_all(attrs={"hx-get": True})]
    assert hx_urls and all(url.startswith("/fr/projects") for url in hx_urls)
    # Not asked from the page it would change: no switcher in the answer.
    assert fragment.find(id="languages") is None


def test_htmx_search_refreshes_the_switcher_out_of_band(web):
    response = web.get(
        "/fr/projects?q=bus",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/fr/projects?q=city"},
    )
    switcher = html(response).find("nav", id="languages")
    assert switcher["hx-swap-oob"] == "true"
    assert switcher.find("a", hreflang="ko")["href"] == "/ko/projects?q=bus"
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    # A fragment of another page (a different path) leaves the switcher alone.
    other = web.get(
        "/fr/projects?q=bus",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/fr/members"},
    )
    assert html(other).find(id="languages") is None


def test_htmx_partial_with_switcher_is_compressed_whole(web):
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": "http://localhost/fr/projects",
        "Accept-Encoding": "gzip",
    }
    import gzip

    response = web.get("/fr/projects?q=bus", headers=headers)
    assert response.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.get_data()).decode()
    assert 'id="languages"' in body and "hx-swap-oob" in body


# ------------------------------------------------------------------ unknown and odd prefixes


@pytest.mark.parametrize(
    "path", ["/xx/projects", "/de/", "/de", "/pt-br/projects", "/zh-hans/awards"]
)
def test_unknown_language_prefix_is_a_404_listing_the_languages(web, path):
    response = web.get(path)
    assert response.status_code == 404
    page = html(response)
    rest = "/" + path.lstrip("/").partition("/")[2]
    listed = {link["hreflang"]: link["href"] for link in page.select("ul.language-list a")}
    assert listed == {language.tag: in_language(language, rest) for language in LANGUAGES}
    assert page.find("h1").get_text(strip=True)


def test_unknown_language_prefix_for_htmx_is_a_fragment(web):
    response = web.get("/xx/projects", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert html(response).find("html") is None
    assert html(response).select("ul.language-list a")


def test_other_missing_pages_are_plain_404s(web):
    for path in (
        "/no-such-page",
        "/projects/no-such-project",
        "/fr/no-such-page",
        "/api/v1/nothing",
    ):
        response = web.get(path)
        assert response.status_code == 404, path
        if not path.startswith("/api/"):
            assert not html(response).select("ul.language-list"), path


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/FR/projects?q=bus", "/fr/projects?q=bus"),
        ("/zh-Hant/projects", "/zh-hant/projects"),
        ("/en/projects", "/projects"),
        ("/EN/", "/"),
    ],
)
def test_prefix_in_another_case_or_the_default_language_redirects_to_the_one_address(
    web, path, target
):
    response = web.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == target


def test_prefix_without_trailing_slash_redirects_to_the_home_page(web):
    response = web.get("/fr")
    assert response.status_code == 308
    assert urlsplit(response.headers["Location"]).path == "/fr/"


# ------------------------------------------------------------------ Accept-Language


@pytest.mark.parametrize(
    "accept", ["fr", "fr-CA,fr;q=0.9,en;q=0.5", "ko-KR", "zh-TW", "pt-BR", "ar-EG"]
)
def test_accept_language_offers_a_language_and_never_redirects(demo_app, web, accept):
    response = web.get("/projects?q=bus", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert "Accept-Language" in response.vary
    page = html(response)
    assert page.find("html")["lang"] == "en"
    offer = page.find(class_="language-offer")
    assert offer is not None, accept
    language = next(language for language in OTHERS if language.tag == offer["lang"])
    assert accept.lower().startswith(language.tag[:2])
    link = offer.find("a")
    assert link["href"] == in_language(language, "/projects?q=bus")
    assert link["hreflang"] == language.tag
    # Written in the offered language.
    assert translated(demo_app, language, "No, thanks") in offer.get_text()


@pytest.mark.parametrize(
    "accept", ["", "en", "en-GB,fr;q=0.8", "de", "zh-CN", "*", "fr;q=0", "garbage;;q=x"]
)
def test_no_offer_when_the_browser_prefers_the_default_or_no_served_language(web, accept):
    page = html(web.get("/", headers={"Accept-Language": accept}))
    assert page.find(class_="language-offer") is None, accept


def test_no_offer_on_a_prefixed_url(web):
    response = web.get("/fr/projects", headers={"Accept-Language": "ko"})
    page = html(response)
    assert page.find("html")["lang"] == "fr"
    assert page.find(class_="language-offer") is None
    assert "Accept-Language" not in response.vary


def test_dismissing_the_offer_works_without_javascript_and_is_remembered(demo_app):
    client = demo_app.test_client()
    page = html(client.get("/members", headers={"Accept-Language": "es"}))
    form = page.find(class_="language-offer").find("form")
    assert form["method"] == "post"
    fields = {field["name"]: field["value"] for field in form.find_all("input")}
    assert fields == {"next": "/members"}
    response = client.post(form["action"], data=fields)
    assert response.status_code == 303
    assert response.headers["Location"] == "/members"
    cookie = response.headers["Set-Cookie"]
    assert "language_offer=" in cookie and "HttpOnly" in cookie and "Max-Age=" in cookie
    again = html(client.get("/members", headers={"Accept-Language": "es"}))
    assert again.find(class_="language-offer") is None
    assert client.get("/language-offer").status_code == 405


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", ""]
)
def test_dismissing_the_offer_never_redirects_elsewhere(web, target):
    response = web.post("/language-offer", data={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


# ------------------------------------------------------------------ forms and private pages


def test_interest_form_posts_under_the_prefix_and_stays_in_the_language(app, client):
    form_page = html(client.get("/fr/interest"))
    form = form_page.find("form", attrs={"action": "/fr/interest"})
    assert form is not None
    data = {
        field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")
    }
    data.update(
        name="Amina Okello",
        email="amina@example.org",
        organization="Kampala Capital City Authority",
        organization_type="local-government",
        country="UG",
        interest_type="replicate",
        message="Nous voudrions reproduire un système de stationnement intelligent.",
        consent="y",
        website="",
    )
    response = client.post("/fr/interest", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/fr/interest/thanks/")
    thanks = html(client.get(response.headers["Location"]))
    assert thanks.find("html")["lang"] == "fr"


def test_invalid_form_under_a_prefix_answers_in_that_language(app, client):
    form = html(client.get("/fr/interest")).find("form", attrs={"action": "/fr/interest"})
    data = {
        field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")
    }
    data.update(name="Amina", email="not an address")
    response = client.post("/fr/interest", data=data)
    assert response.status_code in (400, 422)
    page = html(response)
    assert page.find("html")["lang"] == "fr"
    assert page.find("input", attrs={"name": "email"})["value"] == "not an address"
    assert page.find("form", attrs={"action": "/fr/interest"}) is not None


def test_private_pages_under_a_prefix_are_never_stored(client):
    response = client.get("/fr/account/login")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_login_required_redirect_stays_in_the_language(client):
    response = client.get("/ko/account/")
    assert response.status_code in (302, 303)
    assert urlsplit(response.headers["Location"]).path == "/ko/account/login"


# ------------------------------------------------------------------ API, feeds, sitemap, robots


def test_api_and_feeds_take_the_lang_parameter(demo_app, web):
    response = web.get("/api/v1/nothing?lang=fr")
    assert response.status_code == 404
    with demo_app.test_request_context("/fr/"):
        expected = str(gettext("Page not found"))
    assert expected != "Page not found"
    assert response.get_json()["title"] == expected
    english = web.get("/api/v1/nothing?lang=xx").get_json()["title"]
    assert english == "Page not found"
    # Links to pages in an API answer lead to the pages in the language asked for.
    french = web.get("/api/v1/projects?lang=fr").get_json()["results"]
    assert french and all(urlsplit(hit["url"]).path.startswith("/fr/projects/") for hit in french)
    default = web.get("/api/v1/projects").get_json()["results"]
    assert all(urlsplit(hit["url"]).path.startswith("/projects/") for hit in default)
    feed = web.get("/feeds/projects.atom?lang=ko").get_data(as_text=True)
    with demo_app.test_request_context("/ko/"):
        assert str(gettext("%(site)s: newest projects", site=demo_app.config["SITE_NAME"])) in feed


def test_sitemap_lists_every_page_in_every_language_with_alternates(web):
    root = ET.fromstring(web.get("/sitemap.xml").get_data())  # noqa: S314 (our own output)
    entries = root.findall(f"{SITEMAP}url")
    locations = [entry.find(f"{SITEMAP}loc").text for entry in entries]
    assert "http://localhost/fr/projects" in locations and "http://localhost/projects" in locations
    assert len(locations) == len(set(locations))
    assert len(locations) % len(LANGUAGES) == 0
    for entry in entries:
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")
        }
        assert set(alternates) == {language.tag for language in LANGUAGES} | {"x-default"}
        assert entry.find(f"{SITEMAP}loc").text in alternates.values()
        assert alternates["x-default"] == alternates[DEFAULT.tag]
        assert alternates["zh-Hant"].startswith("http://localhost/zh-hant/")


def test_robots_keeps_crawlers_out_of_private_pages_in_every_language(web):
    robots = web.get("/robots.txt").get_data(as_text=True).splitlines()
    for language in LANGUAGES:
        assert f"Disallow: {in_language(language, '/account/')}" in robots
        assert f"Disallow: {in_language(language, '/staff/')}" in robots


# ------------------------------------------------------------------ dates, numbers, countries


def test_award_dates_follow_the_language(demo_app, web):
    with demo_app.app_context():
        edition = db.session.scalars(
            db.select(AwardEdition).where(AwardEdition.sessions.any()).order_by(AwardEdition.id)
        ).first()
        if edition is None:
            pytest.skip("no award sessions in the demo data")
        first = min(session.date for session in edition.sessions if session.date)
        slug = edition.slug
    for language in (DEFAULT, FRENCH, next(lang for lang in LANGUAGES if lang.tag == "ko")):
        text = html(web.get(in_language(language, f"/awards/{slug}"))).get_text()
        assert format_date(first, "long", locale=language.locale) in text, language.tag


@pytest.mark.parametrize(
    ("language", "expected", "time"),
    [
        ("en", "12,345", "09:05"),
        ("fr", "12\u202f345", "09:05"),
        ("es", "12.345", "9:05"),
        ("ko", "12,345", "09:05"),
    ],
)
def test_numbers_and_times_follow_the_language(app, language, expected, time):
    from flask import render_template_string

    prefix = "" if language == "en" else f"/{language}"
    with app.test_request_context(f"{prefix}/"):
        assert render_template_string("{{ 12345|numberformat }}") == expected
        assert render_template_string("{{ t|clock }}", t=dt.time(9, 5)) == time


def test_country_names_follow_the_language(client, make_project):
    slug = make_project(country="CI", city="Abidjan")
    page = html(client.get(f"/fr/projects/{slug}"))
    assert "Côte d’Ivoire" in page.get_text()
    page = html(client.get(f"/ko/projects/{slug}"))
    assert "코트디부아르" in page.get_text()
    results = html(client.get("/es/projects"))
    assert "Côte d’Ivoire" in results.get_text()


def test_country_lists_sort_by_the_languages_collation(app):
    from app.regions import country_choices

    with app.test_request_context("/fr/interest"):
        names = [name for _code, name in country_choices()]
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatie")
    assert (
        names.index("Danemark")
        < names.index("Égypte")
        < names.index("Espagne")
        < names.index("Fidji")
    )
    with app.test_request_context("/interest"):
        names = [name for _code, name in country_choices()]
    assert names.index("Costa Rica") < names.index("Côte d’Ivoire") < names.index("Croatia")
    assert names[0] in ("Afghanistan", "Åland Islands")


def test_interest_form_country_select_is_in_the_language(client):
    page = html(client.get("/pt/interest"))
    options = [
        option.get_text()
        for option in page.find("select", attrs={"name": "country"}).find_all("option")
    ]
    assert "Costa do Marfim" in options and "Coreia do Sul" in options


def test_search_documents_keep_english_country_names(app, make_project):
    from app.search.projects import project_document

    slug = make_project(country="DE")
    with app.test_request_context("/fr/"), app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        document = project_document(project)
    terms = str(document["country"]).split()  # analysed (folded) terms
    assert "germani" in terms and "de" in terms  # the English name (stemmed), whatever the page
    assert not any(term.startswith("allemagn") for term in terms)


# ------------------------------------------------------------------ configuration


def test_languages_come_from_configuration(tmp_path):
    app = create_app(make_test_config(tmp_path, LANGUAGES=["fr", "en"]))
    client = app.test_client()
    with app.app_context():
        db.create_all()
    assert html(client.get("/projects")).find("html")["lang"] == "fr"
    assert html(client.get("/en/projects")).find("html")["lang"] == "en"
    assert client.get("/fr/projects").status_code == 301
    assert client.get("/ko/projects").status_code == 404
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_one_language_means_no_prefixes_and_no_switcher_choices(tmp_path):
    app = create_app(make_test_config(tmp_path, LANGUAGES="en"))
    client = app.test_client()
    with app.app_context():
        db.create_all()
    page = html(client.get("/projects"))
    assert page.find("html")["lang"] == "en"
    assert [link["hreflang"] for link in page.find("nav", id="languages").find_all("a")] == ["en"]
    assert client.get("/fr/projects").status_code == 404
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(
    "setting", [[], ["en", "EN"], ["en", "klingon-nope"], ["en", 5], "not a tag!"]
)
def test_a_bad_languages_setting_stops_the_app_with_a_clear_message(tmp_path, setting):
    with pytest.raises(RuntimeError, match="LANGUAGES"):
        create_app(make_test_config(tmp_path, LANGUAGES=setting))


def test_each_request_has_its_own_language_within_one_app_context(app, client):
    def heading(path):
        page = html(client.get(path))
        return page.find("html")["lang"], page.find("h1").get_text(strip=True)

    french, english, korean = (
        heading(path) for path in ("/fr/projects", "/projects", "/ko/projects")
    )
    with app.app_context():
        assert heading("/fr/projects") == french
        assert heading("/projects") == english
        assert heading("/ko/projects") == korean
    assert english == ("en", "Projects") and french[0] == "fr" and french[1] != "Projects"
