"""The catalogue pages: /projects, /projects/<slug>, the home page and the site-wide endpoints."""

import gzip
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import Project
from tests.conftest import html

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue(make_project):
    make_project(
        slug="kampala-smart-parking",
        title="Integrated Smart Parking System",
        city="Kampala",
        country="UG",
        theme="mobility",
        technologies=["IoT"],
        year=2019,
        status="feasibility",
    )
    make_project(
        slug="seoul-bus",
        title="Seoul Bus Information",
        city="Seoul",
        country="KR",
        theme="mobility",
        technologies=["GPS"],
        year=2021,
    )
    make_project(
        slug="mexico-safe",
        title="My Safe City",
        city="Mexico City",
        country="MX",
        theme="safe-city",
        technologies=["Cameras"],
        year=2021,
    )
    make_project(
        slug="istanbul-drones",
        title="Marine Pollution Control with Drones",
        city="Istanbul",
        country="TR",
        theme="sustainable-city",
        technologies=["Drones"],
        year=2020,
    )


def result_slugs(page):
    return [a["href"].rsplit("/", 1)[1] for a in page.select("#results .card h3 a")]


def query_of(href):
    return parse_qs(urlsplit(href).query)


# ---------------------------------------------------------------------------
# /projects


def test_the_search_page_is_an_accessible_get_form(client, catalogue):
    page = html(client.get("/projects"))
    form = page.find("form", id="search-form")
    assert form["method"] == "get" and form["action"] == "/projects" and form["role"] == "search"
    search = form.find("input", attrs={"name": "q"})
    assert page.find("label", attrs={"for": search["id"]})
    assert form.find("button", attrs={"type": "submit"})
    assert page.find("label", attrs={"for": "sort"}).find_next("select")["name"] == "sort"
    legends = [fieldset.legend.get_text(strip=True) for fieldset in form.select("#facets fieldset")]
    assert legends[:4] == ["Theme", "Region", "Country", "Technology"]
    for box in form.select("#facets input[type=checkbox]"):
        assert page.find("label", attrs={"for": box["id"]})
    assert page.find("h2", id="results-heading").get_text(strip=True) == "4 projects found"
    assert [h.name for h in page.find_all(["h1", "h2", "h3"])][:2] == ["h1", "h2"]


def test_facet_labels_are_human_with_counts(client, catalogue):
    page = html(client.get("/projects"))
    theme_label = page.find("input", attrs={"name": "theme", "value": "mobility"}).find_next(
        "label"
    )
    assert theme_label.get_text(" ", strip=True) == "Mobility (2)"
    country_label = page.find("input", attrs={"name": "country", "value": "UG"}).find_next("label")
    assert country_label.get_text(" ", strip=True) == "Uganda (1)"
    region_label = page.find("input", attrs={"name": "region", "value": "middle-east"}).find_next(
        "label"
    )
    assert region_label.get_text(" ", strip=True) == "Middle East (1)"


def test_values_of_one_facet_combine_with_or(client, catalogue):
    page = html(client.get("/projects?theme=mobility&theme=safe-city&sort=title"))
    assert result_slugs(page) == ["kampala-smart-parking", "mexico-safe", "seoul-bus"]
    # The other themes stay offered, with their counts.
    assert page.find("input", attrs={"name": "theme", "value": "sustainable-city"}) is not None
    checked = [box["value"] for box in page.select("input[name=theme][checked]")]
    assert sorted(checked) == ["mobility", "safe-city"]


def test_different_facets_combine_with_and(client, catalogue):
    page = html(client.get("/projects?theme=mobility&country=KR"))
    assert result_slugs(page) == ["seoul-bus"]
    page = html(client.get("/projects?theme=safe-city&year=2019"))
    assert result_slugs(page) == []
    assert page.select_one(".empty-state")


def test_selected_values_are_removable_chips(client, catalogue):
    page = html(client.get("/projects?q=city&theme=mobility&theme=safe-city&country=MX&sort=title"))
    chips = {a.get_text(" ", strip=True): a["href"] for a in page.select(".chips a")}
    mobility = next(href for text, href in chips.items() if text.startswith("Theme: Mobility"))
    assert query_of(mobility) == {
        "q": ["city"],
        "theme": ["safe-city"],
        "country": ["MX"],
        "sort": ["title"],
    }
    mexico = next(href for text, href in chips.items() if text.startswith("Country: Mexico"))
    assert query_of(mexico) == {
        "q": ["city"],
        "theme": ["mobility", "safe-city"],
        "sort": ["title"],
    }
    assert query_of(chips["Clear all filters"]) == {"q": ["city"], "sort": ["title"]}


