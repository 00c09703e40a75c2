"""Importing award editions from JSON: validation first, then an upsert by slugs.

A document describes one edition::

    {"programme": {"slug", "name", "organiser", "description"},
     "edition": {"slug", "title", "number", "year", "description", "cities_recognised",
                 "ceremony": {"description", "venue", "date", "start", "end", "timezone"},
                 "sources": ["where a fact comes from, what was inferred"],
                 "language", "translations": {"fr": {"title", "description", "source", "reviewed"}}},
     "categories": [{"slug", "name", "theme", "keywords": [...],
                     "language", "translations": {"fr": {"name", "source", "reviewed"}}}],
     "sessions": [{"slug", "part", "title", "category", "date", "start", "end",
                   "timezone", "timezone_assumed", "notes", "recording_url", "slides_url"}],
     "judges": [{"name", "title", "organisation", "role", "part"}],
     "winners": [{"category", "session", "city", "country", "project_title",
                  "project", "distinction"}]}

A file holds one such document or a JSON array of them (the bundled demo data
does). Dates are ``YYYY-MM-DD``, times ``HH:MM`` local to ``timezone`` (a fixed
offset such as ``GMT+9`` or an IANA name). ``category``/``session`` refer to
slugs in the same document, ``project`` to a catalogue slug.

Problems are reported as ``(field path, message)`` with dotted paths
(``winners.2.project``, 0-based indexes; prefixed with the document's index in
an array). Programmes, editions, categories and sessions are matched by slug;
judges and winners are the edition's complete ordered lists and replace the
stored ones position by position. ``language`` and ``translations`` follow the
catalogue's rules (app/i18n/content.py).
"""

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

from ..extensions import db
from ..i18n.content import TRANSLATABLE_FIELDS, clean_language, clean_translations, default_language
from ..labels import THEMES
from ..models import (
    AwardCategory,
    AwardEdition,
    AwardJudge,
    AwardProgramme,
    AwardSession,
    AwardWinner,
    Project,
)
from ..models.awards import parse_timezone
from ..regions import region_of
from ..search.outbox import enqueue

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Allowed fields of each object, with the longest text each may hold.
PROGRAMME_FIELDS = {"slug": 80, "name": 200, "organiser": 200, "description": 10000}
EDITION_FIELDS = {
    "slug": 80,
    "title": 200,
    "number": None,
    "year": None,
    "description": 10000,
    "cities_recognised": None,
    "ceremony": None,
    "sources": None,
    "language": None,
    "translations": None,
}
CEREMONY_FIELDS = {
    "description": 10000,
    "venue": 200,
    "date": None,
    "start": None,
    "end": None,
    "timezone": 64,
}
CATEGORY_FIELDS = {
    "slug": 80,
    "name": 200,
    "theme": 40,
    "keywords": None,
    "language": None,
    "translations": None,
}
SESSION_FIELDS = {
    "slug": 80,
    "part": 80,
    "title": 300,
    "category": 80,
    "date": None,
    "start": None,
    "end": None,
    "timezone": 64,
    "timezone_assumed": None,
    "notes": 10000,
    "recording_url": 500,
    "slides_url": 500,
}
JUDGE_FIELDS = {"name": 200, "title": 200, "organisation": 200, "role": 80, "part": 80}
WINNER_FIELDS = {
    "category": 80,
    "session": 80,
    "city": 120,
    "country": 2,
    "project_title": 300,
    "project": 120,
    "distinction": 120,
}
DOCUMENT_FIELDS = ("programme", "edition", "categories", "sessions", "judges", "winners")


