"""Second-round security findings: each test performs the attack as the outside tester did."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import create_app
from app.extensions import db
from app.markdown import render_markdown
from app.models import Member, OutboundEmail, Project, User
from tests.conftest import PASSWORD, form_token, fresh_app, html, login, make_test_config
from tests.test_accounts import emails_to

ROOT = Path(__file__).resolve().parent.parent
HX_EMAIL = "a/hx-post=/staff/projects/37/approve?@x.org"


def htmx_attributes(soup):
    """Every (tag, attribute) carrying a live htmx attribute, hx-* or data-hx-* (not hx-disable)."""
    return [
        (tag.name, name)
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name.startswith(("hx-", "data-hx-")) and name not in ("hx-disable", "data-hx-disable")
    ]


def inside_hx_disable(tag):
    return any(
        parent.has_attr("hx-disable") for parent in tag.parents if hasattr(parent, "has_attr")
    )


# High: markup through translatable strings, htmx attributes in user content ---------------


def translatable_strings():
    """(file, line, message) for every gettext string in app/ and templates/ (Babel's extractors)."""
    jinja = {"extensions": "jinja2.ext.i18n"}
    sources = [
        ("app", [("**.py", "python")], {}),
        (
            "templates",
            [("**.html", "jinja2"), ("**.txt", "jinja2"), ("**.xml", "jinja2")],
            {"**.html": jinja, "**.txt": jinja, "**.xml": jinja},
        ),
    ]
    found = []
    for folder, method_map, options in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map=options
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.append((f"{folder}/{filename}", lineno, text))
    return found


def test_no_translatable_string_carries_markup():
    strings = translatable_strings()
    assert len(strings) > 200  # the extractor really read the sources
    markup = [entry for entry in strings if re.search(r"[<>]|&[a-z]+;|&#", entry[2])]
    assert markup == []


def test_email_address_cannot_become_an_element_on_the_staff_review_page(app, client, make_user):
    proposer = make_user(email=HX_EMAIL)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == HX_EMAIL))
        project = Project(
            slug="p",
            title="P",
            city="Seoul",
            country="KR",
            theme="mobility",
            summary="S",
            publication="pending",
            proposed_by_id=user.id,
            member_id=user.member_id,
        )
        db.session.add(project)
        db.session.commit()
        project_id = project.id
    assert proposer
    login(client, make_user(role="staff"))
    page = html(client.get(f"/staff/projects/{project_id}"))
    assert htmx_attributes(page.find("main")) == []
    proposer_line = page.find(id="proposer")
    assert HX_EMAIL in proposer_line.get_text()
    assert proposer_line.find("a") is None
    assert inside_hx_disable(page.find(id="project-fields"))


MARKDOWN_PAYLOADS = [
    '<a hx-post="/staff/projects/1/approve" hx-trigger="load">x</a>',
    '<div data-hx-post="/staff/projects/1/approve" data-hx-trigger="load"></div>',
    "[click](/staff/projects/1/approve){hx-post=/staff/projects/1/approve}",
    '<span hx-get="/account/" hx-target="body">y</span> *and* **more**',
    "[a](javascript:htmx.ajax('POST','/staff/projects/1/approve'))",
]


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_markdown_never_keeps_htmx_attributes(app, payload):
    from bs4 import BeautifulSoup

    with app.app_context():
        rendered = str(render_markdown(payload))
    soup = BeautifulSoup(rendered, "html.parser")
    assert htmx_attributes(soup) == []
    assert (
        "javascript:" not in rendered.lower()
        or soup.find("a", href=re.compile("javascript")) is None
    )
    container = soup.find(True)
    assert container.has_attr("hx-disable")


def test_user_content_sits_in_hx_disable_containers(app, client, make_project):
    slug = make_project(description="Some **Markdown** text.")
    with app.app_context():
        db.session.add(Member(slug="m", name="M", type="institution", description="We do things."))
        db.session.commit()
    detail = html(client.get(f"/projects/{slug}"))
    assert inside_hx_disable(detail.find("strong", string="Markdown"))
    member = html(client.get("/members/m"))
    description = member.find("p", string="We do things.")
    assert description.has_attr("hx-disable") or inside_hx_disable(description)


