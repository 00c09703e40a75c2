"""Blueprint for /account: registration, login, logout, password reset, my submissions.

Sessions: Flask-Login stores "<user id>:<session token>"; rotating the token
(logout, password change or reset, deactivation) ends every session of the
user, so a replayed old cookie no longer logs anyone in.

No page reveals whether an account exists: login, registration and reset
requests answer with the same status and message for known and unknown
addresses, and spend the same Argon2 work either way.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
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
from flask_login import current_user, login_fresh, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from . import limits, login_throttle
from .clock import utcnow
from .database import begin_write
from .extensions import db, login_manager
from .forms import select_choices
from .labels import MEMBER_TYPE_LABELS
from .mail import queue_email
from .models import Interest, Member, Project, ProjectReview, User
from .passwords import burn_verification_time, hash_password, password_problem, verify_password
from .privacy.consent import consent_fields
from .redirects import safe_next
from .regions import country_choices
from .urls import external_url

bp = Blueprint("accounts", __name__, url_prefix="/account")

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

RESET_SALT = "password-reset"
RESET_MAX_AGE = 3600  # seconds a reset link stays valid
VERIFY_SALT = "email-verification"
UNCONFIRMED_NOTICE = _l(
    "Confirm your email address with the link we sent you: until then you cannot "
    "propose case studies for your organisation."
)
MEMBERSHIP_NOTICE = _l(
    "The secretariat has not yet confirmed that you work for your organisation: until then "
    "you cannot propose case studies in its name."
)
VERIFY_MAX_AGE = 48 * 3600  # seconds a confirmation link stays valid
VERIFY_RESEND_INTERVAL = timedelta(minutes=5)  # login re-sends a link at most this often


@login_manager.user_loader
def load_user(session_id):
    """Session ids are "<user id>:<session token>"; a rotated token ends old sessions."""
    user_id, _sep, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def new_session_token():
    return secrets.token_hex(16)


def normalise_email(email):
    return (email or "").strip().lower()


def address_fingerprint(email):
    """A short keyed hash of an address: lets logs correlate attempts without holding the address."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:12]


def find_user(email):
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


# Forms ----------------------------------------------------------------------


def password_policy(_form, field):
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class EmptyForm(FlaskForm):
    """Only the CSRF token: for POST buttons such as log out."""


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class RegistrationForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), password_policy])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    organisation_choice = RadioField(
        _l("Your organisation"),
        choices=select_choices(
            [("existing", _l("It is already a member")), ("new", _l("It is new to the network"))]
        ),
        default="existing",
        validators=[DataRequired()],
    )
    member = SelectField(_l("Member organisation"), coerce=str, validators=[Optional()])
    new_member_name = StringField(_l("Organisation name"), validators=[Optional(), Length(max=200)])
    new_member_type = SelectField(_l("Organisation type"), validators=[Optional()])
    new_member_country = SelectField(_l("Country"), validators=[Optional()])
    consent = BooleanField(
        _l(
            "I agree that the portal keeps my name, email address and organisation to run my account"
        ),
        validators=[DataRequired(_l("Tick the box to create an account."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        members = db.session.scalars(
            db.select(Member).where(Member.status == "approved").order_by(Member.name)
        ).all()
        choose = [("", _("Choose…"))]
        self.member.choices = select_choices(choose + [(m.slug, m.name) for m in members])
        self.new_member_type.choices = select_choices(choose + member_type_choices())
        self.new_member_country.choices = select_choices(choose + country_choices())

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.organisation_choice.data == "existing":
            if not self.member.data:
                self.member.errors.append(_("Choose your organisation."))
                valid = False
        else:
            for field in (self.new_member_name, self.new_member_type, self.new_member_country):
                if not field.data:
                    field.errors.append(_("This field is required."))
                    valid = False
        return valid


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), password_policy])
    password_again = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=1000)]
    )


def member_type_choices():
    return list(MEMBER_TYPE_LABELS.items())


