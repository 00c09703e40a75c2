"""Award showcases: the demo editions, the edition page and its filter, the import, the API."""

import copy
import gzip
import json

import pytest
from flask import render_template_string

from app.database import begin_write
from app.extensions import db
from app.models import AwardEdition, AwardWinner, Project, SearchOutbox
from app.models.awards import parse_timezone
from app.seed import AWARDS_DATA as DEMO_DATA
from app.seed import seed_awards, seed_projects
from tests.conftest import html

EDITION_URL = "/awards/wego-awards-4"

WINNERS = {
    ("George Town", "Green Connectivity"),
    ("Belo Horizonte", "SIU Mobile – Belo Horizonte’s Mobility App"),
    ("São Paulo", "Free Fab Lab, SP Network"),
    ("Jakarta", "Jakarta Smart City"),
    ("Mexico City", "My Safe City"),
    (
        "Belo Horizonte",
        "Prevention of Violence and Sexual Harassment Against Women in Public Transport",
    ),
    ("Goyang", "Goyang Smart City"),
    ("Moscow", "My Moscow App"),
    ("Seongnam", "A City of Opportunity Powered by Drones"),
    ("Jeju", "High-Precision Bus Location Information Service"),
    ("Istanbul", "Ship Generated Marine Pollution Controls with Camera systems and Drones"),
    ("Mashhad", "Mashhad SIMAP Application"),
}
CATEGORIES = [
    "Mobility",
    "Open and Inclusive City",
    "Safe City",
    "Efficient Government",
    "Emerging Technology",
    "Sustainable City",
]


@pytest.fixture
def demo(app):
    """The bundled demo projects and award editions, loaded as `flask seed` does."""
    with app.app_context():
        begin_write()
        seed_projects()
        seed_awards()
        db.session.commit()
    return app


def winner_cards(page):
    return page.select("#winner-list li.winner")


def card_city_and_title(card):
    return card.select_one(".winner-city").get_text(), card.h4.get_text(strip=True)


def demo_document(index=0):
    return copy.deepcopy(json.loads(DEMO_DATA.read_text(encoding="utf-8"))[index])


