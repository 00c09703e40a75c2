"""Accounts: registration, login, logout, password reset and change, `flask users create`."""

import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.accounts import (
    VERIFY_MAX_AGE,
    VERIFY_SALT,
    make_reset_token,
    make_verification_token,
    user_for_reset_token,
    user_for_verification_token,
)
from app.clock import utcnow
from app.extensions import db
from app.models import Member, OutboundEmail, Project, User
from app.passwords import password_problem, verify_password
from tests.conftest import PASSWORD, form_token, html, login


def logout(client):
    token = form_token(client.get("/account/"))
    return client.post("/account/logout", data={"csrf_token": token})


def emails_to(app, address):
    with app.app_context():
        return db.session.scalars(
            db.select(OutboundEmail).where(OutboundEmail.to == address).order_by(OutboundEmail.id)
        ).all()


def get_user(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User).where(User.email == email))


def register(client, **fields):
    data = {
        "name": "Ada",
        "email": "ada@example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "organisation_choice": "new",
        "new_member_name": "Kampala Capital City Authority",
        "new_member_type": "local-government",
        "new_member_country": "UG",
        "consent": "y",
        "csrf_token": form_token(client.get("/account/register")),
    }
    data.update(fields)
    return client.post("/account/register", data=data)


def verify_link(app, email):
    """The confirmation link of the latest email to `email`."""
    body = emails_to(app, email)[-1].body
    return re.search(r"http://localhost(/account/verify/\S+)", body).group(1)


def confirm_email(client, app, email):
    """Follow the latest confirmation link sent to `email`, as its owner would."""
    response = client.get(verify_link(app, email))
    assert response.status_code == 200
    return response


UNCONFIRMED_NOTICE = (
    "Confirm your email address with the link we sent you: until then you cannot "
    "propose case studies for your organisation."
)


def flashes(response):
    return [p.get_text() for p in html(response).select(".flash")]


# Login and logout -----------------------------------------------------------


def test_login_and_logout(client, make_user):
    email = make_user()
    response = login(client, email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/"
    page = html(client.get("/account/"))
    assert page.find("h1").get_text() == "My account"
    assert page.find("form", action="/account/logout") is not None

    assert logout(client).status_code == 303
    assert client.get("/account/").status_code == 302


def test_logout_by_get_is_not_allowed(client, make_user):
    login(client, make_user())
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/").status_code == 200


def test_wrong_password_and_unknown_email_answer_the_same(client, make_user):
    email = make_user()
    wrong = login(client, email, password="not the password")
    unknown = login(client, "nobody@example.org", password="not the password")
    assert wrong.status_code == unknown.status_code == 400
    messages = [[p.get_text() for p in html(r).select(".error-message")] for r in (wrong, unknown)]
    assert messages[0] == messages[1] == ["The email or password is not right."]


def test_failed_login_is_logged_without_the_password_or_the_address(app, client, make_user, caplog):
    from app.accounts import address_fingerprint

    email = make_user()
    login(client, email, password="my-secret-guess")
    assert "my-secret-guess" not in caplog.text
    # The log correlates attempts on one address by a keyed hash, never the address itself.
    assert email not in caplog.text and email.split("@")[0] not in caplog.text
    with app.test_request_context():
        assert f"#{address_fingerprint(email)}" in caplog.text


def test_deactivated_user_cannot_log_in(app, client, make_user):
    email = make_user()
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).active = False
        db.session.commit()
    assert login(client, email).status_code == 400


def test_login_clears_the_session(client, make_user):
    email = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, email)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "/\\evil.com",
        "https://evil.com/",
        "http://evil.com",
        "javascript:alert(1)",
        "evil.com",
        "/%0d%0aSet-Cookie:x=1",
        "\\\\evil.com",
        "///evil.com",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    response = login(client, make_user(), next_url=target)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location


def test_next_follows_a_local_path(client, make_user):
    response = login(client, make_user(), next_url="/members?type=corporation")
    assert response.headers["Location"] == "/members?type=corporation"


