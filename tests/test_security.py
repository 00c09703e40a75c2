"""Security across the portal: sessions, CSRF, stored XSS, cookies, rate limits."""

import socket
import uuid

import pytest

from app import create_app
from app.extensions import db
from app.models import Member, Project, User
from tests.conftest import PASSWORD, form_token, html, login, make_test_config
from tests.test_accounts import confirm_email, logout


def session_cookie(client, app):
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def test_replayed_session_cookie_after_logout_is_anonymous(app, client, make_user):
    login(client, make_user())
    captured = session_cookie(client, app)
    assert client.get("/account/").status_code == 200
    assert logout(client).status_code == 303

    attacker = app.test_client()
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], captured)
    response = attacker.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_remember_cookie_dies_with_logout(app, make_user):
    email = make_user()
    client = app.test_client()
    token = form_token(client.get("/account/login"))
    client.post(
        "/account/login",
        data={"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only
    logout(client)
    attacker = app.test_client()
    attacker.set_cookie("remember_token", remember.value)
    assert attacker.get("/account/").status_code == 302


def test_session_cookie_flags(tmp_path, app):
    client = app.test_client()
    response = client.post(
        "/account/login",
        data={
            "email": "x@example.org",
            "password": "x",
            "csrf_token": form_token(client.get("/account/login")),
        },
    )
    header = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in header and "SameSite=Lax" in header

    production = create_app(
        make_test_config(tmp_path, ENV_NAME="production", PUBLIC_URL="https://localhost")
    )
    response = production.test_client().get("/account/login", base_url="https://localhost")
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_post_without_csrf_token_is_refused_and_stores_nothing(app, client, make_user):
    response = client.post(
        "/account/register",
        data={
            "name": "Eve",
            "email": "eve@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "organisation_choice": "new",
            "new_member_name": "Evil Corp",
            "new_member_type": "corporation",
            "new_member_country": "US",
        },
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0

    login(client, make_user())
    assert client.post("/account/logout").status_code == 400
    assert client.post("/account/proposals/new", data={"title": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_xss_from_public_forms_is_escaped_in_staff_pages(app, client, make_user):
    # Registration is public: a hostile organisation and person name.
    token = form_token(client.get("/account/register"))
    client.post(
        "/account/register",
        data={
            "name": XSS,
            "email": "eve@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "organisation_choice": "new",
            "new_member_name": XSS,
            "new_member_type": "corporation",
            "new_member_country": "US",
            "consent": "y",
            "csrf_token": token,
        },
    )
    # A member's proposal with hostile text and Markdown.
    member = app.test_client()
    confirm_email(member, app, "eve@example.org")
    login(member, "eve@example.org")
    token = form_token(member.get("/account/proposals/new"))
    member.post(
        "/account/proposals/new",
        data={
            "title": XSS,
            "city": XSS,
            "country": "US",
            "theme": "mobility",
            "summary": XSS,
            "description": XSS + "\n\n[click](javascript:alert(1))",
            "csrf_token": token,
        },
    )
    with app.app_context():
        project_id = db.session.scalar(db.select(Project.id))
        member_id = db.session.scalar(db.select(Member.id))
    assert project_id is not None

    login(client, make_user(role="admin"))
    for path in (
        "/staff/projects",
        f"/staff/projects/{project_id}",
        f"/staff/projects/{project_id}/edit",
        "/staff/members",
        f"/staff/members/{member_id}/edit",
        "/staff/users",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = html(response)
        assert page.find("script", string=lambda s: s and "alert" in s) is None, path
        assert page.find(attrs={"onerror": True}) is None, path
        assert not page.find_all("a", href=lambda h: h and h.startswith("javascript:")), path
        assert '<script>alert("x")</script>' not in response.get_data(as_text=True), path


def test_too_many_wrong_passwords_get_429(tmp_path, make_user):
    app = create_app(
        make_test_config(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    token = form_token(client.get("/account/login"))
    statuses = [
        client.post(
            "/account/login",
            data={"email": "victim@example.org", "password": f"guess {n}", "csrf_token": token},
        ).status_code
        for n in range(25)
    ]
    assert 429 in statuses
    assert statuses[0] == 400
    limited = client.post(
        "/account/login", data={"email": "victim@example.org", "password": "x", "csrf_token": token}
    )
    assert limited.status_code == 429
    assert html(limited).find(id="error-title") is not None
    # Reading the form is not limited.
    assert client.get("/account/login").status_code == 200


def test_rate_limits_can_be_switched_off(tmp_path):
    app = create_app(make_test_config(tmp_path, RATELIMIT_ENABLED=False))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    token = form_token(client.get("/account/login"))
    for n in range(25):
        response = client.post(
            "/account/login",
            data={"email": "a@example.org", "password": f"{n}", "csrf_token": token},
        )
        assert response.status_code == 400


def redis_reachable(host="127.0.0.1", port=6379):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.redis
def test_rate_limits_shared_through_redis(tmp_path):
    """Two app instances (two workers) share one count through Redis."""
    if not redis_reachable():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    config = make_test_config(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        LOGIN_RATE_LIMIT="5/minute",
    )
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
    statuses = []
    for n in range(6):
        app = first if n % 2 else second
        client = app.test_client()
        token = form_token(client.get("/account/login"))
        statuses.append(
            client.post(
                "/account/login",
                data={"email": f"u{n}@example.org", "password": "x", "csrf_token": token},
            ).status_code
        )
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429


def test_security_headers_on_account_pages(client):
    response = client.get("/account/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers.get("Cache-Control", "")
