"""Staff moderation of challenges and solutions: /staff/matchmaking/<kind>s[/<id>[/<action>]].

The same workflow as case studies: a member's proposal waits as "pending";
staff publish it, reject it with a reason (sent to the member), unpublish or
republish it, and edit it in any state with the members' proposal form
(``/<id>/edit``; its translations beside it). Every change reaches the
search index through the outbox.
"""

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts import EmptyForm
from ..auth import staff_required
from ..clock import utcnow
from ..database import begin_write
from ..extensions import db
from ..labels import THEME_LABELS
from ..mail import queue_email
from ..models import Challenge, Solution, User
from ..models.catalog import PUBLICATION_STATES
from ..regions import country_name
from ..staff import RejectForm, listing_by_state
from ..transitions import Transition, allowed_transition, available_actions
from ..urls import external_url
from . import suggestions
from .forms import ChallengeForm, SolutionForm
from .records import set_deployments, with_kept_notes

bp = Blueprint("matchmaking_staff", __name__, url_prefix="/staff/matchmaking")

KINDS = {"challenge": Challenge, "solution": Solution}
FORMS = {"challenge": ChallengeForm, "solution": SolutionForm}
KIND_LABELS = {"challenge": _l("Challenges"), "solution": _l("Solutions")}
TRANSITIONS = {
    "publish": Transition("published", ("pending", "rejected"), _l("Publish")),
    "unpublish": Transition("unpublished", ("published",), _l("Unpublish")),
    "republish": Transition("published", ("unpublished",), _l("Republish")),
}


def model_of(kind):
    """The model a URL's kind names (the rules below only ever pass a known one)."""
    model = KINDS.get(kind)
    if model is None:
        abort(404)
    return model


@staff_required
def queue(kind):
    model = model_of(kind)
    query = db.select(model).order_by(model.updated_at.desc(), model.id.desc())
    rows, listing = listing_by_state(
        query, model.publication, PUBLICATION_STATES, endpoint(kind, "queue")
    )
    return render_template(
        "matchmaking/staff_queue.html",
        kind=kind,
        heading=KIND_LABELS[kind],
        rows=rows,
        endpoint=endpoint,
        **listing,
    )


def render_review(kind, row, reject_form, status=200):
    proposer = db.session.get(User, row.proposed_by_id) if row.proposed_by_id else None
    # What it would be matched with once published, and why.
    if kind == "challenge":
        fitting_solutions, fitting_projects = suggestions.for_challenge(row)
        fitting = {"solutions": fitting_solutions, "projects": fitting_projects}
    else:
        fitting = {"challenges": suggestions.for_solution(row)}
    page = render_template(
        "matchmaking/staff_review.html",
        kind=kind,
        row=row,
        proposer=proposer,
        reject_form=reject_form,
        action_form=EmptyForm(),
        theme_labels=THEME_LABELS,
        country_name=country_name,
        endpoint=endpoint,
        fitting=fitting,
        actions=available_actions(TRANSITIONS, row.publication),
    )
    return page, status


@staff_required
def review(kind, row_id):
    return render_review(kind, db.get_or_404(model_of(kind), row_id), RejectForm())


@staff_required
def edit(kind, row_id):
    """The proposal form, prefilled; a save changes the row in whatever state it is in."""
    model = model_of(kind)
    row = db.get_or_404(model, row_id)
    form = FORMS[kind]()
    if not form.is_submitted():
        form.fill_from(row)
    if not form.validate_on_submit():
        return render_edit(kind, row, form, status=422 if form.errors else 200)
    begin_write()
    row = db.get_or_404(model, row_id)
    apply_edit(row, form)
    db.session.commit()
    flash(_("Saved."), "info")
    return redirect(url_for(endpoint(kind, "review"), row_id=row.id), code=303)


def render_edit(kind, row, form, status=200):
    page = render_template(
        "matchmaking/staff_edit.html", kind=kind, row=row, form=form, endpoint=endpoint
    )
    return page, status


def apply_edit(row, form):
    """Set the fields a valid edit form gives on `row` (only those that changed); never commits.

    The slug, the status, the publication and who proposed it stay as they
    are. Changed columns enqueue the row for the index (tracked models);
    a change of a solution's deployments alone enqueues it in
    set_deployments, and counts as an update too.
    """
    values = form.values()
    values["sources"] = with_kept_notes(values["sources"], row.sources)
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if isinstance(row, Solution) and set_deployments(row, form.deployed_slugs()):
        row.updated_at = utcnow()


def notify_proposer(row, subject, body):
    if row.proposed_by_id:
        proposer = db.session.get(User, row.proposed_by_id)
        if proposer is not None:
            queue_email(proposer.email, subject, body)


@staff_required
def change(kind, row_id, action):
    if action not in TRANSITIONS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    model = model_of(kind)
    begin_write()
    row = db.get_or_404(model, row_id)
    refusal = _("This is %(state)s.", state=row.publication)
    publication = allowed_transition(TRANSITIONS, action, row.publication, refusal).to
    row.publication = publication
    if action == "publish":
        row.review_reason = ""
        public_endpoint = "matchmaking.challenge" if kind == "challenge" else "matchmaking.solution"
        notify_proposer(
            row,
            _("Your proposal is published"),
            render_template(
                "matchmaking/email/published.txt",
                row=row,
                url=external_url(public_endpoint, slug=row.slug),
            ),
        )
    db.session.commit()
    flash(_("%(title)s is now %(state)s.", title=row.title, state=publication), "info")
    return redirect(url_for(endpoint(kind, "review"), row_id=row.id), code=303)


@staff_required
def reject(kind, row_id):
    model = model_of(kind)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_review(kind, db.get_or_404(model, row_id), form, status=400)
    begin_write()
    row = db.get_or_404(model, row_id)
    if row.publication != "pending":
        abort(400, description=_("Only a pending proposal can be rejected."))
    row.publication = "rejected"
    row.review_reason = form.reason.data.strip()
    notify_proposer(
        row,
        _("Your proposal"),
        render_template("matchmaking/email/rejected.txt", row=row, reason=row.review_reason),
    )
    db.session.commit()
    flash(_("The proposal has been rejected."), "info")
    return redirect(url_for(endpoint(kind, "queue")), code=303)


# One set of rules and endpoints per kind: /staff/matchmaking/challenges ("challenge_queue",
# "challenge_review", "challenge_edit", "challenge_reject", "challenge_change") and the same
# for solutions.
def _for_kind(view, kind):
    """`view` with its kind bound (a real function, named like the view, as Flask-WTF expects)."""

    @wraps(view)
    def bound(**kwargs):
        return view(kind, **kwargs)

    return bound


for _kind in KINDS:
    _base = f"/{_kind}s"
    bp.add_url_rule(_base, f"{_kind}_queue", _for_kind(queue, _kind), methods=["GET"])
    bp.add_url_rule(
        f"{_base}/<int:row_id>", f"{_kind}_review", _for_kind(review, _kind), methods=["GET"]
    )
    bp.add_url_rule(
        f"{_base}/<int:row_id>/edit",
        f"{_kind}_edit",
        _for_kind(edit, _kind),
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        f"{_base}/<int:row_id>/reject",
        f"{_kind}_reject",
        _for_kind(reject, _kind),
        methods=["POST"],
    )
    bp.add_url_rule(
        f"{_base}/<int:row_id>/<action>",
        f"{_kind}_change",
        _for_kind(change, _kind),
        methods=["POST"],
    )


def endpoint(kind, name):
    """The endpoint of one of the rules above, e.g. endpoint("challenge", "review")."""
    return f"matchmaking_staff.{kind}_{name}"
