"""Project records in and out: the one validation, import, export and the demo seed.

:func:`clean_project` is the single validation of a project record (a dict in
the DESIGN.md "Project record" schema). `flask catalog import`, `flask seed`,
staff editing and member proposals all go through it. :func:`validate_project`
returns only its problems.

Import files are a JSON array, JSON Lines (one object per line) or CSV with a
header row naming the fields. In CSV, ``technologies`` and ``sdgs`` cells are
``;``-separated (``IoT; Mobile app``); ``organizations`` and ``links`` cells
are JSON-encoded arrays (``[{"name": "SRPOST", "role": "provider"}]``); any
list cell may also be a JSON array; a ``translations`` cell is a JSON object.
Empty cells mean "not given".

An import is all or nothing: every record is validated first, and records
are written in one transaction. A record whose slug exists updates that
project: the fields it gives replace the stored ones, fields it leaves out
are kept.
"""

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask_babel import gettext as _

from .extensions import db
from .i18n.content import TRANSLATABLE_FIELDS, clean_language, clean_translations, default_language
from .models import Project
from .models.catalog import ORGANIZATION_ROLES, STATUSES, THEMES
from .regions import COUNTRY_REGION

REQUIRED_TEXT = {"title": 300, "city": 120, "summary": 1000}
OPTIONAL_TEXT = {"programme": 200, "description": 20000, "outcomes": 20000, "lessons": 20000}
LIST_LIMITS = {"technologies": 30, "organizations": 50, "sdgs": 30, "links": 20}
TECHNOLOGY_MAX = 60
ORGANIZATION_NAME_MAX = 200
LINK_TITLE_MAX = 200
URL_MAX = 2000
SLUG_MAX = 120
YEAR_RANGE = (1800, 2100)

# The record fields, in the order export writes them.
FIELDS = (
    "slug", "title", "city", "country", "theme", "summary", "description", "technologies",
    "status", "year", "organizations", "programme", "sdgs", "outcomes", "lessons", "links",
    "language", "translations",
)
# Read-only fields of an API record: accepted on import and ignored.
DERIVED_FIELDS = ("region", "url", "awards")

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# SDG goals 1-17, optionally a target: "11", "11.2", "11.a", "17.19".
SDG_PATTERN = re.compile(r"(?:1[0-7]|[1-9])(?:\.(?:[1-9][0-9]?|[a-c]))?")

BATCH_SIZE = 1000
DEMO_DATA = Path(__file__).parent / "demo_data" / "projects.json"


# ---------------------------------------------------------------------------
# Validation


def clean_project(record):
    """Validate and normalise one record: return (values, problems).

    `values` holds only the fields the record gives, normalised (text
    stripped, country upper-cased, empty optional fields as "" / None / []);
    `problems` is a list of (field, message). A missing slug is not a
    problem: the importer derives one from the title and city.
    """
    if not isinstance(record, dict):
        return {}, [("record", _("must be an object with the project's fields"))]
    values, problems = {}, []

    for name in record:
        if name not in FIELDS and name not in DERIVED_FIELDS:
            problems.append((str(name)[:60], _("unknown field")))

    slug = record.get("slug")
    if slug not in (None, ""):
        if not isinstance(slug, str):
            problems.append(("slug", _("must be text")))
        elif len(slug) > SLUG_MAX:
            problems.append(("slug", _("must be at most %(n)s characters", n=SLUG_MAX)))
        elif not SLUG_PATTERN.fullmatch(slug):
            problems.append(("slug", _("may contain only lowercase letters, digits and single hyphens")))
        else:
            values["slug"] = slug

    for name, limit in REQUIRED_TEXT.items():
        _text(record, name, limit, values, problems, required=True)
    for name, limit in OPTIONAL_TEXT.items():
        _text(record, name, limit, values, problems, required=False)

    country = record.get("country")
    if country in (None, ""):
        problems.append(("country", _("is required")))
    elif not isinstance(country, str):
        problems.append(("country", _("must be text")))
    elif country.strip().upper() not in COUNTRY_REGION:
        problems.append(("country", _("%(code)r is not an ISO 3166-1 alpha-2 country code", code=country[:10])))
    else:
        values["country"] = country.strip().upper()

    theme = record.get("theme")
    if theme in (None, ""):
        problems.append(("theme", _("is required")))
    elif theme not in THEMES:
        problems.append(("theme", _("must be one of %(values)s", values=", ".join(THEMES))))
    else:
        values["theme"] = theme

    if "status" in record:
        status = record["status"]
        if status in (None, ""):
            values["status"] = None
        elif status not in STATUSES:
            problems.append(("status", _("must be one of %(values)s", values=", ".join(STATUSES))))
        else:
            values["status"] = status

    if "year" in record:
        _year(record["year"], values, problems)

    for name in LIST_LIMITS:
        if name in record:
            _list_field(name, record[name], values, problems)

    _languages(record, values, problems)
    return values, problems


