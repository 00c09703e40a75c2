"""Sixty people submit the form at the same moment to four gunicorn workers on SQLite: none is lost."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup

from app import create_app
from app.extensions import db
from app.models import Interest, InterestEvent, OutboundEmail
from tests.conftest import make_test_config

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 60
WORKERS = 4
REFERENCE = re.compile(r"EOI-\d{4}-\d{6}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_schema(env, tmp_path):
    """`flask db upgrade` once migrations exist; until then the models' create_all."""
    if any((ROOT / "migrations" / "versions").glob("*.py")):
        subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        return
    app = create_app(
        make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=env["FLASK_SQLALCHEMY_DATABASE_URI"])
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def start_gunicorn(tmp_path, env, extra_args=()):
    """Run `gunicorn wsgi:app` with WORKERS workers; yields (base URL, log path), then stops it."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            *extra_args,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base_url}/interest", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
        yield base_url, log_path
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: the test is over
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def server(tmp_path):
    """A prepared instance: a fixed secret, no minimum fill time, the app imported once."""
    database = tmp_path / "portal.sqlite3"
    env = {
        **os.environ,
        "FLASK_SECRET_KEY": "concurrency-test-secret",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "FLASK_RATELIMIT_ENABLED": "false",
        "FLASK_INTEREST_MIN_FILL_SECONDS": "0",
    }
    create_schema(env, tmp_path)
    # --preload: import the app once, then fork (a faster start).
    for base_url, log_path in start_gunicorn(tmp_path, env, ["--preload"]):
        yield base_url, database, log_path


@pytest.fixture
def fresh_server(tmp_path):
    """An instance set up as an outsider would: `flask db upgrade`, then gunicorn, nothing else.

    No seed and no `flask search rebuild` (the web processes create the
    indexes), no --preload (each worker builds its own app), and the
    minimum fill time left at its default. Only FLASK_RATELIMIT_ENABLED=false
    is a setting of the check; the database and the indexes go to tmp_path
    because the test must not touch the repository's instance/. No
    FLASK_SECRET_KEY is set: the app's instance path is always the
    repository's instance/ folder, so the four workers share (or, on a
    fresh checkout, atomically create) instance/secret_key there.
    """
    database = tmp_path / "portal.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if not (key.startswith("FLASK_") or key.startswith("TEST_DATABASE"))
    }
    env.update(
        FLASK_SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}",
        FLASK_SEARCH_INDEX_DIR=str(tmp_path / "search-index"),
        FLASK_RATELIMIT_ENABLED="false",
    )
    create_schema(env, tmp_path)
    for base_url, log_path in start_gunicorn(tmp_path, env):
        yield base_url, database, log_path


def submit_all_at_once(base_url):
    """PEOPLE clients GET the form, then POST it at the same moment; returns [(status, reference)].

    Each POST must answer 303 to a thanks page; the reference is read from it.
    """
    barrier = threading.Barrier(PEOPLE, timeout=60)
    results = [None] * PEOPLE

    def person(number):
        session = requests.Session()
        page = BeautifulSoup(session.get(f"{base_url}/interest", timeout=30).text, "html.parser")
        form = page.find("form", action="/interest")
        data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
        data.update(
            name=f"Person {number}",
            email=f"person{number}@example.org",
            organization=f"Organisation {number}",
            organization_type="local-government",
            country="KR",
            interest_type="partner",
            message=f"Message number {number}",
            consent="y",
        )
        barrier.wait()
        response = session.post(
            f"{base_url}/interest", data=data, timeout=60, allow_redirects=False
        )
        location = response.headers.get("Location", "")
        reference = None
        if response.status_code == 303 and location.startswith("/interest/thanks/"):
            found = REFERENCE.search(session.get(f"{base_url}{location}", timeout=30).text)
            reference = found.group(0) if found else None
        results[number] = (response.status_code, reference)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def assert_all_stored(results, database, log_path, tmp_path):
    """Every person got a reference, the references differ, and the database holds each message."""
    assert all(status == 303 and reference for status, reference in results), results
    assert len({reference for _status, reference in results}) == PEOPLE
    server_log = log_path.read_text()
    assert "Traceback" not in server_log and "locked" not in server_log, server_log[-3000:]
    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    with app.app_context():
        messages = db.session.scalars(db.select(Interest.message)).all()
        assert sorted(messages) == sorted(f"Message number {n}" for n in range(PEOPLE))
        assert db.session.scalar(db.select(db.func.count()).select_from(InterestEvent)) == PEOPLE
        suspected = db.session.scalar(
            db.select(db.func.count()).select_from(Interest).where(Interest.suspected_spam)
        )
        emails = db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail))
        db.engine.dispose()
    return suspected, emails


def test_sixty_simultaneous_submissions_are_all_stored(server, tmp_path):
    base_url, database, log_path = server
    results = submit_all_at_once(base_url)
    suspected, emails = assert_all_stored(results, database, log_path, tmp_path)
    assert (suspected, emails) == (0, PEOPLE)  # a confirmation copy each


def test_sixty_simultaneous_submissions_on_a_fresh_instance(fresh_server, tmp_path):
    """The outside check: scripted clients post well within the minimum fill time.

    Those are kept as suspected spam (no email to the addresses they typed),
    every one with its own reference; the web processes create the search
    indexes on the way.
    """
    base_url, database, log_path = fresh_server
    results = submit_all_at_once(base_url)
    suspected, emails = assert_all_stored(results, database, log_path, tmp_path)
    # Those whose POST came within the minimum fill time of their GET (most:
    # 50 of 60 on a 2-core machine, depending on how long the 60 GETs took)
    # get no email; the others a copy each.
    assert emails == PEOPLE - suspected, (suspected, emails)
    health = requests.get(f"{base_url}/healthz", timeout=30)
    assert health.status_code == 200, health.text
    interest_index = health.json()["search"]["interest"]
    assert interest_index["ok"] and interest_index["error"] is None, interest_index
    assert "Traceback" not in log_path.read_text()
