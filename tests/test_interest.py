"""The expression-of-interest form: validation, input kept, CSRF, anti-spam, storage, emails."""

import re

import pytest

from app.extensions import db
from app.models import Interest, InterestEvent, OutboundEmail, User
from tests.conftest import html, login, make_test_config

REFERENCE = re.compile(r"^EOI-\d{4}-\d{6}$")
FIELDS = (
    "name",
    "email",
    "organization",
    "organization_type",
    "country",
    "interest_type",
    "project",
    "message",
    "consent",
)


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0)


def form_of(response):
    """The interest <form> of a page or fragment."""
    form = html(response).find("form", attrs={"action": "/interest"})
    assert form is not None, "no interest form in the response"
    return form


def hidden_fields(response):
    form = form_of(response)
    return {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}


def valid_input(**overrides):
    data = {
        "name": "Amina Okello",
        "email": "amina@example.org",
        "organization": "Kampala Capital City Authority",
        "organization_type": "local-government",
        "country": "UG",
        "interest_type": "replicate",
        "message": "We would like to replicate a smart parking system.",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(client, path="/interest", headers=None, **overrides):
    """GET the form (token, start time), then POST it with `overrides` applied."""
    data = hidden_fields(client.get(path))
    data.update(valid_input(**overrides))
    return client.post("/interest", data=data, headers=headers or {})


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


# ------------------------------------------------------------------ the form


def test_form_has_the_contract_fields(client):
    response = client.get("/interest")
    assert response.status_code == 200
    form = form_of(response)
    names = {element["name"] for element in form.find_all(["input", "select", "textarea"])}
    assert set(FIELDS) <= names
    assert form.find("input", attrs={"name": "consent"})["type"] == "checkbox"
    country = form.find("select", attrs={"name": "country"})
    assert country.find("option", value="UG").get_text() == "Uganda"
    types = {
        o["value"]
        for o in form.find("select", attrs={"name": "organization_type"}).find_all("option")
    }
    assert types == {"", "local-government", "corporation", "institution", "other"}
    interests = {
        o["value"] for o in form.find("select", attrs={"name": "interest_type"}).find_all("option")
    }
    assert interests == {"", "replicate", "supply", "partner", "fund", "learn"}
    # Every visible control has a label.
    for element in form.find_all(["select", "textarea", "input"]):
        if element.get("type") != "hidden":
            assert form.find("label", attrs={"for": element["id"]}), element


def test_honeypot_is_hidden_from_people_but_labelled(client):
    form = form_of(client.get("/interest"))
    honeypot = form.find("input", attrs={"name": "website"})
    assert honeypot["tabindex"] == "-1"
    assert honeypot["autocomplete"] == "off"
    assert "honeypot" in honeypot.find_parent("div")["class"]
    assert form.find("label", attrs={"for": "website"}).get_text() == "Leave this empty"


def test_form_pages_are_not_stored_or_kept_in_history(client):
    response = client.get("/interest")
    assert "no-store" in response.headers["Cache-Control"]
    assert html(response).find(attrs={"hx-history": "false"}) is not None
    response = client.post("/interest", data={"name": "x"})
    assert "no-store" in response.headers["Cache-Control"]


def test_htmx_form_swaps_itself(client):
    form = form_of(client.get("/interest"))
    assert form["hx-post"] == "/interest"
    container = form.find_parent(id="interest-form")
    assert form["hx-target"] == "#interest-form" and form["hx-swap"] == "outerHTML"
    assert container["hx-history"] == "false"


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("htmx", [False, True], ids=["no-js", "htmx"])
def test_errors_are_tied_to_fields_and_input_is_kept(app, client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = submit(
        client,
        headers=headers,
        name="",
        email="not-an-email",
        organization_type="",
        interest_type="",
        consent="",
        message="My long message that must never be lost.",
    )
    assert response.status_code == 422
    page = html(response)
    assert (page.find("html") is None) == htmx
    assert page.find(id="interest-form") is not None
    for name in ("name", "email", "organization_type", "interest_type", "consent"):
        control = page.find(attrs={"name": name, "id": name})
        error = page.find(id=f"{name}-error")
        assert error is not None and error.get_text(strip=True), name
        assert f"{name}-error" in control["aria-describedby"].split()
        assert control["aria-invalid"] == "true"
    assert "Enter an email address like" in page.find(id="email-error").get_text()
    summary = page.find(class_="error-summary")
    assert summary.find("a", href="#name") is not None
    # Everything typed comes back.
    assert page.find("textarea", attrs={"name": "message"}).get_text().strip() == (
        "My long message that must never be lost."
    )
    assert page.find("input", attrs={"name": "email"})["value"] == "not-an-email"
    assert page.find("input", attrs={"name": "organization"})["value"] == (
        "Kampala Capital City Authority"
    )
    assert (
        page.find("select", attrs={"name": "country"}).find("option", selected=True)["value"]
        == "UG"
    )
    assert count(app, Interest) == 0


def test_unknown_choices_are_refused(app, client):
    response = submit(client, country="ZZ", interest_type="hack", organization_type="<b>")
    page = html(response)
    for name in ("country", "interest_type", "organization_type"):
        assert page.find(id=f"{name}-error") is not None
    assert count(app, Interest) == 0


def test_overlong_message_is_refused_with_message_kept(app, client):
    text = "x" * 5001
    page = html(submit(client, message=text))
    assert page.find(id="message-error") is not None
    assert page.find("textarea", attrs={"name": "message"}).get_text().strip() == text
    assert count(app, Interest) == 0


# ------------------------------------------------------------------ CSRF


def test_post_without_csrf_token_stores_nothing_and_keeps_input(app, client):
    data = hidden_fields(client.get("/interest"))
    del data["csrf_token"]
    data.update(valid_input(message="Please keep this message."))
    response = client.post("/interest", data=data)
    assert response.status_code == 400
    page = html(response)
    assert "submit again" in page.find(role="alert").get_text()
    assert page.find(class_="error-summary") is None  # nothing for the person to correct
    assert (
        page.find("textarea", attrs={"name": "message"}).get_text().strip()
        == "Please keep this message."
    )
    assert hidden_fields(response)["csrf_token"]
    assert count(app, Interest) == 0
    assert count(app, OutboundEmail) == 0


def test_expired_session_token_rerenders_with_a_fresh_token_that_works(app, client):
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(message="Typed before the session expired."))
    with client.session_transaction() as session:
        session.clear()  # the session (and its CSRF secret) is gone
    response = client.post("/interest", data=data)
    assert response.status_code == 400
    assert count(app, Interest) == 0
    fresh = hidden_fields(response)
    assert fresh["csrf_token"] and fresh["csrf_token"] != data["csrf_token"]
    page = html(response)
    assert page.find("textarea", attrs={"name": "message"}).get_text().strip() == (
        "Typed before the session expired."
    )
    # Sending the re-rendered form again succeeds.
    data.update(fresh)
    response = client.post("/interest", data=data)
    assert response.status_code == 303
    assert count(app, Interest) == 1


def test_time_expired_csrf_token_rerenders_and_stores_nothing(app, client, monkeypatch):
    import time

    import itsdangerous.timed

    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(message="Typed over a long lunch."))
    later = time.time() + app.config["WTF_CSRF_TIME_LIMIT"] + 60

    class Later:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    response = client.post("/interest", data=data)
    assert response.status_code == 400
    page = html(response)
    assert "submit again" in page.find(role="alert").get_text()
    assert (
        page.find("textarea", attrs={"name": "message"}).get_text().strip()
        == "Typed over a long lunch."
    )
    assert count(app, Interest) == 0


