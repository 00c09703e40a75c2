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


@pytest.fixture
def server(tmp_path):
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
            "--preload",  # import the app once, then fork: a faster start
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
        yield base_url, database, log_path
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown: the test is over
        process.wait(timeout=30)
        log.close()


def test_sixty_simultaneous_submissions_are_all_stored(server, tmp_path):
    base_url, database, log_path = server
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
            website="",
        )
        barrier.wait()
        response = session.post(f"{base_url}/interest", data=data, timeout=60)
        found = REFERENCE.search(response.text)
        results[number] = (response.status_code, found.group(0) if found else None)

    threads = [threading.Thread(target=person, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert all(result == (200, result[1]) and result[1] for result in results), results
    assert len({reference for _status, reference in results}) == PEOPLE
    server_log = log_path.read_text()
    assert "Traceback" not in server_log and "locked" not in server_log, server_log[-3000:]

    app = create_app(make_test_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}"))
    with app.app_context():
        messages = db.session.scalars(db.select(Interest.message)).all()
        assert sorted(messages) == sorted(f"Message number {n}" for n in range(PEOPLE))
        assert db.session.scalar(db.select(db.func.count()).select_from(InterestEvent)) == PEOPLE
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboundEmail)) == PEOPLE
        db.engine.dispose()
