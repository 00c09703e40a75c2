"""Staff tables on phones (issue "Mobile first"): every staff table stacks into cards on small
screens, each cell labelled with its column; countries by name and states in words, in the page's
language, never the codes the database holds."""

import re
from pathlib import Path

import pytest
from babel import Locale

from app.extensions import db
from app.models import Challenge, Member, Project, Solution, User
from app.models.catalog import PUBLICATION_STATES
from app.models.privacy import PRIVACY_ACTIONS, PRIVACY_SOURCES, PrivacyLogEntry
from app.staff import MEMBER_STATES
from tests.conftest import html, login

ROOT = Path(__file__).resolve().parents[1]
ISO_CODE = re.compile(r"^[A-Z]{2}$")
# Every code a staff table or tab could leak: states, roles, privacy log entries.
RAW_CODES = {
    *PUBLICATION_STATES,
    *MEMBER_STATES,
    *PRIVACY_ACTIONS,
    *PRIVACY_SOURCES,
    "all",
    "member",
    "staff",
    "admin",
}


@pytest.fixture
def tables_data(app, make_user, make_project):
    """One row for every staff table: countries chosen so that name and code differ."""
    make_project(title="Waiting Parking", country="KE", publication="pending")
    make_project(title="Old Sensors", country="DE")  # published, never checked: needs review
    claimant = make_user(role="member")
    with app.app_context():
        db.session.add(
            Member(
                slug="berlin",
                name="Berlin",
                type="local-government",
                country="DE",
                status="pending",
            )
        )
        user = db.session.scalar(db.select(User).where(User.email == claimant))
        user.membership_status = "pending"
        user.name = "Claire Claimant"
        db.session.add(
            Challenge(
                slug="nairobi-floods",
                title="Flood warnings",
                city="Nairobi",
                country="KE",
                publication="pending",
            )
        )
        db.session.add(Solution(slug="sensor-kit", title="Sensor kit", publication="pending"))
        db.session.add(
            PrivacyLogEntry(
                action="erasure",
                source="staff",
                counts={"interests": 2, "emails": 3, "accounts": 0},
            )
        )
        db.session.add(PrivacyLogEntry(action="purge", source="cli", counts={"spam_deleted": 1}))
        db.session.commit()
        project_id = db.session.scalar(db.select(Project.id).where(Project.title == "Old Sensors"))
    return {"project_id": project_id}


def staff_client(app, make_user, role="staff"):
    client = app.test_client()
    login(client, make_user(role=role))
    return client


def staff_tables(app, make_user, tables_data, prefix=""):
    """{path: parsed page} of every staff page that shows a table."""
    staff = staff_client(app, make_user)
    admin = staff_client(app, make_user, role="admin")
    paths = {
        "/staff/projects": staff,
        "/staff/projects?state=all": staff,
        "/staff/projects/review": staff,
        "/staff/members": staff,
        "/staff/memberships/": staff,
        "/staff/matchmaking/challenges": staff,
        "/staff/matchmaking/solutions": staff,
        "/staff/privacy": staff,
        f"/staff/projects/{tables_data['project_id']}/edit": staff,
        "/staff/users": admin,
    }
    pages = {}
    for path, client in paths.items():
        response = client.get(prefix + path)
        assert response.status_code == 200, path
        pages[path] = html(response)
    return pages


def column(table, header):
    """The cells of the column whose header reads `header`, found by the cells' own labels."""
    return [
        cell.get_text(" ", strip=True) for cell in table.select(f'tbody [data-label="{header}"]')
    ]


def test_every_staff_table_stacks_and_labels_every_cell_with_its_header(
    app, make_user, tables_data
):
    seen = 0
    for path, page in staff_tables(app, make_user, tables_data).items():
        tables = page.select("main table")
        assert tables, f"{path} shows no table"
        for table in tables:
            assert "stack" in table.get("class", []), f"{path}: a table that does not stack"
            headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
            rows = table.select("tbody tr")
            assert rows, f"{path}: an empty table"
            for row in rows:
                cells = row.find_all(["th", "td"], recursive=False)
                assert [cell.get("data-label") for cell in cells] == headers, path
                seen += 1
    assert seen >= 15


