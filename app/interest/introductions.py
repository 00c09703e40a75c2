"""Introductions with consent on both sides, follow-ups and outcomes.

From an expression of interest in the staff inbox, staff introduce its sender
to another party (a member organisation's contact, or a name and address
typed in). Each receives an email with a signed, single-use link
(INTRODUCTION_LINK_MAX_AGE) to a page where they accept or decline: the GET
only shows the page, the POST answers, so a mail scanner that opens links
answers nothing. Only when both accept does each get the other's contact
details by email. 30 and 90 days after that, `flask interest follow-ups`
asks each party how it went (one button each: talking, pilot, agreement or
contract, no fit), and staff can record an outcome. Every step is an entry
of the interest's timeline (InterestEvent kinds "intro-..."). Nothing here is
public but :func:`introduction_figures`, which counts.
"""

import datetime as dt
import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..auth import staff_required
from ..clock import utcnow
from ..database import begin_write
from ..extensions import db
from ..forms import email_validators, select_choices
from ..mail import queue_email
from ..models import Interest, InterestEvent, Member, User
from ..models.introductions import (
    FOLLOW_UP_DAYS,
    OUTCOMES,
    Introduction,
    IntroductionFollowUp,
    IntroductionParty,
)
from ..urls import external_url
from .workflow import change_status

bp = Blueprint("introductions", __name__)

CONSENT_SALT = "introduction-consent"
FOLLOW_UP_SALT = "introduction-follow-up"


# ---------------------------------------------------------------- signed links


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def consent_token(party):
    return _serializer(CONSENT_SALT).dumps({"p": party.id, "n": party.nonce})


def follow_up_token(follow_up):
    return _serializer(FOLLOW_UP_SALT).dumps({"f": follow_up.id, "n": follow_up.nonce})


def _read(token, salt, key, model, max_age_key):
    """(row or None, problem): problem is "expired", "invalid", "used" or None."""
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config[max_age_key])
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    if not isinstance(data, dict) or not isinstance(data.get(key), int):
        return None, "invalid"
    row = db.session.get(model, data[key])
    if row is None:
        return None, "invalid"
    if row.nonce is None or not secrets.compare_digest(str(row.nonce), str(data.get("n"))):
        return row, "used"
    return row, None


def read_consent_token(token):
    return _read(token, CONSENT_SALT, "p", IntroductionParty, "INTRODUCTION_LINK_MAX_AGE")


def read_follow_up_token(token):
    return _read(token, FOLLOW_UP_SALT, "f", IntroductionFollowUp, "INTRODUCTION_FOLLOW_UP_MAX_AGE")


# ---------------------------------------------------------------- the workflow


def log(interest, kind, text="", actor=None):
    """One timeline entry of the interest (kind "intro-..."); the caller commits."""
    interest.events.append(
        InterestEvent(kind=kind, text=text, actor_id=actor.id if actor is not None else None)
    )


def party_label(party):
    return f"{party.name} ({party.organisation})" if party.organisation else party.name


def create_introduction(interest, actor, other, message=""):
    """Propose an introduction and queue both consent emails (the caller commits).

    `other` holds name, email, organisation and optionally member_id.
    """
    introduction = Introduction(interest=interest, message=message.strip(), created_by_id=actor.id)
    sender = IntroductionParty(
        role="sender",
        name=interest.name,
        email=interest.email,
        organisation=interest.organization,
        nonce=secrets.token_urlsafe(16),
    )
    other_party = IntroductionParty(
        role="other",
        name=other["name"].strip(),
        email=other["email"].strip(),
        organisation=(other.get("organisation") or "").strip(),
        member_id=other.get("member_id"),
        nonce=secrets.token_urlsafe(16),
    )
    introduction.parties = [sender, other_party]
    db.session.add(introduction)
    if interest.status in ("received", "in-review"):
        change_status(interest, "introduced", "", actor)
    log(interest, "intro-proposed", f"{party_label(sender)} ↔ {party_label(other_party)}", actor)
    db.session.flush()
    max_age_days = current_app.config["INTRODUCTION_LINK_MAX_AGE"] // 86400
    for party in introduction.parties:
        queue_email(
            party.email,
            _(
                "An introduction from %(site)s: please accept or decline",
                site=current_app.config["SITE_NAME"],
            ),
            render_template(
                "introductions/email_consent.txt",
                party=party,
                other=introduction.other_party(party),
                introduction=introduction,
                link=external_url("introductions.respond", token=consent_token(party)),
                max_age_days=max_age_days,
            ),
        )
    return introduction


