"""Blueprint for /staff/memberships: who may act for a member organisation.

Anyone can register and name an existing member as their organisation, so
that claim alone proves nothing. Until the link is approved, by staff here or
because the registrant's email domain is the member's website domain, the
person can log in and express interest as themselves but cannot propose case
studies under the member's name (`User.acts_for_member`).
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .accounts import EmptyForm
from .auth import staff_required
from .database import begin_write
from .extensions import db
from .mail import queue_email
from .models import User
from .pagination import requested_page

bp = Blueprint("memberships", __name__, url_prefix="/staff/memberships")

PER_PAGE = 50


def website_domain(website):
    """The host of a member's website without "www.", or "" when it has none."""
    host = (urlsplit((website or "").strip()).hostname or "").lower()
    return host.removeprefix("www.")


def email_matches_member(email, member):
    """True when `email` is at the member's website domain (or a subdomain of it)."""
    domain = website_domain(member.website)
    if not domain or "." not in domain:
        return False
    email_domain = (email or "").rpartition("@")[2].lower()
    return email_domain == domain or email_domain.endswith("." + domain)


def claim_status(email, member):
    """The membership status a registrant claiming an existing `member` starts with."""
    return "approved" if email_matches_member(email, member) else "pending"


def pending_claims_count():
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(User)
        .where(User.membership_status == "pending", User.member_id.is_not(None))
    )


@bp.get("/")
@staff_required
def index():
    """Pending claims to act for a member organisation, oldest first."""
    page = requested_page()
    query = (
        db.select(User)
        .where(User.membership_status == "pending", User.member_id.is_not(None))
        .order_by(User.created_at, User.id)
    )
    total = pending_claims_count()
    claims = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "staff/memberships.html",
        claims=claims,
        page=page,
        total=total,
        total_pages=max(1, -(-total // PER_PAGE)),
        page_url=lambda n: url_for("memberships.index", page=n),
        action_form=EmptyForm(),
        website_domain=website_domain,
    )


@bp.post("/<int:user_id>/<any(approve, reject):action>")
@staff_required
def decide(user_id, action):
    if not EmptyForm().validate_on_submit():
        abort(400)
    begin_write()
    user = db.session.get(User, user_id)
    if user is None or user.member is None:
        abort(404)
    if user.membership_status != "pending":
        abort(400, description=_("This claim has already been decided."))
    member = user.member
    if action == "approve":
        user.membership_status = "approved"
        subject = _("You can now act for %(name)s", name=member.name)
        template = "staff/email/membership_approved.txt"
    else:
        user.membership_status = "rejected"
        subject = _("Your link to %(name)s was not confirmed", name=member.name)
        template = "staff/email/membership_rejected.txt"
    queue_email(
        user.email,
        subject,
        render_template(template, user=user, member=member),
    )
    db.session.commit()
    flash(
        _(
            "%(email)s: %(name)s, %(state)s.",
            email=user.email,
            name=member.name,
            state=user.membership_status,
        ),
        "info",
    )
    return redirect(url_for("memberships.index"), code=303)
