"""A seeded demo instance in a temporary directory, served over real HTTP.

Shared by the page-weight tests, the browser tests and the page benchmark:
one app with the bundled demo data and a built search index, the list of its
public page types, and a threaded werkzeug server on a free 127.0.0.1 port.
"""

import secrets
import threading
from datetime import UTC, datetime

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.extensions import db

from .conftest import POSTGRES_TEST_ENGINE, TEST_DATABASE_URL, make_test_config


def make_demo_app(directory, own_schema=True, **overrides):
    """A new app on an empty database in `directory`: tables, demo data, search index.

    On PostgreSQL the demo lives in a schema of its own (unless `own_schema` is
    false, for servers started elsewhere on the default schema): a module-scoped
    demo app shares the test database with the per-test apps, whose teardown
    drops every table of the default schema.
    """
    own_schema = own_schema and bool(TEST_DATABASE_URL)
    if own_schema:
        overrides.update(_private_schema_settings())
    app = create_app(make_test_config(directory, **overrides))
    with app.app_context():
        if own_schema:
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"CREATE SCHEMA {_schema_of(app)}")
        db.drop_all()
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["seed"], ["search", "rebuild"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.output}") from (
                result.exception
            )
    return app


def _private_schema_settings():
    schema = f"demo_{secrets.token_hex(6)}"
    options = f"{POSTGRES_TEST_ENGINE['connect_args']['options']} -c search_path={schema}"
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": POSTGRES_TEST_ENGINE | {"connect_args": {"options": options}},
        "TEST_DEMO_SCHEMA": schema,
    }


def _schema_of(app):
    """The demo app's own schema, or None when it uses the default one."""
    return app.config.get("TEST_DEMO_SCHEMA")


def dispose_demo_app(app):
    with app.app_context():
        db.session.remove()
        schema = _schema_of(app)
        if schema:
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        elif TEST_DATABASE_URL:
            db.drop_all()
        db.engine.dispose()


def create_user(app, role="staff", password="correct horse battery staple"):
    """A user who can log in; staff and admins belong to no member organisation."""
    from app.models import Member, User
    from app.passwords import hash_password

    email = f"{role}-{secrets.token_hex(4)}@example.org"
    with app.app_context():
        member = None
        if role == "member":
            member = db.session.scalars(db.select(Member).order_by(Member.id)).first()
        db.session.add(
            User(
                email=email,
                password_hash=hash_password(password),
                role=role,
                member=member,
                session_token=secrets.token_hex(16),
                email_verified_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        db.session.commit()
    return email, password


def _first_slug(model_name, *criteria):
    import app.models as models

    model = getattr(models, model_name, None)
    if model is None:
        return None
    return db.session.scalar(db.select(model.slug).where(*criteria).order_by(model.id).limit(1))


PAGE_TYPES = (
    "home",
    "catalogue",
    "search with facets",
    "case study",
    "awards",
    "award edition",
    "members",
    "member",
    "events",
    "event",
    "interest form",
    "log in",
    "register",
    "privacy notice",
    "offline",
    "about",
    "accessibility",
    "contact",
)


def public_pages(app):
    """{page type: path} for every public page type the app serves (skipping areas not built)."""
    from app.models import Project

    with app.app_context():
        project = _first_slug("Project", Project.publication == "published")
        edition = _first_slug("AwardEdition")
        member = _first_slug("Member")
        event = _first_slug("Event")
    candidates = {
        "home": "/",
        "catalogue": "/projects",
        "search with facets": "/projects?q=city&theme=mobility&page=1",
        "case study": f"/projects/{project}" if project else None,
        "awards": "/awards",
        "award edition": f"/awards/{edition}" if edition else None,
        "members": "/members",
        "member": f"/members/{member}" if member else None,
        "events": "/events",
        "event": f"/events/{event}" if event else None,
        "interest form": "/interest",
        "log in": "/account/login",
        "register": "/account/register",
        "privacy notice": "/privacy",
        "offline": "/offline",
        "about": "/about",
        "accessibility": "/accessibility",
        "contact": "/contact",
    }
    adapter = app.url_map.bind("localhost")
    pages = {}
    for name, path in candidates.items():
        if path is None:
            continue
        try:
            adapter.match(path.split("?")[0], method="GET")
        except (NotFound, MethodNotAllowed):
            continue
        pages[name] = path
    return pages


class KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, as a production server or proxy would speak: werkzeug's
    default (HTTP/1.0, a new connection per request) would add a round trip per file."""

    protocol_version = "HTTP/1.1"


class LiveServer:
    """The app in a real threaded HTTP server on 127.0.0.1 (free port), in a daemon thread."""

    def __init__(self, app):
        self.server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=KeepAliveHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)