def test_search_highlights_matches_and_every_state_is_a_url(client, catalogue):
    page = html(client.get("/projects?q=parking"))
    assert result_slugs(page) == ["kampala-smart-parking"]
    assert page.select_one("#results h3 mark").get_text() == "Parking"
    assert page.find("input", attrs={"name": "q"})["value"] == "parking"


def test_a_typo_suggests_and_shows_corrected_results(client, catalogue):
    page = html(client.get("/projects?q=parkng"))
    notice = page.find("a", href=lambda href: href and "q=parking" in href)
    assert notice is not None and notice.get_text(strip=True) == "parking"


def test_sort_and_pagination_links_keep_the_state(client, make_project):
    for n in range(25):
        make_project(slug=f"p-{n:02}", title=f"Water project {n:02}", theme="sustainable-city")
    page = html(client.get("/projects?theme=sustainable-city&sort=title"))
    assert len(result_slugs(page)) == 20
    next_link = page.select_one(".pagination a[rel=next]")
    assert query_of(next_link["href"]) == {
        "theme": ["sustainable-city"],
        "sort": ["title"],
        "page": ["2"],
    }
    assert next_link["hx-target"] == "#results"
    page2 = html(client.get(next_link["href"]))
    assert result_slugs(page2) == [f"p-{n}" for n in range(20, 25)]
    assert page2.find("option", attrs={"value": "title"}).has_attr("selected")


def test_twenty_results_stay_within_the_page_budget(client, make_project):
    for n in range(30):
        make_project(
            slug=f"p-{n}",
            title=f"Smart project {n} with a fairly long title for its kind",
            summary="A summary of one or two sentences about what the city did. " * 3,
            country=["KR", "UG", "BR", "MX", "TR", "IN"][n % 6],
            technologies=[f"Tech {n}", "IoT"],
        )
    response = client.get("/projects")
    assert len(html(response).select("#results .card")) == 20
    assert len(gzip.compress(response.get_data())) <= 14 * 1024


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("page=abc", "There is no page “abc”"),
        ("page=-1", "There is no page “-1”"),
        ("page=0", "There is no page “0”"),
        ("page=99999999999999999999", "There is no page"),
        ("page=9999", "There are only 1 pages"),
        ("sort=sideways", "Unknown sort order"),
        ("theme=nonsense", "No project has the theme “nonsense”"),
        ("country=Narnia", "No project has the country “NARNIA”"),
        ("year=twenty", "No project has the year “twenty”"),
        ("q=" + "parking " * 700, "shortened to 200 characters"),
    ],
)
def test_bad_parameters_are_clamped_or_match_nothing_with_a_notice(
    client, catalogue, query, notice
):
    response = client.get(f"/projects?{query}")
    assert response.status_code == 200
    notices = [p.get_text(" ", strip=True) for p in html(response).select("#results .notice")]
    assert any(notice in text for text in notices), notices


@pytest.mark.parametrize(
    "q", ['"unbalanced', "AND", "OR NOT", "*", "(", "title:", "~~~", "\x00", "’”"]
)
def test_hostile_queries_never_fail(client, catalogue, q):
    assert client.get("/projects", query_string={"q": q}).status_code == 200