def test_forged_csrf_token_stores_nothing(app, client):
    response = submit(client, csrf_token="forged")
    assert response.status_code == 400
    assert count(app, Interest) == 0


# ------------------------------------------------------------------ anti-spam


def test_honeypot_gets_a_neutral_answer_and_stores_nothing(app, client, caplog):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 200
    page = html(response)
    assert page.find("form", attrs={"action": "/interest"}) is None
    assert "EOI-" not in page.get_text()
    assert count(app, Interest) == 0
    assert count(app, OutboundEmail) == 0
    assert any("honeypot" in record.getMessage() for record in caplog.records)


def test_too_fast_submission_is_kept_as_suspected_spam_without_emails(app, client, caplog):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 60
    app.config["INTEREST_NOTIFY_EMAIL"] = "secretariat@example.org"
    response = submit(client, message="Sent by a very fast hand.")
    # The same answer as any submission: nothing tells a script it was noticed.
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/interest/thanks/")
    page = html(client.get(response.headers["Location"]))
    reference = page.find(class_="reference").strong.get_text()
    assert REFERENCE.match(reference)
    steps = page.find("h2", string="What happens next").find_next("ol").get_text()
    assert "email address" not in steps and "No copy is sent by email" in steps
    with app.app_context():
        interest = db.session.scalars(db.select(Interest)).one()
        assert interest.message == "Sent by a very fast hand."
        assert interest.reference == reference and interest.status == "received"
        assert interest.suspected_spam is True
        assert re.fullmatch(r"sent \d+\.\d s after the form was opened", interest.spam_reason)
    assert count(app, OutboundEmail) == 0
    assert any(
        "suspected spam" in record.getMessage() and reference in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.parametrize(
    ("started", "reason"),
    [
        ("", "sent without a start time"),
        ("interest-form.123.forged", "sent without a valid start time"),
    ],
)
def test_missing_or_forged_start_time_is_kept_as_suspected_spam(app, client, started, reason):
    response = submit(client, started=started)
    assert response.status_code == 303
    with app.app_context():
        interest = db.session.scalars(db.select(Interest)).one()
        assert (interest.suspected_spam, interest.spam_reason) == (True, reason)
    assert count(app, OutboundEmail) == 0


def test_a_normal_submission_is_not_suspected(app, client):
    submit(client)
    with app.app_context():
        interest = db.session.scalars(db.select(Interest)).one()
        assert (interest.suspected_spam, interest.spam_reason) == (False, "")


def test_too_fast_with_invalid_fields_is_refused_with_input_kept(app, client):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 60
    response = submit(client, email="not-an-email", message="Kept even when fast.")
    assert response.status_code == 422
    page = html(response)
    assert page.find(id="email-error") is not None
    assert (
        page.find("textarea", attrs={"name": "message"}).get_text().strip()
        == "Kept even when fast."
    )
    assert count(app, Interest) == 0


def test_rate_limit_keeps_the_input(tmp_path):
    from app import create_app

    app = create_app(
        make_test_config(
            tmp_path,
            INTEREST_MIN_FILL_SECONDS=0,
            RATELIMIT_ENABLED=True,
            FORM_RATE_LIMIT="2/minute",
        )
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    environ = {"REMOTE_ADDR": "203.0.113.77"}
    for _ in range(2):
        data = hidden_fields(client.get("/interest", environ_base=environ))
        data.update(valid_input())
        assert client.post("/interest", data=data, environ_base=environ).status_code == 303
    data = hidden_fields(client.get("/interest", environ_base=environ))
    data.update(valid_input(message="Third message, kept."))
    response = client.post("/interest", data=data, environ_base=environ)
    assert response.status_code == 429
    page = html(response)
    assert (
        page.find("textarea", attrs={"name": "message"}).get_text().strip()
        == "Third message, kept."
    )
    htmx = client.post("/interest", data=data, environ_base=environ, headers={"HX-Request": "true"})
    assert htmx.status_code == 429 and html(htmx).find(id="interest-form") is not None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Interest)) == 2
        db.session.remove()
        db.engine.dispose()


