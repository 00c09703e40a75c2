"""Everything kept about an email address, as one JSON-ready dict (the right of access).

Used by `flask privacy export EMAIL` and by "Download my data" on the account
page. Secrets are not data about the person and are left out: the password
hash and session token are reported only as present.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..clock import utcnow
from ..extensions import db
from ..models import Interest, Project
from .consent import consent_record
from .erasure import (
    emails_about,
    interests_of,
    introduction_parties_of,
    normalise,
    subscriptions_of,
    user_of,
)


def _time(value):
    return value.isoformat() if value else None


def account_record(user):
    member = user.member
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "active": user.active,
        "email_confirmed_at": _time(user.email_verified_at),
        "created_at": _time(user.created_at),
        "password": "set (stored only as a one-way hash, not exported)",
        "consent": consent_record(user),
        "member": None
        if member is None
        else {
            "slug": member.slug,
            "name": member.name,
            "type": member.type,
            "country": member.country,
            "status": member.status,
        },
    }


def interest_record(interest):
    return {
        "reference": interest.reference,
        "name": interest.name,
        "email": interest.email,
        "organisation": interest.organization,
        "organisation_type": interest.organization_type,
        "country": interest.country,
        "interest_type": interest.interest_type,
        "case_study": interest.project.slug if interest.project else None,
        "message": interest.message,
        "status": interest.status,
        "suspected_spam": interest.suspected_spam,
        "created_at": _time(interest.created_at),
        "consent": consent_record(interest),
        # The staff log of this submission: status changes and staff notes.
        "staff_log": [
            {
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "text": event.text,
                "at": _time(event.created_at),
            }
            for event in interest.events
        ],
    }


def personal_data(email):
    """Everything kept about the address: account, interests, proposals, subscriptions, introductions, emails."""
    email = normalise(email)
    user = user_of(email)
    interests = interests_of(email, user)
    if interests:
        interests = db.session.scalars(
            sa.select(Interest)
            .where(Interest.id.in_([i.id for i in interests]))
            .options(selectinload(Interest.events), selectinload(Interest.project))
            .order_by(Interest.id)
        ).all()
    proposals = []
    if user is not None:
        proposals = db.session.scalars(
            sa.select(Project).where(Project.proposed_by_id == user.id).order_by(Project.id)
        ).all()
    emails = emails_about(email, interests)
    return {
        "email": email,
        "generated_at": _time(utcnow()),
        "account": account_record(user) if user is not None else None,
        "interests": [interest_record(interest) for interest in interests],
        "proposals": [
            {
                "slug": project.slug,
                "title": project.title,
                "publication": project.publication,
                "created_at": _time(project.created_at),
                "role": "proposed by you",
            }
            for project in proposals
        ],
        "event_subscriptions": [
            {
                "email": subscription.email,
                "status": subscription.status,
                "created_at": _time(subscription.created_at),
                "confirmed_at": _time(subscription.confirmed_at),
                "unsubscribed_at": _time(subscription.unsubscribed_at),
            }
            for subscription in subscriptions_of(email)
        ],
        "introductions": [
            {
                "role": party.role,
                "name": party.name,
                "email": party.email,
                "organisation": party.organisation,
                "response": party.response,
            }
            for party in introduction_parties_of(email)
        ],
        "emails": [
            {
                "to": outbound.to,
                "subject": outbound.subject,
                "body": outbound.body,
                "created_at": _time(outbound.created_at),
                "sent_at": _time(outbound.sent_at),
            }
            for outbound in emails
        ],
    }
