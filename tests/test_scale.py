"""Two web nodes (gunicorn processes) with their own index directories on one PostgreSQL and Redis.

These run in the PostgreSQL pass of `make test` (TEST_DATABASE_URL set) and
need the local Redis. No follower process runs beside the nodes: each one
catches up on the other's changes by itself (app/search/catchup.py).
"""

import os
import secrets
import shutil
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime

import pytest
import requests

from app import create_app
from app.extensions import db
from app.models import Interest, Project, User
from app.models.search import SearchOutbox, SearchState
from app.passwords import hash_password
from app.search.indexer import index_key
from tests import cluster
from tests.conftest import TEST_DATABASE_URL, make_test_config

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]

LOGIN_LIMIT = 8
PG_CLUSTER_VERSION = os.environ.get("SCE_PG_CLUSTER_VERSION", "15")
UNIQUE_TITLE = "Zephyrbridge flood sensors"


def project_values(n, **fields):
    values = {
        "slug": f"scale-{n}",
        "title": f"Scale test project {n}",
        "city": "Seoul",
        "country": "KR",
        "theme": "mobility",
        "summary": "A project of the multi-node test.",
        "description": "Sensors and open data for the whole city.",
        "technologies": ["IoT"],
        "organizations": [],
        "sdgs": [],
        "links": [],
        "status": "implemented",
        "year": 2020,
        "publication": "published",
    }
    values.update(fields)
    return values


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """The test database with a staff account and a few published projects; dropped afterwards."""
    if not cluster.redis_reachable():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    directory = tmp_path_factory.mktemp("scale-db")
    app = create_app(make_test_config(directory, SEARCH_SYNC_ON_COMMIT=False))
    with app.app_context():
        db.drop_all()
        db.create_all()
        email = f"staff-{secrets.token_hex(4)}@example.org"
        db.session.add(
            User(
                email=email,
                password_hash=hash_password(cluster.STAFF_PASSWORD),
                role="staff",
                session_token=secrets.token_hex(16),
                email_verified_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        db.session.add(Project(**project_values(0, title=UNIQUE_TITLE, slug="zephyrbridge")))
        for n in range(1, 6):
            db.session.add(Project(**project_values(n)))
        db.session.commit()
    yield app, email
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="module")
def nodes(database, tmp_path_factory):
    """Node A and node B: one gunicorn worker each, their own index, the same database and Redis."""
    directory = tmp_path_factory.mktemp("scale-nodes")
    prefix = cluster.new_prefix()
    started = []
    try:
        for name in ("a", "b"):
            env = cluster.node_env(
                TEST_DATABASE_URL,
                directory / name / "search-index",
                prefix,
                LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT}/minute",
                FORM_RATE_LIMIT="10000/minute",
            )
            started.append(cluster.Node(name, directory / name, env).start())
        yield started
    finally:
        for node in started:
            node.stop()
    for node in started:
        unexpected = cluster.unexpected_tracebacks(node.log())
        assert not unexpected, unexpected[0][-3000:]


def test_a_change_through_one_node_is_found_through_the_other(database, nodes):
    app, email = database
    node_a, node_b = nodes
    # Each node built its own index from the database (no `flask search rebuild`, no follower).
    for node in nodes:
        assert cluster.wait_until(
            lambda n=node: UNIQUE_TITLE in cluster.found_titles(n.base_url, "zephyrbridge"), 30
        )
    with app.app_context():
        project_id = db.session.scalar(db.select(Project.id).where(Project.slug == "zephyrbridge"))
    staff = requests.Session()
    assert cluster.login(staff, node_a.base_url, email).status_code == 303
    review = staff.get(f"{node_a.base_url}/staff/projects/{project_id}", timeout=30)
    for action, expected in (("unpublish", False), ("republish", True)):
        path = f"/staff/projects/{project_id}/{action}"
        data = cluster.form_fields(review.text, path)
        response = staff.post(
            f"{node_a.base_url}{path}", data=data, timeout=30, allow_redirects=False
        )
        assert response.status_code == 303, response.text[:500]
        review = staff.get(f"{node_a.base_url}/staff/projects/{project_id}", timeout=30)
        took = cluster.wait_until(
            lambda e=expected: (
                (UNIQUE_TITLE in cluster.found_titles(node_b.base_url, "zephyrbridge")) == e
            ),
            timeout=15,
        )
        assert took is not None, f"node B never saw the {action} made through node A"
    health = requests.get(f"{node_b.base_url}/healthz", timeout=30).json()
    assert health["status"] == "ok", health
    assert health["search"]["projects"]["behind_rows"] == 0


