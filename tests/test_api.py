"""The read-only JSON API: /api/v1/projects, /api/v1/projects/<slug>, /api/v1/openapi.json."""

import pytest

CONTRACT_KEYS = {"total", "page", "per_page", "results", "facets", "suggestion"}
RESULT_KEYS = {
    "slug",
    "title",
    "city",
    "country",
    "theme",
    "summary",
    "status",
    "year",
    "url",
    "language",
    "machine_translation",
    "licence",
}


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
        slug="medellin-lights",
        title="Street Lighting",
        city="Medellín",
        country="CO",
        theme="sustainable-city",
        technologies=["IoT"],
        year=2020,
    )


def slugs(body):
    return [result["slug"] for result in body["results"]]


def test_the_answer_follows_the_contract(client, catalogue):
    response = client.get("/api/v1/projects?q=parking")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    assert set(body) >= CONTRACT_KEYS
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    assert set(body["results"][0]) == RESULT_KEYS
    assert body["results"][0]["url"] == "http://localhost/projects/kampala-smart-parking"
    assert {"theme", "region", "country", "status", "technology"} <= set(body["facets"])
    assert body["facets"]["theme"] == {"mobility": 1}
    assert body["suggestion"] is None


def test_facets_or_within_and_across(client, catalogue):
    body = client.get("/api/v1/projects?theme=mobility&theme=safe-city&sort=title").get_json()
    assert slugs(body) == ["kampala-smart-parking", "mexico-safe", "seoul-bus"]
    assert body["facets"]["theme"] == {"mobility": 2, "safe-city": 1, "sustainable-city": 1}
    body = client.get("/api/v1/projects?theme=mobility&technology=IoT").get_json()
    assert slugs(body) == ["kampala-smart-parking"]
    assert body["facets"]["technology"] == {"IoT": 1, "GPS": 1}


def test_accents_fold_and_typos_are_suggested(client, catalogue):
    assert slugs(client.get("/api/v1/projects?q=Medellin").get_json()) == ["medellin-lights"]
    body = client.get("/api/v1/projects?q=parkng").get_json()
    assert body["suggestion"] == "parking"


def test_per_page_and_page(client, make_project):
    for n in range(7):
        make_project(slug=f"p-{n}", title=f"Project {n}")
    body = client.get("/api/v1/projects?per_page=3&page=3&sort=title").get_json()
    assert (body["total"], body["page"], body["per_page"], slugs(body)) == (7, 3, 3, ["p-6"])
    past_the_end = client.get("/api/v1/projects?per_page=3&page=4")
    assert past_the_end.status_code == 404 and past_the_end.get_json()["status"] == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=abc", "“page” must be a whole number from 1 to 10000."),
        ("page=0", "“page” must be a whole number"),
        ("page=-5", "“page” must be a whole number"),
        ("page=99999999999999999999999", "“page” must be a whole number"),
        ("per_page=1000", "“per_page” must be a whole number from 1 to 100."),
        ("per_page=0", "“per_page” must be a whole number"),
        ("per_page=x", "“per_page” must be a whole number"),
    ],
)
def test_bad_paging_is_a_400_with_a_message(client, catalogue, query, message):
    response = client.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_json()["detail"].startswith(message)


@pytest.mark.parametrize(
    "params",
    [
        {"q": '"unbalanced quote'},
        {"q": "AND"},
        {"q": "OR"},
        {"q": "NOT"},
        {"q": "-"},
        {"q": "*"},
        {"q": "?"},
        {"q": "title:"},
        {"q": "((("},
        {"q": "x" * 5000},
        {"q": "parking " * 1000},
        {"q": "\x00\x01"},
        {"q": "😀 🚲"},
        {"q": "%"},
        {"theme": "nonsense"},
        {"country": "XX"},
        {"region": "mars"},
        {"status": "done"},
        {"year": "1e9"},
        {"award": "../../etc"},
        {"technology": "x" * 500},
        {"sort": "sideways"},
        {"theme": ["mobility", "mobility", "mobility"]},
        {"q": ["parking", "bus"]},
        {"page": ["1", "2"]},
    ],
)
def test_hostile_parameters_get_a_sensible_200(client, catalogue, params):
    response = client.get("/api/v1/projects", query_string=params)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= CONTRACT_KEYS
    assert isinstance(body["results"], list)


def test_unknown_filter_values_match_nothing_and_are_reported(client, catalogue):
    body = client.get("/api/v1/projects?theme=nonsense&theme=mobility").get_json()
    assert set(slugs(body)) == {"kampala-smart-parking", "seoul-bus"}
    assert body["notices"] == ["No project has the theme “nonsense”."]
    alone = client.get("/api/v1/projects?theme=nonsense").get_json()
    assert alone["total"] == 0 and alone["results"] == []


def test_the_full_record(client, make_project):
    make_project(
        slug="kampala-smart-parking",
        title="Parking",
        country="UG",
        sdgs=["11.2"],
        organizations=[{"name": "SRPOST", "role": "provider"}],
    )
    response = client.get("/api/v1/projects/kampala-smart-parking")
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "kampala-smart-parking" and body["region"] == "africa"
    assert body["organizations"] == [{"name": "SRPOST", "role": "provider"}]
    assert body["url"] == "http://localhost/projects/kampala-smart-parking"
    assert body["awards"] == []
    for field in (
        "description",
        "technologies",
        "status",
        "year",
        "programme",
        "outcomes",
        "lessons",
        "links",
    ):
        assert field in body


@pytest.mark.parametrize("slug", ["nope", "hidden"])
def test_unknown_and_unpublished_records_are_json_404s(client, make_project, slug):
    make_project(slug="hidden", publication="pending")
    response = client.get(f"/api/v1/projects/{slug}")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/projects", "/projects/{slug}"} <= set(document["paths"])
    names = [p["name"] for p in document["paths"]["/projects"]["get"]["parameters"]]
    assert {
        "q",
        "theme",
        "region",
        "country",
        "technology",
        "status",
        "year",
        "sort",
        "page",
        "per_page",
    } <= set(names)
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
