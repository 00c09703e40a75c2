"""Blueprint for /members: the public member directory.

A member's case studies are the published projects whose `member_id` names
it (set by the member's own proposals, by staff, and by the demo seeder where
a seed document makes the link); the free-text organisations list of a
project is not used, so a name that merely appears there links nothing.
"""

from flask import Blueprint, abort, render_template, request, url_for

from .extensions import db
from .htmx import render
from .i18n.countries import sorted_by_name
from .labels import MEMBER_TYPE_LABELS, MEMBER_TYPES, REGIONS
from .models import Member, Project
from .pagination import paginate
from .regions import country_name
from .slugs import available_slug, slugify

bp = Blueprint("members", __name__, url_prefix="/members")

PER_PAGE = 30


def unique_member_slug(name):
    return available_slug(Member.slug, slugify(name, 100) or "member")


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


def directory_page(filters):
    """The requested page of the approved members matching `filters`, by name."""
    query = db.select(Member).where(Member.status == "approved")
    for name, value in filters.items():
        query = query.where(getattr(Member, name) == value)
    return paginate(query.order_by(Member.name, Member.id), PER_PAGE)


@bp.get("")
def index():
    filters = directory_filters(request.args)
    listing = directory_page(filters)
    countries = db.session.scalars(
        db.select(Member.country)
        .where(Member.status == "approved", Member.country.is_not(None))
        .distinct()
    ).all()
    return render(
        "members/index.html",
        "members/_results.html",
        members=listing.items,
        total=listing.total,
        page=listing.page,
        total_pages=listing.pages,
        filters=filters,
        member_types=list(MEMBER_TYPE_LABELS.items()),
        countries=sorted_by_name((code, country_name(code)) for code in countries),
        page_url=lambda n: url_for("members.index", **filters, page=n),
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
    from .matchmaking.outcomes import member_listings

    return render_template(
        "members/detail.html",
        member=member,
        projects=projects,
        **member_listings(member),
    )