def _languages(record, values, problems):
    """`language` (stored as None for the default language) and `translations`."""
    language, message = clean_language(record.get("language"))
    if message:
        problems.append(("language", message))
        return
    if "language" in record:
        values["language"] = None if language == default_language() else language
    if "translations" in record:
        translations, found = clean_translations(
            record["translations"], language, TRANSLATABLE_FIELDS["Project"]
        )
        problems += [(f"translations.{path}" if path else "translations", m) for path, m in found]
        if not found:
            values["translations"] = translations


def validate_project(record):
    """The problems of one record as a list of (field, message); empty when valid."""
    return clean_project(record)[1]


def _text(record, name, limit, values, problems, required):
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append((name, _("is required")))
        elif name in record:
            values[name] = ""
        return
    if not isinstance(value, str):
        problems.append((name, _("must be text")))
    elif "\x00" in value:
        problems.append((name, _("must not contain NUL characters")))
    elif len(value) > limit:
        problems.append((name, _("must be at most %(n)s characters (it has %(length)s)", n=limit, length=len(value))))
    else:
        values[name] = value.strip()


def _year(year, values, problems):
    if year in (None, ""):
        values["year"] = None
        return
    if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) <= 4:
        year = int(year.strip())
    if isinstance(year, bool) or not isinstance(year, int):
        problems.append(("year", _("must be a whole number")))
    elif not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        problems.append(("year", _("must be between %(low)s and %(high)s", low=YEAR_RANGE[0], high=YEAR_RANGE[1])))
    else:
        values["year"] = year


def _list_field(name, items, values, problems):
    if items in (None, ""):
        values[name] = []
        return
    if not isinstance(items, list):
        problems.append((name, _("must be a list")))
        return
    if len(items) > LIST_LIMITS[name]:
        problems.append((name, _("must have at most %(n)s items", n=LIST_LIMITS[name])))
        return
    check = {
        "technologies": _technology,
        "sdgs": _sdg,
        "organizations": _organization,
        "links": _link,
    }[name]
    cleaned = []
    for position, item in enumerate(items, start=1):
        value, message = check(item)
        if message:
            problems.append((f"{name}[{position}]", message))
        elif value not in cleaned:
            cleaned.append(value)
    values[name] = cleaned


def _short_text(value, limit):
    """(stripped text, None) or (None, message) for a required short string."""
    if not isinstance(value, str) or not value.strip():
        return None, _("must be non-empty text")
    if "\x00" in value:
        return None, _("must not contain NUL characters")
    if len(value.strip()) > limit:
        return None, _("must be at most %(n)s characters", n=limit)
    return value.strip(), None


def _technology(item):
    return _short_text(item, TECHNOLOGY_MAX)


def _sdg(item):
    if isinstance(item, int) and not isinstance(item, bool):
        item = str(item)
    if not isinstance(item, str) or not SDG_PATTERN.fullmatch(item.strip()):
        return None, _('must be an SDG goal or target such as "11" or "11.2"')
    return item.strip(), None


def _organization(item):
    if not isinstance(item, dict):
        return None, _('must be an object {"name": ..., "role": ...}')
    if set(item) - {"name", "role"}:
        return None, _("may only have the keys name and role")
    name, message = _short_text(item.get("name"), ORGANIZATION_NAME_MAX)
    if message:
        return None, _("name %(problem)s", problem=message)
    if item.get("role") not in ORGANIZATION_ROLES:
        return None, _("role must be one of %(values)s", values=", ".join(ORGANIZATION_ROLES))
    return {"name": name, "role": item["role"]}, None


def _link(item):
    if not isinstance(item, dict):
        return None, _('must be an object {"title": ..., "url": ...}')
    if set(item) - {"title", "url"}:
        return None, _("may only have the keys title and url")
    title, message = _short_text(item.get("title"), LINK_TITLE_MAX)
    if message:
        return None, _("title %(problem)s", problem=message)
    url = item.get("url")
    if not isinstance(url, str) or len(url) > URL_MAX or not is_web_url(url.strip()):
        return None, _("url must be an http:// or https:// address")
    return {"title": title, "url": url.strip()}, None