def test_htmx_only_talks_to_this_site(client):
    import json

    meta = html(client.get("/")).find("meta", attrs={"name": "htmx-config"})
    assert json.loads(meta["content"])["selfRequestsOnly"] is True


# High: Host-header poisoning ---------------------------------------------------------------

PUBLIC = "https://exchange.example.org"


@pytest.fixture
def public_app(tmp_path):
    with fresh_app(make_test_config(tmp_path, PUBLIC_URL=PUBLIC, PROXY_COUNT=1)) as app:
        yield app


def request_reset(client, email, **headers):
    page = client.get("/account/reset", headers=headers)
    if page.status_code != 200:
        return page
    return client.post(
        "/account/reset", data={"email": email, "csrf_token": form_token(page)}, headers=headers
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},
        {"Host": "exchange.example.org.evil.example"},
        {"X-Forwarded-Host": "evil.example"},
    ],
)
def test_poisoned_host_is_refused_before_any_email(public_app, headers):
    from app.passwords import hash_password

    with public_app.app_context():
        db.session.add(
            User(email="v@example.org", password_hash=hash_password(PASSWORD), session_token="t")
        )
        db.session.commit()
    client = public_app.test_client()
    base = {"base_url": PUBLIC}
    assert client.get("/account/reset", **base).status_code == 200
    response = client.get("/account/reset", headers=headers, **base)
    assert response.status_code == 400
    for path in (
        "/feeds/projects.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/openapi.json",
        "/healthz",
    ):
        assert client.get(path, headers=headers, **base).status_code == 400
    with public_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail)) == 0


def test_absolute_urls_come_from_public_url(public_app, tmp_path):
    from app.passwords import hash_password

    with public_app.app_context():
        db.session.add(
            User(email="v@example.org", password_hash=hash_password(PASSWORD), session_token="t")
        )
        db.session.add(
            Project(
                slug="p",
                title="P",
                city="Seoul",
                country="KR",
                theme="mobility",
                summary="S",
                publication="published",
            )
        )
        db.session.commit()
    client = public_app.test_client()
    # localhost is trusted outside production, yet the links name PUBLIC_URL, not it.
    response = request_reset(client, "v@example.org")
    assert response.status_code == 303
    body = emails_to(public_app, "v@example.org")[-1].body
    assert re.search(r"https://exchange\.example\.org/account/reset/\S+", body)
    assert "localhost" not in body
    for path in (
        "/feeds/projects.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/api/v1/projects",
        "/api/v1/openapi.json",
    ):
        text = client.get(path).get_data(as_text=True)
        assert "https://exchange.example.org/" in text, path
        assert "http://localhost" not in text, path


def test_production_refuses_to_start_without_public_url(tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app(make_test_config(tmp_path, ENV_NAME="production"))
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app(make_test_config(tmp_path, PUBLIC_URL="exchange.example.org"))
    production = create_app(make_test_config(tmp_path, ENV_NAME="production", PUBLIC_URL=PUBLIC))
    assert production.config["TRUSTED_HOSTS"] == ["exchange.example.org"]
    assert production.test_client().get("/", base_url="http://localhost").status_code == 400


def test_development_trusts_only_loopback_names(client):
    assert client.get("/").status_code == 200
    assert client.get("/", base_url="http://127.0.0.1:8123").status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_no_absolute_url_is_built_from_the_request():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("app", "templates")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".html", ".txt", ".xml")
        and re.search(r"_external\s*=\s*True|host_url|url_root", path.read_text())
        and path.name != "urls.py"
    ]
    assert offenders == []


# Medium: the interest form's start time, and email to an address a stranger typed ---------

from tests.test_interest import hidden_fields, valid_input  # noqa: E402


@pytest.fixture
def interest_app(tmp_path):
    with fresh_app(make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0)) as app:
        yield app


def stored_interests(app):
    from app.models import Interest

    with app.app_context():
        return [
            (i.suspected_spam, i.spam_reason)
            for i in db.session.scalars(db.select(Interest).order_by(Interest.id))
        ]


