"""Removing a person: anonymising their submissions, deleting their account and emails.

The functions here change rows in the caller's transaction (the caller
commits); :func:`scrub_storage` runs after the commit and makes the removal
real on disk: the search index segments are rewritten and SQLite's WAL is
checkpointed (deleted content is already zeroed by ``secure_delete``, set on
every connection in app/database.py), or PostgreSQL tables are vacuumed.

What stays after an erasure (the statistics): an expression of interest keeps
its organisation type, country, interest type, case study, status, spam mark,
dates and timeline of status changes; a case study a member proposed stays
with the member organisation, without the author.
"""

import logging
import secrets

import sqlalchemy as sa

from ..clock import utcnow
from ..extensions import db
from ..models import (
    EventSubscription,
    Interest,
    InterestEvent,
    Introduction,
    IntroductionParty,
    OutboundEmail,
    Project,
    User,
)
from ..models.privacy import PrivacyLogEntry

log = logging.getLogger(__name__)

# Tables whose rows erasure deletes or rewrites (vacuumed on PostgreSQL afterwards).
AFFECTED_TABLES = (
    "interest",
    "interest_event",
    "outbound_email",
    "user",
    "member",
    "project",
    "event_subscription",
    "introduction",
    "introduction_party",
)
# Indexes that hold personal data and are rewritten after an erasure.
PERSONAL_INDEXES = ("interest",)


def normalise(email):
    """The address in lower case; anything that is not an address is refused.

    An empty string would otherwise match every anonymised row and cleared email.
    """
    address = (email or "").strip().lower()
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        raise ValueError(f"not an email address: {email!r}")
    return address


def anonymise_interest(interest):
    """Remove the person from one submission; its statistics stay (the caller commits).

    Staff notes and closing reasons go too: they are free text about the person.
    """
    interest.name = ""
    interest.email = ""
    interest.organization = ""
    interest.message = ""
    interest.user_id = None
    # The old confirmation link stops working.
    interest.token = secrets.token_urlsafe(32)
    interest.anonymised_at = utcnow()
    for event in interest.events:  # notes and closing reasons
        event.text = ""


def interests_of(email, user=None):
    """Submissions made with the address (any case) or by the account, not yet anonymised."""
    condition = sa.func.lower(Interest.email) == normalise(email)
    if user is not None:
        condition = sa.or_(condition, Interest.user_id == user.id)
    return db.session.scalars(
        sa.select(Interest).where(condition, Interest.anonymised_at.is_(None)).order_by(Interest.id)
    ).all()


def emails_about(email, interests):
    """Outbox rows sent to the address, or about one of its submissions (staff notifications)."""
    email = normalise(email)
    conditions = [
        sa.func.lower(OutboundEmail.to) == email,
        sa.func.lower(OutboundEmail.body).contains(email, autoescape=True),
    ]
    for interest in interests:
        conditions.append(OutboundEmail.subject.contains(interest.reference))
        conditions.append(OutboundEmail.body.contains(interest.reference))
    return db.session.scalars(
        sa.select(OutboundEmail).where(sa.or_(*conditions)).order_by(OutboundEmail.id)
    ).all()


def subscriptions_of(email):
    """Event-announcement subscriptions of the address (any case)."""
    return db.session.scalars(
        sa.select(EventSubscription).where(
            sa.func.lower(EventSubscription.email) == normalise(email)
        )
    ).all()


def introduction_parties_of(email):
    """The person's places in introductions (as sender or as the other party), not yet anonymised."""
    return db.session.scalars(
        sa.select(IntroductionParty).where(
            sa.func.lower(IntroductionParty.email) == normalise(email)
        )
    ).all()


def anonymise_party(party):
    """Remove the person from an introduction; its role, response and outcome stay."""
    party.name = ""
    party.email = ""
    party.organisation = ""
    introduction = db.session.get(Introduction, party.introduction_id)
    if introduction is not None:
        # Staff's words to the parties and the outcome note name them.
        introduction.message = ""
        introduction.outcome_note = ""


def user_of(email):
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == normalise(email)))


