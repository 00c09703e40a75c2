"""Introductions with consent on both sides: staff propose, both parties answer through
single-use links, contact details only when both accept, follow-ups, outcomes, figures."""

import datetime as dt
import re

import pytest

from app.extensions import db
from app.interest.introductions import introduction_figures, send_due_follow_ups
from app.models import (
    Interest,
    InterestEvent,
    Introduction,
    IntroductionFollowUp,
    IntroductionParty,
    Member,
    OutboundEmail,
    User,
)
from tests.conftest import html, login, make_test_config
from tests.test_interest import count, hidden_fields, valid_input
from tests.test_staff_interest import form_token

OTHER = {"name": "Ben Lee", "email": "ben@gabotech.example", "organisation": "Gabotech"}


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(
        tmp_path, INTEREST_MIN_FILL_SECONDS=0, PUBLIC_URL="https://exchange.example.org"
    )


@pytest.fixture
def interest_id(app):
    visitor = app.test_client()
    data = hidden_fields(visitor.get("/interest"))
    data.update(valid_input())
    assert visitor.post("/interest", data=data).status_code == 303
    with app.app_context():
        db.session.execute(db.delete(OutboundEmail))
        db.session.commit()
        return db.session.scalar(db.select(db.func.max(Interest.id)))


@pytest.fixture
def staff(app, client, make_user):
    login(client, make_user(role="staff"))
    return client


def introduce(staff, interest_id, **fields):
    path = f"/staff/interest/{interest_id}/introduce"
    page = staff.get(path)
    data = {
        "csrf_token": form_token(page, path),
        "contact": "",
        "name": "",
        "email": "",
        "organisation": "",
        "message": "",
    }
    data.update(fields)
    return staff.post(path, data=data)


def outbox(app):
    with app.app_context():
        return [
            (e.to, e.subject, e.body)
            for e in db.session.scalars(db.select(OutboundEmail).order_by(OutboundEmail.id))
        ]


def link_for(app, address, path):
    bodies = [body for to, _s, body in outbox(app) if to == address]
    for body in reversed(bodies):
        match = re.search(r"https://exchange\.example\.org(" + re.escape(path) + r"[^\s]+)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path} link emailed to {address}: {bodies}")


def answer(app, link, value):
    """Open the link in a fresh browser (as the party would) and press a button."""
    browser = app.test_client()
    page = browser.get(link)
    form = html(page).find("form", action=link)
    assert form is not None, page.get_data(as_text=True)[:500]
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    return browser.post(link, data={"csrf_token": token, "answer": value})


def timeline_kinds(app, interest_id):
    with app.app_context():
        return [
            e.kind
            for e in db.session.scalars(
                db.select(InterestEvent)
                .where(InterestEvent.interest_id == interest_id)
                .order_by(InterestEvent.id)
            )
        ]


def test_staff_introduce_and_both_accept_exchange_contacts(app, staff, interest_id):
    response = introduce(
        staff, interest_id, message="Seberang Perai worked with you on street lights.", **OTHER
    )
    assert response.status_code == 303
    emails = outbox(app)
    assert sorted(to for to, *_ in emails) == ["amina@example.org", "ben@gabotech.example"]
    # before consent, neither email carries the other's address or name
    sender_body = next(body for to, _s, body in emails if to == "amina@example.org")
    other_body = next(body for to, _s, body in emails if to == "ben@gabotech.example")
    assert (
        "ben@gabotech.example" not in sender_body
        and "Ben Lee" not in sender_body
        and "Gabotech" in sender_body
    )
    assert "amina@example.org" not in other_body and "Amina" not in other_body
    assert "street lights" in other_body
    with app.app_context():
        assert db.session.get(Interest, interest_id).status == "introduced"

    sender_link = link_for(app, "amina@example.org", "/introductions/respond/")
    other_link = link_for(app, "ben@gabotech.example", "/introductions/respond/")
    assert "accepted" in answer(app, sender_link, "accept").get_data(as_text=True)
    assert len(outbox(app)) == 2  # nothing shared after one acceptance
    assert answer(app, other_link, "accept").status_code == 200
    emails = outbox(app)[2:]
    to_sender = next(body for to, _s, body in emails if to == "amina@example.org")
    to_other = next(body for to, _s, body in emails if to == "ben@gabotech.example")
    assert "ben@gabotech.example" in to_sender and "Ben Lee" in to_sender
    assert "amina@example.org" in to_other and "Kampala Capital City Authority" in to_other
    kinds = timeline_kinds(app, interest_id)
    assert kinds[-4:] == ["intro-proposed", "intro-accepted", "intro-accepted", "intro-exchanged"]
    page = html(staff.get(f"/staff/interest/{interest_id}"))
    timeline = page.find("ol", class_="timeline").get_text()
    assert "both accepted; contact details emailed" in timeline
    assert page.find("section", attrs={"aria-labelledby": "introductions-title"}).find(
        string=re.compile("Both accepted")
    )


