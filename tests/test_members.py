"""The public member directory and the member demo data."""

import json

from app.extensions import db
from app.members import PER_PAGE
from app.models import Member, Project
from app.seed import MEMBERS_DATA as DEMO_DATA
from app.seed import seed_members
from tests.conftest import html


def add_members(app, *members):
    with app.app_context():
        for fields in members:
            db.session.add(Member(**fields))
        db.session.commit()


def names(response):
    return [a.get_text() for a in html(response).select("#member-results h3 a")]


def sample(app):
    add_members(
        app,
        {"slug": "seoul", "name": "Seoul", "type": "local-government", "country": "KR"},
        {"slug": "qlue", "name": "Qlue", "type": "corporation"},
        {"slug": "kigali", "name": "Kigali", "type": "local-government", "country": "RW"},
        {"slug": "pending-org", "name": "Pending Org", "type": "institution", "status": "pending"},
        {"slug": "hidden", "name": "Hidden", "type": "institution", "status": "unpublished"},
    )


def test_directory_lists_approved_members_only(app, client):
    sample(app)
    response = client.get("/members")
    assert response.status_code == 200
    assert names(response) == ["Kigali", "Qlue", "Seoul"]


def test_directory_filters_by_type_region_and_country(app, client):
    sample(app)
    assert names(client.get("/members?type=corporation")) == ["Qlue"]
    assert names(client.get("/members?region=africa")) == ["Kigali"]
    assert names(client.get("/members?country=kr")) == ["Seoul"]
    assert names(client.get("/members?type=local-government&region=asia-pacific")) == ["Seoul"]
    page = html(client.get("/members?type=corporation"))
    assert (
        page.find("select", id="filter-type").find("option", selected=True)["value"]
        == "corporation"
    )


def test_directory_ignores_hostile_parameters(app, client):
    sample(app)
    for query in (
        "type=<script>",
        "region=nowhere",
        "country=ZZZ",
        "page=-1",
        "page=abc",
        "page=99999999999",
    ):
        response = client.get(f"/members?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True)


def test_directory_pagination_and_htmx_partial(app, client):
    add_members(
        app,
        *[
            {"slug": f"m{n:03d}", "name": f"Member {n:03d}", "type": "institution"}
            for n in range(PER_PAGE + 5)
        ],
    )
    first = html(client.get("/members"))
    assert first.select_one(".pagination a[rel=next]")["href"] == "/members?page=2"
    second = client.get("/members?page=2")
    assert len(names(second)) == 5
    partial = client.get("/members?page=2", headers={"HX-Request": "true"})
    assert html(partial).find("html") is None
    assert html(partial).find(id="member-results") is not None
    assert "HX-Request" in partial.headers["Vary"]


def test_member_page_shows_its_published_case_studies(app, client, make_project):
    sample(app)
    with app.app_context():
        seoul_id = db.session.scalar(db.select(Member.id).where(Member.slug == "seoul"))
    make_project(title="Published one", member_id=seoul_id)
    make_project(title="Pending one", member_id=seoul_id, publication="pending")
    make_project(title="Someone else's")
    page = html(client.get("/members/seoul"))
    assert page.find("h1").get_text() == "Seoul"
    assert [h.get_text() for h in page.select("#member-projects h3")] == ["Published one"]


def test_unlisted_members_are_not_found(app, client):
    sample(app)
    assert client.get("/members/pending-org").status_code == 404
    assert client.get("/members/hidden").status_code == 404
    assert client.get("/members/no-such-member").status_code == 404


def test_demo_members_are_facts_from_the_seeds():
    records = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    by_slug = {record["slug"]: record for record in records}
    assert by_slug["seoul"]["network_role"] == "President City & Secretariat"
    assert by_slug["makati"]["projects"] == ["makati-makatizen-card"]
    assert by_slug["gabotech"]["type"] == "corporation"
    assert by_slug["taipei"]["network"] == "GO SMART"
    assert len(by_slug) == len(records)


def test_seeding_members_is_idempotent_and_links_projects(app, make_project):
    make_project(slug="makati-makatizen-card", city="Makati", country="PH")
    with app.app_context():
        first = seed_members()
        db.session.commit()
        second = seed_members()
        db.session.commit()
        assert first == second
        assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == first
        project = db.session.scalar(
            db.select(Project).where(Project.slug == "makati-makatizen-card")
        )
        assert project.member.slug == "makati"


def test_flask_seed_loads_members(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        seberang = db.session.scalar(db.select(Member).where(Member.slug == "seberang-perai"))
        assert seberang.region == "asia-pacific"
        assert {p.slug for p in seberang.projects} == {
            "seberang-perai-smart-street-lights",
            "seberang-perai-iot-gps-solid-waste-management",
        }
