"""Matchmaking benchmark: challenge and solution pages (with their suggestions) over a large catalogue.

Run from the repository root (it is not collected by pytest)::

    .venv/bin/python tests/benchmarks/matchmaking_benchmark.py --size 10000

It builds the search benchmark's random catalogue of `size` projects, loads
the bundled demo data (challenges, solutions and matches included), then times (server side,
through the test client) the pages whose cost grows with the catalogue:
a challenge page (fitting solutions and case studies), a solution page,
the listing searches and the outcomes page. Figures are printed, never
asserted.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_benchmark import build, percentile  # noqa: E402

from app.database import begin_write  # noqa: E402
from app.extensions import db  # noqa: E402
from app.seed import SEEDERS  # noqa: E402

URLS = [
    "/challenges/abuja-sanaa-online-marketplace",
    "/solutions/srpost-citizen-participation-systems",
    "/challenges?q=marketplace",
    "/solutions?q=parking&theme=mobility",
    "/matchmaking",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="matchmaking-bench-"))
    try:
        app, _config, imported, indexed = build(args.size, workdir)
        print(f"{args.size} projects: import {imported:.1f} s, index {indexed:.1f} s")
        with app.app_context():
            begin_write()
            for _name, seeder in SEEDERS:  # the demo projects join the random ones
                seeder()
            db.session.commit()
        client = app.test_client()
        for url in URLS:
            assert client.get(url).status_code == 200, url
            times = []
            for _round in range(args.rounds):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"{url}: median {percentile(times, 0.5):.1f} ms, "
                f"p95 {percentile(times, 0.95):.1f} ms ({args.rounds} requests)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