def write(tmp_path, data, name="edition.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# The index and edition pages ------------------------------------------------------


def test_awards_index_lists_editions_with_results_first_and_says_what_is_known_of_the_others(
    demo, client
):
    response = client.get("/awards")
    assert response.status_code == 200
    page = html(response)
    cards = page.select("main ul.cards > li.card")
    titles = [card.find(["h2", "h3"]).get_text(strip=True) for card in cards]
    assert titles == ["4th WeGO Awards", "GO SMART Award 2023"]
    assert cards[0].h2.a["href"] == EDITION_URL
    counts = [li.get_text() for li in cards[0].select("ul.tags li")]
    assert counts == ["6 categories", "12 winners", "2 judges"]
    # The edition without results says so in words, and what the sources do tell: never "0 winners".
    announced = cards[1]
    assert "announced" in announced["class"]
    assert not announced.select("ul.tags")
    text = announced.get_text(" ", strip=True)
    assert "have not been published yet" in text
    assert "Callysta Thony (Chair, GovTech Edu)" in text
    assert "0 categories" not in page.get_text() and "0 winners" not in page.get_text()


def test_nav_links_to_awards_and_marks_it_current(demo, client):
    link = html(client.get("/awards")).select_one("nav ul.nav a[aria-current=page]")
    assert link["href"] == "/awards" and link.get_text() == "Awards"


def test_edition_page_shows_the_12_winners_in_their_6_categories(demo, client):
    page = html(client.get(EDITION_URL))
    assert page.h1.get_text() == "4th WeGO Awards"
    sections = page.select("#winner-list section.award-category")
    assert [section.h3.get_text() for section in sections] == CATEGORIES
    mobility = sections[0]
    assert [li.get_text() for li in mobility.select("ul.tags li")] == [
        "Efficient Transport",
        "Intelligent Transport Systems",
        "Mixed-Modal Access",
        "Integrated ICT Infrastructure",
        "Parking",
    ]
    assert {card_city_and_title(card) for card in mobility.select("li.winner")} == {
        ("George Town", "Green Connectivity"),
        ("Belo Horizonte", "SIU Mobile – Belo Horizonte’s Mobility App"),
    }
    cards = winner_cards(page)
    assert len(cards) == 12
    assert {card_city_and_title(card) for card in cards} == WINNERS
    countries = {card.select_one(".winner-country").get_text() for card in cards}
    assert countries == {
        "Malaysia",
        "Brazil",
        "Indonesia",
        "Mexico",
        "South Korea",
        "Russia",
        "Türkiye",
        "Iran",
    }


def test_every_winner_links_to_its_published_case_study(demo, client):
    cards = winner_cards(html(client.get(EDITION_URL)))
    for card in cards:
        link = card.h4.a
        assert link is not None, card
        assert link["href"].startswith("/projects/")
        case_study = client.get(link["href"])
        assert case_study.status_code == 200, link["href"]
        assert card.select_one("p:not(.meta)").get_text().strip()  # the one-line summary


def test_edition_page_shows_both_panelists_and_the_ceremony(demo, client):
    page = html(client.get(EDITION_URL))
    judges = page.select("section[aria-labelledby=judges-title] li.judge")
    assert [judge.select_one(".judge-name").get_text() for judge in judges] == [
        "Javier Vergara-Petrescu",
        "Donovan Storey",
    ]
    assert judge_details(judges[0]) == [
        "Javier Vergara-Petrescu",
        "Executive Director",
        "Ciudad Emergente",
        "(Judge Panelist, Part 1)",
    ]
    # The source gives no organisation for Donovan Storey: nothing is made up.
    assert judge_details(judges[1]) == [
        "Donovan Storey",
        "Head of Global Policy and Influence",
        None,
        "(Judge Panelist, Part 2)",
    ]
    ceremony = page.select_one("section[aria-labelledby=ceremony-title]")
    assert "5th WeGO General Assembly" in ceremony.get_text()


def judge_details(judge):
    parts = (".judge-name", ".judge-title", ".judge-organisation", ".judge-role")
    return [(tag.get_text() if (tag := judge.select_one(part)) else None) for part in parts]


def test_session_times_in_their_zone_and_in_utc(demo, client):
    page = html(client.get(EDITION_URL))
    sessions = page.select("section[aria-labelledby=sessions-title] li.session")
    assert len(sessions) == 6
    assert [h3.get_text() for h3 in page.select("section[aria-labelledby=sessions-title] h3")] == [
        "Part 1",
        "Part 2",
    ]
    first = [time["datetime"] for time in sessions[0].select("time")]
    assert first == [
        "2020-08-26T09:00+09:00",
        "2020-08-26T09:30+09:00",
        "2020-08-26T00:00Z",
        "2020-08-26T00:30Z",
    ]
    assert "09:00–09:30 GMT+9" in sessions[0].get_text()
    # The inference is explained once, behind the Sources disclosure, not beside every time.
    assert "assumed" not in page.select_one("section[aria-labelledby=sessions-title]").get_text()
    sources = page.select("main details#sources")
    assert len(sources) == 1 and sources[0].summary.get_text() == "Sources"
    assert "open" not in sources[0].attrs
    assert "assumed" in sources[0].get_text() and "never state" in sources[0].get_text()
    assert "00:00–00:30 UTC" in sessions[0].get_text()
    last = [time["datetime"] for time in sessions[5].select("time")]
    assert last == [
        "2020-09-14T17:00+09:00",
        "2020-09-14T17:30+09:00",
        "2020-09-14T08:00Z",
        "2020-09-14T08:30Z",
    ]
    assert [li.get_text() for li in sessions[5].select("ul li")] == [
        "Istanbul: Ship Generated Marine Pollution Controls with Camera systems and Drones",
        "Mashhad: Mashhad SIMAP Application",
    ]
    assert "Simultaneous interpretation in English and Korean." in page.get_text()
    ceremony_times = [
        time["datetime"] for time in page.select("section[aria-labelledby=ceremony-title] time")
    ]
    assert ceremony_times == [
        "2020-10-18T15:00+09:00",
        "2020-10-18T17:00+09:00",
        "2020-10-18T06:00Z",
        "2020-10-18T08:00Z",
    ]


def test_an_edition_without_winners_is_shown_gracefully(demo, client):
    response = client.get("/awards/go-smart-award-2023")
    assert response.status_code == 200
    page = html(response)
    assert page.h1.get_text() == "GO SMART Award 2023"
    assert page.select_one("form.filters") is None
    assert winner_cards(page) == []
    assert "No winners have been published" in page.select_one("#winner-list").get_text()
    assert judge_details(page.select_one("li.judge")) == [
        "Callysta Thony",
        "Product Strategist",
        "GovTech Edu",
        "(Chair)",
    ]


def test_unknown_edition_is_404(demo, client):
    assert client.get("/awards/no-such-edition").status_code == 404


def test_edition_page_is_small(demo, client):
    body = client.get(EDITION_URL).get_data()
    assert len(gzip.compress(body)) < 14 * 1024


# The winner filter --------------------------------------------------------------


def test_filter_form_works_without_javascript(demo, client):
    page = html(client.get(EDITION_URL))
    form = page.select_one("form.filters")
    assert form["method"] == "get" and form["action"] == EDITION_URL
    assert form.select_one("label[for=filter-category]") and form.select_one("#filter-category")
    assert form.select_one("label[for=filter-region]") and form.select_one("#filter-region")
    assert form.select_one("button[type=submit]")
    assert (form["hx-get"], form["hx-target"], form["hx-push-url"]) == (
        EDITION_URL,
        "#winner-list",
        "true",
    )
    regions = [option["value"] for option in form.select("#filter-region option")]
    assert regions == ["", "americas", "asia-pacific", "europe", "middle-east"]


def test_filter_by_category(demo, client):
    page = html(client.get(EDITION_URL, query_string={"category": "safe-city"}))
    assert [s.h3.get_text() for s in page.select("#winner-list section")] == ["Safe City"]
    assert {card_city_and_title(c)[0] for c in winner_cards(page)} == {
        "Mexico City",
        "Belo Horizonte",
    }
    selected = page.select_one("#filter-category option[selected]")
    assert selected["value"] == "safe-city"


def test_filter_by_region_and_category(demo, client):
    page = html(client.get(EDITION_URL, query_string={"region": "americas"}))
    assert sorted(card_city_and_title(c)[0] for c in winner_cards(page)) == [
        "Belo Horizonte",
        "Belo Horizonte",
        "Mexico City",
        "São Paulo",
    ]
    page = html(
        client.get(EDITION_URL, query_string={"region": "asia-pacific", "category": "mobility"})
    )
    assert [card_city_and_title(c)[0] for c in winner_cards(page)] == ["George Town"]


def test_htmx_filter_returns_only_the_winner_list(demo, client):
    response = client.get(
        EDITION_URL, query_string={"category": "mobility"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    fragment = html(response)
    assert fragment.find("html") is None and fragment.find("form") is None
    assert fragment.find().get("id") == "winner-list"
    assert len(fragment.select("li.winner")) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"category": "no-such-category"},
        {"region": "atlantis"},
        {"category": "<script>alert(1)</script>", "region": "x" * 5000},
    ],
)
def test_unknown_filter_values_give_an_empty_list_with_a_message(demo, client, params):
    response = client.get(EDITION_URL, query_string=params)
    assert response.status_code == 200
    page = html(response)
    assert winner_cards(page) == []
    message = page.select_one("#winner-list .empty-result")
    assert "No winners match these filters." in message.get_text()
    assert message.a["href"] == EDITION_URL
    assert page.find("script", string="alert(1)") is None


