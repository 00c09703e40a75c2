"""The app factory, configuration chain, error pages and security headers."""

import pytest

from app import create_app
from app.security import CONTENT_SECURITY_POLICY
from tests.conftest import html, make_test_config


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert page.find("main", id="main") is not None
    assert page.find("a", class_="skip-link")["href"] == "#main"


def test_security_headers_on_every_response(client):
    for path in ("/", "/no-such-page"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Referrer-Policy" in response.headers
    csp = CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_404_is_a_full_page_and_a_fragment_for_htmx(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert html(page).find("html") is not None
    fragment = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert html(fragment).find("html") is None
    assert html(fragment).find(id="error-title") is not None


def test_405_and_api_errors_are_json_under_api(client):
    assert client.post("/").status_code == 405  # the method is checked before CSRF
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_unexpected_error_gives_500_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert html(response).find(id="error-title") is not None


def test_production_refuses_to_start_without_secret_key(tmp_path):
    config = make_test_config(tmp_path, ENV_NAME="production")
    config.pop("SECRET_KEY")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_forces_secure_cookies(tmp_path):
    app = create_app(
        make_test_config(tmp_path, ENV_NAME="production", PUBLIC_URL="https://localhost")
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_config_chain_reads_prefixed_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("FLASK_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("FLASK_PROJECTS_PER_PAGE", "7")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["PROJECTS_PER_PAGE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")


def test_static_files_are_fingerprinted_and_cached_for_a_year(app, client):
    with app.test_request_context():
        from app.assets import asset_url

        url = asset_url("css/site.css")
    assert "?v=" in url
    response = client.get(url)
    response.close()
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_local_secret_key_is_generated_once_even_by_concurrent_workers(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from app import local_secret_key

    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: local_secret_key(tmp_path), range(32)))
    assert len(keys) == 1
    assert len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_every_module_imports_first_in_a_fresh_interpreter():
    """An import cycle shows only when its module is imported first (as `flask` and gunicorn do
    with wsgi.py), so each module is imported first once, in a subprocess."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    script = """
import importlib, pkgutil, sys, traceback
import app
names = ["wsgi"] + [m.name for m in pkgutil.walk_packages(app.__path__, "app.")]
failed = []
for name in names:
    for loaded in [key for key in sys.modules if key == "app" or key.startswith("app.") or key == "wsgi"]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=1).strip().splitlines()[-1])
print("\\n".join(failed))
"""
    env = {"FLASK_SQLALCHEMY_DATABASE_URI": "sqlite://", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", result.stdout