def test_login_required_pages_redirect_with_next(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


# Registration -----------------------------------------------------------------


def test_register_with_a_new_organisation(app, client):
    response = register(client)
    assert response.status_code == 303
    user = get_user(app, "ada@example.org")
    assert verify_password(user.password_hash, PASSWORD)
    with app.app_context():
        member = db.session.get(Member, user.member_id)
        assert (member.name, member.status, member.region) == (
            "Kampala Capital City Authority",
            "pending",
            "africa",
        )
    (welcome,) = emails_to(app, "ada@example.org")
    assert "log in" in welcome.body.lower()

    confirm_email(client, app, "ada@example.org")
    login(client, "ada@example.org")
    page = html(client.get("/account/"))
    assert page.find(id="member-pending") is not None
    # A pending member is not in the public directory.
    assert client.get(f"/members/{member.slug}").status_code == 404


def test_register_with_an_existing_member(app, client):
    with app.app_context():
        db.session.add(Member(slug="seoul", name="Seoul", type="local-government", country="KR"))
        db.session.commit()
    response = register(client, organisation_choice="existing", member="seoul")
    assert response.status_code == 303
    user = get_user(app, "ada@example.org")
    with app.app_context():
        assert db.session.get(Member, user.member_id).slug == "seoul"


def test_registration_errors_keep_the_typed_input(client):
    response = register(
        client, password="password1", password_again="password1", new_member_name=""
    )
    assert response.status_code == 400
    page = html(response)
    assert page.find("input", id="email")["value"] == "ada@example.org"
    errors = {p["id"]: p.get_text() for p in page.select(".error-message")}
    assert "too common" in errors["password-error"]
    assert "new_member_name-error" in errors
    # Passwords are never sent back.
    assert not page.find("input", id="password").get("value")


def test_registration_does_not_reveal_existing_accounts(app, client, make_user):
    existing = make_user(email="known@example.org")
    responses, flashes = [], []
    for email in (existing, "new@example.org"):
        responses.append(register(client, email=email))
        flash = html(client.get("/account/login")).select_one(".flash").get_text()
        flashes.append(flash.replace(email, "EMAIL"))
    known, unknown = responses
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert flashes[0] == flashes[1]
    # The owner of the existing account is told; no second account exists.
    (notice,) = emails_to(app, existing)
    assert "already has an account" in notice.body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2


# Email confirmation -------------------------------------------------------------


def test_unconfirmed_accounts_log_in_but_cannot_propose_until_confirmed(app, client):
    register(client)
    (welcome,) = emails_to(app, "ada@example.org")
    link = verify_link(app, "ada@example.org")
    assert get_user(app, "ada@example.org").email_verified_at is None

    response = login(client, "ada@example.org")
    assert response.status_code == 303
    account = html(client.get("/account/"))
    assert account.find(id="email-unconfirmed") is not None
    refused = client.get("/account/proposals/new")
    assert refused.status_code == 303 and refused.headers["Location"].endswith("/account/")
    assert UNCONFIRMED_NOTICE in flashes(client.get("/account/"))

    page = html(client.get(link))
    assert page.find("h1").get_text() == "Email address confirmed"
    assert get_user(app, "ada@example.org").email_verified_at is not None
    assert html(client.get("/account/")).find(id="email-unconfirmed") is None
    assert client.get("/account/proposals/new").status_code == 200


def failed_link_page(response):
    assert response.status_code == 400
    page = html(response)
    assert page.find("h1").get_text() == "This confirmation link does not work"
    assert page.find("main").find("a", href="/account/login") is not None  # the way to a new link


def test_a_confirmation_link_works_once(app, client):
    register(client)
    link = verify_link(app, "ada@example.org")
    confirm_email(client, app, "ada@example.org")
    confirmed_at = get_user(app, "ada@example.org").email_verified_at
    failed_link_page(client.get(link))
    assert get_user(app, "ada@example.org").email_verified_at == confirmed_at


class OldSigner(TimestampSigner):
    """Signs as if it were an hour past the confirmation link's lifetime."""

    def get_timestamp(self):
        return int(time.time()) - VERIFY_MAX_AGE - 3600


def test_an_expired_confirmation_link_is_refused(app, client):
    register(client)
    fresh = verify_link(app, "ada@example.org").rsplit("/", 1)[1]
    secret = app.config["SECRET_KEY"]
    data = URLSafeTimedSerializer(secret, salt=VERIFY_SALT).loads(fresh)
    token = URLSafeTimedSerializer(secret, salt=VERIFY_SALT, signer=OldSigner).dumps(data)
    failed_link_page(client.get(f"/account/verify/{token}"))
    assert get_user(app, "ada@example.org").email_verified_at is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token + "x",
        lambda token: token[:-3],
        lambda token: "garbage",
        lambda token: "a" * 5000,
        lambda token: "%00%3Cscript%3E",
        lambda token: "eyJ1c2VyIjoxfQ.AAAAAA.BBBBBB",
    ],
)
def test_a_tampered_confirmation_link_is_refused(app, client, mangle):
    register(client)
    token = verify_link(app, "ada@example.org").rsplit("/", 1)[1]
    failed_link_page(client.get(f"/account/verify/{mangle(token)}"))
    assert get_user(app, "ada@example.org").email_verified_at is None


