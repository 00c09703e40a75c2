"""Blueprint for /staff/interest: the staff inbox of expressions of interest, and matchmaking.

Staff search submissions through the staff-only "interest" index (the
database answers when that index is missing), filter, sort and export them,
move each through received → in review → introduced → closed, keep notes,
and see which case studies and member organisations might fit. Suspected
spam (see app/interest.py) is out of the default list and its counts; the
"spam" filter shows it, and staff either clear it ("not spam") or close it.
"""

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, fields, replace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from .auth import staff_required
from .database import begin_write
from .extensions import db
from .forms import select_choices
from .htmx import render
from .interest import notify_staff
from .models import Interest, InterestEvent, Member, Project
from .models.interest import INTEREST_TYPES, ORGANIZATION_TYPES, STATUSES
from .models.introductions import OUTCOMES
from .pagination import requested_page
from .regions import country_choices, country_name
from .search import ProjectQuery, enqueue, related_projects, search_projects
from .search import interest as interest_search

# Its commands form the `flask interest ...` group.
bp = Blueprint("staff_interest", __name__, url_prefix="/staff")
bp.record_once(lambda state: interest_search.init_app(state.app))

SORTS = {
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "organization": _l("Organisation (A–Z)"),
}
SPAM_FILTERS = {
    "": _l("Not suspected spam"),
    "1": _l("Suspected spam only"),
    "all": _l("All, suspected spam included"),
}
REFERENCE = re.compile(r"\s*EOI-\d{4}-(\d{1,12})\s*", re.IGNORECASE)


# ---------------------------------------------------------------- filtering


