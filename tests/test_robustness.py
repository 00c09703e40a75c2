"""No URL answers 500 to hostile input: every GET route of the app, with the demo data
loaded, is requested with hostile query strings, as an anonymous visitor and as staff."""

import re

import pytest

from tests.conftest import PASSWORD, login
from tests.live_server import make_demo_app

HOSTILE_QUERIES = [
    {},
    {"q": '"unbalanced'},
    {"q": "AND OR NOT ( ) * ? ~ ^ : -"},
    {"q": "x" * 5000},
    {"q": "<script>alert(1)</script>"},
    {"q": "\x00\ufffd\u202e"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "99999999999999999999999"},
    {"per_page": "100000"},
    {"sort": "'; DROP TABLE project; --"},
    {"theme": "nonsense", "region": "<b>", "country": "ZZZ", "status": "x" * 300},
    {"year": "-5", "technology": "x" * 300, "award": "../../etc/passwd"},
    {"category": "nope", "type": "nope", "state": "nope", "spam": "maybe"},
    {"next": "//evil.example", "project": "no-such-project"},
]

# A slug names a project, except under /awards and /members.
SLUG_BY_PREFIX = {"/awards": "wego-awards-4", "/members": "seoul"}
SAMPLE_VALUES = {
    "slug": "kampala-smart-parking",
    "export_format": "csv",
    "token": "no-such-token",
    "interest_id": "1",
    "id": "1",
    "user_id": "1",
    "project_id": "1",
    "member_id": "1",
    "filename": "css/site.css",
}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    return make_demo_app(tmp_path_factory.mktemp("robustness"))


def get_urls(app):
    """Every GET route with its variables filled with a sample (or unknown) value."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule
        for name in rule.arguments:
            value = SAMPLE_VALUES.get(name, "no-such-thing")
            if name == "slug":
                prefix = "/" + rule.rule.split("/")[1]
                value = SLUG_BY_PREFIX.get(prefix, value)
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
        urls.append(url)
    return sorted(set(urls))


def staff_client(app):
    from app.extensions import db
    from app.models import User

    email = "robust-admin@example.org"
    with app.app_context():
        if db.session.scalar(db.select(User).where(User.email == email)) is None:
            import secrets

            from app.clock import utcnow
            from app.passwords import hash_password

            user = User(
                email=email,
                password_hash=hash_password(PASSWORD),
                role="admin",
                session_token=secrets.token_hex(16),
                email_verified_at=utcnow(),
            )
            db.session.add(user)
            db.session.commit()
    client = app.test_client()
    assert login(client, email).status_code == 303
    return client


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_get_route_answers_500_to_hostile_query_strings(demo_app, who):
    client = demo_app.test_client() if who == "anonymous" else staff_client(demo_app)
    failures = []
    for url in get_urls(demo_app):
        for params in HOSTILE_QUERIES:
            response = client.get(url, query_string=params)
            if response.status_code >= 500:
                failures.append((url, params, response.status_code))
            response.close()
    assert failures == []
    expected = 200 if who == "admin" else 302
    assert client.get("/staff/interest").status_code == expected  # the crawl saw staff pages


def test_the_crawl_covers_the_main_areas(demo_app):
    urls = get_urls(demo_app)
    for expected in (
        "/projects",
        "/projects/kampala-smart-parking",
        "/awards/wego-awards-4",
        "/members/seoul",
        "/interest",
        "/staff/interest",
        "/staff/interest/export.csv",
        "/api/v1/projects",
        "/healthz",
    ):
        assert expected in urls


HOSTILE_FORM = {
    field: value
    for field in (
        "name",
        "email",
        "organization",
        "organization_type",
        "country",
        "interest_type",
        "project",
        "message",
        "consent",
        "status",
        "reason",
        "note",
        "body",
        "role",
        "title",
        "city",
        "theme",
        "summary",
        "description",
        "technologies",
        "organizations",
        "links",
        "sdgs",
        "year",
        "slug",
        "password",
        "new_password",
        "confirm",
        "current_password",
        "next",
        "lite",
        "type",
        "website",
        "started",
        "member",
        "member_id",
    )
    for value in ["<script>alert(1)</script>" + "x" * 3000]
}


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_no_post_route_answers_500_to_hostile_forms(demo_app, who):
    client = demo_app.test_client() if who == "anonymous" else staff_client(demo_app)
    token = csrf_token_from_form(client.get("/interest"))
    failures = []
    for rule in demo_app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint == "accounts.logout":
            continue  # logging out would end the admin's session mid-crawl
        url = rule.rule
        for name in rule.arguments:
            value = {"action": "approve", "interest_id": "1"}.get(
                name, SAMPLE_VALUES.get(name, "x")
            )
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
        for data in ({}, {"csrf_token": token}, {"csrf_token": token, **HOSTILE_FORM}):
            response = client.post(url, data=data)
            if response.status_code >= 500:
                failures.append((url, sorted(data)[:3], response.status_code))
    assert failures == []
    expected = 200 if who == "admin" else 302
    assert client.get("/staff/interest").status_code == expected  # still signed in


def csrf_token_from_form(response):
    from tests.conftest import html

    return html(response).find("input", attrs={"name": "csrf_token"})["value"]
