"""The catalogue as open data: case-study fields, search feeds and files, the API's HTTP conventions."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Project
from tests.conftest import html, login
from tests.test_catalog_io import record, run_import, write_json

ATOM = "{http://www.w3.org/2005/Atom}"

CASE_STUDY = {
    "metrics": [
        {
            "indicator": "Average search time",
            "value": 7,
            "unit": "min",
            "baseline": 15,
            "target": 8,
            "date": "2020-06",
            "source": "City report",
        }
    ],
    "population": 1650000,
    "budget": {"amount": 1200000, "currency": "usd"},
    "what_did_not_work": "The **sensors** froze.",
    "replicated_in": ["other-city-parking"],
    "contact": {"name": "A. Person", "role": "Project lead", "organisation": "City Hall"},
    "licence": "CC0-1.0",
    "verified_at": "2026-01-15",
    "images": [
        {
            "url": "https://img.example.org/a.jpg",
            "alt": "Sensors on a street",
            "credit": "City Hall",
        }
    ],
}


# ---------------------------------------------------------------------------
# Import of each new field


def test_import_stores_every_case_study_field(app, runner, tmp_path):
    path = write_json(tmp_path, [record(slug="kampala-parking", **CASE_STUDY)])
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == "kampala-parking"))
        assert project.metrics[0]["baseline"] == 15 and project.population == 1650000
        assert project.budget == {"amount": 1200000, "currency": "USD"}
        assert project.replicated_in == ["other-city-parking"]
        assert project.contact["organisation"] == "City Hall" and project.licence == "CC0-1.0"
        assert (
            project.verified_at == date(2026, 1, 15)
            and project.images[0]["alt"] == "Sensors on a street"
        )
    again = run_import(runner, path)
    assert "1 unchanged" in again.stdout


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("metrics", [{"indicator": "x"}], "metrics[1].value: is required"),
        ("metrics", [{"indicator": "x", "value": "lots"}], "metrics[1].value: must be a number"),
        ("metrics", [{"value": 3}], "metrics[1].indicator: is required"),
        (
            "metrics",
            [{"indicator": "x", "value": 1, "date": "June"}],
            "metrics[1].date: must be a date",
        ),
        (
            "metrics",
            [{"indicator": "x", "value": 1, "colour": "red"}],
            "metrics[1]: unknown key colour",
        ),
        ("population", -4, "population: must be between 1 and"),
        ("population", "many", "population: must be a whole number"),
        ("budget", {"amount": 5, "currency": "dollars"}, "budget.currency: must be an ISO 4217"),
        ("budget", {"amount": -5, "currency": "EUR"}, "budget.amount: must not be negative"),
        ("replicated_in", ["Not A Slug"], "replicated_in[1]: must be a project slug"),
        ("contact", {"name": "someone@example.org"}, "contact.name: must not be an email address"),
        ("contact", {"role": "Lead"}, "contact.name: is required"),
        ("licence", "any licence you like", "licence: must be an SPDX licence identifier"),
        ("verified_at", "yesterday", "verified_at: must be a date YYYY-MM-DD"),
        ("verified_at", "2999-01-01", "verified_at: must not be in the future"),
        (
            "images",
            [{"url": "http://img.example.org/a.jpg", "alt": "x"}],
            "images[1].url: must be an https:// address",
        ),
        ("images", [{"url": "https://img.example.org/a.jpg"}], "images[1].alt: is required"),
        (
            "images",
            [{"url": "https://x.org/a.jpg", "alt": "x"}] * 5,
            "images: must have at most 4 items",
        ),
        ("what_did_not_work", "x" * 20001, "what_did_not_work: must be at most 20000 characters"),
    ],
)
def test_invalid_case_study_fields_are_reported_as_path_record_field(
    runner, tmp_path, field, value, message
):
    path = write_json(tmp_path, [record(slug="good"), record(slug="bad", **{field: value})])
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert any(
        line.startswith(f"{path}:record 2: {message}") for line in result.stderr.splitlines()
    ), result.stderr


def test_export_carries_the_new_fields(app, runner, tmp_path):
    run_import(runner, write_json(tmp_path, [record(slug="kampala-parking", **CASE_STUDY)]))
    result = runner.invoke(args=["catalog", "export"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout.splitlines()[0])
    assert exported["metrics"][0]["indicator"] == "Average search time"
    assert exported["verified_at"] == "2026-01-15" and exported["budget"]["currency"] == "USD"


# ---------------------------------------------------------------------------
# The page


def test_page_shows_the_case_study_fields(client, make_project):
    make_project(slug="other-city-parking", title="Parking elsewhere", city="Busan")
    make_project(
        slug="kampala-parking",
        **{
            **CASE_STUDY,
            "budget": {"amount": 1200000, "currency": "USD"},
            "verified_at": date(2026, 1, 15),
        },
    )
    page = html(client.get("/projects/kampala-parking"))
    text = page.select_one("article").get_text(" ", strip=True)
    assert "What did not work" in text and "1,650,000" in text and "1,200,000 USD" in text
    assert (
        page.select_one("table.metrics tbody th")
        .get_text(" ", strip=True)
        .startswith("Average search time")
    )
    bars = page.select("svg.metric-bar rect")
    assert [int(rect["width"]) for rect in bars] == [160, 75]  # baseline 15, value 7
    assert not page.select("[style]")
    contact = page.select_one("p.contact")
    assert "A. Person" in contact.get_text() and "@" not in contact.get_text()
    assert contact.a["href"] == "/interest?project=kampala-parking"
    image = page.select_one("article img")
    assert (image["loading"], image["decoding"], image["alt"]) == (
        "lazy",
        "async",
        "Sensors on a street",
    )
    assert not image.has_attr("srcset")
    assert page.select_one("a[rel=license]").get_text() == "CC0-1.0"
    assert "Last checked: 2026-01-15" in text
    # Also deployed in: both directions.
    assert page.find("a", href="/projects/other-city-parking")
    other = html(client.get("/projects/other-city-parking"))
    assert other.find("h2", string="Also deployed in")
    assert other.find("a", href="/projects/kampala-parking")


def test_empty_fields_show_no_bare_labels(client, make_project, app):
    make_project(slug="plain")
    page = html(client.get("/projects/plain"))
    text = page.select_one("article").get_text(" ", strip=True)
    for label in (
        "What did not work",
        "Results in numbers",
        "City size",
        "Budget",
        "Contact",
        "Images",
        "Also deployed in",
        "Last checked",
    ):
        assert label not in text
    assert page.select_one("a[rel=license]").get_text() == app.config["DEFAULT_LICENCE"]


@pytest.mark.parametrize(
    ("headers", "cookie"),
    [({"Save-Data": "on"}, None), ({}, "1"), ({"Save-Data": "on"}, "0")],
)
def test_no_image_is_loaded_in_lite_mode_or_with_save_data(client, make_project, headers, cookie):
    make_project(slug="pictured", images=CASE_STUDY["images"])
    if cookie:
        client.set_cookie("lite", cookie)
    page = html(client.get("/projects/pictured", headers=headers))
    assert page.select("article img") == []
    assert page.find("a", href="https://img.example.org/a.jpg")


def test_staff_needs_review_lists_unchecked_case_studies(client, make_project, make_user):
    make_project(slug="fresh", title="Fresh", verified_at=date.today() - timedelta(days=10))
    make_project(slug="stale", title="Stale", verified_at=date.today() - timedelta(days=400))
    make_project(slug="never", title="Never")
    login(client, make_user("staff"))
    page = html(client.get("/staff/projects/review"))
    titles = [a.get_text() for a in page.select("#needs-review tbody a")]
    assert titles == ["Never", "Stale"]


def test_needs_review_is_staff_only(client, make_user):
    login(client, make_user("member"))
    assert client.get("/staff/projects/review").status_code in (302, 403)


# ---------------------------------------------------------------------------
# Every search is a feed and a file


@pytest.fixture
def searchable(make_project):
    for n in range(25):
        make_project(slug=f"m-{n}", title=f"Mobility {n}", theme="mobility")
    make_project(slug="safe", title='=HYPERLINK("http://evil")', theme="safe-city", summary="-2+3")


def test_search_page_links_its_feed_and_downloads(client, searchable):
    page = html(client.get("/projects?theme=mobility"))
    head = {link["type"]: link["href"] for link in page.select("head link[rel=alternate][type]")}
    assert head["application/atom+xml"] == "/feeds/projects.atom?theme=mobility"
    assert head["text/csv"] == "/projects.csv?theme=mobility"
    assert head["application/json"] == "/projects.json?theme=mobility"
    visible = [a["href"] for a in page.select("#results .downloads a")]
    assert visible == list(head.values())


def test_csv_has_every_page_and_no_formula_cells(client, searchable):
    response = client.get("/projects.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 26
    evil = next(row for row in rows if row["slug"] == "safe")
    assert evil["title"].startswith("'=") and evil["summary"] == "'-2+3"
    only = list(
        csv.DictReader(
            io.StringIO(client.get("/projects.csv?theme=safe-city").get_data(as_text=True))
        )
    )
    assert [row["slug"] for row in only] == ["safe"]


def test_json_download_is_the_whole_search(client, searchable):
    body = json.loads(client.get("/projects.json?theme=mobility").get_data())
    assert len(body) == 25 and all(item["licence"] == "CC-BY-4.0" for item in body)


@pytest.mark.parametrize("path", ["/projects.csv", "/projects.json?theme=mobility"])
def test_download_framing_and_compression_match_the_body(client, searchable, path):
    """A streamed body never carries a Content-Length (a stale 0 made real clients read nothing)."""
    import brotli

    identity = client.get(path, headers={"Accept-Encoding": "identity"})
    body = identity.get_data()
    assert len(body) > 1000
    assert identity.headers.get("Content-Length") in (None, str(len(body)))
    compressed = client.get(path, headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"
    assert compressed.headers.get("Content-Length") in (None, str(len(compressed.get_data())))
    assert brotli.decompress(compressed.get_data()) == body
    assert compressed.headers["ETag"] != identity.headers["ETag"]


def test_download_is_bounded(client, searchable, app):
    app.config["EXPORT_MAX_ROWS"] = 5
    assert len(json.loads(client.get("/projects.json").get_data())) == 5


def test_feed_of_a_search_has_per_entry_updated(client, make_project, app):
    make_project(slug="old", title="Old", theme="mobility")
    make_project(slug="new", title="New", theme="mobility")
    make_project(slug="other", title="Other", theme="safe-city")
    with app.app_context():
        old = db.session.scalar(db.select(Project).where(Project.slug == "old"))
        db.session.execute(
            db.update(Project)
            .where(Project.slug == "old")
            .values(updated_at=old.updated_at - timedelta(days=30))
        )
        db.session.commit()
    feed = ET.fromstring(client.get("/feeds/projects.atom?theme=mobility").get_data())  # noqa: S314
    entries = {
        e.find(f"{ATOM}id").text.rsplit("/", 1)[1]: e.find(f"{ATOM}updated").text
        for e in feed.findall(f"{ATOM}entry")
    }
    assert set(entries) == {"old", "new"}
    assert entries["old"] < entries["new"]
    assert feed.find(f"{ATOM}updated").text == entries["new"]


def test_awards_feed(client):
    response = client.get("/feeds/awards.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert ET.fromstring(response.get_data()).tag == f"{ATOM}feed"  # noqa: S314


def test_sitemap_has_lastmod(client, make_project):
    make_project(slug="mapped")
    body = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/projects/mapped</loc><lastmod>" in body


# ---------------------------------------------------------------------------
# Caches: ETag, Last-Modified, 304 with and without compression


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects",
        "/api/v1/projects/p",
        "/api/v1/awards",
        "/feeds/projects.atom",
        "/sitemap.xml",
        "/projects.csv",
        "/api/v1/openapi.json",
    ],
)
@pytest.mark.parametrize("encoding", ["identity", "gzip", "br"])
def test_conditional_get_answers_304(client, make_project, url, encoding):
    make_project(slug="p", summary="x " * 400)
    headers = {"Accept-Encoding": encoding}
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and first.headers["ETag"].startswith('"')
    again = client.get(url, headers=headers | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    if "Last-Modified" in first.headers:
        since = client.get(
            url, headers=headers | {"If-Modified-Since": first.headers["Last-Modified"]}
        )
        assert since.status_code == 304


def test_etag_changes_when_the_data_does(client, make_project, app):
    make_project(slug="p")
    before = client.get("/api/v1/projects/p").headers["ETag"]
    with app.app_context():
        db.session.scalar(db.select(Project)).title = "Changed"
        db.session.commit()
    response = client.get("/api/v1/projects/p", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", None),
        ("gzip;q=0.5, br;q=1", "br"),
        ("*;q=0", None),
        ("identity", None),
        ("*", "br"),
        ("br;q=0, *", "gzip"),
    ],
)
def test_accept_encoding_q0_is_honoured(client, accept, expected):
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": accept})
    assert response.headers.get("Content-Encoding") == expected


# ---------------------------------------------------------------------------
# CORS, Link, problem+json


@pytest.mark.parametrize("url", ["/api/v1/projects", "/api/v1/nowhere", "/api/v1/projects?page=x"])
def test_cors_on_every_api_answer(client, url):
    response = client.get(url)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for header in ("ETag", "Link", "Last-Modified", "X-RateLimit-Remaining"):
        assert header in exposed


def test_cors_on_405(client):
    response = client.post("/api/v1/projects")
    assert response.status_code == 405
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "url", ["/api/v1/projects", "/api/v1/projects/anything", "/api/v1/nowhere"]
)
def test_preflight_is_204(client, url):
    response = client.options(
        url,
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_link_headers_and_404_past_the_last_page(client, make_project):
    for n in range(7):
        make_project(slug=f"p-{n}")
    response = client.get("/api/v1/projects?per_page=3&page=2&theme=mobility")
    links = dict(
        (part.split(";")[1].strip()[5:-1], part.split(";")[0].strip()[1:-1])
        for part in response.headers["Link"].split(",")
    )
    assert set(links) == {"first", "prev", "next", "last"}
    assert links["next"] == "http://localhost/api/v1/projects?per_page=3&theme=mobility&page=3"
    assert links["last"].endswith("page=3") and links["first"].endswith("page=1")
    past = client.get("/api/v1/projects?per_page=3&page=4")
    assert past.status_code == 404 and past.mimetype == "application/problem+json"
    nothing = client.get("/api/v1/projects?theme=safe-city&page=2")
    assert nothing.status_code == 200 and nothing.get_json()["results"] == []


@pytest.mark.parametrize(
    ("request_kwargs", "status"),
    [
        ({"path": "/api/v1/nowhere"}, 404),
        ({"path": "/api/v1/projects?page=0"}, 400),
        ({"path": "/api/v1/projects", "method": "DELETE"}, 405),
        ({"path": "/api/v1/projects?q=" + "x" * 9000}, 414),
        ({"path": "/api/v1/projects", "headers": {"X-Long": "y" * 9000}}, 431),
        ({"path": "/api/v1/projects", "method": "POST", "data": "x" * 1_100_000}, 413),
    ],
)
def test_every_api_error_is_problem_json(client, request_kwargs, status):
    response = client.open(**request_kwargs)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] and body["title"] and body["detail"]


def test_api_500_is_problem_json(app, client, monkeypatch):
    import app.api as api

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "awards_payload", broken)
    response = client.get("/api/v1/awards")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "boom" not in response.get_data(as_text=True)


def test_api_index_lists_the_endpoints(client):
    body = client.get("/api/v1").get_json()
    paths = {endpoint["path"] for endpoint in body["endpoints"]}
    assert {"/projects", "/projects/{slug}", "/awards", "/openapi.json"} <= paths
    assert body["openapi"] == "http://localhost/api/v1/openapi.json"


def test_records_state_their_licence(client, make_project):
    make_project(slug="own", licence="ODbL-1.0")
    make_project(slug="default")
    assert client.get("/api/v1/projects/own").get_json()["licence"] == "ODbL-1.0"
    listed = {r["slug"]: r["licence"] for r in client.get("/api/v1/projects").get_json()["results"]}
    assert listed == {"own": "ODbL-1.0", "default": "CC-BY-4.0"}


# ---------------------------------------------------------------------------
# The OpenAPI document against the app


def check_documented_values(client, url, parameter):
    """As documented: an enum is enforced, a free string is never refused."""
    name, schema = parameter["name"], parameter["schema"]
    if "enum" in schema:
        for value in schema["enum"]:
            assert client.get(url, query_string={name: value}).status_code == 200, (url, name)
        assert client.get(url, query_string={name: "nonsense-value"}).status_code == 400
    elif schema == {"type": "string"}:
        junk = client.get(url, query_string={name: "false\u00e9" * 30})
        assert junk.status_code == 200, (url, name)


def test_openapi_document_matches_the_app(client, make_project):
    """Each documented operation answers, and every status it gives is documented with the right type."""
    make_project(slug="documented")
    document = client.get("/api/v1/openapi.json").get_json()
    examples = {"slug": "documented"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["operationId"]
            responses = operation["responses"]
            for code in ("304", "405", "414", "429", "500"):
                assert code in responses, (path, code)
            url = "/api/v1" + path.replace("{slug}", examples["slug"])
            answer = client.open(url, method=method.upper())
            assert str(answer.status_code) in responses, (path, answer.status_code)
            content = responses[str(answer.status_code)].get("content", {})
            assert answer.mimetype in content, (path, answer.mimetype)
            schema = content[answer.mimetype]["schema"]
            if "$ref" in schema:
                schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            body = answer.get_json()
            assert set(schema.get("required", [])) <= set(body), path
            assert set(body) <= set(schema.get("properties", body)), (
                path,
                set(body) - set(schema["properties"]),
            )
            if path == "/projects/{slug}":
                missing = url.replace("documented", "missing")
                assert (
                    "404" in responses
                    and client.get(missing).mimetype in responses["404"]["content"]
                )
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                if answer.status_code == 200:
                    check_documented_values(client, url, parameter)
                if "maximum" in parameter["schema"]:
                    too_big = parameter["schema"]["maximum"] + 1
                    bad = client.get(url, query_string={parameter["name"]: too_big})
                    assert str(bad.status_code) in responses and bad.status_code == 400, parameter[
                        "name"
                    ]


# ---------------------------------------------------------------------------
# HTTP as the standards say


def test_static_files_do_not_vary_on_cookie(client):
    response = client.get("/static/css/site.css")
    response.close()
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "Set-Cookie" not in response.headers


def test_multi_range_on_a_static_file_is_not_416(client):
    full = client.get("/static/css/site.css", headers={"Accept-Encoding": "identity"})
    response = client.get(
        "/static/css/site.css", headers={"Range": "bytes=0-10,20-30", "Accept-Encoding": "identity"}
    )
    assert response.status_code == 200 and response.get_data() == full.get_data()
    single = client.get(
        "/static/css/site.css", headers={"Range": "bytes=0-10", "Accept-Encoding": "identity"}
    )
    assert single.status_code == 206 and len(single.get_data()) == 11
    for answer in (full, response, single):
        answer.close()


def test_account_redirects_once(client, make_user):
    response = client.get("/account")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    login(client, make_user("member"))
    response = client.get("/account")
    assert response.status_code in (301, 302, 308)
    assert client.get(response.headers["Location"]).status_code == 200


# ---------------------------------------------------------------------------
# The staff form (shared with member proposals) carries the fields


def test_staff_form_carries_the_case_study_fields(app, client, make_user, make_project):
    from tests.conftest import form_token
    from tests.test_staff import PROPOSAL

    make_project(slug="busan-parking", title="Busan parking")
    slug = make_project(title="Old title")
    login(client, make_user(role="staff"))
    with app.app_context():
        project_id = db.session.scalar(db.select(Project.id).where(Project.slug == slug))
    page = client.get(f"/staff/projects/{project_id}/edit")
    data = dict(
        PROPOSAL,
        csrf_token=form_token(page),
        what_did_not_work="Cold weather.",
        metrics="Average search time | 7 | min | 15 | 8 | 2020-06 | City report",
        population="1650000",
        budget_amount="1200000",
        budget_currency="usd",
        replicated_in="busan-parking",
        contact_name="A. Person",
        contact_role="Lead",
        contact_organisation="City Hall",
        licence="CC0-1.0",
        verified_at="2026-01-15",
        images="https://img.example.org/a.jpg | Sensors | City Hall",
    )
    assert client.post(f"/staff/projects/{project_id}/edit", data=data).status_code == 303
    with app.app_context():
        project = db.session.get(Project, project_id)
        assert project.metrics == [
            {
                "indicator": "Average search time",
                "value": 7,
                "unit": "min",
                "baseline": 15,
                "target": 8,
                "date": "2020-06",
                "source": "City report",
            }
        ]
        assert (project.population, project.budget) == (
            1650000,
            {"amount": 1200000, "currency": "USD"},
        )
        assert project.contact == {"name": "A. Person", "role": "Lead", "organisation": "City Hall"}
        assert project.images == [
            {"url": "https://img.example.org/a.jpg", "alt": "Sensors", "credit": "City Hall"}
        ]
        assert project.replicated_in == ["busan-parking"] and project.verified_at == date(
            2026, 1, 15
        )
    again = html(client.get(f"/staff/projects/{project_id}/edit"))
    assert (
        again.find("textarea", id="metrics")
        .get_text()
        .strip()
        .startswith("Average search time | 7 | min")
    )
    assert again.find("input", id="budget_currency")["value"] == "USD"
    bad = client.post(
        f"/staff/projects/{project_id}/edit",
        data=data
        | {
            "images": "http://insecure.example.org/a.jpg | x",
            "budget_currency": "dollars",
            "contact_name": "me@example.org",
        },
    )
    assert bad.status_code == 400
    page = html(bad)
    for field in ("images", "budget_amount", "contact_name"):
        assert page.find(id=f"{field}-error") is not None, field
    assert (
        page.find("textarea", id="images").get_text().strip()
        == "http://insecure.example.org/a.jpg | x"
    )


def test_events_feed_has_per_entry_updated(client, app):
    from app.models import Event

    with app.app_context():
        columns = {c.name for c in Event.__table__.columns}
        assert "updated_at" in columns
    response = client.get("/feeds/events.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())  # noqa: S314
    assert feed.tag == f"{ATOM}feed"
    again = client.get("/feeds/events.atom", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_city_size_facet(client, make_project):
    make_project(slug="small", title="Small", population=50_000)
    make_project(slug="big", title="Big", population=9_000_000)
    make_project(slug="unknown", title="Unknown")
    body = client.get("/api/v1/projects?city_size=under-100k").get_json()
    assert [r["slug"] for r in body["results"]] == ["small"]
    assert body["facets"]["city_size"] == {"under-100k": 1, "over-5m": 1}
    page = html(client.get("/projects?city_size=over-5m"))
    assert page.find(string=lambda s: s and "Over 5 million" in s)
    assert "big" in {
        a["href"].rsplit("/", 1)[1] for a in page.select("#results a[href^='/projects/']")
    }