class InboxFilterForm(FlaskForm):
    """The inbox's GET form: every state of the inbox has a URL."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=500)])
    status = SelectField(_l("Status"))
    interest_type = SelectField(_l("Interest"))
    organization_type = SelectField(_l("Type of organisation"))
    country = SelectField(_l("Country"))
    project = StringField(_l("Case study (slug)"), validators=[Length(max=120)])
    spam = SelectField(_l("Suspected spam"), choices=select_choices(SPAM_FILTERS.items()))
    sort = SelectField(_l("Sort by"), choices=select_choices(SORTS.items()), default="newest")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        any_ = [("", _("Any"))]
        self.status.choices = any_ + [(k, str(v)) for k, v in STATUSES.items()]
        self.interest_type.choices = any_ + [(k, str(v)) for k, v in INTEREST_TYPES.items()]
        self.organization_type.choices = any_ + [(k, str(v)) for k, v in ORGANIZATION_TYPES.items()]
        self.country.choices = any_ + country_choices()


@dataclass
class InboxFilter:
    q: str = ""
    status: str = ""
    interest_type: str = ""
    organization_type: str = ""
    country: str = ""
    project: str = ""
    spam: str = ""  # a key of SPAM_FILTERS
    sort: str = "newest"

    @classmethod
    def from_args(cls, args):
        """Read the query string; values that are not offered are ignored, never an error."""
        allowed = {
            "status": STATUSES,
            "interest_type": INTEREST_TYPES,
            "organization_type": ORGANIZATION_TYPES,
            "spam": SPAM_FILTERS,
            "sort": SORTS,
        }
        values = {}
        for name in (f.name for f in fields(cls)):
            value = args.get(name, "", type=str).strip()
            if name in allowed and value not in allowed[name]:
                value = ""
            if name == "country" and not country_name(value):
                value = ""
            values[name] = value[:500]
        values["sort"] = values["sort"] or "newest"
        return cls(**values)

    def args(self):
        """The non-empty values, for URLs that keep the current filter."""
        return {k: v for k, v in asdict(self).items() if v and not (k == "sort" and v == "newest")}


def filtered_interests(inbox_filter):
    """(the SELECT for `inbox_filter`, whether the text search fell back to the database)."""
    stmt = sa.select(Interest).options(selectinload(Interest.project))
    degraded = False
    text = inbox_filter.q
    reference = REFERENCE.fullmatch(text)
    if not reference and inbox_filter.spam != "all":
        # A reference names one submission: it is found whatever the spam filter says.
        stmt = stmt.where(Interest.suspected_spam.is_(inbox_filter.spam == "1"))
    if reference:
        stmt = stmt.where(Interest.id == int(reference.group(1)))
    elif text:
        ids = interest_search.search_interest_ids(text)
        if ids is None:
            degraded = True
            stmt = stmt.where(*_database_text_clauses(text))
        else:
            stmt = stmt.where(Interest.id.in_(ids))
    for name in ("status", "interest_type", "organization_type", "country"):
        value = getattr(inbox_filter, name)
        if value:
            stmt = stmt.where(getattr(Interest, name) == value)
    if inbox_filter.project:
        stmt = stmt.join(Interest.project).where(Project.slug == inbox_filter.project)
    order = {
        "newest": [Interest.created_at.desc(), Interest.id.desc()],
        "oldest": [Interest.created_at, Interest.id],
        "organization": [sa.func.lower(Interest.organization), Interest.id],
    }[inbox_filter.sort]
    return stmt.order_by(*order), degraded


def _database_text_clauses(text):
    """Every word in one of the text columns (the fallback when the index is unusable)."""
    clauses = []
    for word in re.findall(r"\w+", text)[:32]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            sa.or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        Interest.name,
                        Interest.email,
                        Interest.organization,
                        Interest.message,
                    )
                )
            )
        )
    return clauses


# ---------------------------------------------------------------- export

EXPORT_FIELDS = (
    "reference",
    "submitted_at",
    "status",
    "name",
    "email",
    "organization",
    "organization_type",
    "country",
    "interest_type",
    "project",
    "message",
    "consent",
    "suspected_spam",
    "spam_reason",
)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_record(interest):
    return {
        "reference": interest.reference,
        "submitted_at": interest.created_at.isoformat(timespec="seconds") + "Z",
        "status": interest.status,
        "name": interest.name,
        "email": interest.email,
        "organization": interest.organization,
        "organization_type": interest.organization_type,
        "country": interest.country,
        "interest_type": interest.interest_type,
        "project": interest.project.slug if interest.project else "",
        "message": interest.message,
        "consent": interest.consent,
        "suspected_spam": interest.suspected_spam,
        "spam_reason": interest.spam_reason,
    }


def spreadsheet_safe(value):
    """Text that a spreadsheet shows as text: formula-like cells get a leading quote."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_interests(interests, export_format):
    """The CSV or JSON text of `interests`: the one export, for the inbox and the CLI."""
    records = [export_record(interest) for interest in interests]
    if export_format == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for record in records:
        writer.writerow([spreadsheet_safe(record[name]) for name in EXPORT_FIELDS])
    return buffer.getvalue()


# ---------------------------------------------------------------- workflow


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=select_choices(STATUSES.items()))
    reason = TextAreaField(
        _l("Reason"), validators=[Length(max=2000)], description=_l("Required when closing.")
    )

    def validate_reason(self, field):
        if self.status.data == "closed" and not (field.data or "").strip():
            raise ValidationError(_("Give a reason for closing."))


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Note"), validators=[InputRequired(_l("Write a note.")), Length(max=5000)]
    )


def change_status(interest, status, reason, actor):
    """Move a submission to `status` and log who did it (the caller commits)."""
    interest.events.append(
        InterestEvent(
            kind="status",
            from_status=interest.status,
            to_status=status,
            text=reason.strip(),
            actor_id=actor.id,
        )
    )
    interest.status = status


def mark_not_spam(interest, actor):
    """Clear the suspected-spam mark, log who did it, and tell staff now (the caller commits).

    Only the staff notification is sent, as it would have been on arrival: the
    submitter's automatic copy would now come late and out of the blue, and the
    confirmation page told them no copy is sent; staff write to them in person.
    """
    interest.events.append(
        InterestEvent(kind="not-spam", text=interest.spam_reason, actor_id=actor.id)
    )
    interest.suspected_spam = False
    notify_staff(interest)


