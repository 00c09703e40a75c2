"""Soak: a mix of searches, pages and interest submissions across two nodes (loopback, bounded).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/sce_x \\
        .venv/bin/python tests/benchmarks/soak.py [--seconds 30] [--clients 4] [--workers 2]

Builds the demo data in the given (throwaway: its tables are dropped and
recreated) PostgreSQL database, starts two nodes (`gunicorn -c
gunicorn.conf.py wsgi:app`, their own index directories, the local Redis
with a fresh key prefix, rate limits off so the load is not refused), then
runs CLIENTS threads for SECONDS, each alternating between the nodes:
60 % searches, 30 % pages (home, a case study, awards, members), 10 % interest
submissions (form, then POST). Prints throughput, p50/p99 per kind and
errors (any status other than 200, or 303 for a submission, or a connection
failure), then checks that every accepted submission is in the database.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import cluster  # noqa: E402

QUERIES = ["smart city", "traffic", "water", "seoul", "energy", "open data", "safety", "waste"]


def build_demo(directory, database_url):
    from tests.live_server import make_demo_app

    # The gunicorn nodes read the default schema, so the demo goes there.
    return make_demo_app(directory, own_schema=False, SQLALCHEMY_DATABASE_URI=database_url)


def slugs(app):
    from app.extensions import db
    from app.models import Project

    with app.app_context():
        found = list(
            db.session.scalars(db.select(Project.slug).where(Project.publication == "published"))
        )
        db.session.rollback()
    return found


def client_loop(nodes, project_slugs, deadline, results, accepted, seed):
    rng = random.Random(seed)
    sessions = [requests.Session() for _node in nodes]
    n = 0
    while time.monotonic() < deadline:
        n += 1
        index = n % len(nodes)
        base, session = nodes[index].base_url, sessions[index]
        roll = rng.random()
        started = time.perf_counter()
        try:
            if roll < 0.6:
                kind = "search"
                ok = session.get(
                    f"{base}/projects", params={"q": rng.choice(QUERIES)}, timeout=30
                ).ok
            elif roll < 0.9:
                kind = "page"
                path = rng.choice(
                    ["/", "/awards", "/members", f"/projects/{rng.choice(project_slugs)}"]
                )
                ok = session.get(base + path, timeout=30).status_code == 200
            else:
                kind = "interest"
                page = session.get(f"{base}/interest", timeout=30)
                data = cluster.form_fields(page.text, "/interest")
                marker = f"soak-{seed}-{n}"
                data.update(
                    name="Soak tester",
                    email=f"{marker}@example.org",
                    organization="Soak",
                    organization_type="local-government",
                    country="KR",
                    interest_type="partner",
                    message=marker,
                    consent="y",
                )
                response = session.post(
                    f"{base}/interest", data=data, timeout=30, allow_redirects=False
                )
                ok = response.status_code == 303
                if ok:
                    accepted.append(marker)
        except (requests.RequestException, AssertionError):
            ok = False
            kind = locals().get("kind", "page")
        results.append((kind, (time.perf_counter() - started) * 1000, ok))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    args = parser.parse_args()
    database_url = os.environ.get("TEST_DATABASE_URL")
    if not database_url:
        sys.exit("Set TEST_DATABASE_URL to a throwaway PostgreSQL database.")
    if not cluster.redis_reachable():
        sys.exit("Redis is not reachable on 127.0.0.1:6379.")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        app = build_demo(directory / "demo", database_url)
        project_slugs = slugs(app)
        prefix = cluster.new_prefix()
        nodes = []
        try:
            for name in ("a", "b"):
                env = cluster.node_env(
                    database_url,
                    directory / name / "search-index",
                    prefix,
                    RATELIMIT_ENABLED="false",
                )
                env["WEB_CONCURRENCY"] = str(args.workers)
                nodes.append(cluster.Node(name, directory / name, env).start())
            results, accepted = [], []
            deadline = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=client_loop, args=(nodes, project_slugs, deadline, results, accepted, s)
                )
                for s in range(args.clients)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            for node in nodes:
                node.stop()
        report(results, elapsed, args)
        from app.extensions import db
        from app.models import Interest

        with app.app_context():
            stored = set(db.session.scalars(db.select(Interest.message)))
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        missing = [marker for marker in accepted if marker not in stored]
        print(
            f"interest submissions accepted: {len(accepted)}, missing from the database: {len(missing)}"
        )
        tracebacks = sum(len(cluster.unexpected_tracebacks(node.log())) for node in nodes)
        print(f"tracebacks in the node logs: {tracebacks}")


def report(results, elapsed, args):
    print(
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}; 2 nodes x {args.workers} workers; "
        f"{args.clients} clients; {elapsed:.1f} s"
    )
    errors = sum(1 for _kind, _ms, ok in results if not ok)
    print(f"requests: {len(results)} ({len(results) / elapsed:.1f}/s), errors: {errors}")
    for kind in ("search", "page", "interest"):
        times = sorted(ms for k, ms, _ok in results if k == kind)
        if not times:
            continue
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"  {kind:8s} n={len(times):5d}  p50 {statistics.median(times):7.1f} ms  p99 {p99:7.1f} ms"
        )


if __name__ == "__main__":
    main()