# ------------------------------------------------------------------ success


def test_success_redirects_to_a_confirmation_with_a_reference(app, client):
    response = submit(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/interest/thanks/")
    assert "amina" not in location.lower() and "example" not in location
    thanks = client.get(location)
    assert thanks.status_code == 200
    assert "no-store" in thanks.headers["Cache-Control"]
    page = html(thanks)
    assert page.find(attrs={"hx-history": "false"}) is not None
    reference = page.find(class_="reference").strong.get_text()
    assert REFERENCE.match(reference)
    assert page.find("h2", string="What happens next") is not None
    with app.app_context():
        interest = db.session.scalars(db.select(Interest)).one()
        assert interest.reference == reference
        assert interest.status == "received"
        assert interest.consent is True and interest.user_id is None
        events = db.session.scalars(db.select(InterestEvent)).all()
        assert [(e.kind, e.to_status, e.actor_id) for e in events] == [("status", "received", None)]
        emails = db.session.scalars(db.select(OutboundEmail)).all()
        assert [e.to for e in emails] == ["amina@example.org"]
        assert reference in emails[0].subject and reference in emails[0].body
        # The address was typed by a stranger: none of their free text is relayed to it.
        assert "smart parking" not in emails[0].body and "Amina" not in emails[0].body


def test_staff_are_notified_when_configured(app, client):
    app.config["INTEREST_NOTIFY_EMAIL"] = "secretariat@example.org"
    submit(client)
    with app.app_context():
        emails = db.session.scalars(db.select(OutboundEmail).order_by(OutboundEmail.id)).all()
        assert [e.to for e in emails] == ["amina@example.org", "secretariat@example.org"]
        assert "/staff/interest/" in emails[1].body


def test_htmx_success_redirects_the_whole_page(app, client):
    response = submit(client, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/interest/thanks/")
    assert count(app, Interest) == 1


def test_references_are_unique(app, client):
    references = set()
    for _ in range(3):
        page = html(client.get(submit(client).headers["Location"]))
        references.add(page.find(class_="reference").strong.get_text())
    assert len(references) == 3


def test_unknown_thanks_token_is_404(client):
    assert client.get("/interest/thanks/nope").status_code == 404


# ------------------------------------------------------------------ the project


def test_project_is_preselected_and_shown_by_title(app, client, make_project):
    slug = make_project(title="Integrated Smart Parking System", city="Kampala", country="UG")
    response = client.get(f"/interest?project={slug}")
    assert hidden_fields(response)["project"] == slug
    assert form_of(response).find("a", string="Integrated Smart Parking System") is not None
    response = submit(client, path=f"/interest?project={slug}")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Interest)).one().project.slug == slug


