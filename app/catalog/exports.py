"""Every search is a feed and a file.

The query string of /projects (``q``, facets, ``sort``) selects the same
projects in each of these, every page of them (at most EXPORT_MAX_ROWS):

- ``/projects.csv?…``  CSV, one row per project; list fields joined with "; ",
  every cell guarded against formulas (app.spreadsheet);
- ``/projects.json?…`` a JSON array of records in the import schema plus
  ``region``, ``url`` and ``licence`` (re-importable with ``flask catalog import``);
- ``/feeds/projects.atom?…`` the newest FEED_SIZE matches as Atom (in app.main).

Files are streamed (rows are written as the search pages are read) and have a
strong ETag over the newest ``updated_at`` of the catalogue and the query, so
a client revalidating an unchanged search gets 304 without the body being built.
"""

import csv
import hashlib
import io
import json

from flask import Blueprint, Response, current_app, request, stream_with_context
from sqlalchemy import func

from ..extensions import db
from ..models import Project
from ..search import search_projects
from ..spreadsheet import spreadsheet_safe
from ..urls import external_url
from .case_study import licence_of
from .io import project_record
from .views import search_from_args

bp = Blueprint("exports", __name__)

PAGE_SIZE = 100
CSV_FIELDS = (
    "slug",
    "title",
    "city",
    "country",
    "region",
    "theme",
    "status",
    "year",
    "summary",
    "technologies",
    "sdgs",
    "programme",
    "population",
    "budget_amount",
    "budget_currency",
    "licence",
    "verified_at",
    "updated_at",
    "url",
)


def matching_projects(args, limit=None):
    """Every published project the search in `args` finds, in its order (bounded)."""
    limit = limit or current_app.config["EXPORT_MAX_ROWS"]
    search = search_from_args(args, PAGE_SIZE)
    query = search.query
    page, seen = 1, 0
    while seen < limit:
        query.page = page
        result = search_projects(query)
        for hit in result.hits:
            if seen >= limit:
                return
            seen += 1
            yield hit.project
        if page >= result.total_pages or not result.hits:
            return
        page += 1


def catalogue_version():
    """(newest updated_at, count) of published projects: changes whenever any export could."""
    published = Project.publication == "published"
    return db.session.execute(
        db.select(func.max(Project.updated_at), func.count(Project.id)).where(published)
    ).one()


def search_etag(kind):
    newest, count = catalogue_version()
    params = sorted((key, value) for key in request.args for value in request.args.getlist(key))
    seed = json.dumps([kind, str(newest), count, params, current_app.config["EXPORT_MAX_ROWS"]])
    return hashlib.sha256(seed.encode()).hexdigest()[:32], newest


def _streamed(kind, mimetype, filename, rows):
    etag, newest = search_etag(kind)
    # The body is given at construction: a Response made empty and filled later
    # keeps the empty body's "Content-Length: 0", and HTTP clients read nothing.
    response = Response(stream_with_context(rows()), mimetype=mimetype)
    response.set_etag(etag)
    if newest is not None:
        response.last_modified = newest.replace(microsecond=0)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)


def csv_row(project):
    budget = project.budget or {}
    values = {
        "slug": project.slug,
        "title": project.title,
        "city": project.city,
        "country": project.country,
        "region": project.region,
        "theme": project.theme,
        "status": project.status,
        "year": project.year,
        "summary": project.summary,
        "technologies": "; ".join(project.technologies or []),
        "sdgs": "; ".join(project.sdgs or []),
        "programme": project.programme,
        "population": project.population,
        "budget_amount": budget.get("amount"),
        "budget_currency": budget.get("currency"),
        "licence": licence_of(project),
        "verified_at": project.verified_at.isoformat() if project.verified_at else "",
        "updated_at": project.updated_at.isoformat(timespec="seconds") + "Z",
        "url": external_url("catalog.detail", slug=project.slug),
    }
    return [spreadsheet_safe(values[name]) for name in CSV_FIELDS]


@bp.get("/projects.csv")
def projects_csv():
    args = request.args.copy()

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_FIELDS)
        for project in matching_projects(args):
            writer.writerow(csv_row(project))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    return _streamed("csv", "text/csv", "projects.csv", rows)


@bp.get("/projects.json")
def projects_json():
    args = request.args.copy()

    def rows():
        yield "["
        for number, project in enumerate(matching_projects(args)):
            record = project_record(project) | {
                "region": project.region,
                "url": external_url("catalog.detail", slug=project.slug),
                "licence": licence_of(project),
            }
            yield ("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False)
        yield "\n]\n"

    return _streamed("json", "application/json", "projects.json", rows)