def record_response(party, accepted):
    """Record one party's answer; on the second acceptance, exchange contact details (the caller commits)."""
    introduction = party.introduction
    interest = introduction.interest
    now = utcnow()
    party.response = "accepted" if accepted else "declined"
    party.responded_at = now
    party.nonce = None
    log(interest, "intro-accepted" if accepted else "intro-declined", party_label(party))
    other = introduction.other_party(party)
    if not accepted:
        introduction.declined_at = now
        other.nonce = None  # the other link now only says the introduction is off
        queue_email(
            other.email,
            _("The introduction will not go ahead"),
            render_template("introductions/email_declined.txt", party=other, other=party),
        )
        return
    if other.response == "accepted":
        introduction.accepted_at = now
        for one in introduction.parties:
            queue_email(
                one.email,
                _("You are introduced: contact details"),
                render_template(
                    "introductions/email_contacts.txt",
                    party=one,
                    other=introduction.other_party(one),
                    introduction=introduction,
                ),
            )
        log(interest, "intro-exchanged", " ↔ ".join(party_label(p) for p in introduction.parties))


def send_due_follow_ups(now=None):
    """Queue the 30- and 90-day questions that are due and not yet sent; returns how many.

    Idempotent: a (party, days) pair is recorded once. When both stages are due
    at once (the command did not run for two months), only the 90-day question
    goes out and the 30-day one is recorded as skipped.
    """
    now = now or utcnow()
    introductions = db.session.scalars(
        sa.select(Introduction)
        .where(Introduction.accepted_at.is_not(None), Introduction.declined_at.is_(None))
        .order_by(Introduction.id)
    ).all()
    sent = 0
    for introduction in introductions:
        due = [
            days
            for days in FOLLOW_UP_DAYS
            if introduction.accepted_at + dt.timedelta(days=days) <= now
        ]
        if not due:
            continue
        for party in introduction.parties:
            recorded = {follow_up.days for follow_up in party.follow_ups}
            latest = max(due)
            for days in due:
                if days in recorded:
                    continue
                if days != latest:
                    party.follow_ups.append(IntroductionFollowUp(days=days, skipped=True))
                    continue
                follow_up = IntroductionFollowUp(
                    days=days, sent_at=now, nonce=secrets.token_urlsafe(16)
                )
                party.follow_ups.append(follow_up)
                db.session.flush()
                queue_email(
                    party.email,
                    _("How did the introduction go?"),
                    render_template(
                        "introductions/email_follow_up.txt",
                        party=party,
                        other=introduction.other_party(party),
                        days=days,
                        link=external_url(
                            "introductions.follow_up", token=follow_up_token(follow_up)
                        ),
                    ),
                )
                log(introduction.interest, "intro-follow-up", f"{days}: {party_label(party)}")
                sent += 1
    return sent


def record_follow_up_answer(follow_up, answer):
    follow_up.answer = answer
    follow_up.answered_at = utcnow()
    follow_up.nonce = None
    party = follow_up.party
    log(
        party.introduction.interest,
        "intro-answer",
        f"{answer}: {party_label(party)} ({follow_up.days})",
    )


def record_outcome(introduction, outcome, note, actor):
    introduction.outcome = outcome
    introduction.outcome_note = note.strip()
    introduction.outcome_by_id = actor.id
    introduction.outcome_at = utcnow()
    log(
        introduction.interest,
        "intro-outcome",
        outcome + (f": {note.strip()}" if note.strip() else ""),
        actor,
    )


def effective_outcome(introduction):
    """Staff's recorded outcome, else the latest follow-up answer from either party, else ""."""
    if introduction.outcome:
        return introduction.outcome
    answers = [
        follow_up
        for party in introduction.parties
        for follow_up in party.follow_ups
        if follow_up.answer
    ]
    if not answers:
        return ""
    return max(answers, key=lambda f: f.answered_at).answer


def introduction_figures():
    """Counts for the public /matchmaking page: no names, no addresses.

    {"introductions": made, "accepted": both parties accepted, "pilots": reached a
    pilot or further (an agreement or contract), "agreements": reached an agreement
    or contract}, the same "at least" reading as the Match stages of /matchmaking;
    the outcome is what staff recorded, else the latest follow-up answer.
    """
    made = db.session.scalar(sa.select(sa.func.count(Introduction.id))) or 0
    accepted = db.session.scalars(
        sa.select(Introduction)
        .where(Introduction.accepted_at.is_not(None))
        .options(selectinload(Introduction.parties).selectinload(IntroductionParty.follow_ups))
    ).all()
    outcomes = [effective_outcome(introduction) for introduction in accepted]
    return {
        "introductions": made,
        "accepted": len(accepted),
        "pilots": outcomes.count("pilot") + outcomes.count("agreement"),
        "agreements": outcomes.count("agreement"),
    }


# ---------------------------------------------------------------- staff forms


