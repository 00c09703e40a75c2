"""Project records: the one validation, slugs and the upsert by slug.

:func:`clean_project` is the single validation of a project record (a dict in
the schema of docs/record-schema.md). `flask catalog import`, `flask seed`,
staff editing and member proposals all go through it. :func:`validate_project`
returns only its problems.

An import is all or nothing: every record is validated first
(:func:`prepare_records`), and records are written in one transaction
(:func:`upsert_projects`). A record whose slug exists updates that project:
the fields it gives replace the stored ones, fields it leaves out are kept.
The file formats are read and written by :mod:`app.catalog.io`.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

from ..extensions import db
from ..i18n.content import TRANSLATABLE_FIELDS, clean_language, clean_translations, default_language
from ..labels import ORGANIZATION_ROLES, STATUSES, THEMES
from ..models import Project
from ..regions import COUNTRY_REGION
from ..slugs import SLUG_MAX, available_slug, slugify, unique_slug
from .case_study import case_study_fields

REQUIRED_TEXT = {"title": 300, "city": 120, "summary": 1000}
OPTIONAL_TEXT = {
    "programme": 200,
    "description": 20000,
    "outcomes": 20000,
    "lessons": 20000,
    "what_did_not_work": 20000,
}
LIST_LIMITS = {"technologies": 30, "organizations": 50, "sdgs": 30, "links": 20}
TECHNOLOGY_MAX = 60
ORGANIZATION_NAME_MAX = 200
LINK_TITLE_MAX = 200
URL_MAX = 2000
YEAR_RANGE = (1800, 2100)

# The record fields, in the order export writes them.
FIELDS = (
    "slug",
    "title",
    "city",
    "country",
    "theme",
    "summary",
    "description",
    "technologies",
    "status",
    "year",
    "organizations",
    "programme",
    "sdgs",
    "outcomes",
    "lessons",
    "links",
    "language",
    "translations",
    "metrics",
    "population",
    "budget",
    "what_did_not_work",
    "replicated_in",
    "contact",
    "licence",
    "verified_at",
    "images",
)
# Read-only fields of an API record: accepted on import and ignored.
DERIVED_FIELDS = ("region", "url", "awards", "population_band", "also_deployed_in")

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# SDG goals 1-17, optionally a target: "11", "11.2", "11.a", "17.19".
SDG_PATTERN = re.compile(r"(?:1[0-7]|[1-9])(?:\.(?:[1-9][0-9]?|[a-c]))?")

BATCH_SIZE = 1000


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
            problems.append(
                ("slug", _("may contain only lowercase letters, digits and single hyphens"))
            )
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
        problems.append(
            ("country", _("%(code)r is not an ISO 3166-1 alpha-2 country code", code=country[:10]))
        )
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
    case_study_fields(record, values, problems)
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
        problems.append(
            (
                name,
                _(
                    "must be at most %(n)s characters (it has %(length)s)",
                    n=limit,
                    length=len(value),
                ),
            )
        )
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
        problems.append(
            (
                "year",
                _("must be between %(low)s and %(high)s", low=YEAR_RANGE[0], high=YEAR_RANGE[1]),
            )
        )
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


def derive_slug(title, city):
    """The slug of a record that gives none: city and title ("project" if neither folds to ASCII)."""
    city_slug, title_slug = slugify(city, 40), slugify(title, 80)
    if title_slug.startswith(city_slug):
        city_slug = ""
    return "-".join(part for part in (city_slug, title_slug) if part) or "project"


def available_project_slug(title, city):
    """A derived slug no project uses yet (for new projects created in the browser)."""
    return available_slug(Project.slug, derive_slug(title, city))


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
    defaults |= {"metrics": [], "replicated_in": [], "images": []}
    return defaults | {"status": None, "year": None, "language": None, "translations": {}} | values


def _apply(project, values):
    """Set the changed fields; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(project, name) != value:
            setattr(project, name, value)
            changed = True
    return changed
