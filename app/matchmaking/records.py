"""Challenge, solution and match records: cleaning, upserting by slug, and the bundled demo data.

The demo files (app/demo_data/challenges.json, solutions.json, matches.json)
hold only what the seed documents say; a field they do not give is empty.
Helpers here never commit: `flask seed` and the views do.
"""

import json
import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from ..catalog.records import is_web_url
from ..extensions import db
from ..labels import REGIONS, THEMES
from ..models import Challenge, Match, Member, Project, Solution
from ..models.matchmaking import CHALLENGE_STATUSES, MATCH_STAGES
from ..regions import COUNTRY_REGION
from ..search import enqueue
from ..search.solutions import INDEX_NAME as SOLUTIONS_INDEX
from ..slugs import available_slug as available_column_slug
from ..slugs import slugify

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo_data"
MAX_LIST_ITEMS = 30
MAX_ITEM_CHARS = 120
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


class RecordError(ValueError):
    """A demo record that does not fit the schema (a bug in the bundled data)."""


def clean_list(values, max_items=MAX_LIST_ITEMS, max_chars=MAX_ITEM_CHARS):
    """Stripped, de-duplicated (case-insensitively), non-empty strings, in the order given."""
    seen, cleaned = set(), []
    for value in values or []:
        text = " ".join(str(value).split())[:max_chars]
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned[:max_items]


def clean_sources(sources):
    """[{title, url?, note?}] with http(s) URLs only; entries without a title are dropped."""
    cleaned = []
    for source in sources or []:
        if not isinstance(source, dict) or not str(source.get("title", "")).strip():
            continue
        entry = {"title": str(source["title"]).strip()[:300]}
        url = str(source.get("url") or "").strip()
        if url:
            if not is_web_url(url):
                raise RecordError(f"source URL is not http(s): {url!r}")
            entry["url"] = url
        note = str(source.get("note") or "").strip()
        if note:
            entry["note"] = note[:1000]
        cleaned.append(entry)
    return cleaned


def _member_id(slug):
    if not slug:
        return None
    member_id = db.session.scalar(sa.select(Member.id).where(Member.slug == slug))
    if member_id is None:
        raise RecordError(f"unknown member {slug!r}")
    return member_id


def _check(condition, message):
    if not condition:
        raise RecordError(message)


def with_kept_notes(sources, old_sources):
    """`sources` as a form gives them, with the note of each that was already stored.

    The forms have no place for a source's note (the bundled records carry
    them), so an edit that keeps a source keeps its note too.
    """
    notes = {
        (old.get("title"), old.get("url")): old["note"]
        for old in old_sources or []
        if isinstance(old, dict) and old.get("note")
    }
    kept = []
    for source in sources:
        note = notes.get((source.get("title"), source.get("url")))
        kept.append(source | {"note": note} if note else source)
    return kept


def _translations(record, model_name):
    """(language, translations) of a record, validated as the catalogue validates them."""
    from ..i18n.content import TRANSLATABLE_FIELDS, clean_translations

    language = record.get("language") or None
    translations, problems = clean_translations(
        record.get("translations"), language, TRANSLATABLE_FIELDS[model_name]
    )
    _check(not problems, f"translations: {problems}")
    return language, translations


def challenge_values(record):
    """The model fields of a challenge record (raises RecordError when it does not fit)."""
    _check(SLUG.fullmatch(record.get("slug") or ""), "slug")
    _check(str(record.get("title") or "").strip(), "title")
    _check(str(record.get("city") or "").strip(), "city")
    country = str(record.get("country") or "").upper()
    _check(country in COUNTRY_REGION, f"country {country!r}")
    theme = record.get("theme") or None
    _check(theme is None or theme in THEMES, f"theme {theme!r}")
    status = record.get("status") or "open"
    _check(status in CHALLENGE_STATUSES, f"status {status!r}")
    deadline = record.get("deadline")
    language, translations = _translations(record, "Challenge")
    return {
        "title": record["title"].strip(),
        "city": record["city"].strip(),
        "country": country,
        "member_id": _member_id(record.get("member")),
        "presented_by": str(record.get("presented_by") or "").strip(),
        "problem": str(record.get("problem") or "").strip(),
        "help_sought": clean_list(record.get("help_sought")),
        "theme": theme,
        "technologies": clean_list(record.get("technologies")),
        "deadline": date.fromisoformat(deadline) if deadline else None,
        "status": status,
        "sources": clean_sources(record.get("sources")),
        "language": language,
        "translations": translations,
    }


