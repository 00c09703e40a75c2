"""Several web nodes on one PostgreSQL and one Redis, as real gunicorn processes on loopback.

Shared by tests/test_scale.py and tests/benchmarks/soak.py. Each node is
``gunicorn -c gunicorn.conf.py wsgi:app`` with its own search index
directory, the same database and the same Redis (with a key prefix of the
run, so runs never share counts), and nothing else: no follower process.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
STAFF_PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url=REDIS_URL):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def node_env(database_url, index_dir, prefix, **settings):
    """The environment of one node (or of a CLI command acting as that node)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not (key.startswith("FLASK_") or key in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"))
    }
    env.update(
        FLASK_APP="wsgi.py",
        FLASK_SECRET_KEY="cluster-test-secret",
        FLASK_SQLALCHEMY_DATABASE_URI=database_url,
        FLASK_SEARCH_INDEX_DIR=str(index_dir),
        FLASK_RATELIMIT_STORAGE_URI=REDIS_URL,
        FLASK_RATELIMIT_KEY_PREFIX=prefix,
        FLASK_INTEREST_MIN_FILL_SECONDS="0",
        FLASK_MAIL_SERVER="",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="-",
    )
    env.update({f"FLASK_{key}": str(value) for key, value in settings.items()})
    return env


class Node:
    """One gunicorn server: start(), base_url, stop(); its log in `log_path`."""

    def __init__(self, name, directory, env):
        self.name = name
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.directory / f"{name}.log"
        self.access_path = self.directory / f"{name}.access.log"
        self.process = None

    def start(self, timeout=60):
        self.env["GUNICORN_ACCESS_LOG"] = str(self.access_path)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"node {self.name} did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def flask(env, *args, check=True, timeout=300):
    """Run a `flask` command as the node whose environment is `env`."""
    return subprocess.run(
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def new_prefix():
    return f"sce-test-{uuid.uuid4().hex[:12]}"


def form_fields(page_html, action):
    """The hidden fields (CSRF token and the like) of the form posting to `action`."""
    form = BeautifulSoup(page_html, "html.parser").find("form", action=action)
    if form is None:
        raise AssertionError(f"no form posting to {action}")
    return {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}


def login(session, base_url, email, password=STAFF_PASSWORD):
    page = session.get(f"{base_url}/account/login", timeout=30).text
    data = form_fields(page, "/account/login")
    data.update(email=email, password=password)
    return session.post(f"{base_url}/account/login", data=data, timeout=30, allow_redirects=False)


def found_titles(base_url, query):
    """Titles of the result cards for `query` on a node's /projects."""
    response = requests.get(f"{base_url}/projects", params={"q": query}, timeout=30)
    response.raise_for_status()
    page = BeautifulSoup(response.text, "html.parser")
    return [" ".join(link.get_text().split()) for link in page.select("#results h3 a")]


def wait_until(predicate, timeout, interval=0.1):
    """Poll `predicate` until it is true; returns the seconds it took, or None past `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(interval)
    return None


# What a request that meets a restarting database raises: expected only while it restarts.
DATABASE_GONE = ("OperationalError", "AdminShutdown")


def unexpected_tracebacks(log_text):
    """The tracebacks of a node's log other than those of a database going away (a restart)."""
    chunks = log_text.split("Traceback (most recent call last):")[1:]
    return [chunk for chunk in chunks if not any(name in chunk for name in DATABASE_GONE)]
