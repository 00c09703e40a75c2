"""Staff editing of challenges and solutions, and `flask search check` over every index."""

import shutil
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import Challenge, Interest, SearchOutbox, Solution
from app.search.registry import current_generation, get_index, index_names, index_root
from tests.conftest import csrf_token_from, html, login

HOSTILE = '<script>alert("x")</script>'
HUGE_ID = "9" * 30
LONG_AGO = datetime(2020, 1, 1)


def form_token(response, action):
    form = html(response).find("form", action=action)
    assert form is not None, f"no form posting to {action}"
    return form.find("input", attrs={"name": "csrf_token"})["value"]


def titles(response):
    return [a.get_text() for a in html(response).select("ol.results-list li h3 a")]


@pytest.fixture
def staff(app, make_user):
    client = app.test_client()
    assert login(client, make_user(role="staff")).status_code == 303
    return client


def add(app, row):
    with app.app_context():
        db.session.add(row)
        db.session.commit()
        return row.id


@pytest.fixture
def challenge_id(app):
    return add(
        app,
        Challenge(
            slug="accra-flood-warnings",
            title="Flood warnings",
            city="Accra",
            country="GH",
            theme="safe-city",
            problem="Rivers *overflow* every rainy season.",
            help_sought=["Sensor networks", "Early warning messages"],
            technologies=["IoT"],
            deadline=date(2027, 6, 30),
            status="closed",
            sources=[
                {"title": "City report", "url": "https://example.org/report", "note": "2021."}
            ],
            publication="published",
            updated_at=LONG_AGO,
        ),
    )


@pytest.fixture
def solution_id(app):
    return add(
        app,
        Solution(
            slug="parking-app",
            title="Parking app",
            provider="Acme",
            description="Finds free parking spaces.",
            themes=["mobility"],
            regions=["asia-pacific"],
            technologies=["Mobile app"],
            sources=[],
            publication="published",
            updated_at=LONG_AGO,
        ),
    )


def challenge_path(row_id):
    return f"/staff/matchmaking/challenges/{row_id}/edit"


def solution_path(row_id):
    return f"/staff/matchmaking/solutions/{row_id}/edit"


def challenge_data(**changes):
    data = {
        "title": "Flood sirens",
        "city": "Accra",
        "country": "GH",
        "theme": "safe-city",
        "problem": "The **lagoon** floods the markets.",
        "help_sought": "Sirens\nEvacuation plans",
        "deadline": "2028-01-31",
        "technologies": "IoT, Radio",
        "sources": "City report | https://example.org/report\nNew survey",
    }
    return data | changes


def solution_data(**changes):
    data = {
        "title": "Parking guidance",
        "description": "Guides drivers to a free space with roadside signs.",
        "themes": ["mobility", "sustainable-city"],
        "regions": ["africa"],
        "deployed_in": "",
        "technologies": "Sensors",
        "sources": "",
    }
    return data | changes


def post_edit(client, path, data):
    token = form_token(client.get(path), path)
    return client.post(path, data=dict(data, csrf_token=token))


# ------------------------------------------------------------------ the form


def test_the_edit_page_is_the_proposal_form_prefilled(app, staff, challenge_id):
    review = html(staff.get(f"/staff/matchmaking/challenges/{challenge_id}"))
    assert review.find(id="edit-record")["href"] == challenge_path(challenge_id)
    response = staff.get(challenge_path(challenge_id))
    assert response.status_code == 200
    form = html(response).find("form", action=challenge_path(challenge_id))
    assert form.find("input", attrs={"name": "title"})["value"] == "Flood warnings"
    assert form.find("input", attrs={"name": "city"})["value"] == "Accra"
    country = form.find("select", attrs={"name": "country"})
    assert country.find("option", selected=True)["value"] == "GH"
    assert form.find("textarea", attrs={"name": "problem"}).get_text().strip() == (
        "Rivers *overflow* every rainy season."
    )
    assert form.find("textarea", attrs={"name": "help_sought"}).get_text().strip() == (
        "Sensor networks\nEarly warning messages"
    )
    assert form.find("input", attrs={"name": "deadline"})["value"] == "2027-06-30"
    assert form.find("input", attrs={"name": "technologies"})["value"] == "IoT"
    assert form.find("textarea", attrs={"name": "sources"}).get_text().strip() == (
        "City report | https://example.org/report"
    )