# Visible from the catalogue and the home page ----------------------------------------


def test_award_badge_for_a_winning_project(demo, app):
    with app.test_request_context():
        project = db.session.scalar(
            db.select(Project).filter_by(slug="george-town-green-connectivity")
        )
        badge = html_of(
            render_template_string('{% include "awards/_badge.html" %}', project=project)
        )
        link = badge.select_one("a.badge")
        assert link.get_text() == "Winner · 4th WeGO Awards · Mobility"
        assert link["href"] == EDITION_URL
        other = Project(slug="x", title="x", city="x", country="KR", theme="mobility", summary="x")
        assert (
            render_template_string('{% include "awards/_badge.html" %}', project=other).strip()
            == ""
        )


def test_featured_winners_partial(demo, app, client):
    with app.test_request_context():
        featured = html_of(render_template_string('{% include "awards/_featured.html" %}'))
    cards = featured.select("li.card")
    assert len(cards) == 6
    for card in cards:
        assert client.get(card.h3.a["href"]).status_code == 200
    assert featured.select_one("a[href='/awards']")


def test_catalogue_award_facet_finds_the_winners_with_their_badges(demo, app, client):
    from app.search import sync_pending

    with app.app_context():
        sync_pending()
    page = html(client.get("/projects", query_string={"award": "wego-awards-4"}))
    badges = page.select("a.badge[href='/awards/wego-awards-4']")
    assert len(badges) == 12
    assert "Winner · 4th WeGO Awards · Safe City" in {badge.get_text() for badge in badges}