def add_note(interest, text, actor):
    """Add a staff note to the timeline and to the staff search (the caller commits)."""
    interest.events.append(InterestEvent(kind="note", text=text.strip(), actor_id=actor.id))
    db.session.flush()
    enqueue(db.session, interest_search.INDEX_NAME, [interest.id])


# ---------------------------------------------------------------- matchmaking

# Who usually answers each kind of interest: a city wanting to replicate
# needs providers and institutions; a supplier needs cities.
COMPLEMENTARY_MEMBER_TYPES = {
    "replicate": ("corporation", "institution"),
    "learn": ("corporation", "institution", "local-government"),
    "supply": ("local-government",),
    "partner": ("local-government", "corporation", "institution"),
    "fund": ("local-government", "corporation", "institution"),
}


@dataclass
class Suggestion:
    item: object  # a Project or a Member
    reason: str


def suggested_projects(interest, limit=5):
    """Case studies that fit the message, the chosen case study's theme and the country."""
    chosen = interest.project
    searches = []
    if chosen is not None:
        searches.append((_("Similar to the chosen case study"), related_projects(chosen, limit)))
        theme_query = ProjectQuery(
            text=interest.message, filters={"theme": [chosen.theme]}, per_page=limit
        )
        searches.append((_("Same theme, fits the message"), _hit_projects(theme_query)))
    searches.append(
        (_("Fits the message"), _hit_projects(ProjectQuery(text=interest.message, per_page=limit)))
    )
    country_query = ProjectQuery(
        filters={"country": [interest.country]}, sort="newest", per_page=limit
    )
    searches.append((_("In the same country"), _hit_projects(country_query)))

    seen = {chosen.id} if chosen is not None else set()
    suggestions = []
    for reason, projects in searches:
        for project in projects:
            if project.id not in seen:
                seen.add(project.id)
                suggestions.append(Suggestion(project, reason))
    return suggestions[:limit]


def _hit_projects(query):
    return [hit.project for hit in search_projects(query).hits]


def suggested_members(interest, projects, limit=6):
    """Member organisations behind the fitting case studies, then members of a fitting type nearby."""
    own_member_id = interest.user.member_id if interest.user else None
    seen = {own_member_id}
    suggestions = []
    for project in ([interest.project] if interest.project else []) + projects:
        member = project.member
        if member is not None and member.status == "approved" and member.id not in seen:
            seen.add(member.id)
            suggestions.append(Suggestion(member, _("Behind “%(title)s”", title=project.title)))
    types = COMPLEMENTARY_MEMBER_TYPES.get(interest.interest_type, ())
    nearby = db.session.scalars(
        sa.select(Member)
        .where(
            Member.status == "approved",
            Member.country == interest.country,
            Member.type.in_(types),
        )
        .order_by(Member.name)
        .limit(limit + len(seen))
    )
    for member in nearby:
        if member.id not in seen:
            seen.add(member.id)
            suggestions.append(Suggestion(member, _("Same country, a fitting type")))
    return suggestions[:limit]


# ---------------------------------------------------------------- views


