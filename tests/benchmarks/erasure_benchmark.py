"""How long an erasure takes, and whether it leaves a byte behind, with many submissions kept.

    .venv/bin/python tests/benchmarks/erasure_benchmark.py [--interests 10000]

Builds a temporary SQLite instance with that many expressions of interest
(and the staff index of them), then erases one person and prints the time of
each step: the transaction, rewriting the index segments, the WAL checkpoint
(and VACUUM when free pages remain). Ends with a byte scan of every file of
the instance for the person's marker; exits 1 if it is found.
"""

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.database import begin_write  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Interest, InterestEvent  # noqa: E402
from app.privacy.erasure import compact_database, erase_person  # noqa: E402
from app.search import rebuild_index  # noqa: E402
from app.search.compaction import compact_index  # noqa: E402


def make_interest(n, name, email):
    interest = Interest(
        token=secrets.token_urlsafe(16),
        name=name,
        email=email,
        organization=f"Organisation {n}",
        organization_type="corporation",
        country="FR",
        interest_type="learn",
        message=f"Message number {n} about smart parking and open data.",
    )
    interest.events.append(InterestEvent(kind="status", to_status="received"))
    return interest


def timed(label, function):
    started = time.perf_counter()
    result = function()
    print(f"{label:<32} {1000 * (time.perf_counter() - started):8.1f} ms")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interests", type=int, default=10000)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="sce-erasure-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "RATELIMIT_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory / 'portal.sqlite3'}",
            "SEARCH_INDEX_DIR": str(directory / "search-index"),
            "SEARCH_SYNC_ON_COMMIT": False,
        }
    )
    marker = "zq" + secrets.token_hex(8)
    email = f"{marker}@example.org"
    with app.app_context():
        db.create_all()
        begin_write()
        for n in range(args.interests):
            db.session.add(make_interest(n, f"Person {n}", f"person{n}@example.org"))
        for _ in range(3):
            db.session.add(make_interest(0, f"Name {marker}", email))
        db.session.commit()
        timed(f"index {args.interests} submissions", lambda: rebuild_index("interest"))

        def erase():
            begin_write()
            counts = erase_person(email, source="cli")
            db.session.commit()
            return counts

        print("erased:", timed("erasure transaction", erase))
        timed("rewrite the interest index", lambda: compact_index("interest"))
        print("database:", timed("checkpoint (and vacuum)", compact_database))
    found = [
        str(path.relative_to(directory))
        for path in directory.rglob("*")
        if path.is_file() and marker.encode() in path.read_bytes()
    ]
    print("files still holding the marker:", found or "none")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
