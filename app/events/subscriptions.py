"""Blueprint for "express interest in future events": a double opt-in email list.

1. /events/subscribe: an address and a consent box (the interest form's
   honeypot, signed start time and rate limit; nothing typed is lost). The
   answer is the same page whatever the address's state, so the form tells
   no one who is subscribed.
2. The confirmation email carries a signed link (EVENTS_CONFIRM_MAX_AGE) to a
   page whose button POSTs the confirmation: a mail scanner that opens links
   confirms nothing. The link is single-use (its nonce is cleared).
3. Every email to the list (the confirmation, each announcement) has an
   unsubscribe link and a List-Unsubscribe header (RFC 2369 and the RFC 8058
   one-click POST); the page it opens unsubscribes with one button.
"""

import secrets

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import BooleanField, EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, InputRequired

from ..clock import utcnow
from ..database import begin_write
from ..extensions import csrf, db, limiter
from ..forms import email_validators
from ..interest.public import consume_start_time, fill_time_concern, sign_start_time
from ..mail import queue_email
from ..models import Event, EventSubscription
from ..urls import external_url

bp = Blueprint("event_subscriptions", __name__, url_prefix="/events")

CONFIRM_SALT = "event-subscription-confirm"
# A new confirmation email for the same address at most this often (seconds).
RESEND_INTERVAL = 600


class SubscribeForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=email_validators(InputRequired(_l("Enter your email address."))),
    )
    consent = BooleanField(
        _l("Email me about future events; I can unsubscribe at any time"),
        validators=[DataRequired(_l("Tick the box so that we may email you about events."))],
    )
    website = StringField(
        _l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
    started = HiddenField()


class ButtonForm(FlaskForm):
    """Only the CSRF token: the confirmation button."""


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def confirmation_token(subscription):
    return _serializer().dumps({"s": subscription.id, "n": subscription.confirm_nonce})


def read_confirmation_token(token):
    """(subscription or None, problem): problem is "expired", "invalid", "used" or None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["EVENTS_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    if not isinstance(data, dict):
        return None, "invalid"
    subscription = (
        db.session.get(EventSubscription, data.get("s")) if isinstance(data.get("s"), int) else None
    )
    if subscription is None:
        return None, "invalid"
    if subscription.confirm_nonce is None or not secrets.compare_digest(
        str(subscription.confirm_nonce), str(data.get("n"))
    ):
        return subscription, "used"
    return subscription, None


def unsubscribe_headers(subscription):
    url = external_url("event_subscriptions.unsubscribe", token=subscription.unsubscribe_token)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def queue_list_email(subscription, subject, template, **context):
    """Queue an email to a list address, with the unsubscribe link and headers (the caller commits)."""
    unsubscribe_url = external_url(
        "event_subscriptions.unsubscribe", token=subscription.unsubscribe_token
    )
    body = render_template(template, unsubscribe_url=unsubscribe_url, **context)
    return queue_email(subscription.email, subject, body, headers=unsubscribe_headers(subscription))


def send_confirmation(subscription):
    subscription.confirm_nonce = secrets.token_urlsafe(16)
    subscription.confirmation_sent_at = utcnow()
    db.session.flush()
    queue_list_email(
        subscription,
        _("Confirm: email me about future events"),
        "events/email_confirm_subscription.txt",
        confirm_url=external_url(
            "event_subscriptions.confirm", token=confirmation_token(subscription)
        ),
        max_age_days=current_app.config["EVENTS_CONFIRM_MAX_AGE"] // 86400,
    )


def recently_sent(subscription):
    sent_at = subscription.confirmation_sent_at
    return sent_at is not None and (utcnow() - sent_at).total_seconds() < RESEND_INTERVAL


def subscribe_address(email, spam_reason=None):
    """Record a request to subscribe `email` and queue what it needs (the caller commits).

    New or unsubscribed: pending, and a confirmation email (none when the
    request looks automated). Pending: the confirmation again, at most every
    RESEND_INTERVAL seconds. Confirmed: nothing changes.
    """
    address = email.strip()
    subscription = db.session.scalar(
        db.select(EventSubscription).where(
            db.func.lower(EventSubscription.email) == address.lower()
        )
    )
    if subscription is None:
        subscription = EventSubscription(
            email=address,
            status="pending",
            consent=True,
            unsubscribe_token=secrets.token_urlsafe(32),
        )
        db.session.add(subscription)
    elif subscription.status == "confirmed" or (
        subscription.status == "pending" and recently_sent(subscription)
    ):
        return subscription
    subscription.status = "pending"
    subscription.consent = True
    subscription.suspected_spam = spam_reason is not None
    subscription.spam_reason = spam_reason or ""
    db.session.flush()
    if spam_reason is None:
        send_confirmation(subscription)
    return subscription


def render_subscribe(form, notice=None, status=200):
    return render_template("events/subscribe.html", form=form, notice=notice), status


@bp.errorhandler(429)
def rate_limit_reached(_error):
    notice = _(
        "You have sent several requests in a short time. Please wait a minute, then try again."
    )
    return render_subscribe(SubscribeForm(), notice, status=429)


@bp.route("/subscribe", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so that a failure keeps the typed address
@limiter.limit(lambda: current_app.config["FORM_RATE_LIMIT"], methods=["POST"])
def subscribe():
    form = SubscribeForm()
    if request.method == "GET":
        form.started.data = sign_start_time()
        return render_subscribe(form)
    if form.website.data:
        current_app.logger.warning(
            "Event subscription honeypot filled from %s", request.remote_addr
        )
        return redirect(url_for(".check_inbox"), code=303)
    if not form.validate():
        notice = None
        status = 422
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            status = 400
            notice = _(
                "Your session expired before the form was sent. Nothing is lost: please submit again."
            )
        return render_subscribe(form, notice, status=status)
    spam_reason = fill_time_concern(form.started.data)
    consume_start_time(form.started.data)
    begin_write()
    subscribe_address(form.email.data, spam_reason=spam_reason)
    db.session.commit()
    return redirect(url_for(".check_inbox"), code=303)


@bp.get("/subscribe/check-your-inbox")
def check_inbox():
    return render_template("events/subscribe_sent.html")


def link_problem_page(problem):
    messages = {
        "expired": (
            _(
                "This confirmation link has expired. Nothing was changed: subscribe again to get a new link."
            ),
            410,
        ),
        "used": (
            _(
                "This confirmation link has already been used, or a newer one was sent. Nothing was changed."
            ),
            409,
        ),
        "invalid": (
            _(
                "This confirmation link is not valid. Nothing was changed: check that you copied all of it."
            ),
            404,
        ),
    }
    message, status = messages[problem]
    return render_template("events/subscription_link.html", message=message), status


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """GET shows a button; only its POST confirms (CSRF-checked by CSRFProtect)."""
    if request.method == "POST":
        begin_write()
    subscription, problem = read_confirmation_token(token)
    if problem == "used" and subscription.status == "confirmed":
        return render_template("events/subscription_confirmed.html", already=True)
    if problem:
        return link_problem_page(problem)
    if request.method == "GET":
        return render_template("events/subscription_confirm.html", form=ButtonForm(), token=token)
    subscription.status = "confirmed"
    subscription.confirm_nonce = None
    subscription.confirmed_at = utcnow()
    subscription.suspected_spam = False
    db.session.commit()
    return render_template("events/subscription_confirmed.html", already=False)


def subscription_by_unsubscribe_token(token):
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        db.select(EventSubscription).where(EventSubscription.unsubscribe_token == token)
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no page in between
def unsubscribe(token):
    """GET shows one button; its POST (or a mail client's one-click POST) unsubscribes."""
    if request.method == "POST":
        begin_write()
    subscription = subscription_by_unsubscribe_token(token)
    if subscription is None:
        return render_template(
            "events/subscription_link.html",
            message=_("This unsubscribe link is not valid. Nothing was changed."),
        ), 404
    if request.method == "GET":
        return render_template(
            "events/unsubscribe.html", token=token, done=subscription.status == "unsubscribed"
        )
    if subscription.status != "unsubscribed":
        subscription.status = "unsubscribed"
        subscription.confirm_nonce = None
        subscription.unsubscribed_at = utcnow()
    db.session.commit()
    return render_template("events/unsubscribe.html", token=token, done=True)


def announce_event(event):
    """Email every confirmed address about `event`, once (the caller commits); returns how many."""
    if event.announced_at is not None:
        return 0
    subscriptions = db.session.scalars(
        db.select(EventSubscription)
        .where(EventSubscription.status == "confirmed")
        .order_by(EventSubscription.id)
    ).all()
    event_url = external_url("events.detail", slug=event.slug)
    ics_url = external_url("events.calendar_file", slug=event.slug)
    for subscription in subscriptions:
        queue_list_email(
            subscription,
            _("New event: %(title)s", title=event.title),
            "events/email_announcement.txt",
            event=event,
            event_url=event_url,
            ics_url=ics_url,
        )
    event.announced_at = utcnow()
    return len(subscriptions)


@bp.after_request
def never_store(response):
    """These pages carry an address or a personal link."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def event_by_slug_for_cli(slug):
    return db.session.scalar(db.select(Event).where(Event.slug == slug))


def subscription_records(address):
    """What the events list keeps about an address, for `flask privacy export`."""
    rows = db.session.scalars(
        db.select(EventSubscription).where(
            db.func.lower(EventSubscription.email) == address.strip().lower()
        )
    )
    return [
        {
            "email": row.email,
            "status": row.status,
            "subscribed_at": row.created_at.isoformat(timespec="seconds") + "Z",
            "confirmed_at": row.confirmed_at.isoformat(timespec="seconds") + "Z"
            if row.confirmed_at
            else None,
            "unsubscribed_at": row.unsubscribed_at.isoformat(timespec="seconds") + "Z"
            if row.unsubscribed_at
            else None,
        }
        for row in rows
    ]


def erase_subscription(address):
    """Delete an address from the events list (the caller commits); returns how many rows."""
    rows = db.session.scalars(
        db.select(EventSubscription).where(
            db.func.lower(EventSubscription.email) == address.strip().lower()
        )
    ).all()
    for row in rows:
        db.session.delete(row)
    return len(rows)