def test_the_solution_edit_page_is_prefilled(app, staff, solution_id, make_project):
    make_project(slug="kampala-parking", title="Kampala parking", city="Kampala")
    with app.app_context():
        from app.matchmaking.records import set_deployments

        set_deployments(db.session.get(Solution, solution_id), ["kampala-parking"])
        db.session.commit()
    form = html(staff.get(solution_path(solution_id))).find(
        "form", action=solution_path(solution_id)
    )
    assert form.find("input", attrs={"name": "title"})["value"] == "Parking app"
    assert [o["value"] for o in form.select("select[name=themes] option[selected]")] == ["mobility"]
    assert [o["value"] for o in form.select("select[name=regions] option[selected]")] == [
        "asia-pacific"
    ]
    assert form.find("input", attrs={"name": "deployed_in"})["value"] == "kampala-parking"


# ------------------------------------------------------------------ saving


def test_an_edited_challenge_shows_on_its_page_and_in_search(app, client, staff, challenge_id):
    assert titles(client.get("/challenges", query_string={"q": "warnings"})) == ["Flood warnings"]
    response = post_edit(staff, challenge_path(challenge_id), challenge_data())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/matchmaking/challenges/{challenge_id}"

    page = html(client.get("/challenges/accra-flood-warnings"))
    assert page.find(id="challenge-title").get_text(strip=True) == "Flood sirens"
    assert page.find("strong", string="lagoon") is not None  # the Markdown is rendered
    assert [li.get_text() for li in page.select("#help-sought li")] == [
        "Sirens",
        "Evacuation plans",
    ]
    assert page.find(id="challenge-deadline").get_text(strip=True) == "2028-01-31"
    assert titles(client.get("/challenges", query_string={"q": "lagoon"})) == ["Flood sirens"]
    assert titles(client.get("/challenges", query_string={"q": "sirens"})) == ["Flood sirens"]
    assert titles(client.get("/challenges", query_string={"q": "warnings"})) == []
    with app.app_context():
        row = db.session.get(Challenge, challenge_id)
        # What the form does not carry stays: the address, the status, the publication.
        assert (row.slug, row.status, row.publication) == (
            "accra-flood-warnings",
            "closed",
            "published",
        )
        assert row.technologies == ["IoT", "Radio"]
        # A source kept by the edit keeps its note; a new one has none.
        assert row.sources == [
            {"title": "City report", "url": "https://example.org/report", "note": "2021."},
            {"title": "New survey"},
        ]
        assert row.updated_at > LONG_AGO
        assert db.session.scalar(
            db.select(db.func.count(SearchOutbox.id)).where(
                SearchOutbox.index_name == "challenges", SearchOutbox.entity_id == challenge_id
            )
        )


def test_a_region_follows_the_country(app, staff, challenge_id, client):
    post_edit(staff, challenge_path(challenge_id), challenge_data(city="Busan", country="KR"))
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).region == "asia-pacific"
    found = titles(client.get("/challenges", query_string={"region": "asia-pacific"}))
    assert found == ["Flood sirens"]


def test_an_edited_solution_shows_on_its_page_and_in_search(
    app, client, staff, solution_id, make_project
):
    make_project(slug="kampala-parking", title="Smart parking", city="Kampala", country="UG")
    response = post_edit(
        staff, solution_path(solution_id), solution_data(deployed_in="kampala-parking")
    )
    assert response.status_code == 303
    page = html(client.get("/solutions/parking-app"))
    assert page.find(id="solution-title").get_text(strip=True) == "Parking guidance"
    assert "roadside signs" in page.get_text()
    assert page.find("a", href="/projects/kampala-parking") is not None
    assert titles(client.get("/solutions", query_string={"q": "roadside"})) == ["Parking guidance"]
    assert titles(client.get("/solutions", query_string={"q": "Kampala"})) == ["Parking guidance"]
    assert titles(client.get("/solutions", query_string={"theme": "sustainable-city"})) == [
        "Parking guidance"
    ]
    with app.app_context():
        row = db.session.get(Solution, solution_id)
        assert (row.provider, row.regions) == ("Acme", ["africa"])
        assert [p.slug for p in row.deployed_in] == ["kampala-parking"]


