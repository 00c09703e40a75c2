"""A fresh gunicorn worker's first catalogue page against its steady state (with and without the warm-up).

    .venv/bin/python tests/benchmarks/first_page.py

Builds the demo instance in a temporary directory (SQLite, or TEST_DATABASE_URL),
starts `gunicorn -c gunicorn.conf.py wsgi:app` with one worker, waits until
the worker has booted (its warm-up logged, or the boot line without it),
then times the first GET /projects?q=smart and 30 more. Loopback only.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import cluster  # noqa: E402
from tests.live_server import dispose_demo_app, make_demo_app  # noqa: E402

PATH = "/projects?q=smart"


def measure(directory, database_url, warm_up):
    env = cluster.node_env(database_url, directory / "search-index", cluster.new_prefix())
    env.update(GUNICORN_WARM_UP="1" if warm_up else "0", FLASK_RATELIMIT_STORAGE_URI="memory://")
    node = cluster.Node("warm" if warm_up else "cold", directory, env)
    with node.log_path.open("ab") as log:
        import subprocess

        node.env["GUNICORN_ACCESS_LOG"] = str(node.access_path)
        node.process = subprocess.Popen(
            [str(cluster.BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=cluster.ROOT,
            env=node.env,
            stdout=log,
            stderr=log,
        )
    marker = "warm-up:" if warm_up else "Booting worker"
    deadline = time.monotonic() + 120
    while marker not in node.log():
        if time.monotonic() > deadline:
            raise RuntimeError(node.log()[-2000:])
        time.sleep(0.05)
    time.sleep(0.3)  # the worker returns from post_worker_init and accepts
    try:
        started = time.perf_counter()
        assert requests.get(node.base_url + PATH, timeout=60).status_code == 200
        first = (time.perf_counter() - started) * 1000
        steady = []
        for _ in range(30):
            started = time.perf_counter()
            requests.get(node.base_url + PATH, timeout=60)
            steady.append((time.perf_counter() - started) * 1000)
    finally:
        node.stop()
    return first, statistics.median(steady)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = make_demo_app(directory)
        database_url = app.config["SQLALCHEMY_DATABASE_URI"]
        try:
            print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, {PATH}")
            for warm_up in (False, True):
                for run in range(3):
                    first, steady = measure(directory / f"{warm_up}-{run}", database_url, warm_up)
                    label = "with warm-up   " if warm_up else "without warm-up"
                    print(
                        f"{label}: first page {first:6.1f} ms, steady median {steady:5.1f} ms, "
                        f"ratio {first / steady:4.1f}"
                    )
        finally:
            dispose_demo_app(app)


if __name__ == "__main__":
    main()