# Password reset tokens -------------------------------------------------------


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user):
    """Changes whenever the password does, so a used (or outdated) link stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_reset_token(user):
    return _serializer().dumps({"user": user.id, "pw": _password_fingerprint(user)})


def user_for_reset_token(token, max_age=RESET_MAX_AGE):
    """The user a valid, unexpired, unused reset token belongs to, else None."""
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(_password_fingerprint(user), str(data.get("pw", ""))):
        return None
    return user


def set_password(user, password):
    """New hash and a new session token: every other session of the user ends."""
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


# Email confirmation tokens ------------------------------------------------------


def _verify_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=VERIFY_SALT)


def _verification_fingerprint(user):
    """Changes once the address is confirmed (or changed), so a used link stops working."""
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    return hashlib.sha256(f"{user.email}|{verified}".encode()).hexdigest()[:32]


def make_verification_token(user):
    return _verify_serializer().dumps({"user": user.id, "v": _verification_fingerprint(user)})


def user_for_verification_token(token, max_age=VERIFY_MAX_AGE):
    """The user a valid, unexpired, unused confirmation token belongs to, else None."""
    try:
        data = _verify_serializer().loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or user.email_verified_at is not None:
        return None
    if not hmac.compare_digest(_verification_fingerprint(user), str(data.get("v", ""))):
        return None
    return user


def queue_verification_email(user):
    """Queue a confirmation link for the user's address (the user must have an id)."""
    user.verification_sent_at = utcnow()
    queue_email(
        user.email,
        _("Confirm your email address for %(site)s", site=current_app.config["SITE_NAME"]),
        render_template(
            "accounts/email/verify.txt",
            user=user,
            verify_url=external_url("accounts.verify_email", token=make_verification_token(user)),
            hours=VERIFY_MAX_AGE // 3600,
        ),
    )


def resend_verification(user_id):
    """Send a new confirmation link unless one went out less than a few minutes ago.

    Commits: it is the write step of the login view.
    """
    begin_write()
    user = db.session.get(User, user_id, populate_existing=True)
    sent = user.verification_sent_at
    if sent is None or utcnow() - sent > VERIFY_RESEND_INTERVAL:
        queue_verification_email(user)
    db.session.commit()


def remember_duration(user):
    """How long "keep me logged in" lasts: shorter for staff, whose sessions can do more."""
    key = "STAFF_REMEMBER_COOKIE_DURATION" if user.is_staff else "REMEMBER_COOKIE_DURATION"
    value = current_app.config[key]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


