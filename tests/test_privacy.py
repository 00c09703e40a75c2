"""Privacy by design: the notice, consent records, retention, access and erasure that really erases.

The erasure tests read the BYTES of every file the app keeps (the SQLite
database, its -wal and -shm files, every file of the search indexes) and look
for a unique marker typed into the real forms.
"""

import hashlib
import json
import secrets
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import utcnow
from app.extensions import db
from app.models import Interest, InterestEvent, Member, OutboundEmail, Project, User
from app.models.privacy import PrivacyLogEntry
from tests.conftest import TEST_DATABASE_URL, html, make_test_config
from tests.test_accounts import PASSWORD, confirm_email, form_token, register
from tests.test_accounts import login as login_with_password
from tests.test_interest import hidden_fields, valid_input

ON_SQLITE = TEST_DATABASE_URL is None
STAFF_INBOX = "secretariat@example.org"


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(
        tmp_path,
        INTEREST_MIN_FILL_SECONDS=0,
        INTEREST_NOTIFY_EMAIL=STAFF_INBOX,
        PRIVACY_OPERATOR_NAME="Test Operator Org",
        PRIVACY_CONTACT_EMAIL="dpo@operator.example",
    )


def new_marker():
    return "zq" + secrets.token_hex(8)


def submit_interest(client, marker, **overrides):
    """Send the real form (CSRF token and start time from the GET) with the marker in every personal field."""
    data = hidden_fields(client.get("/interest"))
    data.update(
        valid_input(
            name=f"Person {marker}n",
            email=f"Mixed.{marker}E@Example.org",
            organization=f"Org {marker}o",
            message=f"Hello {marker}m, we would like to talk.",
        )
    )
    data.update(overrides)
    response = client.post("/interest", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def files_under(directory):
    return [path for path in Path(directory).rglob("*") if path.is_file()]


def files_containing(directory, needles):
    """{relative path: [needles found]} for every file under `directory` holding any needle's bytes."""
    found = {}
    for path in files_under(directory):
        data = path.read_bytes()
        hits = [needle for needle in needles if needle.encode() in data]
        if hits:
            found[str(path.relative_to(directory))] = hits
    return found


def one(app, model, *conditions):
    with app.app_context():
        return db.session.scalar(db.select(model).where(*conditions))


def count(app, model, *conditions):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*conditions))


def log_in(client, app, email):
    """Log in through the real form: a fresh login, as privileged pages ask for."""
    with client.session_transaction() as session:
        session.clear()  # whoever was logged in before
    assert login_with_password(client, email).status_code == 303


# ---------------------------------------------------------------- the notice


def test_notice_names_the_operator_and_renders_the_configured_periods(tmp_path):
    from app import create_app

    app = create_app(
        make_test_config(tmp_path, RETENTION_SPAM_DAYS=45, PRIVACY_OPERATOR_NAME="Acme Cities")
    )
    with app.app_context():
        db.create_all()
    page = html(app.test_client().get("/privacy"))
    notice = page.find(id="privacy-notice")
    assert "Acme Cities" in notice.get_text()
    rows = {
        row["data-key"]: row.get_text(" ", strip=True)
        for row in notice.select("#privacy-retention tr[data-key]")
    }
    assert "45 days" in rows["RETENTION_SPAM_DAYS"]
    assert "730 days" in rows["RETENTION_CLOSED_INTEREST_DAYS"]
    assert "90 days" in rows["RETENTION_EMAIL_BODY_DAYS"]
    assert "7 days" in rows["RETENTION_UNCONFIRMED_ACCOUNT_DAYS"]
    with app.app_context():
        db.drop_all()