class AwardImportError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read_documents(path):
    """The edition documents of a JSON file, or AwardImportError for unreadable JSON."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise AwardImportError([("file", f"cannot read the file: {error}")]) from None
    except json.JSONDecodeError as error:
        raise AwardImportError(
            [("file", f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}")]
        ) from None
    return data if isinstance(data, list) else [data]


def import_documents(documents):
    """Validate every document, then upsert them all; returns the editions.

    Raises AwardImportError (and writes nothing) if any document has a problem.
    The caller owns the transaction (begin_write before, commit after).
    """
    problems = [] if documents else [("file", "no edition in the file")]
    for index, document in enumerate(documents):
        prefix = [str(index)] if len(documents) > 1 else []
        problems += [
            (".".join(prefix + [path] if path else prefix) or "file", message)
            for path, message in validate_document(document)
        ]
    if problems:
        raise AwardImportError(problems)
    return [upsert_edition(document) for document in documents]


# Validation ---------------------------------------------------------------


def validate_document(document):
    """Every problem in one edition document, as (field path, message) pairs ('' for the whole)."""
    problems = []
    if not isinstance(document, dict):
        return [("", "must be a JSON object describing one edition")]
    for key in document:
        if key not in DOCUMENT_FIELDS:
            problems.append((key, "unknown field"))

    problems += _check_object(document, "programme", PROGRAMME_FIELDS, required=("slug", "name"))
    problems += _check_object(document, "edition", EDITION_FIELDS, required=("slug", "title"))
    edition = document.get("edition")
    if isinstance(edition, dict):
        problems += _check_edition(edition)
        problems += _check_languages(edition, "edition", "AwardEdition")

    categories = _check_list(
        document, "categories", CATEGORY_FIELDS, ("slug", "name", "theme"), problems
    )
    sessions = _check_list(
        document,
        "sessions",
        SESSION_FIELDS,
        ("slug", "title", "date", "start", "timezone"),
        problems,
    )
    _check_list(document, "judges", JUDGE_FIELDS, ("name",), problems)
    winners = _check_list(
        document,
        "winners",
        WINNER_FIELDS,
        ("category", "city", "country", "project_title"),
        problems,
    )

    category_slugs = _unique_slugs(categories, "categories", problems)
    session_slugs = _unique_slugs(sessions, "sessions", problems)
    for index, category in categories:
        theme = category.get("theme")
        if isinstance(theme, str) and theme and theme not in THEMES:
            problems.append((f"categories.{index}.theme", f"must be one of {', '.join(THEMES)}"))
        problems += _check_string_list(category, "keywords", f"categories.{index}.keywords")
        problems += _check_languages(category, f"categories.{index}", "AwardCategory")
    for index, session in sessions:
        path = f"sessions.{index}"
        problems += _check_reference(session, "category", category_slugs, path, "category")
        problems += _check_schedule(session, path, date_field="date", zone_field="timezone")
        if "timezone_assumed" in session and not isinstance(session["timezone_assumed"], bool):
            problems.append((f"{path}.timezone_assumed", "must be true or false"))
        for field in ("recording_url", "slides_url"):
            problems += _check_url(session, field, f"{path}.{field}")

    project_slugs = [w.get("project") for _, w in winners if isinstance(w.get("project"), str)]
    known_projects = set(
        db.session.scalars(db.select(Project.slug).where(Project.slug.in_(project_slugs)))
    )
    for index, winner in winners:
        path = f"winners.{index}"
        problems += _check_reference(winner, "category", category_slugs, path, "category")
        problems += _check_reference(winner, "session", session_slugs, path, "session")
        country = winner.get("country")
        if isinstance(country, str) and country and region_of(country) is None:
            problems.append(
                (f"{path}.country", f"unknown country code {country!r} (ISO 3166-1 alpha-2)")
            )
        project = winner.get("project")
        if isinstance(project, str) and project and project not in known_projects:
            problems.append((f"{path}.project", f"unknown project slug {project!r}"))
    return sorted(problems, key=_document_order)


def _check_languages(obj, path, model_name):
    """Problems of an object's `language` and `translations` (the catalogue's rules)."""
    language, message = clean_language(obj.get("language"))
    if message:
        return [(f"{path}.language", message)]
    _translations, problems = clean_translations(
        obj.get("translations"), language, TRANSLATABLE_FIELDS[model_name]
    )
    return [(f"{path}.translations" + (f".{sub}" if sub else ""), m) for sub, m in problems]


def _languages(obj, data, model_name):
    """Set a validated object's language (None for the default) and cleaned translations."""
    language = clean_language(data.get("language"))[0]
    obj.language = None if language == default_language() else language
    obj.translations = clean_translations(
        data.get("translations"), language, TRANSLATABLE_FIELDS[model_name]
    )[0]


def _document_order(problem):
    """Sort key: problems in the order of the file's sections and items (stable within an item)."""
    section, _, rest = problem[0].partition(".")
    index = rest.partition(".")[0]
    rank = DOCUMENT_FIELDS.index(section) if section in DOCUMENT_FIELDS else -1
    return rank, int(index) if index.isdigit() else -1


def _check_object(document, key, fields, required):
    value = document.get(key)
    if not isinstance(value, dict):
        return [(key, "required: a JSON object")]
    return _check_fields(value, key, fields, required)