def test_home_page_features_recent_winners(demo, client):
    section = html(client.get("/")).select_one("section[aria-labelledby=featured-winners-title]")
    assert len(section.select("li.card h3 a")) == 6


def test_award_wins_backref(demo, app):
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="mashhad-simap"))
        assert [(w.edition.slug, w.category.theme) for w in project.award_wins] == [
            ("wego-awards-4", "sustainable-city")
        ]


def html_of(text):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")


# Import -------------------------------------------------------------------------


def test_seed_is_idempotent(demo, app):
    with app.app_context():
        begin_write()
        seed_awards()
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(AwardEdition)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(AwardWinner)) == 12


def test_import_reports_every_problem_and_imports_nothing(demo, app, runner, tmp_path):
    document = demo_document()
    document["edition"]["slug"] = "wego-awards-5"
    document["edition"]["year"] = "2022"
    document["categories"][0]["theme"] = "space"
    document["sessions"][0]["timezone"] = "Mars/Olympus"
    document["sessions"][1]["end"] = "08:00"
    document["winners"][1]["project"] = "no-such-project"
    document["winners"][2]["country"] = "XX"
    document["winners"][3]["category"] = "nope"
    del document["winners"][4]["city"]
    document["judges"][0]["twitter"] = "@x"
    path = write(tmp_path, document)

    result = runner.invoke(args=["awards", "import", str(path)])

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        f"{path}:edition.year: must be a whole number from 1900 to 2100",
        f"{path}:categories.0.theme: must be one of mobility, open-inclusive, safe-city, "
        "efficient-government, emerging-technology, sustainable-city",
        f"{path}:sessions.0.timezone: unknown time zone: use an offset such as GMT+9 "
        "or a name such as Asia/Seoul",
        f"{path}:sessions.1.end: must be after the start",
        f"{path}:judges.0.twitter: unknown field",
        f"{path}:winners.1.project: unknown project slug 'no-such-project'",
        f"{path}:winners.2.country: unknown country code 'XX' (ISO 3166-1 alpha-2)",
        f"{path}:winners.3.category: no category with slug 'nope' in this file",
        f"{path}:winners.4.city: required",
        "9 problem(s): nothing imported.",
    ]
    with app.app_context():
        assert db.session.scalar(db.select(AwardEdition).filter_by(slug="wego-awards-5")) is None