def test_countries_by_name_and_states_in_words(app, make_user, tables_data):
    pages = staff_tables(app, make_user, tables_data)

    def table(path):
        return pages[path].select_one("main table")

    assert column(table("/staff/projects"), "Country") == ["Kenya"]
    assert column(table("/staff/projects"), "State") == ["Pending"]
    assert set(column(table("/staff/projects?state=all"), "State")) == {"Pending", "Published"}
    assert column(table("/staff/projects/review"), "Country") == ["Germany"]
    assert column(table("/staff/members"), "Country") == ["Germany"]
    assert column(table("/staff/members"), "State") == ["Pending"]
    assert column(table("/staff/matchmaking/challenges"), "Country") == ["Kenya"]
    assert column(table("/staff/matchmaking/solutions"), "State") == ["Pending"]
    log = table("/staff/privacy")
    assert column(log, "What") == ["Retention purge", "Erasure on request"] or column(
        log, "What"
    ) == ["Erasure on request", "Retention purge"]
    assert set(column(log, "Started from")) == {"Staff", "Command line"}
    changed = " ".join(column(log, "Changed"))
    assert "Expressions of interest anonymised: 2" in changed
    assert "Emails deleted: 3" in changed
    assert "Suspected spam deleted: 1" in changed
    assert "spam_deleted" not in changed and "interests:" not in changed
    # The admin's own row shows the role in words (other rows offer a select of words).
    roles = column(table("/staff/users"), "Role")
    assert "Administrator" in roles
    for path, page in pages.items():
        for cell in page.select('main tbody [data-label="Country"]'):
            assert not ISO_CODE.match(cell.get_text(strip=True)), (path, cell)
        for cell in page.select('main tbody [data-label="State"], main tbody [data-label="Role"]'):
            assert cell.find("select") or cell.get_text(strip=True) not in RAW_CODES, (path, cell)
        # The state tabs of the queues are words too.
        for tab in page.select("main nav[aria-label] .tags a"):
            assert tab.get_text(strip=True) not in RAW_CODES, (path, tab)


def test_the_state_tabs_read_in_words_and_still_filter(app, make_user, tables_data):
    staff = staff_client(app, make_user)
    page = html(staff.get("/staff/projects"))
    tabs = {
        a.get_text(strip=True): a["href"]
        for a in page.select('nav[aria-label="Publication state"] a')
    }
    assert list(tabs) == ["Pending", "Published", "Unpublished", "Rejected", "All"]
    assert tabs["All"].endswith("state=all")
    published = html(staff.get(tabs["Published"]))
    assert column(published.select_one("#staff-projects"), "Title") == ["Old Sensors"]
    members = html(staff.get("/staff/members"))
    assert [a.get_text(strip=True) for a in members.select('nav[aria-label="Member state"] a')] == [
        "Pending",
        "Approved",
        "Unpublished",
        "All",
    ]
    # An unknown state in the query string falls back to the default tab, not an error.
    response = staff.get("/staff/projects?state=<b>nope</b>")
    assert response.status_code == 200
    assert (
        html(response)
        .select_one('nav[aria-label="Publication state"] a[aria-current]')
        .get_text(strip=True)
        == "Pending"
    )


def test_in_french_countries_and_states_are_french(app, make_user, tables_data):
    pages = staff_tables(app, make_user, tables_data, prefix="/fr")
    french = Locale("fr").territories
    members = pages["/staff/members"].select_one("#staff-members")
    # The labels themselves are in French too: find the columns by their French headers.
    headers = [th.get_text(strip=True) for th in members.select("thead th")]
    assert headers[2] == "Pays"
    assert column(members, "Pays") == [french["DE"]]
    assert column(members, headers[3]) == ["En attente"]
    projects = pages["/staff/projects"].select_one("#staff-projects")
    assert column(projects, "Pays") == [french["KE"]]
    log = pages["/staff/privacy"].select_one("#privacy-log")
    assert "Purge de conservation" in log.get_text(" ", strip=True)


