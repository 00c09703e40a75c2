"""Blueprint for /interest: the expression-of-interest form and its confirmation page.

The form never loses what someone typed: validation errors, an expired CSRF
token and the rate limit all re-render it with the input kept (in place for
htmx, as a full page without JavaScript). Spam is kept out without a CAPTCHA:

- a honeypot field: filled, it is certainly a bot (a neutral page, nothing stored);
- a signed start time, bound to the visitor's session and good once for at most
  INTEREST_FORM_MAX_AGE seconds: each showing of the form signs a fresh nonce
  kept in the session, and a successful submission consumes it. A submission
  sent faster than INTEREST_MIN_FILL_SECONDS, or without a valid start time
  (missing, forged, expired, from another session or replayed), may still be
  a person with autofill or a
  script, so it is stored like any other, with a reference and the same
  confirmation page, but marked as suspected spam: it stays out of the staff
  inbox's default list and no email goes to the address typed (that would be
  backscatter if a bot typed it) or to staff until staff mark it "not spam";
- a per-client rate limit.

The confirmation email goes to an address a stranger typed, so it carries
none of the stranger's free text (no name, organisation or message: nothing a
spammer could relay), and at most INTEREST_CONFIRMATIONS_PER_ADDRESS of them
go to one address a day.
"""

import secrets
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from ..clock import utcnow
from ..database import begin_write
from ..extensions import csrf, db, limiter
from ..forms import email_validators, select_choices
from ..htmx import is_htmx, render
from ..labels import INTEREST_TYPES, ORGANIZATION_TYPES
from ..mail import queue_email
from ..matchmaking import interest_targets
from ..models import Event, Interest, InterestEvent, Project
from ..privacy.consent import consent_fields
from ..regions import country_choices, country_name
from ..request_limits import max_body

bp = Blueprint("interest", __name__, url_prefix="/interest")

FORM_PAGE = "interest/form.html"
FORM_PARTIAL = "interest/_form.html"


class InterestForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[InputRequired(_l("Enter your name.")), Length(max=200)],
    )
    email = EmailField(
        _l("Email address"),
        validators=email_validators(InputRequired(_l("Enter your email address."))),
    )
    organization = StringField(
        _l("Organisation"),
        validators=[InputRequired(_l("Enter the name of your organisation.")), Length(max=200)],
    )
    organization_type = SelectField(
        _l("Type of organisation"),
        validators=[InputRequired(_l("Choose the type of your organisation."))],
    )
    country = SelectField(_l("Country"), validators=[InputRequired(_l("Choose your country."))])
    interest_type = SelectField(
        _l("What are you interested in?"),
        validators=[InputRequired(_l("Choose what you are interested in."))],
    )
    project = HiddenField(validators=[Length(max=120)])
    challenge = HiddenField(validators=[Length(max=120)])
    solution = HiddenField(validators=[Length(max=120)])
    event = HiddenField(validators=[Length(max=120)])
    message = TextAreaField(
        _l("Your message"),
        validators=[InputRequired(_l("Write a message.")), Length(max=5000)],
    )
    consent = BooleanField(
        _l("The organisers may share my contact with the other party"),
        validators=[
            DataRequired(_l("Tick the box so that we can introduce you to the other party."))
        ],
    )
    # Anti-spam: people leave this empty (it is hidden from view and the tab order).
    website = StringField(
        _l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
    started = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose = [("", _("Choose…"))]
        self.organization_type.choices = select_choices(choose + list(ORGANIZATION_TYPES.items()))
        self.country.choices = select_choices([("", _("Choose a country"))] + country_choices())
        self.interest_type.choices = select_choices(choose + list(INTEREST_TYPES.items()))


def _signer():
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="interest-form-started")


#: Session key of the start-time nonces not yet used (the newest few forms shown).
SENT_KEY = "interest_form_sent"
NONCES_KEY = "interest_nonces"
MAX_OPEN_FORMS = 5


def sign_start_time():
    """A signed timestamp of when the form was shown (the minimum fill time starts here).

    It signs a fresh nonce that is remembered in the session: the value is
    worth nothing in another session, and nothing once it has been used.
    """
    nonce = secrets.token_urlsafe(12)
    session[NONCES_KEY] = (session.get(NONCES_KEY, []) + [nonce])[-MAX_OPEN_FORMS:]
    return _signer().sign(nonce).decode()


