"""Project import and export formats: JSON array, JSON Lines and CSV in, JSON Lines out.

Import files are a JSON array, JSON Lines (one object per line) or CSV with a
header row naming the fields. In CSV, ``technologies`` and ``sdgs`` cells are
``;``-separated (``IoT; Mobile app``); ``organizations`` and ``links`` cells
are JSON-encoded arrays (``[{"name": "SRPOST", "role": "provider"}]``); any
list cell may also be a JSON array; a ``translations`` cell is a JSON object.
Empty cells mean "not given".
The records read are validated and written by :mod:`app.catalog.records`.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..extensions import db
from ..i18n.content import default_language
from ..models import Project
from .records import DERIVED_FIELDS, FIELDS

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


CSV_LIST_FIELDS = ("technologies", "sdgs", "replicated_in")
CSV_JSON_FIELDS = ("organizations", "links", "metrics", "images")
CSV_OBJECT_FIELDS = ("translations", "budget", "contact")


def _read_csv(text):
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00extra")
    try:
        header = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as error:
        raise ImportFileError(f"is not valid CSV ({error})") from error
    header = [name.strip() if name else "" for name in header]
    unknown = [name for name in header if name not in FIELDS and name not in DERIVED_FIELDS]
    missing = [
        name for name in ("title", "city", "country", "theme", "summary") if name not in header
    ]
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
        "metrics": list(project.metrics or []),
        "population": project.population,
        "budget": project.budget or None,
        "what_did_not_work": project.what_did_not_work or "",
        "replicated_in": list(project.replicated_in or []),
        "contact": project.contact or None,
        "licence": project.licence,
        "verified_at": project.verified_at.isoformat() if project.verified_at else None,
        "images": list(project.images or []),
    }


def export_lines():
    """Every project, oldest first, as JSON Lines (one string per project)."""
    query = db.select(Project).order_by(Project.id).execution_options(yield_per=500)
    for project in db.session.scalars(query):
        yield json.dumps(project_record(project), ensure_ascii=False)