def test_one_declines_nobody_gets_contacts(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    sender_link = link_for(app, "amina@example.org", "/introductions/respond/")
    other_link = link_for(app, "ben@gabotech.example", "/introductions/respond/")
    answer(app, sender_link, "accept")
    answer(app, other_link, "decline")
    later = outbox(app)[2:]
    assert [to for to, *_ in later] == ["amina@example.org"]  # told it will not go ahead
    assert "ben@gabotech.example" not in later[0][2] and "Ben Lee" not in later[0][2]
    with app.app_context():
        introduction = db.session.scalar(db.select(Introduction))
        assert introduction.state == "declined" and introduction.accepted_at is None
    assert "intro-declined" in timeline_kinds(app, interest_id)


def test_outcome_waits_for_both_acceptances(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    with app.app_context():
        introduction_id = db.session.scalar(db.select(Introduction.id))
    token = form_token(
        staff.get(f"/staff/interest/{interest_id}"), f"/staff/interest/{interest_id}/notes"
    )
    response = staff.post(
        f"/staff/introductions/{introduction_id}/outcome",
        data={"csrf_token": token, "outcome": "pilot"},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Introduction, introduction_id).outcome == ""


def test_accepted_then_declined_by_the_other_the_link_says_it_is_off(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    sender_link = link_for(app, "amina@example.org", "/introductions/respond/")
    answer(app, sender_link, "accept")
    answer(app, link_for(app, "ben@gabotech.example", "/introductions/respond/"), "decline")
    page = app.test_client().get(sender_link)
    assert page.status_code == 409 and "will not go ahead" in page.get_data(as_text=True)


def test_decline_first_then_the_other_link_says_it_is_off(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    sender_link = link_for(app, "amina@example.org", "/introductions/respond/")
    other_link = link_for(app, "ben@gabotech.example", "/introductions/respond/")
    answer(app, other_link, "decline")
    page = app.test_client().get(sender_link)
    assert page.status_code == 409 and "will not go ahead" in page.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(IntroductionParty).where(IntroductionParty.role == "sender")
            ).response
            == "pending"
        )


def test_get_changes_nothing_and_post_needs_csrf(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "amina@example.org", "/introductions/respond/")
    browser = app.test_client()
    for _ in range(3):
        assert browser.get(link).status_code == 200
    assert browser.post(link, data={"answer": "accept"}).status_code == 400
    with app.app_context():
        assert {p.response for p in db.session.scalars(db.select(IntroductionParty))} == {"pending"}


def test_reused_link_says_so_and_changes_nothing(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "amina@example.org", "/introductions/respond/")
    browser = app.test_client()
    page = browser.get(link)
    token = (
        html(page).find("form", action=link).find("input", attrs={"name": "csrf_token"})["value"]
    )
    assert browser.post(link, data={"csrf_token": token, "answer": "accept"}).status_code == 200
    again = browser.post(link, data={"csrf_token": token, "answer": "decline"})
    assert again.status_code == 409 and "already answered" in again.get_data(as_text=True)
    with app.app_context():
        sender = db.session.scalar(
            db.select(IntroductionParty).where(IntroductionParty.role == "sender")
        )
        assert sender.response == "accepted"
        assert db.session.scalar(db.select(Introduction)).declined_at is None


def test_expired_and_forged_links_change_nothing(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "amina@example.org", "/introductions/respond/")
    app.config["INTRODUCTION_LINK_MAX_AGE"] = -1
    response = app.test_client().get(link)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    app.config["INTRODUCTION_LINK_MAX_AGE"] = 14 * 86400
    assert app.test_client().get(link[:-3] + "abc").status_code == 404
    assert app.test_client().get("/introductions/respond/nonsense").status_code == 404
    with app.app_context():
        assert {p.response for p in db.session.scalars(db.select(IntroductionParty))} == {"pending"}


def test_unknown_answer_is_refused(app, staff, interest_id):
    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "amina@example.org", "/introductions/respond/")
    assert answer(app, link, "maybe").status_code == 400


def test_introduce_a_member_contact(app, staff, interest_id, make_user):
    email = make_user(role="member")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user_id, member_name = user.id, user.member.name
    response = introduce(staff, interest_id, contact=str(user_id))
    assert response.status_code == 303
    with app.app_context():
        other = db.session.scalar(
            db.select(IntroductionParty).where(IntroductionParty.role == "other")
        )
        assert (
            other.email == email
            and other.organisation == member_name
            and other.member_id is not None
        )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({}, "Choose a member"),
        ({"name": "Ben"}, "email address"),
        ({"email": "ben@example.org"}, "name"),
        ({"name": "Ben", "email": "not an address"}, "email address like"),
        ({"name": "Ben", "email": "ben@example.org", "message": "x" * 2001}, "2000"),
    ],
)
def test_bad_introduction_input_is_refused_and_kept(app, staff, interest_id, fields, message):
    response = introduce(staff, interest_id, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    if fields.get("name"):
        assert html(response).find("input", attrs={"name": "name"})["value"] == fields["name"]
    assert count(app, Introduction) == 0


def test_staff_post_needs_csrf(app, staff, interest_id):
    response = staff.post(f"/staff/interest/{interest_id}/introduce", data=OTHER)
    assert response.status_code == 400
    assert count(app, Introduction) == 0


def test_only_staff_can_introduce(app, client, interest_id, make_user):
    path = f"/staff/interest/{interest_id}/introduce"
    assert client.get(path).status_code == 302
    assert client.post(path, data=OTHER).status_code in (302, 400)
    login(client, make_user(role="member"))
    assert client.get(path).status_code == 403
    assert client.get("/staff/interest/999999/introduce").status_code == 403
    assert count(app, Introduction) == 0


def test_suspected_spam_cannot_be_introduced(app, staff, interest_id):
    with app.app_context():
        db.session.get(Interest, interest_id).suspected_spam = True
        db.session.commit()
    assert staff.get(f"/staff/interest/{interest_id}/introduce").status_code == 409
    assert count(app, Introduction) == 0


def accepted_introduction(app, staff, interest_id, days_ago):
    introduce(staff, interest_id, **OTHER)
    answer(app, link_for(app, "amina@example.org", "/introductions/respond/"), "accept")
    answer(app, link_for(app, "ben@gabotech.example", "/introductions/respond/"), "accept")
    with app.app_context():
        introduction = db.session.scalar(db.select(Introduction))
        introduction.accepted_at = introduction.accepted_at - dt.timedelta(days=days_ago)
        db.session.commit()


def test_follow_ups_are_sent_once_and_answered_with_one_click(app, runner, staff, interest_id):
    accepted_introduction(app, staff, interest_id, days_ago=31)
    before = len(outbox(app))
    result = runner.invoke(args=["interest", "follow-ups"])
    assert result.exit_code == 0 and "Queued 2" in result.output
    assert runner.invoke(args=["interest", "follow-ups"]).output.startswith("Queued 0")
    assert len(outbox(app)) == before + 2
    link = link_for(app, "amina@example.org", "/introductions/follow-up/")
    browser = app.test_client()
    page = browser.get(link)
    buttons = {b["value"] for b in html(page).find("form", action=link).find_all("button")}
    assert buttons == {"talking", "pilot", "agreement", "no-fit"}
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(IntroductionFollowUp).where(IntroductionFollowUp.answer != "")
            )
            is None
        )
    response = answer(app, link, "pilot")
    assert response.status_code == 200
    reuse = app.test_client().get(link)
    assert reuse.status_code == 409 and "already answered" in reuse.get_data(as_text=True)
    assert "intro-follow-up" in timeline_kinds(app, interest_id)
    assert "intro-answer" in timeline_kinds(app, interest_id)
    with app.app_context():
        assert introduction_figures() == {
            "introductions": 1,
            "accepted": 1,
            "pilots": 1,
            "agreements": 0,
        }


