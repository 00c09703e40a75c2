"""Retention periods, applied by `flask privacy purge` (safe to run from cron: idempotent).

Each period comes from configuration (days; see README, "Privacy"):

- RETENTION_CLOSED_INTEREST_DAYS: a closed expression of interest is anonymised
  that long after it was closed (statistics stay; see erasure.anonymise_interest);
- RETENTION_SPAM_DAYS: suspected spam is deleted that long after it came in;
- RETENTION_EMAIL_BODY_DAYS: an email sent (or given up on) that long ago loses
  its address and body; the row stays, so counts of emails sent stay right;
- RETENTION_UNCONFIRMED_ACCOUNT_DAYS: an account whose address was never
  confirmed is deleted (with the emails to it) that long after registration.

A second run finds nothing left to do and changes nothing.
"""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..clock import utcnow
from ..extensions import db
from ..mail import MAX_ATTEMPTS
from ..models import Interest, InterestEvent, OutboundEmail, User
from ..models.privacy import PrivacyLogEntry
from .erasure import anonymise_interest, delete_account, emails_about


@dataclass(frozen=True)
class RetentionRule:
    key: str  # the configuration key holding the period in days
    what: str  # what is kept, for the privacy notice
    then: str  # what happens at the end of the period


RULES = (
    RetentionRule(
        "RETENTION_CLOSED_INTEREST_DAYS",
        _l("Expressions of interest, after they are closed"),
        _l(
            "anonymised: your name, email address, organisation and message are removed; the counts stay"
        ),
    ),
    RetentionRule(
        "RETENTION_SPAM_DAYS",
        _l("Submissions held as suspected spam"),
        _l("deleted"),
    ),
    RetentionRule(
        "RETENTION_EMAIL_BODY_DAYS",
        _l("Copies of the emails we send you"),
        _l("the address and the text are deleted"),
    ),
    RetentionRule(
        "RETENTION_UNCONFIRMED_ACCOUNT_DAYS",
        _l("Accounts whose email address was never confirmed"),
        _l("deleted"),
    ),
)


def period(key):
    """A retention period as a timedelta; a non-positive value is refused (it would erase everything)."""
    days = int(current_app.config[key])
    if days < 1:
        raise ValueError(f"{key} must be at least 1 day, not {days}")
    return timedelta(days=days)


def closed_interests_due(now):
    """Closed, not yet anonymised submissions whose closing is older than the period."""
    cutoff = now - period("RETENTION_CLOSED_INTEREST_DAYS")
    closed_at = (
        sa.select(sa.func.max(InterestEvent.created_at))
        .where(InterestEvent.interest_id == Interest.id, InterestEvent.to_status == "closed")
        .scalar_subquery()
    )
    return db.session.scalars(
        sa.select(Interest).where(
            Interest.status == "closed",
            Interest.anonymised_at.is_(None),
            sa.func.coalesce(closed_at, Interest.updated_at) < cutoff,
        )
    ).all()


def spam_due(now):
    cutoff = now - period("RETENTION_SPAM_DAYS")
    return db.session.scalars(
        sa.select(Interest).where(Interest.suspected_spam.is_(True), Interest.created_at < cutoff)
    ).all()


def emails_due(now):
    cutoff = now - period("RETENTION_EMAIL_BODY_DAYS")
    finished = sa.or_(
        OutboundEmail.sent_at < cutoff,
        sa.and_(
            OutboundEmail.sent_at.is_(None),
            OutboundEmail.attempts >= MAX_ATTEMPTS,
            OutboundEmail.created_at < cutoff,
        ),
    )
    return db.session.scalars(
        sa.select(OutboundEmail).where(
            finished, sa.or_(OutboundEmail.body != "", OutboundEmail.to != "")
        )
    ).all()


def unconfirmed_accounts_due(now):
    cutoff = now - period("RETENTION_UNCONFIRMED_ACCOUNT_DAYS")
    return db.session.scalars(
        sa.select(User).where(
            User.email_verified_at.is_(None), User.role == "member", User.created_at < cutoff
        )
    ).all()


def purge(now=None):
    """Apply every retention period (the caller commits); returns counts of what was done.

    A privacy-log entry is written only when something was removed, so cron
    runs that find nothing leave no trace.
    """
    now = now or utcnow()
    spam = spam_due(now)
    for interest in spam:
        db.session.delete(interest)
    db.session.flush()
    closed = closed_interests_due(now)
    for interest in closed:
        anonymise_interest(interest)
    emails = emails_due(now)
    for email in emails:
        email.to = ""
        email.body = ""
    accounts = unconfirmed_accounts_due(now)
    for user in accounts:
        # The welcome email goes with the account: it holds the name and address.
        if "@" in user.email:
            for email in emails_about(user.email, []):
                db.session.delete(email)
        delete_account(user)
    counts = {
        "spam_deleted": len(spam),
        "interests_anonymised": len(closed),
        "emails_cleared": len(emails),
        "accounts_deleted": len(accounts),
    }
    if any(counts.values()):
        db.session.add(PrivacyLogEntry(action="purge", source="cli", counts=counts))
    return counts


def retention_periods():
    """(rule, days) for the privacy notice, read from configuration."""
    return [(rule, int(current_app.config[rule.key])) for rule in RULES]