def test_a_replayed_start_time_is_not_a_persons(interest_app):
    client = interest_app.test_client()
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input())
    first = client.post("/interest", data=data)
    assert first.status_code == 303
    # The same form again from the same browser is a resend (issue 12): the same reference, no row.
    again = client.post("/interest", data=data)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    # From another session the signed value is a replay: stored as suspected spam, never
    # matched to the first submission (whose confirmation page stays private).
    stranger = interest_app.test_client()
    stranger_data = hidden_fields(stranger.get("/interest"))
    stranger_data.update(valid_input(started=data["started"]))
    replay = stranger.post("/interest", data=stranger_data)
    assert replay.status_code == 303 and replay.headers["Location"] != first.headers["Location"]
    reasons = stored_interests(interest_app)
    assert reasons[0] == (False, "")
    replayed = (True, "sent with a start time already used or from another session")
    assert reasons[1:] == [replayed]
    assert len(emails_to(interest_app, "amina@example.org")) == 1


def test_an_old_start_time_has_expired(interest_app):
    interest_app.config["INTEREST_FORM_MAX_AGE"] = -1
    client = interest_app.test_client()
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input())
    assert client.post("/interest", data=data).status_code == 303
    assert stored_interests(interest_app) == [(True, "sent with an expired start time")]


def submit_interest(client, **overrides):
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(**overrides))
    return client.post("/interest", data=data)


def test_confirmation_email_relays_no_free_text_and_is_limited_per_address(interest_app):
    interest_app.config["INTEREST_CONFIRMATIONS_PER_ADDRESS"] = 2
    spam = "BUY CHEAP PILLS at http://spam.example"
    for number in range(4):
        client = interest_app.test_client()
        email = "Victim@Example.org" if number % 2 else "victim@example.org"
        assert (
            submit_interest(
                client, email=email, name=spam, organization=spam, message=spam
            ).status_code
            == 303
        )
    with interest_app.app_context():
        bodies = [e.body + e.subject for e in db.session.scalars(db.select(OutboundEmail))]
    assert len(bodies) == 2
    assert all("spam.example" not in body and "PILLS" not in body for body in bodies)
    # Every submission is stored for staff all the same.
    assert len(stored_interests(interest_app)) == 4


# Medium: request size limits -------------------------------------------------------------


def test_an_oversized_body_gets_a_clear_413_page(client):
    big = "x" * 2_000_000
    response = client.post("/account/login", data={"email": "a@example.org", "password": big})
    assert response.status_code == 413
    assert html(response).find(id="error-title").get_text() == "Request too large"


def test_the_interest_form_has_a_small_cap_and_echoes_nothing_large(client):
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(message="y" * 200_000))
    response = client.post("/interest", data=data)
    assert response.status_code == 413
    assert len(response.get_data()) < 50_000
    # An ordinary long message (at its 5000-character limit) still gets the form back with input kept.
    data = hidden_fields(client.get("/interest"))
    data.update(valid_input(message="é" * 5001))
    response = client.post("/interest", data=data)
    assert response.status_code == 422


def test_lite_switch_refuses_a_large_body(client):
    response = client.post("/lite", data={"lite": "1", "next": "/" + "a" * 10_000})
    assert response.status_code == 413


def test_api_answers_413_in_json(client):
    response = client.get("/api/v1/projects", data="z" * 2_000_000, content_type="text/plain")
    assert response.status_code == 413
    assert response.get_json()["status"] == 413


# Medium: registration costs the same for a known and an unknown address ------------------


class CountingHasher:
    """Wraps the test hasher and counts the Argon2 runs."""

    def __init__(self, hasher):
        self.hasher, self.calls = hasher, []

    def hash(self, password):
        self.calls.append("hash")
        return self.hasher.hash(password)

    def verify(self, password_hash, password):
        self.calls.append("verify")
        return self.hasher.verify(password_hash, password)


def test_registration_spends_the_same_argon2_work_either_way(app, client, make_user, monkeypatch):
    from app import passwords
    from tests.test_accounts import register

    known = make_user(email="known@example.org")
    runs = {}
    hasher = passwords._hasher
    for label, email in (("known", known), ("new", "new@example.org")):
        counter = CountingHasher(hasher)
        monkeypatch.setattr(passwords, "_hasher", counter)
        response = register(client, email=email)
        assert response.status_code == 303
        runs[label] = counter.calls
        with app.app_context():
            assert len(emails_to(app, email)) == 1  # queued in the outbox in both cases
    assert runs["known"] == runs["new"] == ["hash"]


# Medium: a registrant acts for a member organisation only once the link is approved -------