def test_only_the_90_day_question_when_both_are_due(app, staff, interest_id):
    accepted_introduction(app, staff, interest_id, days_ago=95)
    with app.app_context():
        assert send_due_follow_ups() == 2
        db.session.commit()
        rows = db.session.scalars(
            db.select(IntroductionFollowUp).order_by(IntroductionFollowUp.id)
        ).all()
        assert sorted((r.days, r.skipped) for r in rows) == [
            (30, True),
            (30, True),
            (90, False),
            (90, False),
        ]
        assert send_due_follow_ups() == 0


def test_no_follow_up_before_30_days_or_after_a_decline(app, staff, interest_id):
    accepted_introduction(app, staff, interest_id, days_ago=10)
    with app.app_context():
        assert send_due_follow_ups() == 0
        introduction = db.session.scalar(db.select(Introduction))
        introduction.accepted_at -= dt.timedelta(days=30)
        introduction.declined_at = introduction.accepted_at
        db.session.commit()
        assert send_due_follow_ups() == 0


def test_staff_record_an_outcome(app, staff, interest_id):
    accepted_introduction(app, staff, interest_id, days_ago=0)
    with app.app_context():
        introduction_id = db.session.scalar(db.select(Introduction.id))
    page = staff.get(f"/staff/interest/{interest_id}")
    action = f"/staff/introductions/{introduction_id}/outcome"
    token = form_token(page, action)
    response = staff.post(
        action, data={"csrf_token": token, "outcome": "agreement", "note": "Contract signed"}
    )
    assert response.status_code == 303
    assert staff.post(action, data={"csrf_token": token, "outcome": "bogus"}).status_code == 400
    assert staff.post(action, data={"outcome": "talking"}).status_code == 400
    with app.app_context():
        introduction = db.session.get(Introduction, introduction_id)
        assert introduction.outcome == "agreement"
        assert introduction_figures() == {
            "introductions": 1,
            "accepted": 1,
            "pilots": 1,
            "agreements": 1,
        }
    assert "intro-outcome" in timeline_kinds(app, interest_id)