def _check_list(document, key, fields, required, problems):
    """Check a list of objects; returns [(index, object)] for the well-formed ones."""
    value = document.get(key, [])
    if not isinstance(value, list):
        problems.append((key, "must be a JSON array"))
        return []
    checked = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            problems.append((f"{key}.{index}", "must be a JSON object"))
            continue
        problems += _check_fields(item, f"{key}.{index}", fields, required)
        checked.append((index, item))
    return checked


def _check_fields(obj, path, fields, required):
    """Unknown fields, missing required ones, and text fields that are not strings or too long."""
    problems = []
    for key, value in obj.items():
        if key not in fields:
            problems.append((f"{path}.{key}", "unknown field"))
        elif fields[key] is not None and value is not None:
            if not isinstance(value, str):
                problems.append((f"{path}.{key}", "must be a string"))
            elif len(value) > fields[key]:
                problems.append((f"{path}.{key}", f"at most {fields[key]} characters"))
    for key in required:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append((f"{path}.{key}", "required"))
    if isinstance(obj.get("slug"), str) and obj["slug"] and not SLUG.match(obj["slug"]):
        problems.append((f"{path}.slug", "lowercase letters, digits and single hyphens only"))
    return problems


def _check_edition(edition):
    problems = []
    for key, low, high in (
        ("number", 1, 1000),
        ("cities_recognised", 0, 100000),
        ("year", 1900, 2100),
    ):
        value = edition.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high
        ):
            problems.append((f"edition.{key}", f"must be a whole number from {low} to {high}"))
    problems += _check_string_list(edition, "sources", "edition.sources")
    ceremony = edition.get("ceremony")
    if ceremony is not None:
        if not isinstance(ceremony, dict):
            problems.append(("edition.ceremony", "must be a JSON object"))
        else:
            problems += _check_fields(ceremony, "edition.ceremony", CEREMONY_FIELDS, ())
            if any(ceremony.get(key) for key in ("start", "end")) and not ceremony.get("date"):
                problems.append(("edition.ceremony.date", "required when a time is given"))
            if ceremony.get("date") and ceremony.get("start") and not ceremony.get("timezone"):
                problems.append(("edition.ceremony.timezone", "required when a time is given"))
            problems += _check_schedule(ceremony, "edition.ceremony", "date", "timezone")
    return problems


def _check_string_list(obj, key, path):
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return [(path, "must be a JSON array of strings")]
    if any(len(item) > 2000 for item in value):
        return [(path, "each entry at most 2000 characters")]
    return []


def _unique_slugs(items, key, problems):
    slugs = set()
    for index, item in items:
        slug = item.get("slug")
        if isinstance(slug, str) and slug:
            if slug in slugs:
                problems.append((f"{key}.{index}.slug", f"duplicate slug {slug!r}"))
            slugs.add(slug)
    return slugs


def _check_reference(obj, key, known, path, what):
    value = obj.get(key)
    if isinstance(value, str) and value and value not in known:
        return [(f"{path}.{key}", f"no {what} with slug {value!r} in this file")]
    return []


def _check_schedule(obj, path, date_field, zone_field):
    """Date, HH:MM times (end after start) and a known time zone, where present."""
    problems = []
    parsed = {}
    if isinstance(obj.get(date_field), str) and obj[date_field]:
        try:
            parsed[date_field] = dt.date.fromisoformat(obj[date_field])
        except ValueError:
            problems.append((f"{path}.{date_field}", "must be a date as YYYY-MM-DD"))
    for key in ("start", "end"):
        if isinstance(obj.get(key), str) and obj[key]:
            try:
                parsed[key] = parse_time(obj[key])
            except ValueError:
                problems.append((f"{path}.{key}", "must be a time as HH:MM"))
    if "start" in parsed and "end" in parsed and parsed["end"] <= parsed["start"]:
        problems.append((f"{path}.end", "must be after the start"))
    zone = obj.get(zone_field)
    if isinstance(zone, str) and zone:
        try:
            parse_timezone(zone)
        except ValueError:
            problems.append(
                (
                    f"{path}.{zone_field}",
                    "unknown time zone: use an offset such as GMT+9 or a name such as Asia/Seoul",
                )
            )
    return problems


def _check_url(obj, key, path):
    value = obj.get(key)
    if isinstance(value, str) and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return [(path, "must be an http(s) URL")]
    return []


def parse_time(value):
    """HH:MM (24-hour clock) to a time; ValueError otherwise."""
    if not re.fullmatch(r"\d{2}:\d{2}", value):
        raise ValueError(value)
    return dt.time.fromisoformat(value)


# Upsert -------------------------------------------------------------------


