"""Blueprint for /staff: curation of case studies and members; people (admins).

Every route here is for staff and admins only (checked per view with
`staff_required` / `admin_required`). Project changes go through the
catalogue's one validation, and into the search index through the outbox
(automatic for Project). POSTs redirect with 303 (post/redirect/get).
The interest inbox (/staff/interest) lives in its own module.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .accounts import EmptyForm, member_type_choices, new_session_token
from .auth import admin_required, fresh_login_required, staff_required
from .catalog.case_study import review_due_before
from .catalog.forms import ProjectForm
from .database import begin_write
from .extensions import db
from .forms import select_choices
from .labels import MEMBER_STATE_LABELS, USER_ROLE_LABELS
from .mail import queue_email
from .memberships import pending_claims_count
from .models import Member, Project, ProjectReview, User
from .models.catalog import PUBLICATION_STATES
from .pagination import paginate
from .regions import country_choices
from .transitions import Transition, allowed_transition, available_actions
from .urls import external_url

bp = Blueprint("staff", __name__, url_prefix="/staff")

PER_PAGE = 50
MEMBER_STATES = tuple(MEMBER_STATE_LABELS)


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (sent to the member)"), validators=[DataRequired(), Length(max=2000)]
    )


class MemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(_l("Type"), validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[Optional()])
    network = StringField(_l("Network"), validators=[Optional(), Length(max=40)])
    network_role = StringField(_l("Role in the network"), validators=[Optional(), Length(max=120)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = select_choices(member_type_choices())
        self.country.choices = select_choices([("", _("Not given"))] + country_choices())

    def validate_website(self, field):
        from .catalog.records import is_web_url

        if field.data and not is_web_url(field.data.strip()):
            field.errors.append(_("Use an http:// or https:// address."))
            return False
        return True


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=select_choices(USER_ROLE_LABELS.items()))


def listing_by_state(query, state_column, states, endpoint):
    """A staff list filtered by ?state= ("pending" by default, or "all") and paged.

    Returns the page's rows and the template context for the state tabs and pagination.
    """
    states = (*states, "all")
    state = request.args.get("state", "pending")
    if state not in states:
        state = "pending"
    if state != "all":
        query = query.where(state_column == state)
    page = paginate(query, PER_PAGE)
    return page.items, {
        "state": state,
        "states": states,
        "page": page.page,
        "total": page.total,
        "total_pages": page.pages,
        "page_url": lambda n: url_for(endpoint, state=state, page=n),
    }


def notify_proposer(project, subject, template, **context):
    if project.proposed_by_id:
        proposer = db.session.get(User, project.proposed_by_id)
        if proposer is not None:
            queue_email(
                proposer.email, subject, render_template(template, project=project, **context)
            )


# Dashboard ------------------------------------------------------------------


@bp.get("/")
@staff_required
def dashboard():
    def count(model, column, value):
        return db.session.scalar(
            db.select(db.func.count()).select_from(model).where(column == value)
        )

    return render_template(
        "staff/dashboard.html",
        pending_projects=count(Project, Project.publication, "pending"),
        published_projects=count(Project, Project.publication, "published"),
        pending_members=count(Member, Member.status, "pending"),
        approved_members=count(Member, Member.status, "approved"),
        pending_claims=pending_claims_count(),
    )


# Projects -------------------------------------------------------------------


@bp.get("/projects")
@staff_required
def projects():
    """The moderation queue (state=pending, the default) and every other state."""
    query = db.select(Project).order_by(Project.updated_at.desc(), Project.id.desc())
    rows, listing = listing_by_state(
        query, Project.publication, PUBLICATION_STATES, "staff.projects"
    )
    return render_template("staff/projects.html", projects=rows, **listing)


@bp.get("/projects/review")
@staff_required
def needs_review():
    """Published case studies not checked for REVIEW_AFTER_DAYS (or never), the oldest check first."""
    due = review_due_before()
    query = (
        db.select(Project)
        .where(Project.publication == "published")
        .where(db.or_(Project.verified_at.is_(None), Project.verified_at < due))
        .order_by(Project.verified_at.is_not(None), Project.verified_at, Project.id)
    )
    page = paginate(query, PER_PAGE)
    return render_template(
        "staff/needs_review.html",
        projects=page.items,
        due=due,
        page=page.page,
        total=page.total,
        total_pages=page.pages,
        page_url=lambda n: url_for("staff.needs_review", page=n),
    )


@bp.get("/projects/<int:project_id>")
@staff_required
def project(project_id):
    """Review one case study: its fields, its history, and the decisions."""
    return render_project_review(db.get_or_404(Project, project_id), RejectForm())


def render_project_review(project, reject_form, status=200):
    reviews = db.session.scalars(
        db.select(ProjectReview)
        .where(ProjectReview.project_id == project.id)
        .order_by(ProjectReview.id)
    ).all()
    proposer = db.session.get(User, project.proposed_by_id) if project.proposed_by_id else None
    page = render_template(
        "staff/project.html",
        project=project,
        proposer=proposer,
        reviews=reviews,
        reject_form=reject_form,
        action_form=EmptyForm(),
        actions=available_actions(PROJECT_TRANSITIONS, project.publication),
    )
    return page, status


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_project(project_id):
    project = db.get_or_404(Project, project_id)
    form = ProjectForm()
    if request.method == "GET":
        form.fill_from(project)
    values = form.validated_values()
    if values is None:
        status = 400 if form.errors else 200
        return render_template("staff/edit_project.html", form=form, project=project), status
    begin_write()
    project = db.get_or_404(Project, project_id)
    for name, value in values.items():
        setattr(project, name, value)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("staff.project", project_id=project.id), code=303)


PROJECT_TRANSITIONS = {
    "approve": Transition(
        "published", ("pending", "rejected"), _l("Approve and publish"), "approved"
    ),
    "unpublish": Transition("unpublished", ("published",), _l("Unpublish"), "unpublished"),
    "republish": Transition("published", ("unpublished",), _l("Republish"), "republished"),
}


@bp.post("/projects/<int:project_id>/<any(approve, unpublish, republish):action>")
@staff_required
def change_project(project_id, action):
    if not EmptyForm().validate_on_submit():
        abort(400)
    begin_write()
    project = db.get_or_404(Project, project_id)
    refusal = _("This case study is %(state)s.", state=project.publication)
    transition = allowed_transition(PROJECT_TRANSITIONS, action, project.publication, refusal)
    project.publication = publication = transition.to
    db.session.add(
        ProjectReview(project=project, reviewer_id=current_user.id, decision=transition.decision)
    )
    if action == "approve":
        notify_proposer(
            project,
            _("Your case study is published"),
            "staff/email/proposal_approved.txt",
            url=external_url("catalog.index"),
        )
    db.session.commit()
    flash(_("%(title)s is now %(state)s.", title=project.title, state=publication), "info")
    return redirect(url_for("staff.project", project_id=project.id), code=303)


@bp.post("/projects/<int:project_id>/reject")
@staff_required
def reject_project(project_id):
    form = RejectForm()
    if not form.validate_on_submit():
        return render_project_review(db.get_or_404(Project, project_id), form, status=400)
    begin_write()
    project = db.get_or_404(Project, project_id)
    if project.publication != "pending":
        abort(400, description=_("Only a pending proposal can be rejected."))
    project.publication = "rejected"
    db.session.add(
        ProjectReview(
            project=project,
            reviewer_id=current_user.id,
            decision="rejected",
            reason=form.reason.data,
        )
    )
    notify_proposer(
        project,
        _("Your case study proposal"),
        "staff/email/proposal_rejected.txt",
        reason=form.reason.data,
    )
    db.session.commit()
    flash(_("The proposal has been rejected."), "info")
    return redirect(url_for("staff.projects"), code=303)


# Members ----------------------------------------------------------------------


@bp.get("/members")
@staff_required
def members():
    query = db.select(Member).order_by(Member.name, Member.id)
    rows, listing = listing_by_state(query, Member.status, MEMBER_STATES, "staff.members")
    return render_template(
        "staff/members.html",
        members=rows,
        **listing,
        action_form=EmptyForm(),
        actions_for=lambda member: available_actions(MEMBER_TRANSITIONS, member.status),
    )


@bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_member(member_id):
    member = db.get_or_404(Member, member_id)
    form = MemberForm(obj=member)
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("staff/edit_member.html", form=form, member=member), status
    begin_write()
    member = db.get_or_404(Member, member_id)
    for name in ("name", "type", "city", "network", "network_role", "website", "description"):
        setattr(member, name, (getattr(form, name).data or "").strip())
    member.country = form.country.data or None
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for("staff.members", state=member.status), code=303)


MEMBER_TRANSITIONS = {
    "approve": Transition("approved", ("pending",), _l("Approve")),
    "unpublish": Transition("unpublished", ("approved",), _l("Unpublish")),
    "republish": Transition("approved", ("unpublished",), _l("Republish")),
}


@bp.post("/members/<int:member_id>/<any(approve, unpublish, republish):action>")
@staff_required
def change_member(member_id, action):
    if not EmptyForm().validate_on_submit():
        abort(400)
    begin_write()
    member = db.get_or_404(Member, member_id)
    refusal = _("This member is %(state)s.", state=member.status)
    transition = allowed_transition(MEMBER_TRANSITIONS, action, member.status, refusal)
    member.status = status = transition.to
    if action == "approve":
        for user in member.users:
            queue_email(
                user.email,
                _("%(name)s is now a member", name=member.name),
                render_template("staff/email/member_approved.txt", member=member, user=user),
            )
    db.session.commit()
    flash(_("%(name)s is now %(state)s.", name=member.name, state=status), "info")
    return redirect(url_for("staff.members", state=status), code=303)


# People (admins) --------------------------------------------------------------


@bp.get("/users")
@admin_required
def users():
    listing = paginate(db.select(User).order_by(User.email), PER_PAGE)
    return render_template(
        "staff/users.html",
        users=listing.items,
        page=listing.page,
        total=listing.total,
        total_pages=listing.pages,
        page_url=lambda n: url_for("staff.users", page=n),
        role_form=RoleForm(),
        action_form=EmptyForm(),
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
@fresh_login_required
def change_role(user_id):
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    begin_write()
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400, description=_("You cannot change your own role."))
    user.role = form.role.data
    db.session.commit()
    flash(_("%(email)s is now %(role)s.", email=user.email, role=user.role), "info")
    return redirect(url_for("staff.users"), code=303)


@bp.post("/users/<int:user_id>/<any(deactivate, reactivate):action>")
@admin_required
@fresh_login_required
def change_active(user_id, action):
    if not EmptyForm().validate_on_submit():
        abort(400)
    begin_write()
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        abort(400, description=_("You cannot deactivate yourself."))
    user.active = action == "reactivate"
    # Deactivation ends the user's sessions at once.
    user.session_token = new_session_token()
    db.session.commit()
    flash(_("%(email)s: %(action)s done.", email=user.email, action=action), "info")
    return redirect(url_for("staff.users"), code=303)
