"""Blueprint for /members: the public member directory, and the member demo data.

A member's case studies are the published projects whose `member_id` names
it (set by the member's own proposals, by staff, and by the demo seeder where
a seed document makes the link); the free-text organisations list of a
project is not used, so a name that merely appears there links nothing.
"""

import json
from pathlib import Path

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from .catalog_io import slugify
from .extensions import db
from .htmx import render
from .i18n.countries import sorted_by_name
from .models import Member, Project
from .models.accounts import MEMBER_TYPES
from .pagination import requested_page
from .regions import REGIONS, country_name

bp = Blueprint("members", __name__, url_prefix="/members")

PER_PAGE = 30
DEMO_DATA = Path(__file__).parent / "demo_data" / "members.json"


def member_type_label(key):
    return {
        "local-government": _("Local government"),
        "corporation": _("Corporation"),
        "institution": _("Institution"),
    }.get(key, key)


def unique_member_slug(name):
    base = slugify(name, 100) or "member"
    taken = set(
        db.session.scalars(
            db.select(Member.slug).where(db.or_(Member.slug == base, Member.slug.like(f"{base}-%")))
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def directory_filters(args):
    """The valid filters of the query string (unknown values are ignored, not errors)."""
    filters = {}
    if args.get("type") in MEMBER_TYPES:
        filters["type"] = args["type"]
    if args.get("region") in REGIONS:
        filters["region"] = args["region"]
    country = (args.get("country") or "").upper()
    if country_name(country):
        filters["country"] = country
    return filters


def directory_page(filters, page):
    """(members on `page`, total) of the approved members matching `filters`, by name."""
    query = db.select(Member).where(Member.status == "approved")
    for name, value in filters.items():
        query = query.where(getattr(Member, name) == value)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    members = db.session.scalars(
        query.order_by(Member.name, Member.id).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return members, total


@bp.get("")
def index():
    filters = directory_filters(request.args)
    page = requested_page()
    members, total = directory_page(filters, page)
    total_pages = max(1, -(-total // PER_PAGE))
    countries = db.session.scalars(
        db.select(Member.country)
        .where(Member.status == "approved", Member.country.is_not(None))
        .distinct()
    ).all()
    return render(
        "members/index.html",
        "members/_results.html",
        members=members,
        total=total,
        page=page,
        total_pages=total_pages,
        filters=filters,
        member_types=[(key, member_type_label(key)) for key in MEMBER_TYPES],
        regions=REGIONS,
        countries=sorted_by_name((code, country_name(code)) for code in countries),
        page_url=lambda n: url_for("members.index", **filters, page=n),
        member_type_label=member_type_label,
        country_name=country_name,
    )


@bp.get("/<slug>")
def detail(slug):
    member = db.session.scalar(
        db.select(Member).where(Member.slug == slug, Member.status == "approved")
    )
    if member is None:
        abort(404)
    projects = db.session.scalars(
        db.select(Project)
        .where(Project.member_id == member.id, Project.publication == "published")
        .order_by(Project.title)
    ).all()
    return render_template(
        "members/detail.html",
        member=member,
        projects=projects,
        member_type_label=member_type_label,
        country_name=country_name,
        regions=REGIONS,
    )


def seed_members(path=DEMO_DATA):
    """Upsert the demo members by slug and link the projects the documents name.

    Runs after the catalogue seeder (the projects must exist); a project slug
    that is missing is skipped. The caller commits. Returns how many members.
    """
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    for record in records:
        project_slugs = record.pop("projects", [])
        member = db.session.scalar(db.select(Member).where(Member.slug == record["slug"]))
        if member is None:
            member = Member(slug=record["slug"])
            db.session.add(member)
        for name, value in record.items():
            setattr(member, name, value)
        db.session.flush()
        if project_slugs:
            projects = db.session.scalars(db.select(Project).where(Project.slug.in_(project_slugs)))
            for project in projects:
                project.member_id = member.id
    return len(records)