def test_import_rejects_unreadable_files(demo, runner, tmp_path):
    path = write(tmp_path, '{"programme": ')
    result = runner.invoke(args=["awards", "import", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:file: not valid JSON (line 1, column 15)")

    path = write(tmp_path, "[]", name="empty.json")
    assert runner.invoke(args=["awards", "import", str(path)]).stderr.splitlines() == [
        f"{path}:file: no edition in the file",
        "1 problem(s): nothing imported.",
    ]

    path = write(tmp_path, "[1, {}]", name="list.json")
    lines = runner.invoke(args=["awards", "import", str(path)]).stderr.splitlines()
    assert lines[0] == f"{path}:0: must be a JSON object describing one edition"
    assert f"{path}:1.programme: required: a JSON object" in lines


def test_import_creates_then_reimport_updates(demo, app, runner, tmp_path):
    document = {
        "programme": {"slug": "wego-awards", "name": "WeGO Awards"},
        "edition": {"slug": "wego-awards-5", "title": "5th WeGO Awards", "number": 5, "year": 2022},
        "categories": [
            {"slug": "mobility", "name": "Smart Mobility", "theme": "mobility", "keywords": ["EV"]}
        ],
        "sessions": [
            {
                "slug": "webinar",
                "title": "Webinar",
                "date": "2022-03-01",
                "start": "23:30",
                "end": "23:59",
                "timezone": "Asia/Seoul",
                "category": "mobility",
            }
        ],
        "judges": [{"name": "A Judge", "role": "Chair"}],
        "winners": [
            {
                "category": "mobility",
                "session": "webinar",
                "city": "Jeju",
                "country": "kr",
                "project_title": "Bus info",
                "project": "jeju-bus-location-information",
                "distinction": "Gold",
            }
        ],
    }
    path = write(tmp_path, document)
    result = runner.invoke(args=["awards", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 5th WeGO Awards (wego-awards-5): 1 winner(s)." in result.output

    with app.app_context():
        jeju = db.session.scalar(db.select(Project).filter_by(slug="jeju-bus-location-information"))
        assert sorted(w.edition.slug for w in jeju.award_wins) == ["wego-awards-4", "wego-awards-5"]
        queued = db.session.scalars(
            db.select(SearchOutbox.entity_id).where(SearchOutbox.index_name == "projects")
        ).all()
        assert jeju.id in queued
        jeju_id = jeju.id
        outbox_before = len(queued)

    page = html(client_get(app, "/awards/wego-awards-5"))
    assert page.select_one("li.winner .meta").get_text() == "Jeju, South Korea · Gold"
    times = [t["datetime"] for t in page.select("li.session time")]
    assert times == [
        "2022-03-01T23:30+09:00",
        "2022-03-01T23:59+09:00",
        "2022-03-01T14:30Z",
        "2022-03-01T14:59Z",
    ]
    # Newest first on /awards, editions with results before those without.
    cards = html(client_get(app, "/awards")).select("main li.card")
    titles = [card.find(["h2", "h3"]).get_text(strip=True) for card in cards]
    assert titles == ["5th WeGO Awards", "4th WeGO Awards", "GO SMART Award 2023"]

    document["categories"][0]["name"] = "Mobility and Transport"
    document["winners"][0]["project"] = "goyang-smart-city"
    document["winners"][0]["project_title"] = "Goyang Smart City"
    document["judges"] = []
    result = runner.invoke(args=["awards", "import", str(write(tmp_path, document))])
    assert result.exit_code == 0, result.output

    with app.app_context():
        edition = db.session.scalar(db.select(AwardEdition).filter_by(slug="wego-awards-5"))
        assert [c.name for c in edition.categories] == ["Mobility and Transport"]
        assert [w.project.slug for w in edition.winners] == ["goyang-smart-city"]
        assert edition.judges == []
        assert db.session.scalar(db.select(db.func.count()).select_from(AwardEdition)) == 3
        goyang = db.session.scalar(db.select(Project).filter_by(slug="goyang-smart-city"))
        queued = db.session.scalars(
            db.select(SearchOutbox.entity_id)
            .where(SearchOutbox.index_name == "projects")
            .order_by(SearchOutbox.id)
        ).all()
        # Both the project that lost the award and the one that gained it are re-indexed.
        assert set(queued[outbox_before:]) == {jeju_id, goyang.id}


def client_get(app, path):
    return app.test_client().get(path)


def test_imported_names_are_escaped(demo, app, runner, tmp_path):
    hostile = '<script>alert("x")</script>'
    document = {
        "programme": {"slug": "evil", "name": hostile, "organiser": hostile},
        "edition": {"slug": "evil-1", "title": hostile, "description": hostile},
        "categories": [{"slug": "c", "name": hostile, "theme": "mobility", "keywords": [hostile]}],
        "judges": [{"name": hostile, "title": hostile}],
        "winners": [{"category": "c", "city": hostile, "country": "KR", "project_title": hostile}],
    }
    result = runner.invoke(args=["awards", "import", str(write(tmp_path, document))])
    assert result.exit_code == 0, result.output
    for path in ("/awards", "/awards/evil-1"):
        response = client_get(app, path)
        assert response.status_code == 200
        page = html(response)
        assert page.find("script", string='alert("x")') is None
        assert hostile in page.get_text()


# API and helpers -----------------------------------------------------------------


def test_api_lists_editions_with_categories_and_winners(demo, client):
    response = client.get("/api/v1/awards")
    assert response.status_code == 200
    editions = response.get_json()["editions"]
    assert [e["slug"] for e in editions] == ["go-smart-award-2023", "wego-awards-4"]
    wego = editions[1]
    assert wego["title"] == "4th WeGO Awards" and wego["year"] == 2020
    assert [c["name"] for c in wego["categories"]] == CATEGORIES
    assert len(wego["winners"]) == 12
    first = wego["winners"][0]
    assert first["city"] == "George Town" and first["category"] == "mobility"
    assert first["project"]["slug"] == "george-town-green-connectivity"
    assert first["project"]["url"].endswith("/api/v1/projects/george-town-green-connectivity")
    assert client.get(first["project"]["url"]).status_code == 200
    assert editions[0]["winners"] == [] and editions[0]["judges"][0]["role"] == "Chair"
    openapi = client.get("/api/v1/openapi.json").get_json()
    assert "/awards" in openapi["paths"] and "AwardEdition" in openapi["components"]["schemas"]


def test_api_gives_sessions_and_ceremony_in_their_zone_and_in_utc(demo, client):
    wego = client.get("/api/v1/awards").get_json()["editions"][1]
    first = wego["sessions"][0]
    assert first["part"] == "Part 1" and first["category"] == "mobility"
    assert first["start"] == "2020-08-26T09:00:00+09:00"
    assert first["start_utc"] == "2020-08-26T00:00:00+00:00"
    assert first["timezone_assumed"] is True
    assert first["winners"] == ["Green Connectivity", "SIU Mobile – Belo Horizonte’s Mobility App"]
    assert len(wego["sessions"]) == 6
    assert wego["ceremony"]["start_utc"] == "2020-10-18T06:00:00+00:00"
    go_smart = client.get("/api/v1/awards").get_json()["editions"][0]
    assert go_smart["sessions"] == [] and go_smart["ceremony"]["start"] is None


@pytest.mark.parametrize(
    ("name", "offset_hours"),
    [("GMT+9", 9), ("UTC-03:30", -3.5), ("+05:45", 5.75), ("UTC", 0), ("Asia/Seoul", 9)],
)
def test_parse_timezone(name, offset_hours):
    import datetime as dt

    offset = parse_timezone(name).utcoffset(dt.datetime(2020, 8, 26))
    assert offset == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize("name", ["", "GMT+15", "Mars/Olympus", "../etc/passwd", "9"])
def test_parse_timezone_rejects_nonsense(name):
    with pytest.raises(ValueError):
        parse_timezone(name)