def is_web_url(url):
    """True for an absolute http(s) URL with a host and no whitespace."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", url)


# ---------------------------------------------------------------------------
# Slugs


def slugify(text, max_length=100):
    """ASCII-folded, lowercase, hyphenated: "São Paulo" -> "sao-paulo"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def derive_slug(title, city):
    """The slug of a record that gives none: city and title ("project" if neither folds to ASCII)."""
    city_slug, title_slug = slugify(city, 40), slugify(title, 80)
    if title_slug.startswith(city_slug):
        city_slug = ""
    return "-".join(part for part in (city_slug, title_slug) if part) or "project"


def unique_slug(base, taken):
    """`base`, or `base-2`, `base-3`... whichever is not in `taken`."""
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[: SLUG_MAX - len(str(n)) - 1]}-{n}"
        n += 1
    return slug


def available_slug(title, city):
    """A derived slug no project uses yet (for new projects created in the browser)."""
    base = derive_slug(title, city)
    taken = set(
        db.session.scalars(
            db.select(Project.slug).where(
                db.or_(Project.slug == base, Project.slug.like(f"{base}-%"))
            )
        )
    )
    return unique_slug(base, taken)


# ---------------------------------------------------------------------------
# Reading files


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a per-record problem)."""


@dataclass
class SourceRecord:
    number: int  # 1-based position in the file
    data: object = None
    problems: list = field(default_factory=list)


def read_records(path):
    """Parse an import file into SourceRecords; raise ImportFileError when unreadable."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ImportFileError(f"cannot read the file ({error.strerror})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(f"is not valid UTF-8 (bad byte at offset {error.start})") from error
    if not text.strip():
        raise ImportFileError("is empty")
    first = text.lstrip()[0]
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return _read_csv(text)
    if first == "[":
        return _read_json_array(text)
    if first == "{":
        return _read_json_lines(text)
    if suffix in (".json", ".jsonl", ".ndjson"):
        raise ImportFileError(
            "must hold a JSON array of records ('[...]') or JSON Lines (one object per line)"
        )
    return _read_csv(text)