@pytest.fixture
def approved_member(app):
    with app.app_context():
        member = Member(
            slug="seoul",
            name="Seoul Metropolitan Government",
            type="local-government",
            country="KR",
            website="https://www.seoul.go.kr/",
            status="approved",
        )
        db.session.add(member)
        db.session.commit()
    return "seoul"


def register_for(client, app, email, member_slug):
    from tests.test_accounts import confirm_email, register

    response = register(client, email=email, organisation_choice="existing", member=member_slug)
    assert response.status_code == 303
    confirm_email(client, app, email)
    login(client, email)


def propose_case_study(client):
    """POST a proposal straight away (the form page itself redirects when proposing is not allowed)."""
    from tests.test_staff import PROPOSAL

    token = form_token(client.get("/account/"))
    return client.post("/account/proposals/new", data=dict(PROPOSAL, csrf_token=token))


def project_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Project))


def test_claiming_a_member_does_not_let_a_stranger_propose_in_its_name(
    app, client, approved_member, make_user
):
    register_for(client, app, "eve@evil.example", approved_member)
    response = propose_case_study(client)
    assert response.status_code == 303 and response.headers["Location"] == "/account/"
    assert project_count(app) == 0
    assert html(client.get("/account/")).find(id="membership-pending") is not None
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "eve@evil.example"))
        assert user.membership_status == "pending"
        user_id = user.id

    staff = app.test_client()
    login(staff, make_user(role="staff"))
    assert html(staff.get("/staff/")).find(id="pending-claims").get_text() == "1"
    page = html(staff.get("/staff/memberships/"))
    assert "eve@evil.example" in page.find(id="membership-claims").get_text()
    # Members cannot decide claims, not even their own.
    token = form_token(client.get("/account/"))
    assert (
        client.post(f"/staff/memberships/{user_id}/approve", data={"csrf_token": token}).status_code
        == 403
    )
    token = form_token(staff.get("/staff/memberships/"))
    assert (
        staff.post(f"/staff/memberships/{user_id}/reject", data={"csrf_token": token}).status_code
        == 303
    )
    assert propose_case_study(client).status_code == 303 and project_count(app) == 0
    assert (
        staff.post(f"/staff/memberships/{user_id}/approve", data={"csrf_token": token}).status_code
        == 400
    )
    assert [e.subject for e in emails_to(app, "eve@evil.example")][-1].startswith("Your link to")


def test_staff_approval_lets_the_member_propose(app, client, approved_member, make_user):
    register_for(client, app, "ada@partner.example", approved_member)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == "ada@partner.example"))
    staff = app.test_client()
    login(staff, make_user(role="staff"))
    token = form_token(staff.get("/staff/memberships/"))
    assert (
        staff.post(f"/staff/memberships/{user_id}/approve", data={"csrf_token": token}).status_code
        == 303
    )
    response = propose_case_study(client)
    assert response.headers["Location"].startswith("/account/proposals/")
    assert project_count(app) == 1


def test_an_email_at_the_members_domain_is_proof_enough(app, client, approved_member):
    register_for(client, app, "kim@seoul.go.kr", approved_member)
    assert propose_case_study(client).headers["Location"].startswith("/account/proposals/")
    with app.app_context():
        assert db.session.scalar(db.select(Project.member_id)) is not None


def test_a_lookalike_domain_is_not_proof(app, client, approved_member):
    register_for(client, app, "kim@notseoul.go.kr", approved_member)
    assert propose_case_study(client).headers["Location"] == "/account/"


# Low: one safe-redirect helper, bounded ids, private error pages -----------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "/%09/evil.example\x7f",
        "\t//evil.example",
    ],
)
def test_lite_switch_never_redirects_off_site(client, target):
    response = client.post("/lite", data={"lite": "1", "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/" or location.startswith("/%"), location
    assert "\n" not in location and "\r" not in location and not location.startswith("//")


def test_login_next_refuses_control_characters(client, make_user):
    response = login(client, make_user(), next_url="/%09/evil.example")
    assert response.headers["Location"] == "/account/"


def test_there_is_one_safe_redirect_helper():
    definitions = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "app").rglob("*.py")
        if re.search(r"^def safe_next", path.read_text(), re.M)
    ]
    assert definitions == ["app/redirects.py"]


HUGE_ID = "9" * 30