def test_notice_covers_each_form_rights_and_contact(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = html(response)
    assert page.find(id="privacy-contact")["href"] == "mailto:dpo@operator.example"
    assert "Test Operator Org" in page.find(id="operator").find_next("p").get_text()
    for row in (
        "collected-interest",
        "collected-account",
        "collected-proposals",
        "collected-emails",
    ):
        assert page.find(id=row) is not None, row
    assert page.find(id="rights") is not None and page.find(id="how") is not None
    # Linked from every page's footer.
    assert html(client.get("/")).find("footer").find("a", href="/privacy") is not None


@pytest.mark.parametrize("path", ["/interest", "/account/register"])
def test_every_consent_box_has_the_notice_beside_it(client, path):
    page = html(client.get(path))
    box = page.find("input", attrs={"name": "consent", "type": "checkbox"})
    assert box is not None, "no consent box"
    link = box.find_parent("div", class_="field").find_next_sibling()
    assert link.find("a", href="/privacy") is not None


# ---------------------------------------------------------------- consent records


def test_the_consent_wording_shown_is_stored_with_the_submission(app, client):
    page = html(client.get("/interest"))
    label = page.find("label", attrs={"for": "consent"}).get_text(strip=True)
    link_text = page.find(class_="consent-notice").get_text(strip=True)
    submit_interest(client, new_marker())
    interest = one(app, Interest)
    assert interest.consent_text == f"{label}\n{link_text}"
    assert interest.consent_language == "en"
    assert interest.consent_version == hashlib.sha256(interest.consent_text.encode()).hexdigest()
    assert interest.consent_at is not None


def test_registration_needs_consent_and_stores_its_wording(app, client):
    response = register(client, consent="", name="Keep Me Typed")
    assert response.status_code == 400
    page = html(response)
    assert page.find(id="consent-error") is not None
    assert page.find("input", attrs={"name": "name"})["value"] == "Keep Me Typed"
    assert count(app, User) == 0

    page = html(client.get("/account/register"))
    label = page.find("label", attrs={"for": "consent"}).get_text(strip=True)
    assert register(client).status_code == 303
    user = one(app, User, User.email == "ada@example.org")
    assert user.consent_text.startswith(label + "\n")
    assert user.consent_version == hashlib.sha256(user.consent_text.encode()).hexdigest()
    assert user.consent_at is not None and user.consent_language == "en"


# ---------------------------------------------------------------- erased means erased


@pytest.mark.skipif(not ON_SQLITE, reason="reads the SQLite files")
def test_cli_erasure_leaves_no_byte_of_the_person_in_any_file(app, client, runner, tmp_path):
    from app.database import begin_write

    marker = new_marker()
    email = f"Mixed.{marker}E@Example.org"
    needles = [marker, email.lower(), email]
    submit_interest(client, marker)
    submit_interest(client, marker, message=f"Second {marker}m2")
    # A staff note about the person, and a rebuild: the previous generation is kept on disk.
    with app.app_context():
        begin_write()
        interest = db.session.scalar(db.select(Interest).order_by(Interest.id))
        interest.events.append(InterestEvent(kind="note", text=f"Called {marker}note"))
        db.session.commit()
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    # Another person, who must stay.
    other = new_marker()
    submit_interest(client, other, email=f"{other}@example.org")

    before = files_containing(tmp_path, needles)
    assert any(path.startswith("search-index/interest/") for path in before), before
    assert any(path.startswith("test.sqlite3") for path in before), before

    result = runner.invoke(args=["privacy", "erase", email.upper()])
    assert result.exit_code == 0, result.output
    assert "interests 2" in result.output

    assert files_containing(tmp_path, needles) == {}
    # The other person is untouched, in the database and in the index.
    assert files_containing(tmp_path, [other])
    with app.app_context():
        from app.search.interest import search_interest_ids

        remaining = db.session.scalar(
            db.select(Interest).where(Interest.email == f"{other}@example.org")
        )
        assert search_interest_ids(other) == [remaining.id]
        assert search_interest_ids(marker) == []


def test_erasure_anonymises_keeps_the_statistics_and_logs_no_one(app, client, runner, make_project):
    slug = make_project(title="Smart parking")
    marker = new_marker()
    submit_interest(client, marker, project=slug, country="KE", interest_type="fund")
    email = f"Mixed.{marker}E@Example.org"
    assert count(app, OutboundEmail) == 2  # the confirmation and the staff notification

    result = runner.invoke(args=["privacy", "erase", email])
    assert result.exit_code == 0, result.output
    interest = one(app, Interest)
    assert (interest.name, interest.email, interest.organization, interest.message) == (
        "",
        "",
        "",
        "",
    )
    assert interest.anonymised_at is not None
    assert (interest.country, interest.interest_type, interest.status) == ("KE", "fund", "received")
    assert interest.organization_type == "local-government" and interest.project_id is not None
    # Both emails held the person's data: the one to them and the one to staff.
    assert count(app, OutboundEmail) == 0
    entry = one(app, PrivacyLogEntry)
    assert (entry.action, entry.source) == ("erasure", "cli")
    assert entry.counts["interests"] == 1 and entry.counts["emails"] == 2
    assert marker not in json.dumps(entry.counts) and "@" not in json.dumps(entry.counts)
    # The old confirmation link no longer answers.
    with app.app_context():
        assert db.session.scalar(db.select(Interest.token)) is not None
    # Erasing again finds nothing and changes nothing more.
    again = runner.invoke(args=["privacy", "erase", email])
    assert "interests 0" in again.output and "emails 0" in again.output


def test_a_dry_run_counts_and_changes_nothing(app, client, runner):
    marker = new_marker()
    submit_interest(client, marker)
    result = runner.invoke(args=["privacy", "erase", f"Mixed.{marker}E@Example.org", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "Would erase: interests 1, emails 2, event subscriptions 0, introductions 0, accounts 0"
        in result.output
    )
    assert one(app, Interest).name == f"Person {marker}n"
    assert count(app, PrivacyLogEntry) == 0


# ---------------------------------------------------------------- export


def test_export_prints_everything_kept_about_the_address(app, client, runner, make_user):
    from app.database import begin_write

    email = make_user(email="ana@example.org")
    log_in(client, app, email)
    marker = new_marker()
    submit_interest(client, marker, email="ANA@example.org")
    with app.app_context():
        begin_write()
        user = db.session.scalar(db.select(User).where(User.email == email))
        db.session.add(
            Project(
                slug="p-ana",
                title="Ana's project",
                city="Lima",
                country="PE",
                theme="mobility",
                summary="s",
                publication="pending",
                proposed_by_id=user.id,
                member_id=user.member_id,
            )
        )
        interest = db.session.scalar(db.select(Interest))
        interest.events.append(InterestEvent(kind="note", text="Asked for a call"))
        db.session.commit()

    result = runner.invoke(args=["privacy", "export", "Ana@Example.org"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["email"] == "ana@example.org"
    assert data["account"]["email"] == email and data["account"]["member"]["name"].startswith(
        "Member Org"
    )
    assert "hash" not in json.dumps(data["account"]).replace("one-way hash", "")
    assert [i["message"] for i in data["interests"]] == [f"Hello {marker}m, we would like to talk."]
    assert data["interests"][0]["consent"]["version"]
    assert [e["text"] for e in data["interests"][0]["staff_log"] if e["kind"] == "note"] == [
        "Asked for a call"
    ]
    assert [p["slug"] for p in data["proposals"]] == ["p-ana"]
    assert {e["to"] for e in data["emails"]} == {"ANA@example.org", STAFF_INBOX}


def test_export_of_an_unknown_address_is_empty(runner, app):
    data = json.loads(runner.invoke(args=["privacy", "export", "nobody@example.org"]).output)
    assert (
        data["account"] is None and data["interests"] == data["emails"] == data["proposals"] == []
    )


def test_member_downloads_their_data(app, client, make_user):
    email = make_user()
    other = make_user()
    log_in(client, app, other)
    submit_interest(client, new_marker(), email=other)
    client.get("/account/")
    log_in(client, app, email)
    page = html(client.get("/account/"))
    assert page.find(id="my-data").find("a", href="/account/data.json") is not None
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_json()
    assert data["account"]["email"] == email
    assert data["interests"] == []  # the other member's submission is not theirs


def test_download_needs_a_login(client):
    response = client.get("/account/data.json")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


# ---------------------------------------------------------------- account deletion


def registered_member(client, app, marker):
    """Register through the real form with the marker everywhere, confirm, log in."""
    email = f"{marker}acct@example.org"
    assert (
        register(
            client, name=f"Member {marker}n", email=email, new_member_name=f"NewOrg {marker}o"
        ).status_code
        == 303
    )
    confirm_email(client, app, email)
    assert login_with_password(client, email).status_code == 303
    return email


def delete_form(client):
    return form_token(client.get("/account/delete"))


@pytest.mark.skipif(not ON_SQLITE, reason="reads the SQLite files")
def test_account_deletion_leaves_no_byte_of_the_member(app, client, tmp_path):
    marker = new_marker()
    email = registered_member(client, app, marker)
    submit_interest(client, marker, email=email)
    assert files_containing(tmp_path, [marker])

    response = client.post(
        "/account/delete",
        data={"password": PASSWORD, "confirm": "y", "csrf_token": delete_form(client)},
    )
    assert response.status_code == 303
    assert files_containing(tmp_path, [marker, email]) == {}
    # Logged out, and the account is gone.
    assert client.get("/account/").status_code == 302
    assert count(app, User) == 0
    assert count(app, Member) == 0  # the pending organisation only this registration created
    entry = one(app, PrivacyLogEntry)
    assert entry.source == "account" and entry.counts["accounts"] == 1


def test_account_deletion_explains_what_happens_to_published_case_studies(app, client, make_user):
    from app.database import begin_write

    email = make_user()
    with app.app_context():
        begin_write()
        user = db.session.scalar(db.select(User).where(User.email == email))
        db.session.add(
            Project(
                slug="kept",
                title="Open data portal",
                city="Seoul",
                country="KR",
                theme="mobility",
                summary="s",
                publication="published",
                proposed_by_id=user.id,
                member_id=user.member_id,
            )
        )
        db.session.commit()
    log_in(client, app, email)
    page = html(client.get("/account/delete"))
    assert "Open data portal" in page.find(id="published-proposals").get_text()
    assert page.find("input", attrs={"name": "password", "type": "password"}) is not None

    token = form_token(client.get("/account/delete"))
    client.post("/account/delete", data={"password": PASSWORD, "confirm": "y", "csrf_token": token})
    project = one(app, Project, Project.slug == "kept")
    assert project.publication == "published" and project.proposed_by_id is None
    assert project.member_id is not None  # the approved organisation stays


@pytest.mark.parametrize(
    "data, problem",
    [
        ({"password": "wrong password!", "confirm": "y"}, "password-error"),
        ({"password": PASSWORD}, "confirm-error"),
        ({"confirm": "y"}, "password-error"),
    ],
    ids=["wrong-password", "no-tick", "no-password"],
)
def test_account_deletion_refuses_without_the_password_and_the_tick(
    app, client, make_user, data, problem
):
    email = make_user()
    log_in(client, app, email)
    response = client.post("/account/delete", data={**data, "csrf_token": delete_form(client)})
    assert response.status_code == 400
    assert html(response).find(id=problem) is not None
    assert count(app, User) == 1 and count(app, PrivacyLogEntry) == 0


def test_account_deletion_needs_csrf_and_a_login(app, client, make_user):
    assert client.get("/account/delete").status_code == 302
    email = make_user()
    log_in(client, app, email)
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400
    assert count(app, User) == 1


def test_staff_accounts_are_not_deleted_from_the_account_page(app, client, make_user):
    email = make_user(role="staff")
    log_in(client, app, email)
    assert client.get("/account/delete").status_code == 403
    assert count(app, User) == 1


# ---------------------------------------------------------------- staff erasure


def test_staff_erase_a_person_who_asks_by_email(app, client, make_user):
    marker = new_marker()
    submit_interest(client, marker)
    email = f"Mixed.{marker}E@Example.org"
    staff = make_user(role="staff")
    log_in(client, app, staff)
    page = html(client.get("/staff/privacy"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]

    confirm = client.post("/staff/privacy", data={"email": email, "csrf_token": token})
    assert confirm.status_code == 200
    found = html(confirm).find(id="erasure-found").get_text(" ", strip=True)
    assert "Expressions of interest to anonymise: 1" in found
    assert one(app, Interest).name != ""  # nothing erased yet
    confirm_page = html(confirm)
    token = confirm_page.find("input", attrs={"name": "csrf_token"})["value"]
    assert confirm_page.find("input", attrs={"name": "email", "type": "hidden"})["value"] == email

    # Without the tick: nothing happens.
    refused = client.post("/staff/privacy/erase", data={"email": email, "csrf_token": token})
    assert refused.status_code == 400 and one(app, Interest).name != ""

    done = client.post(
        "/staff/privacy/erase", data={"email": email, "confirm": "y", "csrf_token": token}
    )
    assert done.status_code == 303
    assert marker not in done.headers["Location"] and "@" not in done.headers["Location"]
    assert one(app, Interest).name == ""
    entry = one(app, PrivacyLogEntry)
    assert entry.source == "staff" and entry.actor_id == one(app, User, User.email == staff).id
    log_page = html(client.get("/staff/privacy")).find(id="privacy-log").get_text()
    assert "Erasure on request" in log_page and marker not in log_page


def test_staff_erasure_page_is_for_staff_only_and_checks_csrf(app, client, make_user):
    assert client.get("/staff/privacy").status_code == 302
    member = make_user()
    log_in(client, app, member)
    assert client.get("/staff/privacy").status_code == 403
    token = html(client.get("/account/")).find("meta", attrs={"name": "csrf-token"})["content"]
    data = {"email": member, "confirm": "y", "csrf_token": token}
    assert client.post("/staff/privacy/erase", data=data).status_code == 403
    assert client.post("/staff/privacy", data=data).status_code == 403
    log_in(client, app, make_user(role="staff"))
    assert (
        client.post("/staff/privacy/erase", data={"email": member, "confirm": "y"}).status_code
        == 400
    )
    assert count(app, User) == 2 and count(app, PrivacyLogEntry) == 0


def test_staff_cannot_erase_a_staff_account_from_the_page(app, client, make_user):
    admin = make_user(role="admin")
    colleague = make_user(role="staff")
    log_in(client, app, admin)
    token = form_token(client.get("/staff/privacy"))
    response = client.post(
        "/staff/privacy/erase", data={"email": colleague, "confirm": "y", "csrf_token": token}
    )
    assert response.status_code == 303
    assert count(app, User) == 2 and count(app, PrivacyLogEntry) == 0


def test_staff_erasure_refuses_a_malformed_address(app, client, make_user):
    log_in(client, app, make_user(role="staff"))
    token = form_token(client.get("/staff/privacy"))
    response = client.post("/staff/privacy", data={"email": "<script>x", "csrf_token": token})
    assert response.status_code == 400
    page = html(response)
    assert page.find(id="email-error") is not None
    assert page.find("input", attrs={"name": "email"})["value"] == "<script>x"


# ---------------------------------------------------------------- retention


def old_interest(app, days, **fields):
    from app.database import begin_write

    with app.app_context():
        begin_write()
        created = utcnow() - timedelta(days=days)
        values = dict(
            token=secrets.token_urlsafe(16),
            name="Old Person",
            email="old@example.org",
            organization="Old Org",
            organization_type="corporation",
            country="FR",
            interest_type="learn",
            message="old message",
            created_at=created,
            updated_at=created,
        )
        values.update(fields)
        interest = Interest(**values)
        if interest.status == "closed":
            interest.events.append(
                InterestEvent(kind="status", to_status="closed", text="done", created_at=created)
            )
        db.session.add(interest)
        db.session.commit()
        return interest.id


def test_purge_applies_each_period_once(app, runner):
    from app.database import begin_write

    due_closed = old_interest(app, 800, status="closed")
    recent_closed = old_interest(app, 100, status="closed")
    open_old = old_interest(app, 800)  # not closed: kept whatever its age
    old_spam = old_interest(app, 40, suspected_spam=True)
    new_spam = old_interest(app, 5, suspected_spam=True)
    with app.app_context():
        begin_write()
        long_ago = utcnow() - timedelta(days=100)
        db.session.add_all(
            [
                OutboundEmail(
                    to="a@example.org",
                    subject="s",
                    body="old body",
                    created_at=long_ago,
                    sent_at=long_ago,
                ),
                OutboundEmail(
                    to="b@example.org", subject="s", body="recent body", sent_at=utcnow()
                ),
                OutboundEmail(
                    to="c@example.org", subject="s", body="unsent body", created_at=long_ago
                ),
            ]
        )
        db.session.add_all(
            [
                User(
                    email="stale@example.org",
                    password_hash="x",
                    session_token="t1",
                    created_at=utcnow() - timedelta(days=8),
                ),
                User(email="fresh@example.org", password_hash="x", session_token="t2"),
                User(
                    email="ok@example.org",
                    password_hash="x",
                    session_token="t3",
                    created_at=utcnow() - timedelta(days=30),
                    email_verified_at=utcnow(),
                ),
            ]
        )
        db.session.commit()

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert (
        "spam deleted 1, interests anonymised 1, emails cleared 1, accounts deleted 1"
        in result.output
    )
    with app.app_context():
        anonymised = db.session.get(Interest, due_closed)
        assert (anonymised.name, anonymised.email, anonymised.message) == ("", "", "")
        assert (anonymised.country, anonymised.status) == ("FR", "closed")
        assert anonymised.events[0].text == ""
        assert db.session.get(Interest, recent_closed).name == "Old Person"
        assert db.session.get(Interest, open_old).name == "Old Person"
        assert db.session.get(Interest, old_spam) is None
        assert db.session.get(Interest, new_spam) is not None
        bodies = dict(
            db.session.execute(
                db.select(OutboundEmail.subject, OutboundEmail.body).order_by(OutboundEmail.id)
            ).all()
        )
        emails = db.session.scalars(db.select(OutboundEmail).order_by(OutboundEmail.id)).all()
        assert [(e.to, e.body) for e in emails] == [
            ("", ""),
            ("b@example.org", "recent body"),
            ("c@example.org", "unsent body"),
        ], bodies
        assert set(db.session.scalars(db.select(User.email))) == {
            "fresh@example.org",
            "ok@example.org",
        }
        assert db.session.scalar(db.select(db.func.count()).select_from(PrivacyLogEntry)) == 1

    again = runner.invoke(args=["privacy", "purge"])
    assert (
        "spam deleted 0, interests anonymised 0, emails cleared 0, accounts deleted 0"
        in again.output
    )
    assert count(app, PrivacyLogEntry) == 1


def test_purge_refuses_a_period_under_one_day(tmp_path):
    from app import create_app

    app = create_app(make_test_config(tmp_path, RETENTION_SPAM_DAYS=0))
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code != 0 and "RETENTION_SPAM_DAYS" in result.output
    with app.app_context():
        db.drop_all()


# ---------------------------------------------------------------- no personal data in URLs, API, logs


def test_confirmation_url_carries_no_personal_data(app, client):
    marker = new_marker()
    location = submit_interest(client, marker).headers["Location"]
    assert (
        marker not in location.lower() and "@" not in location and "example" not in location.lower()
    )
    assert client.get(location).status_code == 200


def test_public_search_and_api_never_return_interest_data(app, client, make_project):
    make_project(title="Parking sensors")
    marker = new_marker()
    submit_interest(client, marker)
    # The pages echo the query; what must never come back is the rest of the submission.
    stored = (f"{marker}n", f"{marker}o", f"{marker}m", f"{marker}e@example.org".lower())
    for query in (marker, f"{marker}n", f"{marker}o", "Hello", "Mixed"):
        for path in (f"/projects?q={query}", f"/api/v1/projects?q={query}"):
            body = client.get(path).get_data(as_text=True).lower()
            leaked = [text for text in stored if text != query and text in body]
            assert leaked == [], path
    assert client.get(f"/api/v1/projects?q={marker}").get_json()["total"] == 0
    everything = client.get("/api/v1/projects?per_page=100").get_data(as_text=True)
    assert marker not in everything and "Example.org" not in everything


def test_logs_carry_references_not_addresses(app, client, caplog, make_user):
    marker = new_marker()
    # Stored as suspected spam (no start time): the warning names the reference only.
    data = hidden_fields(client.get("/interest"))
    data.pop("started")
    data.update(valid_input(name=f"Person {marker}n", email=f"{marker}@example.org"))
    client.post("/interest", data=data)
    assert "suspected spam" in caplog.text
    assert marker not in caplog.text


def test_a_failed_delivery_is_logged_without_the_address(app, caplog):
    from app.database import begin_write
    from app.mail import queue_email, send_pending

    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=9
    )  # discard port: the connection is refused
    with app.app_context():
        begin_write()
        queue_email("secret.person@example.org", "subject", "body")
        db.session.commit()
        assert send_pending() == (0, 1)
    assert "failed" in caplog.text and "secret.person" not in caplog.text


@pytest.mark.skipif(not ON_SQLITE, reason="SQLite pragma")
def test_sqlite_connections_zero_deleted_content(app):
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA secure_delete")).scalar() == 1


def test_staff_see_that_a_submission_was_anonymised(app, client, runner, make_user):
    marker = new_marker()
    submit_interest(client, marker)
    runner.invoke(args=["privacy", "erase", f"Mixed.{marker}E@Example.org"])
    log_in(client, app, make_user(role="staff"))
    interest_id = one(app, Interest).id
    detail = html(client.get(f"/staff/interest/{interest_id}"))
    assert detail.find(id="anonymised") is not None
    assert marker not in str(detail)
    inbox = client.get("/staff/interest").get_data(as_text=True)
    assert "Anonymised" in inbox and marker not in inbox


def test_database_errors_do_not_carry_the_bound_values(app, make_user):
    import sqlalchemy.exc

    email = make_user(email="unique.person@example.org")
    with app.app_context():
        db.session.add(
            User(email=email, password_hash="x", session_token="t", name="Zed Uniquename")
        )
        with pytest.raises(sqlalchemy.exc.IntegrityError) as caught:
            db.session.commit()
        db.session.rollback()
    # The statement's parameters are hidden (PostgreSQL's own detail still quotes the key).
    assert "Zed Uniquename" not in str(caught.value)


def test_an_unhandled_error_is_logged_without_addresses(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise ValueError("could not handle unique.person@example.org")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/boom").status_code == 500
    assert "Unhandled error" in caplog.text and "ValueError" in caplog.text
    assert "unique.person" not in caplog.text
    assert "<address>" in caplog.text


def test_rate_limit_keys_hold_no_address(app):
    from app.limits import _submitted_email

    with app.test_request_context(
        "/account/login", method="POST", data={"email": " Ana@Example.org "}
    ):
        key = _submitted_email()
    with app.test_request_context(
        "/account/login", method="POST", data={"email": "ana@example.org"}
    ):
        assert _submitted_email() == key  # one address, one key, whatever the case
    assert "ana" not in key.lower() and "example" not in key.lower()


def test_erasing_a_staff_account_keeps_their_notes_and_reviews_unattributed(
    app, client, runner, make_user, make_project
):
    from app.database import begin_write
    from app.models.catalog import ProjectReview

    staff = make_user(role="staff", email="clerk@example.org")
    slug = make_project()
    submit_interest(client, new_marker())
    with app.app_context():
        begin_write()
        user = db.session.scalar(db.select(User).where(User.email == staff))
        interest = db.session.scalar(db.select(Interest))
        interest.events.append(InterestEvent(kind="note", text="Looks promising", actor_id=user.id))
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        db.session.add(
            ProjectReview(project_id=project.id, reviewer_id=user.id, decision="approved")
        )
        db.session.add(PrivacyLogEntry(action="purge", source="staff", actor_id=user.id, counts={}))
        db.session.commit()

    result = runner.invoke(args=["privacy", "erase", staff])
    assert result.exit_code == 0, result.output
    assert "accounts 1" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == staff)) is None
        note = db.session.scalar(db.select(InterestEvent).where(InterestEvent.kind == "note"))
        assert note.text == "Looks promising" and note.actor_id is None
        assert db.session.scalar(db.select(ProjectReview.reviewer_id)) is None
        assert db.session.scalar(db.select(Interest.name)) != ""  # someone else's submission stays


def test_erasure_takes_an_address_literally(app, runner):
    from app.database import begin_write

    with app.app_context():
        begin_write()
        db.session.add(
            OutboundEmail(to="staff@example.org", subject="s", body="From acb@example.org")
        )
        db.session.commit()
    result = runner.invoke(args=["privacy", "erase", "a_b@example.org"])
    assert "emails 0" in result.output  # "_" is not a wildcard
    assert count(app, OutboundEmail) == 1


@pytest.mark.parametrize("command", ["erase", "export"])
@pytest.mark.parametrize("address", ["", "   ", "nobody", "@example.org"])
def test_commands_refuse_what_is_not_an_address(app, runner, command, address):
    from app.database import begin_write

    with app.app_context():
        begin_write()
        db.session.add(OutboundEmail(to="", subject="s", body=""))  # a cleared email
        db.session.commit()
    result = runner.invoke(args=["privacy", command, address])
    assert result.exit_code == 1 and "not an email address" in result.output
    assert count(app, OutboundEmail) == 1 and count(app, PrivacyLogEntry) == 0


@pytest.mark.parametrize("address", ["nobody", "", "x" * 300 + "@example.org", "@example.org"])
@pytest.mark.parametrize("tick", ["y", ""])
def test_a_tampered_confirmation_is_refused_without_an_error(app, client, make_user, address, tick):
    log_in(client, app, make_user(role="staff"))
    token = form_token(client.get("/staff/privacy"))
    response = client.post(
        "/staff/privacy/erase", data={"email": address, "confirm": tick, "csrf_token": token}
    )
    assert response.status_code == 303
    assert count(app, PrivacyLogEntry) == 0


@pytest.mark.parametrize("path", ["/account/data.json", "/account/delete", "/staff/privacy"])
def test_a_remembered_session_logs_in_again_first(app, client, make_user, path):
    email = make_user(role="staff" if path.startswith("/staff") else "member")
    log_in(client, app, email)
    with client.session_transaction() as session:
        session["_fresh"] = False  # as restored from the remember-me cookie
    response = client.get(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.skipif(not ON_SQLITE, reason="reads the SQLite files")
def test_erasure_covers_event_subscriptions_and_introductions(app, client, runner, tmp_path):
    from app.database import begin_write
    from app.models import EventSubscription, Introduction, IntroductionParty

    marker = new_marker()
    submit_interest(client, marker)
    email = f"Mixed.{marker}E@Example.org"
    with app.app_context():
        begin_write()
        interest = db.session.scalar(db.select(Interest))
        db.session.add(
            EventSubscription(email=email.lower(), unsubscribe_token=secrets.token_hex(8))
        )
        introduction = Introduction(
            interest_id=interest.id, message=f"Dear {marker}n, meet the city"
        )
        db.session.add(introduction)
        db.session.flush()
        db.session.add(
            IntroductionParty(
                introduction_id=introduction.id,
                role="sender",
                name=f"Person {marker}n",
                email=email,
                organisation=f"Org {marker}o",
            )
        )
        db.session.add(
            IntroductionParty(
                introduction_id=introduction.id,
                role="other",
                name="City Office",
                email="city@example.org",
            )
        )
        db.session.commit()
    exported = json.loads(runner.invoke(args=["privacy", "export", email]).output)
    assert [s["email"] for s in exported["event_subscriptions"]] == [email.lower()]
    assert [p["role"] for p in exported["introductions"]] == ["sender"]

    result = runner.invoke(args=["privacy", "erase", email])
    assert "event subscriptions 1" in result.output and "introductions 1" in result.output
    assert files_containing(tmp_path, [marker, email.lower()]) == {}
    assert count(app, EventSubscription) == 0
    other = one(app, IntroductionParty, IntroductionParty.role == "other")
    assert other.email == "city@example.org"  # the other party is not the one who asked