def test_an_unknown_code_in_the_database_shows_as_is_without_an_error(app, make_user, tables_data):
    with app.app_context():
        db.session.add(PrivacyLogEntry(action="future-thing", source="robot", counts={"odd": 1}))
        db.session.commit()
    page = html(staff_client(app, make_user).get("/staff/privacy"))
    assert "future-thing" in column(page.select_one("#privacy-log"), "What")


def test_staff_detail_pages_show_words_not_codes(app, make_user, tables_data):
    staff = staff_client(app, make_user)
    page = html(staff.get(f"/staff/projects/{tables_data['project_id']}"))
    assert page.find(id="publication").get_text(strip=True) == "Published"
    meta = page.select_one("main p.meta").get_text(" ", strip=True)
    assert "Germany" in meta and "Mobility" in meta and "mobility" not in meta
    fields = page.find(id="project-fields").get_text(" ", strip=True)
    assert "Implemented" in fields and "implemented" not in fields


def test_every_staff_template_table_stacks():
    """A new staff table cannot forget the stacked layout: every <table> in a staff template."""
    staff_templates = [
        *ROOT.glob("templates/staff/*.html"),
        *ROOT.glob("templates/staff_interest/*.html"),
        ROOT / "templates/matchmaking/staff_queue.html",
        ROOT / "templates/privacy/staff.html",
    ]
    tables = 0
    for template in staff_templates:
        for tag in re.findall(r"<table\b[^>]*>", template.read_text()):
            assert re.search(r'class="[^"]*\bstack\b', tag), (template.name, tag)
            tables += 1
    assert tables >= 9


def test_one_css_rule_set_labels_every_stacked_table():
    css = (ROOT / "static/css/site.css").read_text()
    assert css.count("content: attr(data-label)") == 1
    assert len(re.findall(r"\.stack \[data-label\]::before", css)) == 1
    assert not re.search(r"#(staff|needs|membership|privacy)[\w-]* [^{]*\{", css)
    # Logical properties only, for right-to-left pages.
    block = css[css.index("@media (max-width: 47.99rem) {\n  table.stack") :]
    block = block[: block.index("\n}\n")]
    assert not re.search(
        r"\b(margin|padding|border)-(left|right)\b|text-align: (left|right)", block
    )


def test_a_members_own_tables_stack_too(app, make_user, make_project):
    """The account page's proposals and expressions of interest, and the member's challenges."""
    from app.models import Interest

    email = make_user(role="member")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user_id = user.id
    make_project(title="My pending idea", publication="pending", proposed_by_id=user_id)
    with app.app_context():
        db.session.add(
            Interest(
                token="t" * 32,
                name="Member",
                email=email,
                organization="Org",
                organization_type="other",
                country="KE",
                interest_type="learn",
                message="Hello",
                consent=True,
                user_id=user_id,
            )
        )
        db.session.commit()
    client = app.test_client()
    login(client, email)
    page = html(client.get("/account/"))
    tables = page.select("main table")
    assert {table["id"] for table in tables} >= {"my-proposals", "my-interests"}
    for table in tables:
        assert "stack" in table.get("class", [])
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            cells = row.find_all(["th", "td"], recursive=False)
            assert [cell.get("data-label") for cell in cells] == headers
    assert column(page.find(id="my-proposals"), "Status") == ["Pending"]
    for template in ("templates/accounts/index.html", "templates/matchmaking/mine.html"):
        for tag in re.findall(r"<table\b[^>]*>", (ROOT / template).read_text()):
            assert re.search(r'class="[^"]*\bstack\b', tag), (template, tag)
