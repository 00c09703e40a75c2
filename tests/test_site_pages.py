"""The site's identity: header, footer, About/Contact/Accessibility pages, link previews (issue 12)."""

import pytest

from tests.conftest import html

PAGES = [
    "/",
    "/projects",
    "/awards",
    "/members",
    "/interest",
    "/about",
    "/contact",
    "/accessibility",
]


def meta(page, key):
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag and tag["content"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_whose_portal_it_is_and_links_the_footer_pages(client, path):
    page = html(client.get(path))
    brand = page.select_one(".site-header a.brand")
    assert "WeGO" in brand.get_text() and "GO SMART" in brand.get_text()
    assert brand.svg is not None and brand.svg["aria-hidden"] == "true"
    footer = {a.get_text(): a["href"] for a in page.select(".site-footer .footer-links a")}
    assert footer == {
        "About": "/about",
        "Contact": "/contact",
        "Privacy": "/privacy",
        "Accessibility statement": "/accessibility",
    }
    assert not page.find_all(style=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_link_preview(client, path):
    page = html(client.get(path))
    assert meta(page, "og:site_name") == "Smart City Exchange"
    assert meta(page, "og:type") == "website"
    assert meta(page, "og:url") == "http://localhost" + path
    # The site name is og:site_name; the title names the page (the home page is the site).
    assert meta(page, "og:title") == meta(page, "twitter:title")
    assert (meta(page, "og:title") == "Smart City Exchange") == (path == "/")
    assert meta(page, "og:description") == meta(page, "description")
    assert meta(page, "twitter:card") == "summary"


def test_a_case_study_preview_has_its_own_title_and_summary(client, make_project):
    slug = make_project(title="Smart <Parking>", summary="Sensors guide drivers & buses.")
    page = html(client.get(f"/projects/{slug}?utm=x"))
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == meta(page, "twitter:title") == "Smart <Parking>"
    assert meta(page, "og:description") == "Sensors guide drivers & buses."
    assert meta(page, "og:url") == f"http://localhost/projects/{slug}"


def test_the_preview_url_is_the_public_url_not_the_host_header(app, client):
    app.config["PUBLIC_URL"] = "https://exchange.example.org"
    page = html(client.get("/about"))
    assert meta(page, "og:url") == "https://exchange.example.org/about"


def test_the_accessibility_statement_names_measures_and_known_limits(client):
    page = html(client.get("/accessibility"))
    headings = [h2.get_text() for h2 in page.select("main h2")]
    assert headings == ["What we do", "Known limits", "Tell us about a problem"]
    assert "(WCAG) 2.2 at level AA" in page.select_one("main .lead").get_text()
    assert len(page.select("main ul")[1].find_all("li")) >= 3
    assert page.select_one("main a[href='/contact']")


def test_contact_points_to_the_form_and_the_configured_address(app, client):
    page = html(client.get("/contact"))
    assert page.select_one("main a.button[href='/interest']")
    assert not page.select("main a[href^='mailto:']")
    app.config["CONTACT_EMAIL"] = "secretariat@example.org"
    page = html(client.get("/contact"))
    assert page.select_one("main a[href='mailto:secretariat@example.org']")


def test_about_names_both_networks(client):
    text = html(client.get("/about")).select_one("main").get_text()
    assert "World Smart Sustainable Cities Organization" in text
    assert "Global Organization of Smart Cities" in text