def test_a_change_of_deployments_alone_is_an_update_the_index_sees(
    app, client, staff, solution_id, make_project
):
    make_project(slug="kampala-parking", title="Smart parking", city="Kampala", country="UG")
    post_edit(staff, solution_path(solution_id), solution_data())
    with app.app_context():
        row = db.session.get(Solution, solution_id)
        row.updated_at = LONG_AGO
        db.session.commit()
    assert titles(client.get("/solutions", query_string={"q": "Kampala"})) == []
    post_edit(staff, solution_path(solution_id), solution_data(deployed_in="kampala-parking"))
    assert titles(client.get("/solutions", query_string={"q": "Kampala"})) == ["Parking guidance"]
    with app.app_context():
        assert db.session.get(Solution, solution_id).updated_at > LONG_AGO


def test_a_pending_proposal_is_edited_and_stays_pending(app, client, staff, challenge_id):
    with app.app_context():
        db.session.get(Challenge, challenge_id).publication = "pending"
        db.session.commit()
    assert post_edit(staff, challenge_path(challenge_id), challenge_data()).status_code == 303
    review = html(staff.get(f"/staff/matchmaking/challenges/{challenge_id}"))
    assert review.find("h1").get_text() == "Flood sirens"
    assert review.find(id="publication").get_text() == "Pending"
    assert client.get("/challenges/accra-flood-warnings").status_code == 404
    assert titles(client.get("/challenges", query_string={"q": "sirens"})) == []


def test_markup_typed_by_staff_is_text_on_every_page(app, client, staff, challenge_id):
    data = challenge_data(
        title=HOSTILE,
        problem=f"{HOSTILE}\n\n<img src=x onerror=alert(1)> [link](javascript:alert(1))",
        help_sought=HOSTILE,
    )
    assert post_edit(staff, challenge_path(challenge_id), data).status_code == 303
    for path in (
        "/challenges/accra-flood-warnings",
        "/challenges?q=alert",
        f"/staff/matchmaking/challenges/{challenge_id}",
        challenge_path(challenge_id),
    ):
        main = html(staff.get(path)).find("main")
        assert main.find("script") is None, path
        assert main.find("img", onerror=True) is None, path
        assert main.select('a[href^="javascript"]') == [], path
    page = html(client.get("/challenges/accra-flood-warnings"))
    assert page.find(id="challenge-title").get_text(strip=True) == HOSTILE


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title."),
        ({"title": HOSTILE, "country": "XX"}, "country", "Not a valid choice"),
        ({"title": "x" * 301}, "title", "300"),
        ({"problem": "y" * 10001}, "problem", "10000"),
        ({"sources": "Bad | javascript:alert(1)"}, "sources", "title | https://address"),
        ({"deadline": "31/01/2028"}, "deadline", "date"),
        ({"theme": "no-such-theme"}, "theme", "Not a valid choice"),
    ],
)
def test_a_bad_challenge_edit_keeps_the_typed_input(
    app, staff, challenge_id, changes, field, message
):
    data = challenge_data(**changes)
    response = post_edit(staff, challenge_path(challenge_id), data)
    assert response.status_code == 422
    page = html(response)
    summary = page.find(class_="error-summary")
    assert summary is not None
    link = summary.find("a", href=f"#{field}")
    assert link is not None and message in link.get_text()
    form = page.find("form", action=challenge_path(challenge_id))
    for name in ("title", "city", "technologies"):
        assert form.find("input", attrs={"name": name})["value"] == data[name]
    for name in ("problem", "help_sought", "sources"):
        assert form.find("textarea", attrs={"name": name}).get_text().strip() == data[name].strip()
    assert "<script>alert" not in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Challenge, challenge_id)
        assert (row.title, row.updated_at) == ("Flood warnings", LONG_AGO)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deployed_in": "no-such-case-study"}, "deployed_in", "no-such-case-study"),
        ({"themes": ["mobility", "nope"]}, "themes", "nope"),
        ({"description": ""}, "description", "Describe what the solution does."),
    ],
)
def test_a_bad_solution_edit_keeps_the_typed_input(
    app, staff, solution_id, changes, field, message
):
    data = solution_data(**changes)
    response = post_edit(staff, solution_path(solution_id), data)
    assert response.status_code == 422
    page = html(response)
    assert message in page.find(class_="error-summary").find("a", href=f"#{field}").get_text()
    form = page.find("form", action=solution_path(solution_id))
    assert form.find("input", attrs={"name": "title"})["value"] == "Parking guidance"
    assert form.find("input", attrs={"name": "deployed_in"})["value"] == data["deployed_in"]
    with app.app_context():
        assert db.session.get(Solution, solution_id).title == "Parking app"