def _read_json_array(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from error
    except RecursionError as error:
        raise ImportFileError("is not valid JSON (nested too deeply)") from error
    if not isinstance(data, list):
        raise ImportFileError("must hold a JSON array of records")
    return [SourceRecord(number, item) for number, item in enumerate(data, start=1)]


def _read_json_lines(text):
    records = []
    lines = (line for line in text.splitlines() if line.strip())
    for number, line in enumerate(lines, start=1):
        try:
            records.append(SourceRecord(number, json.loads(line)))
        except json.JSONDecodeError as error:
            problem = ("record", f"is not valid JSON ({error.msg} at column {error.colno})")
            records.append(SourceRecord(number, problems=[problem]))
        except RecursionError:
            records.append(SourceRecord(number, problems=[("record", "is nested too deeply")]))
    return records


CSV_LIST_FIELDS = ("technologies", "sdgs")
CSV_JSON_FIELDS = ("organizations", "links")
CSV_OBJECT_FIELDS = ("translations",)


def _read_csv(text):
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00extra")
    try:
        header = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(f"is not valid CSV ({error})") from error
    header = [name.strip() if name else "" for name in header]
    unknown = [name for name in header if name not in FIELDS and name not in DERIVED_FIELDS]
    missing = [name for name in ("title", "city", "country", "theme", "summary") if name not in header]
    if unknown or missing:
        details = []
        if missing:
            details.append("missing columns: " + ", ".join(missing))
        if unknown:
            details.append("unknown columns: " + ", ".join(repr(n[:40]) for n in unknown[:10]))
        raise ImportFileError(
            "needs a CSV header row naming the record fields (" + "; ".join(details) + ")"
        )
    if len(set(header)) != len(header):
        raise ImportFileError("has a CSV header that names a column twice")
    reader_names = reader.fieldnames
    return [_csv_record(number, row, reader_names, header) for number, row in enumerate(rows, 1)]


def _csv_record(number, row, reader_names, header):
    if row.get("\x00extra"):
        return SourceRecord(number, problems=[("record", "has more cells than the header")])
    data, problems = {}, []
    for raw_name, name in zip(reader_names, header, strict=True):
        cell = (row.get(raw_name) or "").strip()
        if not cell:
            continue
        if name in CSV_OBJECT_FIELDS:
            try:
                data[name] = json.loads(cell)
            except (json.JSONDecodeError, RecursionError):
                problems.append((name, "is not a valid JSON object"))
        elif name in CSV_LIST_FIELDS + CSV_JSON_FIELDS and cell.startswith("["):
            try:
                data[name] = json.loads(cell)
            except (json.JSONDecodeError, RecursionError):
                problems.append((name, "is not a valid JSON array"))
        elif name in CSV_JSON_FIELDS:
            problems.append((name, "must be a JSON array in CSV"))
        elif name in CSV_LIST_FIELDS:
            data[name] = [part.strip() for part in cell.split(";") if part.strip()]
        else:
            data[name] = cell
    return SourceRecord(number, data, problems)


# ---------------------------------------------------------------------------
# Importing


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def prepare_records(source_records):
    """Validate every record; give each a slug; return (valid [(number, values)], problems).

    A slug derived from the title and city is made unique within the file
    (a second "Kampala Smart Parking" becomes ``kampala-smart-parking-2``),
    so importing the same file twice updates the same projects. An explicit
    slug given twice in one file is a problem.
    """
    valid, problems = [], []
    seen = set()
    derived = []
    for source in source_records:
        if source.problems:
            problems += [(source.number, f, m) for f, m in source.problems]
            continue
        values, record_problems = clean_project(source.data)
        if "slug" in values:
            if values["slug"] in seen:
                record_problems.append(("slug", f"{values['slug']!r} appears twice in this file"))
            seen.add(values["slug"])
        if record_problems:
            problems += [(source.number, f, m) for f, m in record_problems]
        elif "slug" in values:
            valid.append((source.number, values))
        else:
            derived.append((source.number, values))
    # Derived slugs last, so that they never take a slug the file names explicitly.
    for number, values in derived:
        values["slug"] = unique_slug(derive_slug(values["title"], values["city"]), seen)
        seen.add(values["slug"])
        valid.append((number, values))
    valid.sort(key=lambda item: item[0])
    return valid, problems


def upsert_projects(valid_records, progress=None):
    """Create or update projects by slug inside the caller's transaction (no commit).

    Existing projects are loaded in batches of slugs; new ones are added and
    flushed in batches, so the outbox gets bulk inserts. Returns an ImportResult.
    """
    result = ImportResult()
    for start in range(0, len(valid_records), BATCH_SIZE):
        batch = valid_records[start : start + BATCH_SIZE]
        slugs = [values["slug"] for _number, values in batch]
        existing = {
            project.slug: project
            for project in db.session.scalars(db.select(Project).where(Project.slug.in_(slugs)))
        }
        new_projects = []
        for _number, values in batch:
            project = existing.get(values["slug"])
            if project is None:
                new_projects.append(Project(**_with_defaults(values)))
                result.created += 1
            elif _apply(project, values):
                result.updated += 1
            else:
                result.unchanged += 1
        db.session.add_all(new_projects)
        db.session.flush()
        if progress is not None:
            progress.update(len(batch))
    return result


def _with_defaults(values):
    defaults = {name: "" for name in OPTIONAL_TEXT} | {name: [] for name in LIST_LIMITS}
    return defaults | {"status": None, "year": None, "language": None, "translations": {}} | values


def _apply(project, values):
    """Set the changed fields; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(project, name) != value:
            setattr(project, name, value)
            changed = True
    return changed


def seed_projects():
    """Load the bundled demo projects through the import path; returns an ImportResult.

    Runs inside the caller's transaction. The demo file is part of the code,
    so an invalid record in it is a bug: raise rather than skip.
    """
    records = [SourceRecord(n, data) for n, data in enumerate(load_demo_projects(), start=1)]
    valid, problems = prepare_records(records)
    if problems:
        lines = "; ".join(f"record {n}: {f}: {m}" for n, f, m in problems)
        raise ValueError(f"{DEMO_DATA.name} is invalid: {lines}")
    return upsert_projects(valid)


def load_demo_projects():
    return json.loads(DEMO_DATA.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Exporting


def project_record(project):
    """One project in the import schema (every field, empty ones included)."""
    return {
        "slug": project.slug,
        "title": project.title,
        "city": project.city,
        "country": project.country,
        "theme": project.theme,
        "summary": project.summary,
        "description": project.description or "",
        "technologies": list(project.technologies or []),
        "status": project.status,
        "year": project.year,
        "organizations": list(project.organizations or []),
        "programme": project.programme or "",
        "sdgs": list(project.sdgs or []),
        "outcomes": project.outcomes or "",
        "lessons": project.lessons or "",
        "links": list(project.links or []),
        "language": project.language or default_language(),
        "translations": dict(project.translations or {}),
    }


def export_lines():
    """Every project, oldest first, as JSON Lines (one string per project)."""
    query = db.select(Project).order_by(Project.id).execution_options(yield_per=500)
    for project in db.session.scalars(query):
        yield json.dumps(project_record(project), ensure_ascii=False)
