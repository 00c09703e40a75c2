"""Production serving: catch-up between two app instances, Redis fail-fast, the warm-up, JSON access logs."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from app import create_app
from app.extensions import db
from app.limits import StorageUnreachable
from app.models import Project
from app.search import catchup
from tests.conftest import TEST_DATABASE_URL, make_test_config

ROOT = Path(__file__).resolve().parent.parent


def project(n, **fields):
    values = {
        "slug": f"serving-{n}",
        "title": f"Serving project {n}",
        "city": "Seoul",
        "country": "KR",
        "theme": "mobility",
        "summary": "A test project.",
        "description": "",
        "technologies": [],
        "organizations": [],
        "sdgs": [],
        "links": [],
        "status": "implemented",
        "year": 2020,
    }
    values.update(fields)
    return Project(**values)


@pytest.fixture
def two_nodes(tmp_path):
    """Two app instances on one database, each with its own index directory; B catches up by itself."""
    database = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    node_a = create_app(
        make_test_config(
            tmp_path, SQLALCHEMY_DATABASE_URI=database, SEARCH_INDEX_DIR=str(tmp_path / "a")
        )
    )
    node_b = create_app(
        make_test_config(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=database,
            SEARCH_INDEX_DIR=str(tmp_path / "b"),
            SEARCH_CATCH_UP=True,
            SEARCH_CATCH_UP_INTERVAL=0.1,
        )
    )
    with node_a.app_context():
        db.drop_all()
        db.create_all()
    yield node_a, node_b
    catchup.stop(node_b)
    for node in (node_b, node_a):
        with node.app_context():
            db.session.remove()
            if node is node_a and TEST_DATABASE_URL:
                db.drop_all()
            db.engine.dispose()


def titles(client, query):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/projects", query_string={"q": query}).text, "html.parser")
    return [" ".join(link.get_text().split()) for link in page.select("#results h3 a")]


def test_a_node_catches_up_on_another_nodes_change_by_itself(two_nodes):
    node_a, node_b = two_nodes
    client_b = node_b.test_client()
    assert titles(client_b, "wombatgate") == []
    with node_a.app_context():
        db.session.add(project(1, title="Wombatgate parking"))
        db.session.commit()
    # No sync command, no follower: node B's own catch-up applies A's outbox row.
    import time

    deadline = time.monotonic() + 20
    while "Wombatgate parking" not in titles(client_b, "wombatgate"):
        assert time.monotonic() < deadline, "node B never caught up"
        time.sleep(0.1)
    # Every index of node B (it had none: each is built on the way) is soon complete and current.
    deadline = time.monotonic() + 20
    while (health := client_b.get("/healthz").get_json())["status"] != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(0.1)
    assert all(entry["behind_rows"] == 0 for entry in health["search"].values())


def test_catch_up_can_be_switched_off(two_nodes, tmp_path):
    node_a, _node_b = two_nodes
    node_c = create_app(
        make_test_config(
            tmp_path,
            SQLALCHEMY_DATABASE_URI=node_a.config["SQLALCHEMY_DATABASE_URI"],
            SEARCH_INDEX_DIR=str(tmp_path / "c"),
            SEARCH_CATCH_UP=False,
        )
    )
    client_c = node_c.test_client()
    from app.search import rebuild_index

    with node_a.app_context():
        db.session.add(project(3, title="Already there"))
        db.session.commit()
    with node_c.app_context():
        rebuild_index()
    assert titles(client_c, "already") == ["Already there"]
    with node_a.app_context():
        db.session.add(project(2, title="Quollway bikes"))
        db.session.commit()
    for _ in range(5):
        assert titles(client_c, "quollway") == []
    assert id(node_c) not in catchup._nodes
    health = client_c.get("/healthz").get_json()
    assert health["search"]["projects"]["behind_rows"] >= 1
    with node_c.app_context():
        db.engine.dispose()


def test_health_json_has_the_documented_shape(client):
    body = client.get("/healthz").get_json()
    assert set(body) == {"status", "database", "search", "follower", "warnings"}
    assert body["follower"] == {"expected": False, "ok": True, "seen_seconds_ago": None}
    for entry in body["search"].values():
        assert {
            "ok",
            "documents",
            "pending",
            "error",
            "behind_rows",
            "behind_seconds",
            "lagging",
        } <= set(entry)


def test_a_stale_follower_heartbeat_is_a_warning(app, client):
    from app.models.search import SearchState
    from app.search.health import FOLLOWER, _node_key, record_heartbeat

    app.config["SEARCH_FOLLOWER_EXPECTED"] = True
    with app.app_context():
        record_heartbeat()
    before = client.get("/healthz").get_json()
    assert before["warnings"] == [] and before["follower"]["ok"]
    with app.app_context():
        state = db.session.scalar(db.select(SearchState).where(SearchState.index_name == FOLLOWER))
        assert state.index_key == _node_key()
        state.updated_at -= timedelta(minutes=5)
        db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["warnings"] == ["search follower not running"]
    assert body["follower"]["seen_seconds_ago"] >= 299
    assert body["status"] == before["status"]  # a warning, not a failure: the node still serves


def test_unreachable_redis_stops_the_start_with_one_line(tmp_path):
    config = make_test_config(
        tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://:s3cret@127.0.0.1:1/0"
    )
    with pytest.raises(StorageUnreachable) as raised:
        create_app(config)
    message = str(raised.value)
    assert "redis://127.0.0.1:1" in message and "s3cret" not in message and "\n" not in message


def test_unreachable_redis_from_the_command_line_is_one_line_not_a_traceback(tmp_path):
    env = {
        "PATH": str(Path(sys.executable).parent),
        "FLASK_APP": "wsgi.py",
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "FLASK_SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "FLASK_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1",
    }
    result = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "routes"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Rate-limit storage redis://127.0.0.1:1 (RATELIMIT_STORAGE_URI) is unreachable: "
        "start it or fix the setting."
    ]


def test_memory_storage_needs_no_check(tmp_path):
    app = create_app(make_test_config(tmp_path, RATELIMIT_ENABLED=True))
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_warm_up_renders_the_main_pages(app):
    from app.serving import WARM_UP_PATHS, warm_up

    statuses = warm_up(app)
    assert statuses == dict.fromkeys(WARM_UP_PATHS, 200)


def test_access_log_lines_are_json_even_with_quotes_in_the_agent(tmp_path):
    from gunicorn.config import Config

    from app.serving import JsonAccessLogger

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = JsonAccessLogger(cfg)
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/projects",
        "QUERY_STRING": "q=smart",
        "HTTP_USER_AGENT": 'evil "agent"\n{"status": 500}',
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12.5))
    for handler in logger.access_log.handlers:
        handler.close()
    (line,) = (tmp_path / "access.log").read_text().splitlines()
    record = json.loads(line)
    assert record["status"] == 200 and record["path"] == "/projects" and record["bytes"] == 1234
    assert record["agent"] == 'evil "agent"\n{"status": 500}' and record["duration_ms"] == 12.5


def test_gunicorn_conf_takes_workers_from_web_concurrency_or_the_cores(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3
    monkeypatch.delenv("WEB_CONCURRENCY")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    import multiprocessing

    assert settings["workers"] == min(multiprocessing.cpu_count() * 2 + 1, 12)
    assert settings["preload_app"] is True and settings["graceful_timeout"] > 0
    assert settings["logger_class"] == "app.serving.JsonAccessLogger"


@pytest.fixture(scope="module")
def gunicorn_node(tmp_path_factory):
    """One real `gunicorn -c gunicorn.conf.py` node on SQLite, without Redis."""
    from tests import cluster

    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = cluster.node_env(
        f"sqlite:///{tmp_path / 'node.sqlite3'}",
        tmp_path / "index",
        cluster.new_prefix(),
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
    )
    cluster.flask(env, "db", "upgrade")
    node = cluster.Node("single", tmp_path / "node", env).start()
    try:
        yield node
    finally:
        node.stop()


def raw_request(node, request_bytes):
    """Send bytes as they are (no client library fixes them up); the status, headers and body."""
    import socket

    with socket.create_connection(("127.0.0.1", node.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # Beyond gunicorn's hard limit of 8190 bytes: the app never sees it.
        (b"GET /api/v1/projects?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GET /projects HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431),
        (b"GET /<script>\x01 HTTP/9\r\n\r\n", 400),
    ],
    ids=["request line", "header field", "malformed"],
)
def test_errors_gunicorn_answers_itself_are_problem_documents(gunicorn_node, request_bytes, status):
    got, headers, body = raw_request(gunicorn_node, request_bytes)
    assert got == status
    assert headers["content-type"] == "application/problem+json"
    assert int(headers["content-length"]) == len(body)
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"] == "about:blank" and problem["title"]
    assert b"<" not in body and b"aaaa" not in body and b"script" not in body


@pytest.mark.parametrize("path", ["/projects.json", "/projects.csv", "/api/v1/projects"])
def test_streamed_downloads_arrive_whole_over_real_http(gunicorn_node, path):
    import requests

    for encoding in ("identity", "gzip, br"):
        response = requests.get(
            gunicorn_node.base_url + path, headers={"Accept-Encoding": encoding}, timeout=10
        )
        assert response.status_code == 200 and response.content
        if "json" in response.headers["Content-Type"]:
            response.json()
