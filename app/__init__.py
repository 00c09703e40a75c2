"""Smart City Exchange: the application factory."""

import os
import secrets
from pathlib import Path

from flask import Flask

from . import config as default_config

BLUEPRINT_MODULES = (
    "main",
    "catalog.views",
    "awards.views",
    "members",
    "interest.public",
    "interest.inbox",
    "accounts",
    "staff",
    "memberships",
    "api",
    "delivery",
    "matchmaking.views",
    "matchmaking.api",
    "matchmaking.staff",
    "matchmaking.proposals",
    "i18n.content_staff",
    "events.views",
    "events.subscriptions",
    "events.api",
    "interest.introductions",
    "privacy",
)


def create_app(test_config=None):
    """Build the app: config chain, extensions, blueprints, errors, commands."""
    root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(root / "instance"),
        instance_relative_config=True,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
    )
    load_config(app, test_config)

    from . import (
        assets,
        database,
        errors,
        htmx,
        i18n,
        labels,
        limits,
        request_limits,
        security,
        urls,
    )
    from .cli import register_commands
    from .extensions import compress, csrf, db, limiter, login_manager, migrate
    from .i18n import content as i18n_content

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(root / "migrations"), render_as_batch=True)
    request_limits.init_app(app)  # before CSRF reads a form
    csrf.init_app(app)
    i18n.init_app(app)  # languages, then Flask-Babel with the URL's locale
    compress.init_app(app)
    limiter.init_app(app)
    limits.require_reachable_storage(app)
    limits.warn_if_limits_are_per_worker(app)
    login_manager.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    htmx.init_app(app)
    urls.init_app(app)
    labels.init_app(app)
    errors.init_app(app)
    i18n_content.init_app(app)

    from . import models  # noqa: F401  (registers the tables)
    from .search import init_app as init_search

    init_search(app)
    register_blueprints(app)
    i18n.register_language_routes(app)  # /<lang>/ twins of every page rule
    register_commands(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def load_config(app, test_config=None):
    """Defaults, then instance/config.py, then FLASK_* variables (or test_config)."""
    app.config.from_object(default_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)

    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"] or (
        "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite3")
    )
    # Database errors (and so error logs) show no bound values: they hold addresses and names.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True,
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    app.config["SEARCH_INDEX_DIR"] = app.config["SEARCH_INDEX_DIR"] or os.path.join(
        app.instance_path, "search-index"
    )
    production = app.config["ENV_NAME"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                "SECRET_KEY is not set: configure FLASK_SECRET_KEY or instance/config.py "
                "before running in production."
            )
        app.config["SECRET_KEY"] = local_secret_key(app.instance_path)
    from .urls import configure as configure_urls

    configure_urls(app)
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def local_secret_key(instance_path):
    """A development secret, generated once and kept in instance/ (never committed).

    Several workers may start at once on a fresh instance: the key is written
    to a temporary file and linked into place, so exactly one key wins and
    every worker reads that one.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        candidate = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        candidate.write_text(secrets.token_hex(32))
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


def register_blueprints(app):
    from importlib import import_module

    for name in BLUEPRINT_MODULES:
        module = import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