def test_a_deployment_in_a_case_study_unpublished_since_is_named_not_dropped(
    app, staff, solution_id, make_project
):
    make_project(slug="kampala-parking", title="Smart parking", city="Kampala")
    post_edit(staff, solution_path(solution_id), solution_data(deployed_in="kampala-parking"))
    with app.app_context():
        from app.models import Project

        project = db.session.scalar(db.select(Project).where(Project.slug == "kampala-parking"))
        project.publication = "unpublished"
        db.session.commit()
    page = staff.get(solution_path(solution_id))
    form = html(page).find("form", action=solution_path(solution_id))
    assert form.find("input", attrs={"name": "deployed_in"})["value"] == "kampala-parking"
    # Sent back as prefilled: the link is named, not silently dropped.
    data = solution_data(title="Renamed", deployed_in="kampala-parking")
    response = post_edit(staff, solution_path(solution_id), data)
    assert response.status_code == 422
    assert "No published case study at: kampala-parking" in html(response).get_text()
    with app.app_context():
        row = db.session.get(Solution, solution_id)
        assert [p.slug for p in row.deployed_in] == ["kampala-parking"]


def test_an_edit_needs_the_csrf_token(app, staff, challenge_id):
    response = staff.post(challenge_path(challenge_id), data=challenge_data())
    assert response.status_code == 400
    response = staff.post(challenge_path(challenge_id), data=challenge_data(csrf_token="forged"))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).title == "Flood warnings"


def test_unknown_and_huge_ids_are_not_found(app, staff, challenge_id):
    token = form_token(staff.get(challenge_path(challenge_id)), challenge_path(challenge_id))
    for path in (
        challenge_path(challenge_id + 1000),
        challenge_path(HUGE_ID),
        solution_path(challenge_id + 1000),
        f"/staff/matchmaking/widgets/{challenge_id}/edit",
        "/staff/matchmaking/challenges/-1/edit",
    ):
        assert staff.get(path).status_code == 404, path
        assert staff.post(path, data=challenge_data(csrf_token=token)).status_code == 404, path


# ------------------------------------------------------------------ who may edit


def test_only_staff_and_admins_edit(app, client, make_user, challenge_id):
    path = challenge_path(challenge_id)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")
    assert client.post(path, data=challenge_data()).status_code in (302, 400)
    assert client.get("/challenges/accra-flood-warnings").status_code == 200
    assert html(client.get("/challenges/accra-flood-warnings")).find(id="staff-edit") is None

    member = app.test_client()
    assert login(member, make_user()).status_code == 303
    assert member.get(path).status_code == 403
    token = csrf_token_from(member.get("/account/"))
    assert member.post(path, data=challenge_data(csrf_token=token)).status_code == 403
    assert html(member.get("/challenges/accra-flood-warnings")).find(id="staff-edit") is None

    admin = app.test_client()
    assert login(admin, make_user(role="admin")).status_code == 303
    link = html(admin.get("/challenges/accra-flood-warnings")).find(id="staff-edit")
    assert link["href"] == path
    assert post_edit(admin, link["href"], challenge_data()).status_code == 303
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).title == "Flood sirens"


def test_the_public_solution_page_links_staff_to_the_edit_page(staff, solution_id):
    link = html(staff.get("/solutions/parking-app")).find(id="staff-edit")
    assert link["href"] == solution_path(solution_id)
    assert staff.get(link["href"]).status_code == 200


# ------------------------------------------------------------------ translations