def test_an_import_on_another_machine_reaches_both_nodes(database, nodes, tmp_path):
    """`flask catalog import` run elsewhere (its own index directory): both nodes find the records."""
    records = tmp_path / "import.jsonl"
    import json

    record = {
        "slug": "quokkaline-buses",
        "title": "Quokkaline electric buses",
        "city": "Busan",
        "country": "KR",
        "theme": "mobility",
        "summary": "Electric buses on the harbour line.",
        "status": "implemented",
        "year": 2021,
    }
    records.write_text(json.dumps(record) + "\n")
    env = cluster.node_env(TEST_DATABASE_URL, tmp_path / "elsewhere-index", cluster.new_prefix())
    result = cluster.flask(env, "catalog", "import", str(records), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    for node in nodes:
        took = cluster.wait_until(
            lambda n=node: (
                "Quokkaline electric buses" in cluster.found_titles(n.base_url, "quokkaline")
            ),
            15,
        )
        assert took is not None, f"node {node.name} never found the imported record"


def test_wrong_logins_spread_across_both_nodes_share_one_limit(nodes):
    """Per-IP login limit counted in Redis: the two nodes together allow LOGIN_LIMIT attempts, not twice."""
    clients = [requests.Session() for _node in nodes]
    accepted = 0
    limited = set()
    for attempt in range(3 * LOGIN_LIMIT):
        index = attempt % 2
        node, client = nodes[index], clients[index]
        data = cluster.form_fields(
            client.get(f"{node.base_url}/account/login", timeout=30).text, "/account/login"
        )
        data.update(email=f"nobody-{attempt}@example.org", password="wrong password")
        status = client.post(f"{node.base_url}/account/login", data=data, timeout=30).status_code
        if status == 429:
            limited.add(node.name)
        else:
            assert status == 400, status
            accepted += 1
        if limited == {"a", "b"}:
            break
    assert limited == {"a", "b"}, "each node kept its own count"
    # The staff login of another test may have used one attempt from this address.
    assert accepted <= LOGIN_LIMIT


def test_killing_the_indexer_mid_batch_loses_no_update(database, tmp_path):
    """kill -9 of `flask search sync --follow` while it applies a big batch; after a restart nothing is missing."""
    app, _email = database
    index_dir = tmp_path / "follower-index"
    env = cluster.node_env(TEST_DATABASE_URL, index_dir, cluster.new_prefix())
    cluster.flask(env, "search", "rebuild")
    batch = 3000
    with app.app_context():
        db.session.add_all(
            Project(**project_values(n, slug=f"batch-{n}", title=f"Batch project {n}"))
            for n in range(1000, 1000 + batch)
        )
        db.session.commit()
        newest = db.session.scalar(db.select(db.func.max(SearchOutbox.id)))
        key = index_key((index_dir / "projects").resolve())

    def position():
        with app.app_context():
            value = db.session.scalar(
                db.select(SearchState.last_outbox_id).where(
                    SearchState.index_name == "projects", SearchState.index_key == key
                )
            )
            db.session.rollback()
            return value or 0

    follower = subprocess.Popen(
        [str(cluster.BIN / "flask"), "search", "sync", "--follow"],
        cwd=cluster.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Applying 3,000 documents takes seconds: kill it one second in.
        time.sleep(1.0)
        killed_at = position()
        follower.send_signal(signal.SIGKILL)
        follower.wait(timeout=10)
    finally:
        if follower.poll() is None:
            follower.kill()
    assert killed_at < newest, "the follower finished before it was killed: make the batch bigger"
    check = cluster.flask(env, "search", "check", check=False)
    assert check.returncode == 1, check.stdout  # the batch is not (all) in the index yet
    restarted = subprocess.Popen(
        [str(cluster.BIN / "flask"), "search", "sync", "--follow"],
        cwd=cluster.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert (
            cluster.wait_until(lambda: position() >= newest, timeout=120, interval=0.5) is not None
        )
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(timeout=30)
    check = cluster.flask(env, "search", "check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_health_reports_a_node_that_falls_behind(database, tmp_path):
    """An index copy nobody applies (catch-up off): degraded once it is behind for longer than the threshold."""
    app, _email = database
    index_dir = tmp_path / "stale-index"
    env = cluster.node_env(TEST_DATABASE_URL, index_dir, cluster.new_prefix())
    cluster.flask(env, "search", "rebuild")
    config = make_test_config(
        tmp_path,
        SEARCH_INDEX_DIR=str(index_dir),
        SEARCH_CATCH_UP=False,
        SEARCH_SYNC_ON_COMMIT=False,
        SEARCH_LAG_DEGRADED_SECONDS=1,
        SEARCH_FOLLOWER_EXPECTED=True,
    )
    node = create_app(config)
    with node.app_context():
        db.session.add(Project(**project_values(9000, slug="lagging", title="Lagging project")))
        db.session.commit()
    client = node.test_client()
    fresh = client.get("/healthz").get_json()
    assert fresh["search"]["projects"]["behind_rows"] == 1
    assert fresh["warnings"] == ["search follower not running"]
    assert fresh["follower"] == {"expected": True, "ok": False, "seen_seconds_ago": None}
    assert cluster.wait_until(lambda: client.get("/healthz").get_json()["status"] == "degraded", 10)
    body = client.get("/healthz").get_data(as_text=True)
    assert str(index_dir) not in body and "search-index" not in body
    projects = client.get("/healthz").get_json()["search"]["projects"]
    assert projects["lagging"] and projects["behind_seconds"] > 1
    # The follower's heartbeat clears the warning; its sync clears the lag.
    follower = subprocess.Popen(
        [str(cluster.BIN / "flask"), "search", "sync", "--follow"],
        cwd=cluster.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert cluster.wait_until(lambda: client.get("/healthz").get_json()["status"] == "ok", 30)
        assert cluster.wait_until(lambda: not client.get("/healthz").get_json()["warnings"], 30)
    finally:
        follower.send_signal(signal.SIGINT)
        follower.wait(timeout=30)
    with node.app_context():
        db.engine.dispose()


@pytest.mark.skipif(
    os.environ.get("SCE_DISRUPTIVE_TESTS") != "1",
    reason="restarts the machine's PostgreSQL: set SCE_DISRUPTIVE_TESTS=1 (.ci/run does)",
)
@pytest.mark.skipif(
    not shutil.which("pg_ctlcluster") or os.geteuid() != 0,
    reason="restarting PostgreSQL needs pg_ctlcluster and root",
)
def test_postgresql_restarting_under_load_costs_errors_only_for_the_restart(database, nodes):
    """Searches and interest submissions keep going through a restart; afterwards all is well."""
    errors_after = []
    stored = []
    stop = threading.Event()
    restarted_at = []

    def load(node):
        session = requests.Session()
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if n % 3:
                    response = session.get(
                        f"{node.base_url}/projects", params={"q": "sensors"}, timeout=30
                    )
                    ok = response.status_code == 200
                else:
                    page = session.get(f"{node.base_url}/interest", timeout=30)
                    data = cluster.form_fields(page.text, "/interest")
                    reference = f"restart-{node.name}-{n}"
                    data.update(
                        name="Restart tester",
                        email=f"{reference}@example.org",
                        organization="Test",
                        organization_type="local-government",
                        country="KR",
                        interest_type="partner",
                        message=reference,
                        consent="y",
                    )
                    response = session.post(
                        f"{node.base_url}/interest", data=data, timeout=30, allow_redirects=False
                    )
                    ok = response.status_code == 303
                    if ok:
                        stored.append(reference)
            except requests.RequestException:
                ok = False
            if not ok and restarted_at and time.monotonic() > restarted_at[0] + 5:
                errors_after.append((node.name, n))
            time.sleep(0.05)

    threads = [threading.Thread(target=load, args=(node,)) for node in nodes]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        subprocess.run(
            ["pg_ctlcluster", PG_CLUSTER_VERSION, "main", "restart"], check=True, timeout=120
        )
        restarted_at.append(time.monotonic())
        time.sleep(10)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors_after, errors_after[:10]
    app, _email = database
    with app.app_context():
        messages = set(db.session.scalars(db.select(Interest.message)))
    assert set(stored) <= messages  # every submission that was answered 303 is stored
    for node in nodes:
        health = requests.get(f"{node.base_url}/healthz", timeout=30).json()
        assert health["database"]["ok"] and all(entry["ok"] for entry in health["search"].values())