def test_htmx_gets_the_results_partial_with_out_of_band_facets(client, catalogue):
    response = client.get("/projects?q=parking&theme=mobility", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    fragment = html(response)
    assert fragment.find("html") is None and fragment.find("form") is None
    assert fragment.find("h2", id="results-heading")["data-announce"] == "1 project found"
    facets = fragment.find(id="facets")
    assert facets["hx-swap-oob"] == "true"
    assert facets.find("input", attrs={"name": "theme", "value": "mobility"}).has_attr("checked")


def test_a_boosted_request_gets_the_full_page(client, catalogue):
    response = client.get("/projects", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert html(response).find("form", id="search-form") is not None


def test_the_form_is_wired_for_htmx_and_works_without_it(client, catalogue):
    page = html(client.get("/projects"))
    form = page.find("form", id="search-form")
    assert form["hx-get"] == "/projects" and form["hx-target"] == "#results"
    assert form["hx-push-url"] == "true"
    assert "submit" in form["hx-trigger"] and "delay:400ms" in form["hx-trigger"]
    triggers = [" ".join(trigger.split()) for trigger in form["hx-trigger"].split(",")]
    # Sorting applies at once, like the filters; a bare "change" would also fire for every checkbox
    # (the facet panel sends those itself).
    assert "change from:#sort" in triggers and "change" not in triggers
    facets = page.find(id="facets")
    assert facets["hx-trigger"] == "change" and facets["hx-include"] == "#search-form"
    assert not page.find_all(attrs={"onclick": True}) and not page.find_all("script", src=False)


def test_long_facets_have_a_show_all_without_javascript(client, make_project):
    countries = ["KR", "UG", "BR", "MX", "TR", "IN", "JP", "FR", "DE", "US", "KE", "NG"]
    for code in countries:
        make_project(country=code)
    fieldset = html(client.get("/projects")).find("legend", string="Country").parent
    assert len(fieldset.select(":scope > .facet-option")) == 10
    details = fieldset.find("details")
    assert details.summary.get_text(strip=True) == "Show all 12"
    assert len(details.select("input[type=checkbox]")) == 2


def test_a_selected_value_without_results_stays_visible(client, catalogue):
    page = html(client.get("/projects?q=parking&country=MX"))
    box = page.find("input", attrs={"name": "country", "value": "MX"})
    assert box.has_attr("checked")


def test_the_catalogue_says_when_search_is_degraded(app, client, catalogue):
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    response = client.get("/projects?q=parking")
    assert response.status_code == 200
    page = html(response)
    assert "simplified mode" in page.select_one(".notice-warn").get_text()
    assert result_slugs(page) == ["kampala-smart-parking"]


def test_unpublished_projects_are_not_listed(client, make_project):
    make_project(slug="hidden", title="Hidden Parking", publication="pending")
    make_project(slug="shown", title="Shown Parking")
    assert result_slugs(html(client.get("/projects?q=parking"))) == ["shown"]


# ---------------------------------------------------------------------------
# /projects/<slug>


def test_the_case_study_page_shows_everything(client, make_project):
    make_project(
        slug="kampala-smart-parking",
        title="Integrated Smart Parking System",
        city="Kampala",
        country="UG",
        theme="mobility",
        status="feasibility",
        year=2019,
        programme="WeGO Feasibility Study",
        technologies=["IoT", "Mobile app"],
        organizations=[{"name": "SRPOST", "role": "provider"}],
        sdgs=["11.2"],
        description="## Background\n\nParking *was* hard.",
        outcomes="Fewer cars circling.",
        lessons="Talk to drivers.",
        links=[{"title": "Recording", "url": "https://example.org/rec"}],
    )
    page = html(client.get("/projects/kampala-smart-parking"))
    assert page.h1.get_text(strip=True) == "Integrated Smart Parking System"
    facts = {
        dt.get_text(strip=True): dt.find_next("dd").get_text(" ", strip=True)
        for dt in page.select("dl.facts dt")
    }
    assert (
        facts["Country"] == "Uganda"
        and facts["Region"] == "Africa"
        and facts["Theme"] == "Mobility"
    )
    assert facts["Status"] == "Feasibility study" and facts["Year"] == "2019"
    assert (
        facts["Programme"] == "WeGO Feasibility Study"
        and facts["Sustainable Development Goals"] == "SDG 11.2"
    )
    assert [li.get_text(strip=True) for li in page.select("ul.tags li")] == ["IoT", "Mobile app"]
    assert page.find("h3", string="Background") is not None
    assert page.find("em", string="was") is not None
    assert "SRPOST (Solution provider)" in page.find("h2", string="Organisations").find_next(
        "ul"
    ).get_text(" ", strip=True)
    link = page.find("a", string="Recording")
    assert link["href"] == "https://example.org/rec" and link["rel"] == ["nofollow", "noopener"]
    interest = page.find("a", string="Express interest in this project")
    assert interest["href"] == "/interest?project=kampala-smart-parking"


def test_related_projects_are_listed(client, catalogue):
    page = html(client.get("/projects/kampala-smart-parking"))
    related = page.find("section", attrs={"aria-labelledby": "related-heading"})
    assert related is not None and "seoul-bus" in [
        a["href"].rsplit("/", 1)[1] for a in related.select("a")
    ]


@pytest.mark.parametrize("slug", ["nope", "hidden", "%3Cscript%3E"])
def test_unknown_and_unpublished_case_studies_are_404(client, make_project, slug):
    make_project(slug="hidden", publication="unpublished")
    assert client.get(f"/projects/{slug}").status_code == 404


def test_every_text_field_is_escaped(client, make_project):
    make_project(
        slug="xss",
        title=XSS,
        city=XSS,
        summary=XSS,
        programme=XSS,
        technologies=[XSS],
        organizations=[{"name": XSS, "role": "partner"}],
        links=[{"title": XSS, "url": "https://example.org"}],
        description=f'{XSS}\n\n[click](javascript:alert(3)) <a href="javascript:alert(4)">x</a>',
        outcomes="<img src=x onerror=alert(5)>",
        lessons="<iframe src=//evil></iframe>",
    )
    for url in ("/projects/xss", "/projects?q=alert", "/projects", "/"):
        response = client.get(url)
        page = html(response)
        assert not [s for s in page.find_all("script") if not s.get("src")], url
        assert not page.find_all("img") and not page.find_all("iframe"), url
        assert not page.find_all(attrs={"onerror": True}), url
        assert not [a for a in page.find_all("a") if a.get("href", "").startswith("javascript")], (
            url
        )
    page = html(client.get("/projects/xss"))
    assert page.h1.get_text() == XSS


def test_the_feed_is_valid_escaped_atom(client, make_project):
    make_project(slug="xss", title=XSS, summary="Fish & chips")
    response = client.get("/feeds/projects.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())  # noqa: S314 (our own output; parsing checks it is well formed)
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == XSS
    assert entry.find(f"{ATOM}summary").text == "Seoul: Fish & chips"
    assert entry.find(f"{ATOM}link").get("href") == "http://localhost/projects/xss"


# ---------------------------------------------------------------------------
# Home and site-wide endpoints


def test_the_home_page_has_search_figures_and_themes(client, catalogue):
    page = html(client.get("/"))
    form = page.find("form", attrs={"role": "search"})
    assert form["action"] == "/projects" and form.find("button", attrs={"type": "submit"})
    figures = [li.get_text(" ", strip=True) for li in page.select(".figures li")]
    assert figures == ["4 case studies", "4 cities", "4 countries"]
    themes = {a.get_text(strip=True): a["href"] for a in page.select(".themes a")}
    assert themes["Safe City"] == "/projects?theme=safe-city"


def test_healthz_reports_database_and_index(client, catalogue):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"]["ok"] is True
    assert body["search"]["projects"]["documents"] == 4


def test_healthz_is_degraded_but_200_without_the_index(app, client, catalogue):
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_robots_and_sitemap(client, catalogue, make_project):
    make_project(slug="hidden", publication="pending")
    robots = client.get("/robots.txt")
    assert robots.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in robots.get_data(as_text=True)
    sitemap = ET.fromstring(client.get("/sitemap.xml").get_data())  # noqa: S314 (our own output)
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert "http://localhost/projects/kampala-smart-parking" in locations
    assert "http://localhost/awards" in locations and "http://localhost/members" in locations
    assert "http://localhost/projects/hidden" not in locations


def test_a_new_project_is_searchable_right_after_commit(app, client):
    with app.app_context():
        db.session.add(
            Project(
                slug="fresh",
                title="Fresh Lighting",
                city="Lyon",
                country="FR",
                theme="sustainable-city",
                summary="New.",
            )
        )
        db.session.commit()
    assert result_slugs(html(client.get("/projects?q=lighting"))) == ["fresh"]


def test_award_winners_carry_a_badge_and_an_award_facet(client, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    page = html(client.get("/projects?award=wego-awards-4"))
    assert page.find("h2", id="results-heading").get_text(strip=True) == "12 projects found"
    assert len(page.select("#results .card .badge")) == 12
    label = page.find("input", attrs={"name": "award", "value": "wego-awards-4"}).find_next("label")
    assert label.get_text(" ", strip=True).startswith("4th WeGO Awards")
    detail = html(client.get("/projects/seongnam-drones"))
    assert "4th WeGO Awards" in detail.select_one(".badge").get_text()


def test_the_filters_are_a_closed_disclosure_counting_the_applied_filters(client, catalogue):
    # Results first on small screens: the 58 checkboxes wait behind one "Filters (n)" control that
    # works without JavaScript (site.js opens it on wide screens, where it is a sidebar).
    page = html(client.get("/projects"))
    panel = page.select_one("form#search-form details.filter-panel")
    assert "open" not in panel.attrs and panel.find(id="facets") is not None
    assert panel.summary.get_text(" ", strip=True) == "Filters (0)"
    assert not page.select(".jump-to-results")
    page = html(client.get("/projects?theme=mobility&region=asia-pacific&country=KR"))
    assert (
        page.select_one("details.filter-panel summary").get_text(" ", strip=True) == "Filters (3)"
    )
    chips = page.select("#results ul.chips a")
    assert len(chips) == 4  # one per filter, and "Clear all filters"
    assert "theme=" not in chips[0]["href"] and "region=asia-pacific" in chips[0]["href"]
    # The htmx answer brings the count along, out of band.
    fragment = html(client.get("/projects?theme=mobility", headers={"HX-Request": "true"}))
    count = fragment.find(id="filter-count")
    assert count["hx-swap-oob"] == "true" and count.get_text() == "(1)"


def test_the_region_map_links_each_region_to_its_filter(client, catalogue):
    page = html(client.get("/projects?theme=mobility"))
    links = page.select("#results figure.world-map svg a")
    assert links, "no region on the map"
    for link in links:
        assert "theme=mobility" in link["href"] and "region=" in link["href"]
        # The accessible name is the <title> (SVG-AAM), e.g. "Europe: 3 projects".
        name = link.title.get_text()
        count = int(link.select_one("text.count").get_text())
        assert name.endswith(f": {count} project" + ("s" if count != 1 else ""))
    assert page.select_one("figure.world-map svg")["aria-labelledby"] == "world-map-caption"
