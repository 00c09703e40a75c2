"""Blueprint for the privacy notice, the member's own data, and the staff erasure page.

- ``/privacy``: the notice, with the retention periods read from configuration;
- ``/account/data.json``: "Download my data" (the same JSON as `flask privacy export`);
- ``/account/delete``: "Delete my account", after the password is typed again;
- ``/staff/privacy``: staff erase the data of a person who asked by email
  (a form, then a confirmation page showing what was found), and see the
  privacy log (that erasures and purges happened, never whom they concerned).
"""

import json

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from .. import limits
from ..auth import fresh_login_required, staff_required
from ..database import begin_write
from ..extensions import db
from ..forms import email_validators
from ..models import Project
from ..models.privacy import PrivacyLogEntry
from ..passwords import verify_password
from . import logs
from .consent import NOTICE_LINK_TEXT
from .erasure import emails_about, erase_person, interests_of, scrub_storage, user_of
from .records import personal_data
from .retention import retention_periods

bp = Blueprint("privacy", __name__)


@bp.record_once
def _register_template_globals(state):
    # One source for the sentence beside every consent box and the stored wording.
    state.app.jinja_env.globals["privacy_notice_link_text"] = NOTICE_LINK_TEXT
    logs.init_app(state.app)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Type your password to confirm.")), Length(max=1000)],
    )
    confirm = BooleanField(
        _l("I understand that my account and my personal data are deleted for good"),
        validators=[DataRequired(_l("Tick the box to confirm the deletion."))],
    )


class ErasureRequestForm(FlaskForm):
    email = EmailField(
        _l("Email address of the person"),
        validators=email_validators(
            DataRequired(_l("Enter the email address the person wrote from."))
        ),
    )


class ErasureConfirmForm(FlaskForm):
    email = HiddenField(
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    confirm = BooleanField(
        _l(
            "I have checked that this request comes from the person, and the erasure cannot be undone"
        ),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


@bp.get("/privacy")
def notice():
    config = current_app.config
    return render_template(
        "privacy/notice.html",
        operator=config["PRIVACY_OPERATOR_NAME"],
        contact=config["PRIVACY_CONTACT_EMAIL"],
        retention=retention_periods(),
    )


@bp.get("/account/data.json")
@login_required
@fresh_login_required  # a remember-me session types the password first
def download_my_data():
    """Everything kept about the logged-in person, as a JSON download."""
    data = personal_data(current_user.email)
    db.session.rollback()
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def published_proposals(user):
    return db.session.scalars(
        sa.select(Project)
        .where(Project.proposed_by_id == user.id, Project.publication == "published")
        .order_by(Project.title)
    ).all()


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@fresh_login_required  # a fresh login, then the password once more on the form
@limits.login_limit_per_ip  # the password is checked here too
def delete_account():
    """Delete my account: explain what happens, then the password typed again and a tick."""
    if current_user.is_staff:
        # Staff accounts belong to the operator: an administrator removes them.
        return render_template("privacy/delete_account_staff.html"), 403
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            begin_write()
            erase_person(current_user.email, source="account")
            db.session.commit()
            logout_user()
            session.clear()
            scrub_storage()
            flash(_("Your account and your personal data have been deleted."), "info")
            return redirect(url_for("main.home"), code=303)
        form.password.errors.append(_("That is not your password."))
    if form.errors:
        status = 400
    return render_template(
        "privacy/delete_account.html",
        form=form,
        proposals=published_proposals(current_user),
        interests=interests_of(current_user.email, current_user),
    ), status


def staff_log(limit=50):
    return db.session.scalars(
        sa.select(PrivacyLogEntry).order_by(PrivacyLogEntry.id.desc()).limit(limit)
    ).all()


def found_for(email):
    """What an erasure of `email` would touch, for the confirmation page."""
    user = user_of(email)
    interests = interests_of(email, user)
    return {
        "user": user,
        "interests": len(interests),
        "emails": len(emails_about(email, interests)),
    }


@bp.route("/staff/privacy", methods=["GET", "POST"])
@staff_required
@fresh_login_required
def staff_erasure():
    """Step one: the address the person wrote from; step two: confirm what was found."""
    form = ErasureRequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        confirm_form = ErasureConfirmForm(formdata=None, email=email)
        return render_template(
            "privacy/staff_confirm.html", form=confirm_form, email=email, found=found_for(email)
        )
    status = 400 if form.errors else 200
    return render_template("privacy/staff.html", form=form, log=staff_log()), status


@bp.post("/staff/privacy/erase")
@staff_required
@fresh_login_required
def staff_erase():
    form = ErasureConfirmForm()
    if not form.validate_on_submit():
        email = (form.email.data or "").strip()
        if form.email.errors or form.csrf_token.errors:
            flash(_("Enter the email address again."), "error")
            return redirect(url_for("privacy.staff_erasure"), code=303)
        return render_template(
            "privacy/staff_confirm.html", form=form, email=email, found=found_for(email)
        ), 400
    email = form.email.data.strip()
    target = user_of(email)
    if target is not None and target.is_staff:
        flash(_("Staff accounts are removed by an administrator on the command line."), "error")
        return redirect(url_for("privacy.staff_erasure"), code=303)
    begin_write()
    counts = erase_person(email, source="staff", actor=current_user)
    db.session.commit()
    scrub_storage()
    flash(
        _(
            "Erasure done: %(interests)s expression(s) of interest anonymised, %(emails)s email(s) "
            "deleted, %(accounts)s account(s) deleted.",
            interests=counts["interests"],
            emails=counts["emails"],
            accounts=counts["accounts"],
        ),
        "info",
    )
    return redirect(url_for("privacy.staff_erasure"), code=303)


@bp.after_request
def never_store(response):
    """These pages show or carry personal data (the notice itself is cacheable)."""
    if request.endpoint != "privacy.notice":
        response.headers["Cache-Control"] = "private, no-store"
    return response