def delete_account(user):
    """Delete a user (the caller commits); returns counts of what else changed.

    Their case-study proposals stay with the organisation, unattributed. The
    member organisation goes too when the registration created it and nothing
    else uses it (still pending, no other person, no case study).
    """
    counts = {"accounts": 1, "proposals_unattributed": 0, "organisations": 0}
    # A bulk update adds no search-outbox row: the author is not in any search document.
    result = db.session.execute(
        sa.update(Project).where(Project.proposed_by_id == user.id).values(proposed_by_id=None)
    )
    counts["proposals_unattributed"] = result.rowcount or 0
    # Notes they wrote as staff lose the author, like any deleted account (the FK sets NULL).
    db.session.execute(
        sa.update(InterestEvent).where(InterestEvent.actor_id == user.id).values(actor_id=None)
    )
    member = user.member
    db.session.delete(user)
    db.session.flush()
    if member is not None and member.status == "pending":
        others = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.member_id == member.id)
        )
        projects = db.session.scalar(
            sa.select(sa.func.count()).select_from(Project).where(Project.member_id == member.id)
        )
        if not others and not projects:
            db.session.delete(member)
            counts["organisations"] = 1
    return counts


def erase_person(email, source, actor=None):
    """Remove everything kept about `email`, and log that an erasure happened (the caller commits).

    Returns the counts written to the privacy log: submissions anonymised,
    emails deleted, accounts deleted, proposals left unattributed,
    organisations deleted. The log entry names no one.
    """
    email = normalise(email)
    user = user_of(email)
    interests = interests_of(email, user)
    emails = emails_about(email, interests)
    for interest in interests:
        anonymise_interest(interest)
    for outbound in emails:
        db.session.delete(outbound)
    subscriptions = subscriptions_of(email)
    for subscription in subscriptions:
        db.session.delete(subscription)
    parties = introduction_parties_of(email)
    for party in parties:
        anonymise_party(party)
    counts = {
        "interests": len(interests),
        "emails": len(emails),
        "event_subscriptions": len(subscriptions),
        "introductions": len(parties),
    }
    account_counts = {"accounts": 0, "proposals_unattributed": 0, "organisations": 0}
    if user is not None:
        account_counts = delete_account(user)
    counts.update(account_counts)
    db.session.add(
        PrivacyLogEntry(
            action="erasure",
            source=source,
            actor_id=actor.id if actor is not None and actor is not user else None,
            counts=counts,
        )
    )
    return counts


def scrub_storage(index_names=PERSONAL_INDEXES):
    """After a committed erasure: rewrite the index segments and the database files.

    Returns a short report ({"index_files_removed": n, "database": "..."}).
    The caller has committed the erasure; the session is ended here once more
    because even a read transaction left open (say, by loading current_user)
    would keep SQLite from emptying the WAL.
    """
    from ..search.compaction import compact_index

    db.session.commit()
    removed = 0
    for name in index_names:
        removed += compact_index(name)
    return {"index_files_removed": removed, "database": compact_database()}


def compact_database():
    """Make deleted rows unreadable in the database files, as far as the engine allows.

    SQLite: ``secure_delete`` zeroed the deleted content in the pages; a
    TRUNCATE checkpoint copies the WAL into the database and empties it (the
    WAL still held the pages as they were before the erasure); free pages
    left from before ``secure_delete`` are removed by a VACUUM.
    PostgreSQL: ``VACUUM`` of the affected tables (see README, "Privacy").
    """
    engine = db.engine
    if engine.dialect.name == "sqlite":
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            free_pages = cursor.execute("PRAGMA freelist_count").fetchone()[0]
            if free_pages:
                cursor.execute("VACUUM")
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            cursor.close()
        finally:
            connection.close()
        if busy:
            log.warning("WAL checkpoint after an erasure was blocked by a reader; run it again")
            return "sqlite: checkpoint blocked by a reader"
        return "sqlite: checkpointed" + (", vacuumed" if free_pages else "")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in AFFECTED_TABLES:
                connection.exec_driver_sql(f'VACUUM "{table}"')
        return "postgresql: vacuumed " + ", ".join(AFFECTED_TABLES)
    return f"{engine.dialect.name}: nothing done"
