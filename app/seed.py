"""The bundled demo data (`flask seed`): projects, award editions, members, challenges, solutions, matches.

Every seeder runs inside the caller's transaction, returns something
printable and never commits. They go through the same paths as real data
(the catalogue import, the award import), so the demo files are validated
like any other input: an invalid record in them is a bug and raises.
"""

import json
from pathlib import Path

from .extensions import db
from .i18n.content import TRANSLATABLE_FIELDS, clean_translations
from .models import Member, Project

DEMO_DIR = Path(__file__).parent / "demo_data"
PROJECTS_DATA = DEMO_DIR / "projects.json"
AWARDS_DATA = DEMO_DIR / "awards.json"
MEMBERS_DATA = DEMO_DIR / "members.json"


def load_demo_projects():
    return json.loads(PROJECTS_DATA.read_text(encoding="utf-8"))


def seed_projects():
    """Load the bundled demo projects through the import path; returns an ImportResult."""
    from .catalog.io import SourceRecord
    from .catalog.records import prepare_records, upsert_projects

    records = [SourceRecord(n, data) for n, data in enumerate(load_demo_projects(), start=1)]
    valid, problems = prepare_records(records)
    if problems:
        lines = "; ".join(f"record {n}: {f}: {m}" for n, f, m in problems)
        raise ValueError(f"{PROJECTS_DATA.name} is invalid: {lines}")
    return upsert_projects(valid)


def seed_awards():
    """Upsert the bundled award editions (the catalogue's demo projects must exist first)."""
    from .awards.io import import_documents, read_documents

    editions = import_documents(read_documents(AWARDS_DATA))
    return f"{len(editions)} edition(s), {sum(len(e.winners) for e in editions)} winner(s)"


def seed_members(path=MEMBERS_DATA):
    """Upsert the demo members by slug and link the projects the documents name.

    Runs after the catalogue seeder (the projects must exist); a project slug
    that is missing is skipped. Returns how many members.
    """
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    for record in records:
        project_slugs = record.pop("projects", [])
        member = db.session.scalar(db.select(Member).where(Member.slug == record["slug"]))
        if member is None:
            member = Member(slug=record["slug"])
            db.session.add(member)
        if "translations" in record:
            record["translations"], problems = clean_translations(
                record["translations"], record.get("language"), TRANSLATABLE_FIELDS["Member"]
            )
            if problems:
                raise ValueError(f"{Path(path).name}: {record['slug']}: translations: {problems}")
        for name, value in record.items():
            setattr(member, name, value)
        db.session.flush()
        if project_slugs:
            projects = db.session.scalars(db.select(Project).where(Project.slug.in_(project_slugs)))
            for project in projects:
                project.member_id = member.id
    return len(records)


def seed_events():
    """Upsert the bundled demo events (after the award editions they link to)."""
    from .events.records import seed_events as upsert_demo_events

    return upsert_demo_events()


def seed_challenges():
    from .matchmaking.records import seed_challenges as seed

    return seed()


def seed_solutions():
    from .matchmaking.records import seed_solutions as seed

    return seed()


def seed_matches():
    from .matchmaking.records import seed_matches as seed

    return seed()


# (name, seeder) in dependency order: awards and members link to projects;
# challenges, solutions and matches link to members and projects.
SEEDERS = (
    ("projects", seed_projects),
    ("awards", seed_awards),
    ("members", seed_members),
    ("events", seed_events),
    ("challenges", seed_challenges),
    ("solutions", seed_solutions),
    ("matches", seed_matches),
)