def test_other_signed_tokens_are_not_confirmation_links(app, client):
    register(client)
    user = get_user(app, "ada@example.org")
    with app.test_request_context():
        reset_token = make_reset_token(user)
        forged_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps(
            {"user": user.id, "v": ""}
        )
        assert user_for_verification_token(make_verification_token(user)).id == user.id
        assert user_for_verification_token(make_verification_token(user), max_age=-1) is None
    for token in (reset_token, forged_salt):
        failed_link_page(client.get(f"/account/verify/{token}"))
    assert get_user(app, "ada@example.org").email_verified_at is None


def set_verification_sent_at(app, email, when):
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).verification_sent_at = when
        db.session.commit()


def test_login_resends_the_link_at_most_every_few_minutes(app, client):
    register(client)
    assert len(emails_to(app, "ada@example.org")) == 1
    # Just registered: the welcome email's link is recent enough, nothing new is sent.
    assert login(client, "ada@example.org").status_code == 303
    assert len(emails_to(app, "ada@example.org")) == 1
    logout(client)

    set_verification_sent_at(app, "ada@example.org", utcnow() - timedelta(minutes=6))
    response = login(client, "ada@example.org")
    assert response.status_code == 303
    assert UNCONFIRMED_NOTICE in flashes(client.get(response.headers["Location"]))
    first, resent = emails_to(app, "ada@example.org")
    assert resent.subject.startswith("Confirm your email address")
    for _ in range(3):
        logout(client)
        login(client, "ada@example.org")
    assert len(emails_to(app, "ada@example.org")) == 2

    # The new link works (and so would the first one, until one of them is used).
    confirm_email(client, app, "ada@example.org")
    assert get_user(app, "ada@example.org").email_verified_at is not None


def test_wrong_password_for_an_unconfirmed_account_answers_like_an_unknown_one(app, client):
    register(client)
    wrong = login(client, "ada@example.org", password="not the password")
    unknown = login(client, "ada@example.org".replace("ada", "bob"), password="not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert html(wrong).get_text() == html(unknown).get_text()
    assert [p.get_text() for p in html(wrong).select(".error-message")] == [
        "The email or password is not right."
    ]
    assert len(emails_to(app, "ada@example.org")) == 1  # no link for a wrong password


def test_a_password_reset_confirms_the_address(app, client):
    register(client)
    request_reset(client, "ada@example.org")
    link = reset_link(app, "ada@example.org")
    new = "a brand new passphrase"
    token = form_token(client.get(link))
    client.post(link, data={"password": new, "password_again": new, "csrf_token": token})
    assert get_user(app, "ada@example.org").email_verified_at is not None
    assert login(client, "ada@example.org", password=new).status_code == 303


def test_an_unconfirmed_deactivated_account_gets_no_link(app, client):
    register(client)
    set_verification_sent_at(app, "ada@example.org", None)
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "ada@example.org")).active = False
        db.session.commit()
    response = login(client, "ada@example.org")
    assert [p.get_text() for p in html(response).select(".error-message")] == [
        "The email or password is not right."
    ]
    assert len(emails_to(app, "ada@example.org")) == 1


# Password policy --------------------------------------------------------------


def test_password_policy():
    assert password_problem("short") is not None
    assert password_problem("password") is not None
    assert password_problem("Password1") is not None  # common, whatever the case
    assert password_problem("x" * 1001) is not None
    assert password_problem("a long passphrase " * 40) is None
    assert password_problem("violet tractor umbrella") is None


# Password reset ---------------------------------------------------------------


def request_reset(client, email):
    token = form_token(client.get("/account/reset"))
    return client.post("/account/reset", data={"email": email, "csrf_token": token})


def reset_link(app, email):
    body = emails_to(app, email)[-1].body
    return re.search(r"http://localhost(/account/reset/\S+)", body).group(1)


