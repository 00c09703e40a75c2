"""Members propose challenges and solutions: /account/challenges/new, /account/solutions/new, /account/matchmaking.

A proposal is stored as "pending", outside the public pages and the index,
until staff publish it. Only a confirmed member acting for an approved
member organisation may propose (see forms.can_propose).
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..database import begin_write
from ..extensions import db
from ..models import Challenge, Solution
from .forms import ChallengeForm, SolutionForm, can_propose, split_commas
from .records import available_slug, set_deployments

bp = Blueprint("matchmaking_proposals", __name__, url_prefix="/account")


def refuse_unless_allowed():
    """A redirect with a message when the user may not propose, else None."""
    if can_propose(current_user):
        return None
    if current_user.email_verified_at is None:
        flash(_("Confirm your email address first: open the link we sent you."), "error")
    else:
        flash(
            _(
                "Only members acting for an approved member organisation can propose challenges and solutions."
            ),
            "error",
        )
    return redirect(url_for("accounts.index"), code=303)


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def propose_challenge():
    refused = refuse_unless_allowed()
    if refused is not None:
        return refused
    form = ChallengeForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("matchmaking/propose.html", form=form, kind="challenge"), status
    begin_write()
    values = form.values()
    challenge = Challenge(
        **values,
        slug=available_slug(Challenge, values["city"], values["title"]),
        member_id=current_user.member_id,
        publication="pending",
        proposed_by_id=current_user.id,
    )
    db.session.add(challenge)
    db.session.commit()
    flash(_("Thank you. Your challenge waits for review by the secretariat."), "info")
    return redirect(url_for(".mine"), code=303)


@bp.route("/solutions/new", methods=["GET", "POST"])
@login_required
def propose_solution():
    refused = refuse_unless_allowed()
    if refused is not None:
        return refused
    form = SolutionForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("matchmaking/propose.html", form=form, kind="solution"), status
    begin_write()
    values = form.values()
    solution = Solution(
        **values,
        slug=available_slug(Solution, values["title"]),
        member_id=current_user.member_id,
        provider=current_user.member.name if current_user.member else "",
        publication="pending",
        proposed_by_id=current_user.id,
    )
    db.session.add(solution)
    db.session.flush()
    set_deployments(solution, split_commas(form.deployed_in.data))
    db.session.commit()
    flash(_("Thank you. Your solution waits for review by the secretariat."), "info")
    return redirect(url_for(".mine"), code=303)


@bp.get("/matchmaking")
@login_required
def mine():
    """My challenge and solution proposals, with their state (and a rejection's reason)."""
    challenges = db.session.scalars(
        db.select(Challenge)
        .where(Challenge.proposed_by_id == current_user.id)
        .order_by(Challenge.id.desc())
    ).all()
    solutions = db.session.scalars(
        db.select(Solution)
        .where(Solution.proposed_by_id == current_user.id)
        .order_by(Solution.id.desc())
    ).all()
    return render_template(
        "matchmaking/mine.html",
        challenges=challenges,
        solutions=solutions,
        may_propose=can_propose(current_user),
    )