def test_translations_are_edited_beside_the_original(app, client, staff, challenge_id):
    edit_page = html(staff.get(challenge_path(challenge_id)))
    link = edit_page.select_one("#translations tr[data-lang=fr] a")
    assert link["href"] == f"/staff/challenges/{challenge_id}/translations/fr"
    translation = staff.get(link["href"])
    assert translation.status_code == 200
    assert "Flood warnings" in html(translation).find(class_="translation-original").get_text()
    response = staff.post(
        link["href"],
        data={
            "csrf_token": form_token(translation, link["href"]),
            "title": "Alertes aux inondations",
            "problem": "Les rivières débordent.",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == challenge_path(challenge_id) + "#translations"
    state = html(staff.get(challenge_path(challenge_id))).select_one(
        "#translations tr[data-lang=fr] td:nth-of-type(2)"
    )
    assert state.get_text() == "Human"
    page = html(client.get("/fr/challenges/accra-flood-warnings"))
    assert page.find(id="challenge-title").get_text(strip=True) == "Alertes aux inondations"
    assert titles(client.get("/challenges", query_string={"q": "inondations"})) == [
        "Flood warnings"
    ]
    with app.app_context():
        entry = db.session.get(Challenge, challenge_id).translations["fr"]
        assert entry["source"] == "human" and entry["reviewed"] is True


def test_a_solution_translation_refuses_an_overlong_text(app, staff, solution_id):
    path = f"/staff/solutions/{solution_id}/translations/ko"
    page = staff.get(path)
    response = staff.post(
        path,
        data={"csrf_token": form_token(page, path), "title": "x" * 301, "description": "설명"},
    )
    assert response.status_code == 400
    assert html(response).find(class_="error-summary") is not None
    with app.app_context():
        assert db.session.get(Solution, solution_id).translations in ({}, None)


# ------------------------------------------------------------------ flask search check


def add_project(app, make_project):
    from app.models import Project

    slug = make_project(title="Smart parking")
    with app.app_context():
        return db.session.scalar(db.select(Project.id).where(Project.slug == slug))


def add_challenge(app, _make_project):
    return add(app, Challenge(slug="c", title="Flood warnings", city="Accra", country="GH"))


def add_solution(app, _make_project):
    return add(app, Solution(slug="s", title="Parking app"))


def add_interest(app, _make_project):
    return add(
        app,
        Interest(
            token="token-check",
            name="Ada",
            email="ada@example.org",
            organization="Org",
            organization_type="corporation",
            country="KR",
            interest_type="learn",
            message="Tell me more.",
            consent=True,
        ),
    )


# One way to add a row of each index: a new index fails the first test until it has one.
ADD_ROW = {
    "projects": add_project,
    "challenges": add_challenge,
    "solutions": add_solution,
    "interest": add_interest,
}


def test_the_check_covers_every_registered_index(app):
    with app.app_context():
        assert sorted(index_names()) == sorted(ADD_ROW)


def test_the_check_passes_and_names_each_index_when_all_is_in_step(app, runner, make_project):
    for add_row in ADD_ROW.values():
        add_row(app, make_project)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    for name in ADD_ROW:
        assert f"{name}: 0 missing, 0 orphaned, 0 change(s) pending." in result.output


@pytest.mark.parametrize("name", sorted(ADD_ROW))
def test_the_check_reports_a_document_missing_from_each_index(app, runner, make_project, name):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    row_id = ADD_ROW[name](app, make_project)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1, result.output
    assert f"missing: {name} {row_id}\n" in result.output
    assert f"{name}: 1 missing, 0 orphaned, 1 change(s) pending." in result.output
    for other in set(ADD_ROW) - {name}:
        assert f"{other}: 0 missing" in result.output
    assert runner.invoke(args=["search", "sync"]).exit_code == 0
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_the_check_reports_an_orphaned_challenge(app, runner, challenge_id):
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    with app.app_context():
        db.session.get(Challenge, challenge_id).publication = "unpublished"
        db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"orphaned: challenges {challenge_id}\n" in result.output


def test_a_damaged_index_is_reported_and_the_others_still_checked(
    app, runner, challenge_id, solution_id
):
    with app.app_context():
        generation = current_generation(index_root(get_index("challenges")))
    assert generation is not None
    for path in generation.iterdir():
        path.unlink() if path.is_file() else shutil.rmtree(path)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "challenges: cannot be read" in result.output
    assert "solutions: 0 missing, 0 orphaned" in result.output
    assert "Traceback" not in result.output
