"""The staff inbox: access, escaping, search, filters, workflow, matchmaking, export."""

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Interest, InterestEvent, Member, User
from tests.conftest import html, login, make_test_config
from tests.test_interest import hidden_fields, valid_input

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0, INTEREST_PER_PAGE=2)


@pytest.fixture
def submit(app):
    """Send the public form from a fresh browser; returns the new submission's id."""

    def send(project=None, **overrides):
        visitor = app.test_client()
        path = f"/interest?project={project}" if project else "/interest"
        data = hidden_fields(visitor.get(path))
        data.update(valid_input(**overrides))
        response = visitor.post("/interest", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        with app.app_context():
            return db.session.scalar(db.select(db.func.max(Interest.id)))

    return send


@pytest.fixture
def staff(app, client, make_user):
    login(client, make_user(role="staff"))
    return client


def form_token(response, action):
    form = html(response).find("form", action=action)
    return form.find("input", attrs={"name": "csrf_token"})["value"]


def references(response):
    return [th.a.get_text() for th in html(response).select("table.inbox tbody th")]


# ------------------------------------------------------------------ access


def staff_urls(interest_id, slug):
    return [
        "/staff/interest",
        f"/staff/interest/{interest_id}",
        "/staff/interest/export.csv",
        "/staff/interest/export.json",
        f"/staff/projects/{slug}/interest",
    ]


def test_anonymous_visitors_are_sent_to_login(client, submit, make_project):
    slug = make_project()
    for url in staff_urls(submit(project=slug), slug):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/login" in response.headers["Location"]


def test_members_are_refused(app, client, submit, make_user, make_project):
    slug = make_project()
    interest_id = submit(project=slug)
    login(client, make_user(role="member"))
    for url in staff_urls(interest_id, slug):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/staff/interest/{interest_id}/status", data={}).status_code in (400, 403)


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_get_in(app, client, submit, make_user, make_project, role):
    slug = make_project()
    interest_id = submit(project=slug)
    login(client, make_user(role=role))
    for url in staff_urls(interest_id, slug):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url


def test_personal_pages_stay_out_of_htmx_history(staff, submit):
    interest_id = submit()
    for url in ("/staff/interest", f"/staff/interest/{interest_id}"):
        assert html(staff.get(url)).find(attrs={"hx-history": "false"}) is not None


def test_unknown_submission_and_project_are_404(staff):
    assert staff.get("/staff/interest/999").status_code == 404
    assert staff.get("/staff/projects/no-such/interest").status_code == 404
    assert staff.get("/staff/interest/export.xml").status_code == 404


# ------------------------------------------------------------------ escaping


def test_hostile_text_comes_back_escaped(staff, submit):
    interest_id = submit(name=HOSTILE, organization=HOSTILE, message=HOSTILE, email="x@example.org")
    for url in ("/staff/interest", f"/staff/interest/{interest_id}"):
        page = html(staff.get(url))
        main = page.find("main")
        assert main.find("script") is None, url
        assert main.find("img") is None, url
        assert HOSTILE in main.get_text(), url
    detail = html(staff.get(f"/staff/interest/{interest_id}"))
    assert detail.find(class_="message").get_text() == HOSTILE


@pytest.mark.parametrize(
    "query",
    [
        {"q": HOSTILE},
        {"q": '"unbalanced'},
        {"q": "AND OR NOT * ~ ^ ( )"},
        {"q": "x" * 5000},
        {"status": "bogus", "sort": "bogus", "country": "ZZ", "page": "-3"},
        {"page": "abc"},
        {"project": HOSTILE},
    ],
)
def test_hostile_filters_never_fail(staff, submit, query):
    submit()
    response = staff.get("/staff/interest", query_string=query)
    assert response.status_code == 200
    assert html(response).find("main").find("script") is None


# ------------------------------------------------------------------ search and filters


def test_search_through_the_staff_index(app, staff, submit):
    first = submit(message="Looking for drone delivery partners", organization="Aero Works")
    submit(message="Smart street lights for our city")
    index_dir = Path(app.config["SEARCH_INDEX_DIR"]) / "interest"
    assert index_dir.is_dir(), "the interest index was not built"
    response = staff.get("/staff/interest", query_string={"q": "drone"})
    page = html(response)
    assert page.find(class_="flash-error") is None  # not degraded
    with app.app_context():
        reference = db.session.get(Interest, first).reference
    assert references(response) == [reference]
    # By organisation prefix, by reference number.
    assert references(staff.get("/staff/interest", query_string={"q": "aero"})) == [reference]
    assert references(staff.get("/staff/interest", query_string={"q": reference})) == [reference]


def test_search_falls_back_to_the_database(app, staff, submit):
    submit(message="Looking for drone delivery partners")
    submit(message="Smart street lights")
    shutil.rmtree(Path(app.config["SEARCH_INDEX_DIR"]) / "interest")
    response = staff.get("/staff/interest", query_string={"q": "drone"})
    page = html(response)
    assert "unavailable" in page.find(class_="flash-error").get_text()
    assert len(references(response)) == 1


def test_personal_data_stays_out_of_the_public_index(app, client, submit, make_project):
    make_project(title="Smart Parking", summary="Parking sensors.")
    submit(name="Zebulon Quixotic", message="Zebulon wants parking")
    from app.search import ProjectQuery, search_projects

    with app.app_context():
        assert search_projects(ProjectQuery(text="Zebulon")).total == 0


def test_filters_sort_and_pages(app, staff, submit, make_project):
    slug = make_project(title="Smart Parking")
    submit(
        organization="Beta Corp",
        organization_type="corporation",
        interest_type="supply",
        country="KR",
    )
    submit(
        organization="alpha institute",
        organization_type="institution",
        interest_type="learn",
        country="UG",
        project=slug,
    )
    submit(
        organization="Gamma City",
        organization_type="local-government",
        interest_type="replicate",
        country="UG",
        project=slug,
    )

    def orgs(**query):
        page = html(staff.get("/staff/interest", query_string=query))
        return [
            span.get_text().split(" · ")[0] for span in page.select("table.inbox tbody td .meta")
        ]

    assert orgs(interest_type="supply") == ["Beta Corp"]
    assert orgs(organization_type="institution") == ["alpha institute"]
    assert orgs(country="UG") == ["Gamma City", "alpha institute"]
    assert orgs(project=slug, sort="oldest") == ["alpha institute", "Gamma City"]
    assert orgs(sort="organization") == ["alpha institute", "Beta Corp"]  # page 1 of 2
    assert orgs(sort="organization", page=2) == ["Gamma City"]
    assert orgs(status="closed") == []
    page = html(staff.get("/staff/interest", query_string={"sort": "organization"}))
    nav = page.find("nav", attrs={"aria-label": "Pagination"})
    assert nav.find("a", rel="next")["href"].endswith("sort=organization&page=2")
    # The export links keep the filter.
    export = html(staff.get("/staff/interest", query_string={"country": "UG"})).find(
        "a", string="CSV"
    )
    assert "country=UG" in export["href"]


def test_htmx_inbox_returns_the_results_partial(staff, submit):
    submit()
    response = staff.get("/staff/interest", headers={"HX-Request": "true"})
    page = html(response)
    assert page.find("html") is None
    assert page.find(id="inbox-results") is not None
    assert "HX-Request" in response.headers["Vary"]


def test_project_page_lists_its_submissions(staff, submit, make_project):
    slug = make_project(title="Smart Parking")
    submit(project=slug, organization="About Parking")
    submit(organization="General")
    page = html(staff.get(f"/staff/projects/{slug}/interest"))
    assert "Smart Parking" in page.find("h1").get_text()
    assert len(page.select("table.inbox tbody tr")) == 1


# ------------------------------------------------------------------ workflow


def post_status(staff, interest_id, **data):
    action = f"/staff/interest/{interest_id}/status"
    token = form_token(staff.get(f"/staff/interest/{interest_id}"), action)
    return staff.post(action, data={"csrf_token": token, **data})


def test_status_workflow_is_logged_with_who_and_when(app, staff, submit):
    interest_id = submit()
    for status in ("in-review", "introduced"):
        response = post_status(staff, interest_id, status=status)
        assert response.status_code == 303
        assert response.headers["Location"] == f"/staff/interest/{interest_id}"
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.status == "introduced"
        events = [
            (e.from_status, e.to_status, e.actor.role if e.actor else None) for e in interest.events
        ]
        assert events == [
            (None, "received", None),
            ("received", "in-review", "staff"),
            ("in-review", "introduced", "staff"),
        ]
        assert all(e.created_at is not None for e in interest.events)
    timeline = html(staff.get(f"/staff/interest/{interest_id}")).find("ol", class_="timeline")
    assert len(timeline.find_all("li")) == 3
    assert "from In review to Introduced" in timeline.find_all("li")[0].get_text()


def test_closing_requires_a_reason(app, staff, submit):
    interest_id = submit()
    response = post_status(staff, interest_id, status="closed", reason="  ")
    assert response.status_code == 200
    page = html(response)
    assert page.find(id="reason-error").get_text() == "Give a reason for closing."
    with app.app_context():
        assert db.session.get(Interest, interest_id).status == "received"
    response = post_status(staff, interest_id, status="closed", reason="Introduced elsewhere")
    assert response.status_code == 303
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.status == "closed"
        assert interest.events[-1].text == "Introduced elsewhere"


def test_status_change_without_csrf_is_refused(app, staff, submit):
    interest_id = submit()
    response = staff.post(
        f"/staff/interest/{interest_id}/status", data={"status": "closed", "reason": "x"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Interest, interest_id).status == "received"


def test_notes_are_kept_escaped_and_searchable(app, staff, submit):
    interest_id = submit()
    action = f"/staff/interest/{interest_id}/notes"
    token = form_token(staff.get(f"/staff/interest/{interest_id}"), action)
    assert staff.post(action, data={"csrf_token": token, "note": ""}).status_code == 200
    response = staff.post(
        action, data={"csrf_token": token, "note": f"Called them {HOSTILE} zanzibar"}
    )
    assert response.status_code == 303
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    note = page.find("ol", class_="timeline").find(class_="note")
    assert HOSTILE in note.get_text() and page.find("main").find("script") is None
    with app.app_context():
        kinds = [
            e.kind for e in db.session.scalars(db.select(InterestEvent).order_by(InterestEvent.id))
        ]
        assert kinds == ["status", "note"]
    assert len(references(staff.get("/staff/interest", query_string={"q": "zanzibar"}))) == 1


# ------------------------------------------------------------------ matchmaking


def test_matchmaking_suggests_fitting_projects_and_members(app, staff, submit, make_project):
    with app.app_context():
        city = Member(
            slug="kampala",
            name="Kampala Capital City Authority",
            type="local-government",
            country="UG",
        )
        provider = Member(slug="srpost", name="SRPOST", type="corporation", country="UG")
        elsewhere = Member(slug="far", name="Far Corp", type="corporation", country="BR")
        db.session.add_all([city, provider, elsewhere])
        db.session.commit()
        city_id = city.id
    parking = make_project(
        title="Integrated Smart Parking System",
        city="Kampala",
        country="UG",
        summary="Parking sensors and payment by phone.",
        member_id=city_id,
    )
    make_project(title="Street Lights", city="Seoul", country="KR", summary="LED lights.")
    interest_id = submit(
        message="We want to replicate smart parking with payment by phone.",
        country="UG",
        interest_type="replicate",
        organization_type="local-government",
    )
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    suggestions = [
        li.a["href"]
        for li in page.select("section[aria-labelledby=matchmaking-title] ul.suggestions li")
        if li.a
    ]
    assert f"/projects/{parking}" in suggestions
    text = page.find("section", attrs={"aria-labelledby": "matchmaking-title"}).get_text()
    assert "Kampala Capital City Authority" in text  # behind the fitting project
    assert "SRPOST" in text  # a provider in the same country
    assert "Far Corp" not in text


def test_detail_lists_other_submissions_about_the_same_project(app, staff, submit, make_project):
    slug = make_project()
    first = submit(project=slug, organization="First Org")
    submit(project=slug, organization="Second Org")
    text = html(staff.get(f"/staff/interest/{first}")).find("main").get_text()
    assert "Second Org" in text


# ------------------------------------------------------------------ export


def test_csv_export_neutralises_formulas(app, staff, submit):
    submit(name='=HYPERLINK("http://evil")', organization="+SUM(A1)", message="-2+3")
    submit(name="@cmd", organization="-1", message="=1+1")
    response = staff.get("/staff/interest/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    for row in rows:
        for key in ("name", "organization", "message"):
            assert row[key].startswith("'"), (key, row[key])
    assert {row["name"] for row in rows} == {'\'=HYPERLINK("http://evil")', "'@cmd"}
    assert rows[0]["reference"].startswith("EOI-")


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\tx", "\rx"])
def test_every_formula_prefix_is_neutralised(value):
    from app.interest.export import spreadsheet_safe

    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("plain") == "plain"


def test_json_export_follows_the_filter(staff, submit):
    submit(country="UG", organization="In Uganda")
    submit(country="KR", organization="In Korea")
    response = staff.get("/staff/interest/export.json", query_string={"country": "KR"})
    assert response.mimetype == "application/json"
    records = response.get_json()
    assert [r["organization"] for r in records] == ["In Korea"]
    assert set(records[0]) >= {
        "reference",
        "name",
        "email",
        "message",
        "status",
        "project",
        "submitted_at",
    }


def test_cli_export(app, runner, submit):
    submit(name="=cmd()", organization="CLI Org")
    result = runner.invoke(args=["interest", "export"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["organization"] == "CLI Org" and rows[0]["name"] == "'=cmd()"
    result = runner.invoke(args=["interest", "export", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["name"] == "=cmd()"
    assert runner.invoke(args=["interest", "export", "--format", "xml"]).exit_code != 0


def test_members_see_their_own_submissions(app, client, make_user):
    email = make_user(role="member")
    login(client, email)
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(email=email))
    client.post("/interest", data=data)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        interest = db.session.scalars(db.select(Interest).where(Interest.user_id == user.id)).one()
        reference = interest.reference
    response = client.get("/account/")
    assert response.status_code == 200
    assert reference in html(response).find("main").get_text()


# ------------------------------------------------------------------ suspected spam


def spam_form_token(staff, interest_id, action):
    return form_token(staff.get(f"/staff/interest/{interest_id}"), action)


def test_suspected_spam_is_out_of_the_default_list_and_counts(app, staff, submit):
    submit(organization="Real Org")
    spam_id = submit(organization="Fast Org", started="")
    with app.app_context():
        spam_reference = db.session.get(Interest, spam_id).reference
    page = html(staff.get("/staff/interest"))
    assert page.find("h2", id="inbox-results-title").get_text() == "1 submission"
    assert spam_reference not in [th.a.get_text() for th in page.select("table.inbox tbody th")]
    link = page.find("a", string="Suspected spam (1)")
    assert link["href"] == "/staff/interest?spam=1"
    spam_page = html(staff.get(link["href"]))
    assert references(staff.get(link["href"])) == [spam_reference]
    assert spam_page.select_one("table.inbox tbody td .badge").get_text() == "Suspected spam"
    assert spam_page.find("select", id="spam").find("option", selected=True)["value"] == "1"
    assert len(references(staff.get("/staff/interest", query_string={"spam": "all"}))) == 2
    # A reference number finds its submission whatever the filter; other searches do not.
    assert references(staff.get("/staff/interest", query_string={"q": spam_reference})) == [
        spam_reference
    ]
    assert references(staff.get("/staff/interest", query_string={"q": "fast"})) == []
    assert references(staff.get("/staff/interest", query_string={"q": "fast", "spam": "1"})) == [
        spam_reference
    ]


def test_project_pages_leave_suspected_spam_out(staff, submit, make_project):
    slug = make_project(title="Smart Parking")
    first = submit(project=slug, organization="Real Org")
    submit(project=slug, organization="Fast Org", started="")
    assert (
        len(html(staff.get(f"/staff/projects/{slug}/interest")).select("table.inbox tbody tr")) == 1
    )
    assert "Fast Org" not in html(staff.get(f"/staff/interest/{first}")).find("main").get_text()


def test_not_spam_moves_it_to_the_inbox_logs_it_and_notifies_staff(app, staff, submit):
    from app.models import OutboundEmail

    app.config["INTEREST_NOTIFY_EMAIL"] = "secretariat@example.org"
    interest_id = submit(started="")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail)) == 0
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    notice = page.find("section", attrs={"aria-labelledby": "spam-title"})
    assert "sent without a start time" in notice.get_text()
    action = f"/staff/interest/{interest_id}/not-spam"
    # Without a CSRF token nothing changes.
    assert staff.post(action).status_code == 400
    response = staff.post(action, data={"csrf_token": spam_form_token(staff, interest_id, action)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/interest/{interest_id}"
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert interest.suspected_spam is False
        event = interest.events[-1]
        assert (event.kind, event.actor.role, event.text) == (
            "not-spam",
            "staff",
            "sent without a start time",
        )
        emails = db.session.scalars(db.select(OutboundEmail)).all()
        assert [e.to for e in emails] == ["secretariat@example.org"]
        assert interest.reference in emails[0].subject
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    assert page.find("section", attrs={"aria-labelledby": "spam-title"}) is None
    assert "marked as not spam" in page.find("ol", class_="timeline").get_text()
    assert len(references(staff.get("/staff/interest"))) == 1


def test_close_as_spam(app, staff, submit):
    interest_id = submit(started="")
    action = f"/staff/interest/{interest_id}/spam"
    response = staff.post(action, data={"csrf_token": spam_form_token(staff, interest_id, action)})
    assert response.status_code == 303
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert (interest.status, interest.suspected_spam) == ("closed", True)
        event = interest.events[-1]
        assert (event.from_status, event.to_status, event.text) == ("received", "closed", "spam")
        assert event.actor.role == "staff"
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    assert page.find("form", action=action) is None  # already closed


def test_members_cannot_judge_spam(app, client, submit, make_user):
    interest_id = submit(started="")
    login(client, make_user(role="member"))
    token = html(client.get("/account/")).find("meta", attrs={"name": "csrf-token"})["content"]
    for action in ("not-spam", "spam"):
        response = client.post(
            f"/staff/interest/{interest_id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 403
    with app.app_context():
        interest = db.session.get(Interest, interest_id)
        assert (interest.suspected_spam, interest.status) == (True, "received")


def test_exports_carry_the_spam_mark(app, staff, runner, submit):
    submit(organization="Real Org")
    submit(organization="Fast Org", started="")
    rows = list(
        csv.DictReader(io.StringIO(staff.get("/staff/interest/export.csv").get_data(as_text=True)))
    )
    assert [(r["organization"], r["suspected_spam"]) for r in rows] == [("Real Org", "False")]
    records = staff.get("/staff/interest/export.json", query_string={"spam": "1"}).get_json()
    assert [(r["organization"], r["suspected_spam"], r["spam_reason"]) for r in records] == [
        ("Fast Org", True, "sent without a start time")
    ]
    # The CLI exports everything, with the mark.
    result = runner.invoke(args=["interest", "export", "--format", "json"])
    assert {(r["organization"], r["suspected_spam"]) for r in json.loads(result.output)} == {
        ("Real Org", False),
        ("Fast Org", True),
    }


def test_inbox_on_phones_reads_in_words_and_filters_by_title(staff, submit, make_project):
    slug = make_project(title="Smart Parking 100%")
    make_project(title="Flood Sensors")
    submit(organization="Alpha", country="UG", project=slug)
    submit(organization="Beta", country="KR")
    page = html(staff.get("/staff/interest"))
    # Every cell names its column for the stacked layout; countries and statuses in words.
    rows = page.select("table.inbox.stack tbody tr")
    assert len(rows) == 2
    headers = [th.get_text() for th in page.select("table.inbox thead th")]
    for row in rows:
        assert [cell["data-label"] for cell in row.find_all(["th", "td"])] == headers
    countries = {row.select_one("[data-label=Country]").get_text() for row in rows}
    assert "Uganda" in countries and "UG" not in countries and "KR" not in countries
    assert {row.select_one("[data-label=Status]").get_text(strip=True) for row in rows} == {
        "Received"
    }
    # The case-study filter is a search with suggestions of titles, not a slug to type.
    field = page.find("input", attrs={"name": "project"})
    assert field["type"] == "search"
    options = [o["value"] for o in page.find("datalist", id=field["list"]).find_all("option")]
    assert options == ["Smart Parking 100%"]

    def orgs(**query):
        found = html(staff.get("/staff/interest", query_string=query))
        return [
            span.get_text().split(" · ")[0] for span in found.select("table.inbox tbody td .meta")
        ]

    assert orgs(project="parking 100") == ["Alpha"]
    assert orgs(project=slug) == ["Alpha"]  # links by slug still work
    assert orgs(project="Smart_Parking") == []  # a wildcard is a character, not "any one"
    assert orgs(project="Flood") == []