def upsert_edition(document):
    """Write one validated document; enqueue the projects whose awards may have changed."""
    # No autoflush: half-updated winners must not be flushed while a query runs.
    with db.session.no_autoflush:
        edition, old_project_ids = _write_edition(document)
    db.session.flush()
    # The project rows themselves do not change, so the outbox would not see this.
    new_project_ids = {winner.project_id for winner in edition.winners}
    enqueue(db.session, "projects", sorted((old_project_ids | new_project_ids) - {None}))
    return edition


def _write_edition(document):
    """Apply the document to new or existing rows; returns (edition, previous winners' project ids)."""
    programme = _by_slug(AwardProgramme, document["programme"]["slug"])
    _assign(programme, document["programme"], ("name", "organiser", "description"))

    data = document["edition"]
    edition = _by_slug(AwardEdition, data["slug"])
    edition.programme = programme
    _assign(edition, data, ("title", "description"))
    _languages(edition, data, "AwardEdition")
    edition.number = data.get("number")
    edition.year = data.get("year")
    edition.cities_recognised = data.get("cities_recognised")
    edition.sources = list(data.get("sources", []))
    ceremony = data.get("ceremony") or {}
    edition.ceremony_description = ceremony.get("description") or ""
    edition.ceremony_venue = ceremony.get("venue") or ""
    edition.ceremony_date = _date(ceremony.get("date"))
    edition.ceremony_start = _time(ceremony.get("start"))
    edition.ceremony_end = _time(ceremony.get("end"))
    edition.ceremony_timezone = ceremony.get("timezone") or ""
    if edition.id is None:
        db.session.add(edition)

    categories = _sync_by_slug(edition.categories, AwardCategory, document.get("categories", []))
    for category, item in categories:
        _assign(category, item, ("name", "theme"))
        _languages(category, item, "AwardCategory")
        category.keywords = list(item.get("keywords", []))
    category_by_slug = {category.slug: category for category, _ in categories}

    sessions = _sync_by_slug(edition.sessions, AwardSession, document.get("sessions", []))
    for session, item in sessions:
        _assign(session, item, ("part", "title", "notes"))
        session.date = _date(item["date"])
        session.start_time = _time(item["start"])
        session.end_time = _time(item.get("end"))
        session.timezone = item["timezone"]
        session.timezone_assumed = bool(item.get("timezone_assumed", False))
        session.category = category_by_slug.get(item.get("category"))
        session.recording_url = item.get("recording_url") or None
        session.slides_url = item.get("slides_url") or None
    session_by_slug = {session.slug: session for session, _ in sessions}

    judges = _sync_by_position(edition.judges, AwardJudge, document.get("judges", []))
    for judge, item in judges:
        _assign(judge, item, ("name", "title", "organisation", "role", "part"))

    old_project_ids = {winner.project_id for winner in edition.winners}
    winners = _sync_by_position(edition.winners, AwardWinner, document.get("winners", []))
    projects = _projects_by_slug(item.get("project") for _, item in winners)
    for winner, item in winners:
        _assign(winner, item, ("city", "project_title"))
        winner.country = item["country"].upper()
        winner.distinction = item.get("distinction") or None
        winner.category = category_by_slug[item["category"]]
        winner.session = session_by_slug.get(item.get("session"))
        winner.project = projects.get(item.get("project"))
    return edition, old_project_ids


def _by_slug(model, slug):
    return db.session.scalar(db.select(model).where(model.slug == slug)) or model(slug=slug)


def _assign(obj, data, fields):
    for field in fields:
        setattr(obj, field, data.get(field) or "")


def _sync_by_slug(current, model, items):
    """Match stored children to `items` by slug; the others are dropped (delete-orphan).

    Returns [(row, item)].
    """
    existing = {row.slug: row for row in current}
    pairs = []
    for position, item in enumerate(items):
        row = existing.get(item["slug"]) or model(slug=item["slug"])
        row.position = position
        pairs.append((row, item))
    current[:] = [row for row, _ in pairs]
    return pairs


def _sync_by_position(current, model, items):
    """Reuse stored children in order, add or drop the rest. Returns [(row, item)]."""
    rows = list(current[: len(items)]) + [model() for _ in items[len(current) :]]
    for position, row in enumerate(rows):
        row.position = position
    current[:] = rows
    return list(zip(rows, items, strict=True))


def _projects_by_slug(slugs):
    wanted = [slug for slug in slugs if slug]
    if not wanted:
        return {}
    return {
        p.slug: p for p in db.session.scalars(db.select(Project).where(Project.slug.in_(wanted)))
    }


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _time(value):
    return parse_time(value) if value else None