def test_ids_too_large_for_the_database_are_not_found(app, client, make_user):
    login(client, make_user())
    assert client.get(f"/account/proposals/{HUGE_ID}").status_code == 404
    staff = app.test_client()
    login(staff, make_user(role="admin"))
    token = form_token(staff.get("/staff/"))
    paths = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(paths) >= 9
    for rule in paths:
        path = re.sub(r"<int:\w+>", HUGE_ID, rule.rule)
        path = re.sub(r"<any\(([\w]+)[^>]*>", r"\1", path)
        path = re.sub(r"<\w+>", "x", path)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = staff.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 404, (path, response.status_code)


def test_error_pages_for_signed_in_users_are_not_stored(client, make_user):
    login(client, make_user())
    for path, status in (("/nowhere", 404), ("/staff/", 403), ("/account/proposals/12345", 404)):
        response = client.get(path)
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "private, no-store", path
    logout_token = form_token(client.get("/account/"))
    response = client.post("/account/logout", data={"csrf_token": "wrong" + logout_token})
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "private, no-store"
    # Fingerprinted static files stay cacheable.
    static = client.get("/static/css/site.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


# Low: /healthz tells the kind of failure, never its text --------------------------------


def test_healthz_hides_error_text_and_paths(app, client, monkeypatch, make_project):
    import sqlalchemy.exc

    from app.search.projects import DEFINITION
    from app.search.registry import current_generation, index_root

    make_project(slug="p")
    client.get("/projects?q=p")
    with app.app_context():
        generation = current_generation(index_root(DEFINITION))
    for path in Path(generation).iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")
    body = client.get("/healthz").get_data(as_text=True)
    assert app.config["SEARCH_INDEX_DIR"] not in body and "/tmp" not in body
    assert client.get("/healthz").get_json()["search"]["projects"]["error"] in (
        "index damaged",
        "index unreadable",
    )

    def broken(*_args, **_kwargs):
        raise sqlalchemy.exc.OperationalError(
            "SELECT 1", {}, Exception("could not connect to /var/run/postgresql/.s.PGSQL.5432")
        )

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "postgresql" not in text and "OperationalError" not in text
    assert response.get_json()["database"]["error"] == "database unavailable"


# Low: memory:// rate limits under several workers -----------------------------------------


def test_worker_count_is_read_from_gunicorn():
    from app.limits import server_worker_count

    gunicorn = "/srv/.venv/bin/gunicorn"
    assert server_worker_count({}, [gunicorn, "-w", "4", "wsgi:app"], {}) == 4
    assert server_worker_count({}, [gunicorn, "--workers=3", "wsgi:app"], {}) == 3
    assert server_worker_count({}, [gunicorn, "-w2", "wsgi:app"], {}) == 2
    assert (
        server_worker_count({}, [gunicorn, "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 5"}) == 5
    )
    assert server_worker_count({}, [gunicorn, "wsgi:app"], {"WEB_CONCURRENCY": "6"}) == 6
    assert server_worker_count({}, [gunicorn, "wsgi:app"], {}) == 1
    assert server_worker_count({}, ["/usr/bin/flask", "run", "-w", "4"], {}) == 1
    assert server_worker_count({"SERVER_WORKERS": 8}, ["flask"], {}) == 8


def test_memory_limits_under_several_workers_warn_at_start(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr("sys.argv", ["/srv/.venv/bin/gunicorn", "-w", "4", "wsgi:app"])
    create_app(make_test_config(tmp_path, RATELIMIT_ENABLED=True))
    assert any(
        "memory://" in r.getMessage() and "4 workers" in r.getMessage() for r in caplog.records
    )
    caplog.clear()
    create_app(
        make_test_config(
            tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379"
        )
    )
    assert not any("memory://" in r.getMessage() for r in caplog.records)


# Low: failing on purpose cannot lock the owner out; the password check is limited --------


@pytest.fixture
def limited_app(tmp_path):
    import uuid

    with fresh_app(
        make_test_config(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX=uuid.uuid4().hex)
    ) as app:
        yield app


def add_user(app, email, role="member"):
    import secrets

    from app.passwords import hash_password

    with app.app_context():
        db.session.add(
            User(
                email=email,
                password_hash=hash_password(PASSWORD),
                role=role,
                session_token=secrets.token_hex(16),
                email_verified_at=db.func.now(),
            )
        )
        db.session.commit()


def test_an_attacker_failing_on_purpose_cannot_lock_the_owner_out(limited_app, monkeypatch):
    from app import login_throttle

    delays = []
    monkeypatch.setattr(login_throttle, "sleep", delays.append)
    add_user(limited_app, "victim@example.org")
    # 40 wrong passwords from 40 addresses (each under the per-IP limit).
    for n in range(40):
        attacker = limited_app.test_client()
        headers = {"REMOTE_ADDR": f"203.0.113.{n}"}
        token = form_token(attacker.get("/account/login", environ_base=headers))
        response = attacker.post(
            "/account/login",
            data={"email": "Victim@example.org", "password": f"guess {n}", "csrf_token": token},
            environ_base=headers,
        )
        assert response.status_code == 400
    # Each further guess waits longer (capped), so guessing slows to a crawl...
    assert delays[0] == 0.5 and delays[1] == 1.0 and max(delays) == 8.0
    assert len(delays) == 40 - 5
    # ...yet the owner, from a new client, still gets in with the right password.
    owner = limited_app.test_client()
    response = login(owner, "victim@example.org")
    assert response.status_code == 303
    assert owner.get("/account/").status_code == 200
    assert delays[-1] == 8.0


def test_the_current_password_check_is_rate_limited(limited_app):
    add_user(limited_app, "user@example.org")
    client = limited_app.test_client()
    login(client, "user@example.org")
    statuses = []
    for n in range(8):
        token = form_token(client.get("/account/password"))
        statuses.append(
            client.post(
                "/account/password",
                data={
                    "current_password": f"guess {n}",
                    "password": "a new long passphrase",
                    "password_again": "a new long passphrase",
                    "csrf_token": token,
                },
            ).status_code
        )
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 3


# Low: remember-me is shorter for staff, and privileged actions need a fresh login ---------


def remembered_client(app, email):
    """A new client holding only the remember-me cookie of a login (a stolen or old cookie)."""
    first = app.test_client()
    token = form_token(first.get("/account/login"))
    first.post(
        "/account/login",
        data={"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token},
    )
    cookie = first.get_cookie("remember_token")
    restored = app.test_client()
    restored.set_cookie("remember_token", cookie.value)
    return restored, cookie


def test_remember_me_is_shorter_for_staff(app, make_user):
    from datetime import UTC, datetime, timedelta

    _client, member_cookie = remembered_client(app, make_user())
    _client, admin_cookie = remembered_client(app, make_user(role="admin"))
    now = datetime.now(UTC)
    assert member_cookie.expires - now > timedelta(days=20)
    assert admin_cookie.expires - now < timedelta(days=1)


def test_a_restored_session_must_log_in_again_before_privileged_actions(app, make_user):
    admin_email = make_user(role="admin")
    target = make_user()
    with app.app_context():
        target_id = db.session.scalar(db.select(User.id).where(User.email == target))
    client, _cookie = remembered_client(app, admin_email)
    users_page = client.get("/staff/users")
    assert users_page.status_code == 200  # reading is fine with a restored session
    token = form_token(users_page)
    referrer = {"Referer": "http://localhost/staff/users"}
    for path, data in (
        (f"/staff/users/{target_id}/role", {"role": "admin"}),
        (f"/staff/users/{target_id}/deactivate", {}),
    ):
        response = client.post(path, data=dict(data, csrf_token=token), headers=referrer)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/account/login?next=/staff/users")
    export = client.get("/staff/interest/export.csv")
    assert export.status_code == 302 and "/account/login" in export.headers["Location"]
    with app.app_context():
        user = db.session.get(User, target_id)
        assert (user.role, user.active) == ("member", True)

    # Typing the password again makes the session fresh; then the action goes through.
    page = client.get("/account/login?next=/staff/users")
    assert page.status_code == 200
    response = client.post(
        "/account/login?next=/staff/users",
        data={"email": admin_email, "password": PASSWORD, "csrf_token": form_token(page)},
    )
    assert response.headers["Location"] == "/staff/users"
    token = form_token(client.get("/staff/users"))
    assert (
        client.post(
            f"/staff/users/{target_id}/role", data={"role": "staff", "csrf_token": token}
        ).status_code
        == 303
    )
    assert client.get("/staff/interest/export.csv").status_code == 200
