"""The life of an expression of interest: status changes, spam clearing and notes.

Each change adds an event to the submission's timeline naming who made it;
the caller owns the transaction.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from ..extensions import db
from ..forms import select_choices
from ..labels import INTEREST_STATUSES as STATUSES
from ..models import InterestEvent
from ..search import enqueue
from ..search import interest as interest_search
from .public import notify_staff


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=select_choices(STATUSES.items()))
    reason = TextAreaField(
        _l("Reason"), validators=[Length(max=2000)], description=_l("Required when closing.")
    )

    def validate_reason(self, field):
        if self.status.data == "closed" and not (field.data or "").strip():
            raise ValidationError(_("Give a reason for closing."))


class NoteForm(FlaskForm):
    note = TextAreaField(
        _l("Note"), validators=[InputRequired(_l("Write a note.")), Length(max=5000)]
    )


def change_status(interest, status, reason, actor):
    """Move a submission to `status` and log who did it (the caller commits)."""
    interest.events.append(
        InterestEvent(
            kind="status",
            from_status=interest.status,
            to_status=status,
            text=reason.strip(),
            actor_id=actor.id,
        )
    )
    interest.status = status


def mark_not_spam(interest, actor):
    """Clear the suspected-spam mark, log who did it, and tell staff now (the caller commits).

    Only the staff notification is sent, as it would have been on arrival: the
    submitter's automatic copy would now come late and out of the blue, and the
    confirmation page told them no copy is sent; staff write to them in person.
    """
    interest.events.append(
        InterestEvent(kind="not-spam", text=interest.spam_reason, actor_id=actor.id)
    )
    interest.suspected_spam = False
    notify_staff(interest)


def add_note(interest, text, actor):
    """Add a staff note to the timeline and to the staff search (the caller commits)."""
    interest.events.append(InterestEvent(kind="note", text=text.strip(), actor_id=actor.id))
    db.session.flush()
    enqueue(db.session, interest_search.INDEX_NAME, [interest.id])