@bp.after_request
def never_store(response):
    """Every page here shows personal data: never kept by a browser or proxy cache."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def paginate(stmt):
    return db.paginate(
        stmt,
        page=requested_page(),
        per_page=current_app.config["INTEREST_PER_PAGE"],
        error_out=False,
    )


def count_of(stmt):
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))


@bp.get("/interest")
@staff_required
def inbox():
    inbox_filter = InboxFilter.from_args(request.args)
    form = InboxFilterForm(request.args)
    stmt, degraded = filtered_interests(inbox_filter)
    spam_count = None  # how many the same filter hides as suspected spam
    if inbox_filter.spam == "":
        spam_count = count_of(filtered_interests(replace(inbox_filter, spam="1"))[0])
    return render(
        "staff_interest/inbox.html",
        "staff_interest/_results.html",
        form=form,
        inbox_filter=inbox_filter,
        spam_count=spam_count,
        page=paginate(stmt),
        page_url=lambda n: url_for(".inbox", **inbox_filter.args(), page=n),
        degraded=degraded,
    )


@bp.get("/interest/export.<export_format>")
@staff_required
def export(export_format):
    if export_format not in ("csv", "json"):
        abort(404)
    inbox_filter = InboxFilter.from_args(request.args)
    stmt, _degraded = filtered_interests(inbox_filter)
    body = export_interests(db.session.scalars(stmt), export_format)
    mimetype = "text/csv" if export_format == "csv" else "application/json"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f"attachment; filename=expressions-of-interest.{export_format}"
        },
    )


def get_interest_or_404(interest_id):
    interest = db.session.get(Interest, interest_id)
    if interest is None:
        abort(404)
    return interest


def render_detail(interest, status_form=None, note_form=None, status=200):
    suggestions = suggested_projects(interest)
    projects = [s.item for s in suggestions]
    others = []
    if interest.project is not None:
        others = db.session.scalars(
            sa.select(Interest)
            .where(
                Interest.project_id == interest.project_id,
                Interest.id != interest.id,
                Interest.suspected_spam.is_(False),
            )
            .order_by(Interest.created_at.desc(), Interest.id.desc())
            .limit(20)
        ).all()
    return render(
        "staff_interest/detail.html",
        "staff_interest/detail.html",
        status=status,
        interest=interest,
        country=country_name(interest.country),
        status_form=status_form or StatusForm(status=interest.status),
        note_form=note_form or NoteForm(),
        statuses=STATUSES,
        project_suggestions=suggestions,
        member_suggestions=suggested_members(interest, projects),
        others=others,
        outcomes=OUTCOMES,
    )


@bp.get("/interest/<int:interest_id>")
@staff_required
def detail(interest_id):
    return render_detail(get_interest_or_404(interest_id))


@bp.post("/interest/<int:interest_id>/status")
@staff_required
def update_status(interest_id):
    form = StatusForm()
    if not form.validate():
        return render_detail(get_interest_or_404(interest_id), status_form=form)
    begin_write()
    interest = get_interest_or_404(interest_id)
    if form.status.data != interest.status:
        change_status(interest, form.status.data, form.reason.data or "", current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/not-spam")
@staff_required
def not_spam(interest_id):
    """Clear the suspected-spam mark (CSRF is checked by CSRFProtect before this runs)."""
    begin_write()
    interest = get_interest_or_404(interest_id)
    if interest.suspected_spam:
        mark_not_spam(interest, current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/spam")
@staff_required
def close_as_spam(interest_id):
    """Close a suspected-spam submission with the reason "spam"; it stays marked."""
    begin_write()
    interest = get_interest_or_404(interest_id)
    if interest.status != "closed":
        change_status(interest, "closed", "spam", current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/notes")
@staff_required
def create_note(interest_id):
    form = NoteForm()
    if not form.validate():
        return render_detail(get_interest_or_404(interest_id), note_form=form)
    begin_write()
    interest = get_interest_or_404(interest_id)
    add_note(interest, form.note.data, current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.get("/projects/<slug>/interest")
@staff_required
def project_interest(slug):
    project = db.session.scalar(sa.select(Project).where(Project.slug == slug))
    if project is None:
        abort(404)
    inbox_filter = InboxFilter(project=slug)
    stmt, _degraded = filtered_interests(inbox_filter)
    return render(
        "staff_interest/project.html",
        "staff_interest/_results.html",
        project=project,
        inbox_filter=inbox_filter,
        page=paginate(stmt),
        page_url=lambda n: url_for(".project_interest", slug=slug, page=n),
        spam_count=None,
        degraded=False,
    )