def solution_values(record):
    """The model fields of a solution record, and the slugs of the case studies it is deployed in."""
    _check(SLUG.fullmatch(record.get("slug") or ""), "slug")
    _check(str(record.get("title") or "").strip(), "title")
    themes = clean_list(record.get("themes"))
    _check(all(theme in THEMES for theme in themes), f"themes {themes!r}")
    regions = clean_list(record.get("regions"))
    _check(all(region in REGIONS for region in regions), f"regions {regions!r}")
    language, translations = _translations(record, "Solution")
    values = {
        "title": record["title"].strip(),
        "member_id": _member_id(record.get("member")),
        "provider": str(record.get("provider") or "").strip(),
        "description": str(record.get("description") or "").strip(),
        "themes": themes,
        "technologies": clean_list(record.get("technologies")),
        "regions": regions,
        "sources": clean_sources(record.get("sources")),
        "language": language,
        "translations": translations,
    }
    return values, clean_list(record.get("deployed_in"))


def match_values(record):
    _check(SLUG.fullmatch(record.get("slug") or ""), "slug")
    stage = record.get("stage") or "introduced"
    _check(stage in MATCH_STAGES, f"stage {stage!r}")
    country = (record.get("country") or "").upper() or None
    _check(country is None or country in COUNTRY_REGION, f"country {country!r}")
    project_slug = record.get("project")
    project_id = None
    if project_slug:
        project_id = db.session.scalar(sa.select(Project.id).where(Project.slug == project_slug))
    return {
        "network": str(record.get("network") or "").strip(),
        "parties": clean_list(record.get("parties")),
        "city": str(record.get("city") or "").strip(),
        "country": country,
        "year": int(record["year"]) if record.get("year") else None,
        "what": str(record.get("what") or "").strip(),
        "project_id": project_id,
        "stage": stage,
        "sources": clean_sources(record.get("sources")),
    }


def _upsert(model, slug, values):
    row = db.session.scalar(sa.select(model).where(model.slug == slug))
    if row is None:
        row = model(slug=slug)
        db.session.add(row)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    return row


def set_deployments(solution, project_slugs):
    """Link a solution to the case studies it is deployed in (unknown slugs are skipped).

    A change of the links alone does not mark the solution as changed for the
    outbox (collections are not columns), so the solution is enqueued here.
    Returns whether the links changed.
    """
    projects = []
    if project_slugs:
        found = {
            p.slug: p
            for p in db.session.scalars(sa.select(Project).where(Project.slug.in_(project_slugs)))
        }
        projects = [found[slug] for slug in project_slugs if slug in found]
    if {p.id for p in solution.deployed_in} != {p.id for p in projects}:
        solution.deployed_in = projects
        db.session.flush()
        enqueue(db.session, SOLUTIONS_INDEX, [solution.id])
        return True
    return False


def _load(name):
    return json.loads((DEMO_DATA / name).read_text(encoding="utf-8"))


def _seed(name, model, values):
    """Upsert the rows of `model` a demo file holds, by slug; returns how many."""
    records = _load(name)
    for record in records:
        _upsert(model, record["slug"], values(record))
    db.session.flush()
    return len(records)


def seed_challenges():
    """Upsert the demo challenges by slug (after the members); returns how many."""
    return _seed("challenges.json", Challenge, challenge_values)


def seed_solutions():
    """Upsert the demo solutions by slug and link their case studies; returns how many."""
    records = _load("solutions.json")
    for record in records:
        values, deployed = solution_values(record)
        solution = _upsert(Solution, record["slug"], values)
        db.session.flush()
        set_deployments(solution, deployed)
    return len(records)


def seed_matches():
    """Upsert the demo matches by slug, linked to their case studies; returns how many."""
    return _seed("matches.json", Match, match_values)


def available_slug(model, *parts):
    """A slug derived from `parts` that no row of `model` uses yet."""
    base = slugify(" ".join(p for p in parts if p), 100) or model.__tablename__
    return available_column_slug(model.slug, base)
