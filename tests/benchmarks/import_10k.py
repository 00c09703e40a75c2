"""10,000 records imported and searchable, end to end, through the command line.

    .venv/bin/python tests/benchmarks/import_10k.py [--size 10000]

Writes SIZE generated records (the word lists of search_benchmark.py, fixed
seed) to a JSON Lines file, builds an empty schema and index in a temporary
directory (SQLite, or TEST_DATABASE_URL's PostgreSQL database, whose tables
are dropped and recreated), then times `flask catalog import FILE` (which
validates, upserts, commits and applies the outbox to the index right after
the commit) and the time until the last record is found by a search. Prints
the figures with the date, machine and load average.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.search_benchmark import make_record  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10000)
    args = parser.parse_args()
    from app import create_app
    from app.extensions import db
    from app.search import ProjectQuery, rebuild_index, search_projects

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
        config = {
            "SECRET_KEY": "benchmark",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SEARCH_INDEX_DIR": str(tmp / "search-index"),
            "RATELIMIT_ENABLED": False,
        }
        app = create_app(config)
        with app.app_context():
            db.drop_all()
            db.create_all()
            rebuild_index()
        rng = random.Random(args.size)
        path = tmp / "records.jsonl"
        with path.open("w") as out:
            for number in range(1, args.size + 1):
                record = make_record(rng, number)
                if number == args.size:
                    record["title"] = "Xylophonic last record"
                out.write(json.dumps(record) + "\n")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
            "FLASK_APP": "wsgi.py",
            "FLASK_SECRET_KEY": "benchmark",
            "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
            "FLASK_SEARCH_INDEX_DIR": config["SEARCH_INDEX_DIR"],
            "FLASK_RATELIMIT_ENABLED": "false",
        }
        load = os.getloadavg()[0]
        started = time.perf_counter()
        result = subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "catalog", "import", str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        imported = time.perf_counter() - started
        # CPU seconds of the import process: on a shared machine, what the wall clock is not.
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime
        if result.returncode != 0:
            sys.exit(result.stdout[-2000:] + result.stderr[-2000:])
        with app.app_context():
            while not search_projects(ProjectQuery(text="xylophonic")).total:
                time.sleep(0.05)
            searchable = time.perf_counter() - started
            db.session.remove()
            if os.environ.get("TEST_DATABASE_URL"):
                db.drop_all()
            db.engine.dispose()
        backend = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
        print(
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; {backend}; "
            f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
        )
        print(
            f"{args.size} records: `flask catalog import` {imported:.1f} s; searchable after {searchable:.1f} s; "
            f"import process CPU {cpu:.1f} s"
        )


if __name__ == "__main__":
    main()