def fill_time_concern(started):
    """Why a submission looks automated by its timing, or None when it does not.

    `started` is missing, forged, expired, not this session's (or already
    used), or younger than INTEREST_MIN_FILL_SECONDS. The reason is kept on
    the row for staff, like a log line, in English.
    """
    max_age = current_app.config["INTEREST_FORM_MAX_AGE"]
    try:
        nonce, signed_at = _signer().unsign(started or "", max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        return "sent with an expired start time"
    except BadSignature:
        return "sent without a valid start time" if started else "sent without a start time"
    if nonce.decode() not in session.get(NONCES_KEY, []):
        return "sent with a start time already used or from another session"
    elapsed = (datetime.now(UTC) - signed_at).total_seconds()
    if elapsed < current_app.config["INTEREST_MIN_FILL_SECONDS"]:
        return f"sent {max(elapsed, 0):.1f} s after the form was opened"
    return None


def consume_start_time(started):
    """Forget the nonce of `started`: the same value never passes twice."""
    try:
        nonce = _signer().unsign(started or "").decode()
    except BadSignature:
        return
    remaining = [value for value in session.get(NONCES_KEY, []) if value != nonce]
    session[NONCES_KEY] = remaining


def published_project(slug):
    if not slug:
        return None
    return db.session.scalar(
        db.select(Project).where(Project.slug == slug, Project.publication == "published")
    )


def event_named(slug):
    """The event /interest?event=<slug> is about (every event is public), or None."""
    if not slug:
        return None
    return db.session.scalar(db.select(Event).where(Event.slug == slug))


def prefill_from_account(form):
    """Logged-in members start with their own details."""
    if not current_user.is_authenticated:
        return
    form.name.data = current_user.name
    form.email.data = current_user.email
    member = current_user.member
    if member is not None:
        form.organization.data = member.name
        form.country.data = member.country
        if member.type in ORGANIZATION_TYPES:
            form.organization_type.data = member.type


def render_form(form, project=None, notice=None, status=200):
    event = event_named(form.event.data)
    return render(
        FORM_PAGE,
        FORM_PARTIAL,
        status=status,
        form=form,
        project=project,
        event=event,
        notice=notice,
        **interest_targets.targets_of(form),
    )


@bp.errorhandler(429)
def rate_limit_reached(_error):
    """Past the rate limit: show the form again with everything typed and ask to wait."""
    form = InterestForm()
    notice = _(
        "You have sent several submissions in a short time. Please wait a minute, then submit again."
    )
    current_app.logger.warning("Interest form rate limit reached by %s", request.remote_addr)
    return render_form(form, published_project(form.project.data), notice, status=429)


@bp.route("", methods=["GET", "POST"], endpoint="form")
@csrf.exempt  # the form checks its own token, so that a failure can keep the typed input
@limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])
@max_body("INTEREST_MAX_CONTENT_LENGTH")
def interest_form():
    form = InterestForm()
    if request.method == "GET":
        return show_form(form)

    if form.website.data:
        current_app.logger.warning(
            "Interest form honeypot filled from %s; nothing stored", request.remote_addr
        )
        return render_template("interest/received.html")

    project = published_project(form.project.data)
    notice = None
    if form.event.data and event_named(form.event.data) is None:
        form.event.data = ""
    if form.project.data and project is None:
        form.project.data = ""
        notice = _(
            "The case study you chose is no longer in the catalogue; your interest will be sent as a general one."
        )

    notice = interest_targets.drop_unknown(form) or notice
    if not form.validate():
        # Refused with 4xx either way; htmx is configured to swap 400/422/429 into the page.
        status = 422
        if form.csrf_token.errors:
            # The form was built with a fresh token; ask to send it again.
            form.csrf_token.errors = []
            status = 400
            notice = _(
                "Your session expired before the form was sent. Nothing is lost: please check your details and submit again."
            )
        return render_form(form, project, notice, status=status)

    spam_reason = fill_time_concern(form.started.data)  # timed before waiting for the write lock
    form_id = form_id_of(form)
    consume_start_time(form.started.data)
    remember_sent(form_id)
    begin_write()
    interest = already_sent(form_id)
    if interest is not None:
        db.session.rollback()
        current_app.logger.info("Interest form sent again: %s", interest.reference)
        return thanks_response(interest)
    try:
        interest = submit_interest(form, spam_reason=spam_reason, form_id=form_id)
        db.session.commit()
    except IntegrityError:
        # The same form, sent again while the first request was being stored: the unique form id
        # kept the second row out; answer with the first.
        db.session.rollback()
        interest = already_sent(form_id)
        if interest is None:
            raise
        return thanks_response(interest)
    if interest.suspected_spam:
        current_app.logger.warning(
            "Interest form from %s stored as suspected spam (%s): %s; no email queued",
            request.remote_addr,
            interest.spam_reason,
            interest.reference,
        )

    return thanks_response(interest)