def test_nothing_personal_is_public(app, staff, interest_id, client):
    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "ben@gabotech.example", "/introductions/respond/")
    page = app.test_client().get(link).get_data(as_text=True)
    assert "amina@example.org" not in page and "Amina" not in page
    assert app.test_client().get(link).headers["Cache-Control"] == "private, no-store"


def test_member_figures_ignore_unapproved(app):
    with app.app_context():
        db.session.add(Member(slug="m", name="M", type="corporation", status="pending"))
        db.session.commit()
        assert introduction_figures() == {
            "introductions": 0,
            "accepted": 0,
            "pilots": 0,
            "agreements": 0,
        }


def test_a_form_without_the_contact_field_uses_the_typed_party(app, staff, interest_id):
    path = f"/staff/interest/{interest_id}/introduce"
    token = form_token(staff.get(path), path)
    response = staff.post(path, data={"csrf_token": token, **OTHER})
    assert response.status_code == 303
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(IntroductionParty.email).where(IntroductionParty.role == "other")
            )
            == OTHER["email"]
        )
    response = staff.post(path, data={"csrf_token": token, "contact": "999999", **OTHER})
    assert response.status_code == 422  # not an offered contact


def test_a_suggested_member_is_preselected(app, staff, interest_id, make_user):
    email = make_user(role="member")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user_id, slug = user.id, user.member.slug
    page = html(staff.get(f"/staff/interest/{interest_id}/introduce?member={slug}"))
    assert page.find("select", attrs={"name": "contact"}).find("option", selected=True)[
        "value"
    ] == str(user_id)
    page = html(staff.get(f"/staff/interest/{interest_id}/introduce?member=nobody"))
    assert (
        page.find("select", attrs={"name": "contact"}).find("option", selected=True)["value"] == ""
    )


def test_erasing_an_address_removes_it_from_introductions_and_kills_its_links(
    app, staff, interest_id
):
    from app.interest.introductions import erase_parties, party_records

    introduce(staff, interest_id, **OTHER)
    link = link_for(app, "ben@gabotech.example", "/introductions/respond/")
    with app.app_context():
        [record] = party_records("BEN@gabotech.example")
        assert record["email"] == "ben@gabotech.example" and record["response"] == "pending"
        assert erase_parties("ben@gabotech.example") == 1
        db.session.commit()
        assert party_records("ben@gabotech.example") == []
        other = db.session.scalar(
            db.select(IntroductionParty).where(IntroductionParty.role == "other")
        )
        assert (other.name, other.email, other.organisation) == ("", "", "")
    response = app.test_client().get(link)
    assert response.status_code == 409 and "no longer works" in response.get_data(as_text=True)
