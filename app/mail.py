"""Outbox-backed email.

Views call :func:`queue_email`, which only adds a row to the current
transaction (a request never waits on, or fails because of, an SMTP server).
``flask mail send`` delivers pending rows: over SMTP when ``MAIL_SERVER`` is
configured, otherwise by writing them to the application log (development).
A failed delivery is recorded on the row and retried up to
``MAX_ATTEMPTS`` times.
"""

import smtplib
import time
from email.message import EmailMessage

from flask import current_app

from .clock import utcnow
from .database import begin_write
from .extensions import db
from .models.mail import OutboundEmail

MAX_ATTEMPTS = 5


def queue_email(to, subject, body, headers=None):
    """Add an email to the outbox in the caller's transaction (the caller commits).

    `headers` adds header lines (e.g. ``List-Unsubscribe``) to the message.
    """
    email = OutboundEmail(to=to, subject=subject, body=body, headers=headers or None)
    db.session.add(email)
    return email


def pending_emails(limit=100):
    """Unsent emails that still have attempts left, oldest first."""
    return db.session.scalars(
        db.select(OutboundEmail)
        .where(OutboundEmail.sent_at.is_(None), OutboundEmail.attempts < MAX_ATTEMPTS)
        .order_by(OutboundEmail.id)
        .limit(limit)
    ).all()


def build_message(email, sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    for name, value in (email.headers or {}).items():
        message[name] = value
    message.set_content(email.body)
    return message


def deliver(email):
    """Send one email now: SMTP when configured, else the log. Raises on failure."""
    config = current_app.config
    message = build_message(email, config["MAIL_DEFAULT_SENDER"])
    if not config.get("MAIL_SERVER"):
        # A warning, so that it shows with the default log level in development.
        current_app.logger.warning(
            "MAIL_SERVER is not set; email logged, not sent:\n%s", message.as_string()
        )
        return
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def send_pending(limit=100):
    """Deliver pending emails one by one and record each result; returns (sent, failed).

    The SMTP conversation happens outside any database transaction, so a slow
    mail server never holds SQLite's write lock.
    """
    sent = failed = 0
    emails = pending_emails(limit)
    db.session.expunge_all()
    db.session.commit()
    for email in emails:
        try:
            deliver(email)
        except (OSError, smtplib.SMTPException) as error:
            # The email's id, not its address: logs must not collect personal data.
            current_app.logger.warning("Email %s failed: %s", email.id, error)
            record_attempt(email.id, error=f"{type(error).__name__}: {error}"[:2000])
            failed += 1
        else:
            record_attempt(email.id)
            sent += 1
    return sent, failed


def record_attempt(email_id, error=None):
    """Count one delivery attempt; a success marks the email sent."""
    begin_write()
    email = db.session.get(OutboundEmail, email_id)
    email.attempts += 1
    if error is None:
        email.sent_at = utcnow()
        email.last_error = ""
    else:
        email.last_error = error
    db.session.commit()


def send_forever(interval=5.0):
    """`flask mail send --follow`: keep delivering until interrupted."""
    while True:
        send_pending()
        time.sleep(interval)