def form_id_of(form):
    """The one-time id of the form sent: the nonce of its signed start time, when this session
    was given it (still open, or already sent from here); else None (no deduplication).

    Sending the same form twice from one browser stores it once; a start time replayed from
    another session is never matched to the first submission (its reference stays private).
    """
    try:
        nonce = _signer().unsign(form.started.data or "").decode()
    except BadSignature:
        return None
    if nonce in session.get(NONCES_KEY, []) or nonce in session.get(SENT_KEY, []):
        return nonce
    return None


def remember_sent(form_id):
    """Keep the ids of the forms this session sent, so that a resend finds its submission."""
    if form_id:
        session[SENT_KEY] = (session.get(SENT_KEY, []) + [form_id])[-MAX_OPEN_FORMS:]


def already_sent(form_id):
    """The submission stored earlier from this very form, if any."""
    if form_id is None:
        return None
    return db.session.scalar(db.select(Interest).where(Interest.form_id == form_id))


def thanks_response(interest):
    """Send the browser to the confirmation page (an htmx redirect, or 303 See Other)."""
    thanks_url = url_for("interest.thanks", token=interest.token)
    if is_htmx():
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = thanks_url
        return response
    return redirect(thanks_url, code=303)


def show_form(form):
    slug = request.args.get("project", "").strip()
    project = published_project(slug)
    notice = None
    if slug and project is None:
        notice = _(
            "We could not find that case study. You can still send a general expression of interest."
        )
    event_slug = request.args.get("event", "").strip()[:120]
    event = event_named(event_slug)
    if event_slug and event is None:
        notice = _(
            "We could not find that event. You can still send a general expression of interest."
        )
    notice = interest_targets.preselect(form, request.args) or notice
    prefill_from_account(form)
    form.project.data = project.slug if project else ""
    form.event.data = event.slug if event else ""
    form.started.data = sign_start_time()
    return render_form(form, project, notice)


def submit_interest(form, spam_reason=None, form_id=None):
    """Store a submission, its first timeline entry and its emails (the caller commits).

    Everything goes into one transaction, so a submission and the emails about
    it are stored together or not at all; `flask mail send` delivers later.
    With a `spam_reason` the submission is stored as suspected spam and no
    email is queued.
    """
    project = published_project(form.project.data)
    interest = Interest(
        token=secrets.token_urlsafe(32),
        name=form.name.data.strip(),
        email=form.email.data.strip(),
        organization=form.organization.data.strip(),
        organization_type=form.organization_type.data,
        country=form.country.data,
        interest_type=form.interest_type.data,
        project=project,
        event=event_named(form.event.data),
        message=form.message.data.strip(),
        consent=True,
        **consent_fields(form.consent.label.text),
        status="received",
        suspected_spam=spam_reason is not None,
        spam_reason=spam_reason or "",
        user_id=current_user.id if current_user.is_authenticated else None,
        **interest_targets.targets_of(form),
        form_id=form_id,
    )
    interest.events.append(InterestEvent(kind="status", to_status="received"))
    db.session.add(interest)
    db.session.flush()  # assigns the id the reference is made of

    if not interest.suspected_spam:
        if (
            confirmations_sent_today(interest)
            < current_app.config["INTEREST_CONFIRMATIONS_PER_ADDRESS"]
        ):
            queue_email(
                interest.email,
                _("Your expression of interest %(reference)s", reference=interest.reference),
                render_template("interest/email_confirmation.txt", **email_context(interest)),
            )
        notify_staff(interest)
    return interest


def confirmations_sent_today(interest):
    """Earlier submissions from the last 24 hours that emailed `interest`'s address (any case)."""
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(Interest)
        .where(
            db.func.lower(Interest.email) == interest.email.lower(),
            Interest.created_at >= since,
            Interest.suspected_spam.is_(False),
            Interest.id != interest.id,
        )
    )


def email_context(interest):
    return {"interest": interest, "country": country_name(interest.country)}


def notify_staff(interest):
    """Queue the new-submission email to INTEREST_NOTIFY_EMAIL, when it is configured."""
    notify = current_app.config.get("INTEREST_NOTIFY_EMAIL")
    if notify:
        queue_email(
            notify,
            _("New expression of interest %(reference)s", reference=interest.reference),
            render_template("interest/email_staff.txt", **email_context(interest)),
        )


@bp.get("/thanks/<token>")
def thanks(token):
    interest = db.session.scalar(db.select(Interest).where(Interest.token == token))
    if interest is None:
        abort(404)
    return render_template("interest/thanks.html", interest=interest)


@bp.after_request
def never_store(response):
    """Every page here can carry personal data (prefilled or typed details, a reference)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response