# Views -----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limits.login_limit_per_ip
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and login_fresh():
        return redirect(next_url or url_for("accounts.index"))
    # A session restored from the remember-me cookie may log in again here:
    # privileged actions ask for it (see app/auth.py).
    form = LoginForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        login_throttle.wait_before_checking(email)  # unknown addresses too: no tell
        user = find_user(email)
        if user is None:
            burn_verification_time(form.password.data)
        elif verify_password(user.password_hash, form.password.data) and user.active:
            unconfirmed = user.email_verified_at is None
            if unconfirmed:
                # Logging in is allowed; acting for the organisation waits for the link.
                resend_verification(user.id)
            session.clear()
            login_user(user, remember=form.remember.data, duration=remember_duration(user))
            if unconfirmed:
                flash(UNCONFIRMED_NOTICE, "info")
            return redirect(next_url or url_for("accounts.index"), code=303)
        login_throttle.record_failure(email)
        current_app.logger.warning(
            "Failed login for address #%s from %s", address_fingerprint(email), request.remote_addr
        )
        form.password.errors.append(_("The email or password is not right."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
@login_required
def logout():
    if not EmptyForm().validate_on_submit():
        abort(400)
    begin_write()
    user = db.session.get(User, current_user.id)
    user.session_token = new_session_token()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@limits.form_limit
def register():
    form = RegistrationForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("accounts/register.html", form=form), status
    begin_write()
    email = normalise_email(form.email.data)
    existing = find_user(email)
    if existing is not None:
        # The same answer and the same work as a new registration (one Argon2
        # hash, one queued email), so timing tells nobody the address is known.
        hash_password(form.password.data)
        queue_email(
            existing.email,
            _("Someone tried to register with your email address"),
            render_template(
                "accounts/email/already_registered.txt",
                user=existing,
                login_url=external_url("accounts.login"),
                reset_url=external_url("accounts.reset_request"),
            ),
        )
    else:
        create_registration(form, email)
    db.session.commit()
    flash(
        _(
            "Thank you. We have sent an email to %(email)s: follow the link in it to confirm "
            "your address, then log in.",
            email=email,
        ),
        "info",
    )
    return redirect(url_for("accounts.login"), code=303)


def create_registration(form, email):
    """Add the user (and a pending member organisation when it is new) and the welcome email.

    The welcome email carries the confirmation link. The account can log in
    at once, but proposes no case study until the link proves the person reads
    mail at that address.
    """
    if form.organisation_choice.data == "existing":
        from .memberships import claim_status

        member = db.session.scalar(
            db.select(Member).where(Member.slug == form.member.data, Member.status == "approved")
        )
        # Naming a member proves nothing: staff approve the claim (or the email domain does).
        membership_status = claim_status(email, member)
    else:
        # A new organisation waits for staff as a whole; its registrant is its first contact.
        membership_status = "approved"
        from .members import unique_member_slug

        member = Member(
            slug=unique_member_slug(form.new_member_name.data),
            name=form.new_member_name.data.strip(),
            type=form.new_member_type.data,
            country=form.new_member_country.data,
            status="pending",
        )
        db.session.add(member)
    user = User(
        email=email,
        name=form.name.data.strip(),
        password_hash=hash_password(form.password.data),
        role="member",
        member=member,
        membership_status=membership_status,
        session_token=new_session_token(),
        **consent_fields(form.consent.label.text),
    )
    db.session.add(user)
    db.session.flush()  # the confirmation token names the user's id
    user.verification_sent_at = utcnow()
    queue_email(
        email,
        _("Welcome to %(site)s", site=current_app.config["SITE_NAME"]),
        render_template(
            "accounts/email/welcome.txt",
            user=user,
            member=member,
            verify_url=external_url("accounts.verify_email", token=make_verification_token(user)),
            hours=VERIFY_MAX_AGE // 3600,
            login_url=external_url("accounts.login"),
        ),
    )
    return user


@bp.get("/verify/<token>")
def verify_email(token):
    """Opening the emailed link confirms the address; a used, expired or forged one says so."""
    if user_for_verification_token(token) is None:
        return render_template("accounts/verify_failed.html"), 400
    begin_write()
    user = user_for_verification_token(token)
    if user is None:  # confirmed meanwhile by another request
        db.session.rollback()
        return render_template("accounts/verify_failed.html"), 400
    user.email_verified_at = utcnow()
    db.session.commit()
    return render_template("accounts/verified.html")


@bp.route("/reset", methods=["GET", "POST"])
@limits.reset_limit_per_ip
@limits.reset_limit_per_email
def reset_request():
    form = ResetRequestForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("accounts/reset_request.html", form=form), status
    begin_write()
    user = find_user(form.email.data)
    if user is not None and user.active:
        queue_email(
            user.email,
            _("Reset your password"),
            render_template(
                "accounts/email/reset.txt",
                user=user,
                reset_url=external_url("accounts.reset_password", token=make_reset_token(user)),
                hours=RESET_MAX_AGE // 3600,
            ),
        )
    db.session.commit()
    flash(
        _(
            "If an account uses that address, we have sent it a link to reset the password. "
            "The link works once, for one hour."
        ),
        "info",
    )
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limits.form_limit
def reset_password(token):
    user = user_for_reset_token(token)
    if user is None:
        flash(
            _("That reset link has expired or has already been used. Ask for a new one."), "error"
        )
        return redirect(url_for("accounts.reset_request"), code=303)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("accounts/reset_password.html", form=form, token=token), status
    begin_write()
    user = user_for_reset_token(token)
    if user is None:
        abort(400)
    set_password(user, form.password.data)
    if user.email_verified_at is None:
        # The link reached the owner of the address: that confirms it too.
        user.email_verified_at = utcnow()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Your password has been changed. Log in with the new one."), "info")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limits.password_check_limit_per_user
@limits.password_check_limit_per_ip
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.current_password.data):
            begin_write()
            user = db.session.get(User, current_user.id)
            set_password(user, form.password.data)
            db.session.commit()
            # This session continues with the new token; every other one has ended.
            session.clear()
            login_user(user)
            flash(_("Your password has been changed. Other sessions have been logged out."), "info")
            return redirect(url_for("accounts.index"), code=303)
        form.current_password.errors.append(_("That is not your current password."))
    status = 400 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status


@bp.get("", strict_slashes=True)
def index_without_slash():
    """/account goes straight to where /account/ would end up: one redirect, not two."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.index"))
    return redirect(url_for(login_manager.login_view, next=url_for("accounts.index")))


@bp.get("/")
@login_required
def index():
    """My account: my organisation and my submissions (proposals and expressions of interest)."""
    proposals = db.session.scalars(
        db.select(Project)
        .where(Project.proposed_by_id == current_user.id)
        .order_by(Project.created_at.desc(), Project.id.desc())
    ).all()
    return render_template(
        "accounts/index.html",
        proposals=proposals,
        interests=my_interests(current_user),
        latest_reviews=latest_reviews([p.id for p in proposals]),
        logout_form=EmptyForm(),
    )


def my_interests(user):
    """The user's expressions of interest, newest first."""
    return db.session.scalars(
        db.select(Interest).where(Interest.user_id == user.id).order_by(Interest.id.desc())
    ).all()


def latest_reviews(project_ids):
    """{project id: its most recent staff review} for showing a rejection reason."""
    if not project_ids:
        return {}
    reviews = db.session.scalars(
        db.select(ProjectReview)
        .where(ProjectReview.project_id.in_(project_ids))
        .order_by(ProjectReview.id)
    ).all()
    return {review.project_id: review for review in reviews}


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def propose():
    """A member proposes a case study: stored as "pending", outside the catalogue and index."""
    from .catalog.forms import ProjectForm
    from .catalog.records import available_project_slug

    if current_user.email_verified_at is None:
        flash(UNCONFIRMED_NOTICE, "error")
        return redirect(url_for("accounts.index"), code=303)
    if current_user.member_id is not None and not current_user.acts_for_member:
        flash(MEMBERSHIP_NOTICE, "error")
        return redirect(url_for("accounts.index"), code=303)
    form = ProjectForm()
    values = form.validated_values()
    if values is None:
        status = 400 if form.errors else 200
        return render_template("accounts/propose.html", form=form), status
    begin_write()
    project = Project(
        **values,
        slug=available_project_slug(values["title"], values["city"]),
        publication="pending",
        member_id=current_user.member_id,
        proposed_by_id=current_user.id,
    )
    db.session.add(project)
    db.session.commit()
    flash(_("Thank you. Your case study waits for review by the secretariat."), "info")
    return redirect(url_for("accounts.proposal", project_id=project.id), code=303)


@bp.get("/proposals/<int:project_id>")
@login_required
def proposal(project_id):
    """One of my proposals; another user's is "not found", not "forbidden"."""
    project = db.session.get(Project, project_id)
    if project is None or project.proposed_by_id != current_user.id:
        abort(404)
    return render_template(
        "accounts/proposal.html",
        project=project,
        review=latest_reviews([project.id]).get(project.id),
    )