def member_contact_choices():
    """Confirmed people of approved member organisations, as (user id, label)."""
    users = db.session.scalars(
        sa.select(User)
        .join(User.member)
        .where(
            User.active.is_(True),
            User.email_verified_at.is_not(None),
            Member.status == "approved",
        )
        .order_by(Member.name, User.name, User.email)
    )
    return [
        (str(user.id), f"{user.member.name} · {user.name or user.email} <{user.email}>")
        for user in users
    ]


class IntroduceForm(FlaskForm):
    contact = SelectField(_l("A member organisation's contact"), default="")
    name = StringField(_l("Or a name"), validators=[Length(max=200)])
    email = EmailField(
        _l("Their email address"),
        validators=email_validators(Optional()),
    )
    organisation = StringField(_l("Their organisation"), validators=[Length(max=200)])
    message = TextAreaField(
        _l("Your words to both"),
        validators=[Length(max=2000)],
        description=_l("Why you introduce them; both parties read it. At most 2,000 characters."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact.choices = select_choices(
            [("", _("None: I type a name and address"))] + member_contact_choices()
        )

    def validate(self, extra_validators=None):
        """One of: a member's contact, or a typed name and address."""
        valid = super().validate(extra_validators)
        name = (self.name.data or "").strip()
        email = (self.email.data or "").strip()
        if self.contact.data and (name or email):
            self.contact.errors.append(
                _("Choose a member's contact or type a name and address, not both.")
            )
            return False
        if not self.contact.data:
            if not name and not email:
                self.contact.errors.append(
                    _("Choose a member's contact, or type a name and an email address.")
                )
                return False
            if not name:
                self.name.errors.append(_("Enter the other party's name."))
                return False
            if not email:
                self.email.errors.append(_("Enter the other party's email address."))
                return False
        return valid

    def other_party(self):
        """The chosen or typed party as a dict for :func:`create_introduction`."""
        if self.contact.data:
            user = db.session.get(User, int(self.contact.data))
            return {
                "name": user.name or user.email,
                "email": user.email,
                "organisation": user.member.name,
                "member_id": user.member_id,
            }
        return {
            "name": self.name.data,
            "email": self.email.data,
            "organisation": self.organisation.data or "",
        }


class OutcomeForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=select_choices(OUTCOMES.items()))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class AnswerForm(FlaskForm):
    """Only the CSRF token; the button pressed carries the answer."""


# ---------------------------------------------------------------- views


@bp.after_request
def never_store(response):
    """Staff pages show personal data; the public pages are reached by a personal link."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def interest_or_404(interest_id):
    interest = db.session.get(Interest, interest_id)
    if interest is None:
        abort(404)
    return interest


def preselect_member_contact(form, member_slug):
    """?member=<slug> (from a suggested organisation) starts with that member's first contact."""
    if not member_slug:
        return
    user_id = db.session.scalar(
        sa.select(User.id)
        .join(User.member)
        .where(
            Member.slug == member_slug, User.active.is_(True), User.email_verified_at.is_not(None)
        )
        .order_by(User.id)
        .limit(1)
    )
    if user_id is not None:
        form.contact.data = str(user_id)


def back_to_introduction(interest_id, introduction_id):
    """303 to the introduction on its interest's staff page."""
    return redirect(
        url_for(
            "staff_interest.detail",
            interest_id=interest_id,
            _anchor=f"introduction-{introduction_id}",
        ),
        code=303,
    )


def render_new(interest, form, status=200):
    return render_template("introductions/new.html", interest=interest, form=form), status


@bp.route("/staff/interest/<int:interest_id>/introduce", methods=["GET", "POST"])
@staff_required
def new(interest_id):
    interest = interest_or_404(interest_id)
    form = IntroduceForm()
    if interest.suspected_spam:
        return render_template("introductions/new.html", interest=interest, form=None), 409
    if request.method == "GET":
        preselect_member_contact(form, request.args.get("member", "").strip())
    if request.method == "GET" or not form.validate():
        return render_new(interest, form, status=200 if request.method == "GET" else 422)
    other = form.other_party()
    begin_write()
    interest = interest_or_404(interest_id)
    introduction = create_introduction(interest, current_user, other, form.message.data or "")
    db.session.commit()
    return back_to_introduction(interest.id, introduction.id)


@bp.post("/staff/introductions/<int:introduction_id>/outcome")
@staff_required
def outcome(introduction_id):
    form = OutcomeForm()
    introduction = db.session.get(Introduction, introduction_id)
    if introduction is None:
        abort(404)
    interest_id = introduction.interest_id
    if introduction.state != "accepted":
        abort(409, description=_("An outcome can be recorded once both parties have accepted."))
    if not form.validate():
        abort(400, description=_("Choose one of the outcomes offered."))
    begin_write()
    introduction = db.session.get(Introduction, introduction_id)
    record_outcome(introduction, form.outcome.data, form.note.data or "", current_user)
    db.session.commit()
    return back_to_introduction(interest_id, introduction_id)


LINK_PROBLEMS = {
    "expired": (
        _l("This link has expired. Nothing was changed; the secretariat can send you a new one."),
        410,
    ),
    "invalid": (
        _l("This link is not valid. Nothing was changed: check that you copied all of it."),
        404,
    ),
}


def message_page(title, message, status=200):
    """The page a public link ends on: one title, one message."""
    return render_template("introductions/message.html", title=title, message=message), status


def link_problem(problem):
    message, status = LINK_PROBLEMS[problem]
    return message_page(_("This link cannot be used"), message, status)


def already_answered(answer_label):
    return message_page(
        _("You have already answered"),
        _(
            "Your answer was recorded: %(answer)s. This link works once, so nothing was changed.",
            answer=answer_label,
        ),
        409,
    )


@bp.route("/introductions/respond/<token>", methods=["GET", "POST"])
def respond(token):
    """GET shows the introduction and two buttons; only a POST answers (CSRF-checked)."""
    if request.method == "POST":
        begin_write()
    party, problem = read_consent_token(token)
    if problem in ("expired", "invalid"):
        return link_problem(problem)
    introduction = party.introduction
    if introduction.declined_at is not None and party.response != "declined":
        return message_page(
            _("The introduction will not go ahead"),
            _(
                "The other party declined. Nothing was changed and none of your details were shared."
            ),
            409,
        )
    if problem == "used" and party.response == "pending":
        return message_page(
            _("This link cannot be used"), _("This link no longer works. Nothing was changed."), 409
        )
    if problem == "used":
        return already_answered(party.response_label)
    other = introduction.other_party(party)
    if request.method == "GET":
        return render_template(
            "introductions/respond.html",
            party=party,
            other=other,
            introduction=introduction,
            form=AnswerForm(),
            token=token,
        )
    answer = request.form.get("answer")
    if answer not in ("accept", "decline"):
        abort(400, description=_("Press one of the two buttons."))
    record_response(party, accepted=answer == "accept")
    db.session.commit()
    if answer == "decline":
        message = _(
            "You declined. None of your details were shared, and the other party is told the introduction will not go ahead."
        )
    elif introduction.accepted_at is not None:
        message = _("You both accepted. We have emailed each of you the other's contact details.")
    else:
        message = _(
            "You accepted. When the other party accepts too, we email each of you the other's contact details."
        )
    return message_page(_("Thank you"), message)


@bp.route("/introductions/follow-up/<token>", methods=["GET", "POST"])
def follow_up(token):
    """GET shows one button per answer; only a POST records it (CSRF-checked)."""
    if request.method == "POST":
        begin_write()
    row, problem = read_follow_up_token(token)
    if problem in ("expired", "invalid"):
        return link_problem(problem)
    if problem == "used":
        return already_answered(row.answer_label)
    party = row.party
    other = party.introduction.other_party(party)
    if request.method == "GET":
        return render_template(
            "introductions/follow_up.html",
            party=party,
            other=other,
            follow_up=row,
            outcomes=OUTCOMES,
            form=AnswerForm(),
            token=token,
        )
    answer = request.form.get("answer")
    if answer not in OUTCOMES:
        abort(400, description=_("Press one of the buttons."))
    record_follow_up_answer(row, answer)
    db.session.commit()
    return message_page(
        _("Thank you"), _("Your answer is recorded: %(answer)s.", answer=OUTCOMES[answer])
    )


# ---------------------------------------------------------------- privacy


def _parties_of(address):
    return db.session.scalars(
        sa.select(IntroductionParty)
        .where(sa.func.lower(IntroductionParty.email) == address.strip().lower())
        .order_by(IntroductionParty.id)
    ).all()


def party_records(address):
    """What the introductions keep about an address, for `flask privacy export`."""
    return [
        {
            "introduction": party.introduction_id,
            "proposed_at": party.introduction.created_at.isoformat(timespec="seconds") + "Z",
            "role": party.role,
            "name": party.name,
            "email": party.email,
            "organisation": party.organisation,
            "response": party.response,
            "responded_at": party.responded_at.isoformat(timespec="seconds") + "Z"
            if party.responded_at
            else None,
            "follow_ups": [
                {"days": f.days, "answer": f.answer or None}
                for f in party.follow_ups
                if not f.skipped
            ],
        }
        for party in _parties_of(address)
    ]


def erase_parties(address):
    """Remove an address's name, email and organisation from every introduction; its links stop
    working. The answers and outcomes stay, as statistics (the caller commits). Returns how many."""
    parties = _parties_of(address)
    for party in parties:
        party.name = ""
        party.email = ""
        party.organisation = ""
        party.nonce = None
        for follow_up in party.follow_ups:
            follow_up.nonce = None
    return len(parties)
