"""Blueprint for /staff/interest: the staff inbox of expressions of interest.

Staff search submissions through the staff-only "interest" index (the
database answers when that index is missing), filter, sort and export them,
move each through received → in review → introduced → closed, keep notes,
and see which case studies and member organisations might fit
(app/interest/matchmaking.py). Suspected
spam (see app/interest/public.py) is out of the default list and its counts; the
"spam" filter shows it, and staff either clear it ("not spam") or close it.
"""

import re
from dataclasses import asdict, dataclass, fields, replace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import SelectField, StringField
from wtforms.validators import Length

from ..auth import fresh_login_required, staff_required
from ..database import any_contains, begin_write, contains
from ..extensions import db
from ..forms import select_choices
from ..htmx import render
from ..labels import INTEREST_STATUSES as STATUSES
from ..labels import INTEREST_TYPES, ORGANIZATION_TYPES
from ..matchmaking.suggestions import for_interest as interest_suggestions
from ..models import Interest, Project
from ..models.introductions import OUTCOMES
from ..pagination import paginate
from ..regions import country_choices, country_name
from ..search import interest as interest_search
from .export import export_interests
from .matchmaking import suggested_members
from .workflow import NoteForm, StatusForm, add_note, change_status, mark_not_spam

bp = Blueprint("staff_interest", __name__, url_prefix="/staff")

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
    project = StringField(
        _l("Case study"), validators=[Length(max=120)], render_kw={"list": "project-titles"}
    )
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
        # A title typed (or picked from the suggestions), or a slug from a link.
        text = inbox_filter.project
        stmt = stmt.join(Interest.project).where(
            sa.or_(Project.slug == text, contains(Project.title, text))
        )
    order = {
        "newest": [Interest.created_at.desc(), Interest.id.desc()],
        "oldest": [Interest.created_at, Interest.id],
        "organization": [sa.func.lower(Interest.organization), Interest.id],
    }[inbox_filter.sort]
    return stmt.order_by(*order), degraded


def _database_text_clauses(text):
    """Every word in one of the text columns (the fallback when the index is unusable)."""
    columns = (Interest.name, Interest.email, Interest.organization, Interest.message)
    return [any_contains(columns, word) for word in re.findall(r"\w+", text)[:32]]


# ---------------------------------------------------------------- views


@bp.after_request
def never_store(response):
    """Every page here shows personal data: never kept by a browser or proxy cache."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def inbox_page(stmt):
    return paginate(stmt, current_app.config["INTEREST_PER_PAGE"])


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
        page=inbox_page(stmt),
        page_url=lambda n: url_for(".inbox", **inbox_filter.args(), page=n),
        degraded=degraded,
        project_titles=titles_with_interest(),
    )


def titles_with_interest():
    """The titles of the case studies that have expressions of interest (the filter's suggestions)."""
    return db.session.scalars(
        sa.select(Project.title)
        .join(Interest, Interest.project_id == Project.id)
        .distinct()
        .order_by(Project.title)
        .limit(300)
    ).all()


@bp.get("/interest/export.<export_format>")
@staff_required
@fresh_login_required
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


def render_detail(interest, status_form=None, note_form=None, status=200):
    suggestions = interest_suggestions(interest)
    # The members behind what the interest is aimed at come first, then those behind the suggestions.
    targets = [t for t in (interest.challenge, interest.solution) if t is not None]
    behind = targets + [s.item for s in suggestions.solutions + suggestions.projects]
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
        suggestions=suggestions,
        member_suggestions=suggested_members(interest, behind) if suggestions else [],
        others=others,
        outcomes=OUTCOMES,
    )


@bp.get("/interest/<int:interest_id>")
@staff_required
def detail(interest_id):
    return render_detail(db.get_or_404(Interest, interest_id))


@bp.post("/interest/<int:interest_id>/status")
@staff_required
def update_status(interest_id):
    form = StatusForm()
    if not form.validate():
        return render_detail(db.get_or_404(Interest, interest_id), status_form=form)
    begin_write()
    interest = db.get_or_404(Interest, interest_id)
    if form.status.data != interest.status:
        change_status(interest, form.status.data, form.reason.data or "", current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/not-spam")
@staff_required
def not_spam(interest_id):
    """Clear the suspected-spam mark (CSRF is checked by CSRFProtect before this runs)."""
    begin_write()
    interest = db.get_or_404(Interest, interest_id)
    if interest.suspected_spam:
        mark_not_spam(interest, current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/spam")
@staff_required
def close_as_spam(interest_id):
    """Close a suspected-spam submission with the reason "spam"; it stays marked."""
    begin_write()
    interest = db.get_or_404(Interest, interest_id)
    if interest.status != "closed":
        change_status(interest, "closed", "spam", current_user)
    db.session.commit()
    return redirect(url_for(".detail", interest_id=interest_id), code=303)


@bp.post("/interest/<int:interest_id>/notes")
@staff_required
def create_note(interest_id):
    form = NoteForm()
    if not form.validate():
        return render_detail(db.get_or_404(Interest, interest_id), note_form=form)
    begin_write()
    interest = db.get_or_404(Interest, interest_id)
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
        page=inbox_page(stmt),
        page_url=lambda n: url_for(".project_interest", slug=slug, page=n),
        spam_count=None,
        degraded=False,
    )