@pytest.mark.parametrize("slug", ["no-such-project", "<script>alert(1)</script>", "x" * 300])
def test_unknown_project_is_ignored_with_a_note(client, slug):
    response = client.get("/interest", query_string={"project": slug})
    assert response.status_code == 200
    page = html(response)
    assert hidden_fields(response)["project"] == ""
    assert "could not find that case study" in page.find(role="alert").get_text()
    assert page.find("script", string=re.compile("alert")) is None


def test_unpublished_project_is_not_offered(client, make_project):
    slug = make_project(publication="pending")
    assert hidden_fields(client.get(f"/interest?project={slug}"))["project"] == ""


def test_project_gone_before_posting_is_dropped(app, client):
    response = submit(client, project="vanished-project")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalars(db.select(Interest)).one().project_id is None


# ------------------------------------------------------------------ members


def test_members_get_their_details_prefilled_and_linked(app, client, make_user):
    email = make_user(role="member")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user.name = "Min-jun Kim"
        db.session.commit()
        member_name = user.member.name
    login(client, email)
    response = client.get("/interest")
    form = form_of(response)
    assert form.find("input", attrs={"name": "name"})["value"] == "Min-jun Kim"
    assert form.find("input", attrs={"name": "email"})["value"] == email
    assert form.find("input", attrs={"name": "organization"})["value"] == member_name
    assert (
        form.find("select", attrs={"name": "country"}).find("option", selected=True)["value"]
        == "KR"
    )
    assert (
        form.find("select", attrs={"name": "organization_type"}).find("option", selected=True)[
            "value"
        ]
        == "local-government"
    )
    data = hidden_fields(response)
    data.update(valid_input(email=email))
    assert client.post("/interest", data=data).status_code == 303
    with app.app_context():
        interest = db.session.scalars(db.select(Interest)).one()
        assert interest.user.email == email