def test_reset_flow_is_single_use(app, client, make_user):
    email = make_user()
    assert request_reset(client, email).status_code == 303
    link = reset_link(app, email)

    page = client.get(link)
    assert page.status_code == 200
    token = form_token(page)
    new = "a brand new passphrase"
    response = client.post(link, data={"password": new, "password_again": new, "csrf_token": token})
    assert response.status_code == 303
    assert verify_password(get_user(app, email).password_hash, new)

    # Used once: the link is dead now.
    again = client.get(link)
    assert again.status_code == 303 and again.headers["Location"] == "/account/reset"
    assert login(client, email, password=new).status_code == 303


def test_reset_does_not_reveal_accounts(app, client, make_user):
    email = make_user()
    known = request_reset(client, email)
    known_flash = html(client.get("/account/login")).select_one(".flash").get_text()
    unknown = request_reset(client, "nobody@example.org")
    unknown_flash = html(client.get("/account/login")).select_one(".flash").get_text()
    assert known.status_code == unknown.status_code == 303
    assert known_flash == unknown_flash
    assert emails_to(app, "nobody@example.org") == []


def test_reset_token_expires_and_dies_with_a_password_change(app, make_user):
    email = make_user()
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        token = make_reset_token(user)
        assert user_for_reset_token(token) == user
        assert user_for_reset_token(token, max_age=-1) is None  # expired
        assert user_for_reset_token(token + "x") is None  # tampered
        assert user_for_reset_token("garbage") is None
        user.password_hash = "$argon2id$changed"
        assert user_for_reset_token(token) is None


def test_reset_with_a_bad_token_redirects(client):
    response = client.get("/account/reset/not-a-token")
    assert response.status_code == 303


# Password change ----------------------------------------------------------------


def test_change_password_needs_the_current_one_and_ends_other_sessions(app, make_user):
    email = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, email)
    login(phone, email)

    token = form_token(laptop.get("/account/password"))
    new = "another fine passphrase"
    wrong = laptop.post(
        "/account/password",
        data={
            "current_password": "nope",
            "password": new,
            "password_again": new,
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 400
    right = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": new,
            "password_again": new,
            "csrf_token": token,
        },
    )
    assert right.status_code == 303
    assert laptop.get("/account/").status_code == 200  # this session continues
    assert phone.get("/account/").status_code == 302  # the other one has ended


# My submissions -----------------------------------------------------------------


def test_my_account_lists_only_my_proposals(app, client, make_user, make_project):
    mine, theirs = make_user(), make_user()
    with app.app_context():
        me = db.session.scalar(db.select(User).where(User.email == mine))
        them = db.session.scalar(db.select(User).where(User.email == theirs))
        my_id, their_id = me.id, them.id
    make_project(title="My proposal", publication="pending", proposed_by_id=my_id)
    make_project(title="Their proposal", publication="pending", proposed_by_id=their_id)
    login(client, mine)
    table = html(client.get("/account/")).find(id="my-proposals")
    assert [a.get_text() for a in table.select("tbody a")] == ["My proposal"]


# flask users create ---------------------------------------------------------------


def test_users_create_reads_two_lines_from_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "Staff@Example.org", "--role", "staff"],
        input="violet tractor umbrella\nviolet tractor umbrella\n",
    )
    assert result.exit_code == 0, result.output
    user = get_user(app, "staff@example.org")
    assert user.role == "staff" and verify_password(user.password_hash, "violet tractor umbrella")
    assert user.email_verified_at is not None  # an operator vouches for the address


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "a@example.org", "--role", "admin"],
            "password\npassword\n",
            "too common",
        ),
        (
            ["users", "create", "a@example.org", "--role", "admin"],
            "violet tractor\nother one\n",
            "do not match",
        ),
        (
            ["users", "create", "not-an-email", "--role", "admin"],
            "violet tractor\nviolet tractor\n",
            "Invalid email",
        ),
        (["users", "create", "a@example.org", "--role", "king"], "", "Invalid value"),
    ],
)
def test_users_create_refuses_bad_input(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_users_create_refuses_a_duplicate(runner, make_user):
    email = make_user(role="staff")
    result = runner.invoke(
        args=["users", "create", email, "--role", "admin"], input="violet tractor\nviolet tractor\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_no_default_accounts(app, runner):
    """`flask seed` loads the demo data but no login: every account is created on purpose."""
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Project)) > 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Member)) > 0
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
