"""Events: lists, pages, calendar files, the JSON API, the interest form aimed at an event,
and the double opt-in subscription to future events."""

import datetime as dt
import json
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.events.ics import escape_text, fold
from app.extensions import db
from app.models import Event, EventSubscription, Interest, OutboundEmail
from tests.conftest import html, make_test_config
from tests.test_interest import count, hidden_fields, valid_input


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(
        tmp_path, INTEREST_MIN_FILL_SECONDS=0, PUBLIC_URL="https://exchange.example.org"
    )


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


# ------------------------------------------------------------------ lists and pages


def test_list_shows_past_events_newest_first_with_links(client, seeded):
    page = html(client.get("/events"))
    past = page.find("section", attrs={"aria-labelledby": "past-title"})
    titles = [a.get_text() for a in past.select("li.event h3 a")]
    assert titles[0] == "GO SMART General Assembly 2023"
    assert "Solutions Meet Cities: Online Matchmaking Webinar" in titles
    assert "4th WeGO Awards ceremony" in titles
    assert past.find("a", href="/events/go-smart-general-assembly-2023")


def test_list_filters_by_kind_and_year_and_text(client, seeded):
    page = html(client.get("/events?kind=webinar&year=2020"))
    titles = [a.get_text() for a in page.select("li.event h3 a")]
    assert titles == ["4th WeGO Awards webinar, Part 2", "4th WeGO Awards webinar, Part 1"]
    page = html(client.get("/events?q=Lanvin"))
    assert [a.get_text() for a in page.select("li.event h3 a")] == [
        "GO SMART General Assembly 2023"
    ]
    page = html(client.get("/events?kind=bogus&year=abc&q=" + "x" * 5000))
    assert "No event matches" in page.get_text()


def test_upcoming_events_come_first(app, client, seeded):
    with app.app_context():
        db.session.add(
            Event(
                slug="next",
                kind="workshop",
                title="Next workshop",
                date=dt.date.today() + dt.timedelta(days=30),
                timezone="UTC",
            )
        )
        db.session.commit()
    page = html(client.get("/events"))
    upcoming = page.find("section", attrs={"aria-labelledby": "upcoming-title"})
    assert [a.get_text() for a in upcoming.select("li.event h3 a")] == ["Next workshop"]


def test_htmx_gets_only_the_results(client, seeded):
    response = client.get("/events?kind=ceremony", headers={"HX-Request": "true"})
    page = html(response)
    assert page.find("h1") is None and page.find(id="event-results")
    assert "HX-Request" in response.headers["Vary"]


def test_detail_shows_zone_and_utc_and_keeps_assumptions_in_sources(client, seeded):
    page = html(client.get("/events/go-smart-general-assembly-2023"))
    when = page.find("p", class_="when")
    assert (
        "14:00" in when.get_text()
        and "16:30" in when.get_text()
        and "Asia/Taipei" in when.get_text()
    )
    utc = page.find("p", class_="when-utc")
    assert utc.find("time")["datetime"] == "2023-03-29T06:00Z"
    assert "08:30" in utc.get_text()
    main_text = page.find("article").get_text()
    sources = page.find("details", class_="sources")
    assert sources.find("summary").get_text() == "Sources"
    sources_text = sources.get_text()
    sources.decompose()
    assert "assumed" in sources_text
    assert "assumed" not in page.find("article").get_text()
    assert "Callysta Thony" in main_text and "Reorienting Smart Cities" in main_text
    # the visitor's local time is added by a static script, not inline code
    assert page.find("p", class_="when-local")["data-local-start"] == "2023-03-29T06:00:00Z"
    assert all(script.get("src") for script in page.find_all("script"))
    assert page.find("a", href="/interest?event=go-smart-general-assembly-2023")


def test_unknown_times_are_said_in_sources(client, seeded):
    page = html(client.get("/events/wego-solutions-meet-cities-2021"))
    sources = page.find("details", class_="sources").get_text()
    assert "start and end times are unknown" in sources
    assert "Asia/Seoul" in sources or "Seoul" in sources
    assert page.find("p", class_="when-utc") is None
    text = page.get_text()
    for presenter in ("Seberang Perai", "Digizens Collaborative", "SRPOST", "Qlue", "WeavAir"):
        assert presenter in text


def test_award_events_link_both_ways_and_reuse_the_sessions(client, seeded):
    page = html(client.get("/events/wego-awards-4-webinar-part-2"))
    assert page.find("a", href="/awards/wego-awards-4")
    text = page.get_text()
    assert "Session 1: Efficient Government Category Winners" in text
    assert "Donovan Storey" in text and "Moscow" in text
    assert "Mobility Category" not in text  # Part 1's sessions stay on Part 1
    edition = html(client.get("/awards/wego-awards-4"))
    links = {
        a["href"]
        for a in edition.find(
            "section", attrs={"aria-labelledby": "edition-events-title"}
        ).find_all("a")
    }
    assert links == {
        "/events/wego-awards-4-webinar-part-1",
        "/events/wego-awards-4-webinar-part-2",
        "/events/wego-awards-4-ceremony",
    }


def test_unknown_event_is_404(client, seeded):
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/events/no-such-event.ics").status_code == 404
    assert client.get("/api/v1/events/no-such-event").status_code == 404


def test_hostile_text_is_escaped(app, client):
    with app.app_context():
        db.session.add(
            Event(
                slug="x",
                kind="webinar",
                title="<script>alert(1)</script>",
                date=dt.date(2024, 1, 1),
                timezone="UTC",
                description="<img src=x onerror=alert(1)>",
            )
        )
        db.session.commit()
    body = client.get("/events/x").get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body


def test_seed_is_idempotent(app, runner, seeded):
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Event))
    assert runner.invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == before == 5


# ------------------------------------------------------------------ calendar files


def unfold(text):
    return text.replace("\r\n ", "")


def test_ics_is_rfc5545_with_utc_start(client, seeded):
    response = client.get("/events/go-smart-general-assembly-2023.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    raw = response.get_data()
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    lines = unfold(text).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20230329T060000Z" in lines
    assert "DTEND:20230329T083000Z" in lines
    assert any(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in lines)
    uid = next(line for line in lines if line.startswith("UID:"))
    assert uid.endswith("@exchange.example.org")
    assert (
        client.get("/events/go-smart-general-assembly-2023.ics").get_data(as_text=True).count(uid)
        == 1
    )
    assert "URL:https://exchange.example.org/events/go-smart-general-assembly-2023" in lines
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert "\\," in location  # commas escaped


def test_ics_for_an_unknown_time_is_an_all_day_event(client, seeded):
    lines = unfold(
        client.get("/events/wego-solutions-meet-cities-2021.ics").get_data(as_text=True)
    ).split("\r\n")
    assert "DTSTART;VALUE=DATE:20210622" in lines
    assert "DTEND;VALUE=DATE:20210623" in lines


def test_ics_without_end_time_has_no_dtend(app, client):
    with app.app_context():
        db.session.add(
            Event(
                slug="open-end",
                kind="workshop",
                title="Open end",
                date=dt.date(2024, 5, 1),
                start_time=dt.time(10),
                timezone="Europe/Paris",
            )
        )
        db.session.commit()
    text = client.get("/events/open-end.ics").get_data(as_text=True)
    assert "DTSTART:20240501T080000Z" in text  # CEST is UTC+2 in May
    assert "DTEND" not in text


def test_ics_escaping_and_folding_by_octets():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "é" * 80
    pieces = fold(line)
    assert all(len(p.encode("utf-8")) <= 75 for p in pieces)
    assert "".join(p[1:] if i else p for i, p in enumerate(pieces)) == line
    assert all(p.startswith(" ") for p in pieces[1:])


# ------------------------------------------------------------------ API


RFC_3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def test_api_times_are_rfc_3339_date_times_as_documented(client, seeded):
    """OpenAPI's date-time is RFC 3339: seconds included, Z or an offset."""
    document = client.get("/api/v1/openapi.json").get_json()
    fields = [
        name
        for name, schema in document["components"]["schemas"]["EventSummary"]["properties"].items()
        if schema.get("format") == "date-time"
    ]
    assert {"start", "end", "start_utc", "end_utc"} <= set(fields)
    for event in client.get("/api/v1/events?per_page=100").get_json()["results"]:
        for name in fields:
            assert event[name] is None or RFC_3339.match(event[name]), (event["slug"], name)
    detail = client.get("/api/v1/events/go-smart-general-assembly-2023").get_json()
    assert detail["start"] == "2023-03-29T14:00:00+08:00"


def test_api_lists_with_paging(client, seeded):
    data = client.get("/api/v1/events?per_page=2").get_json()
    assert data["total"] == 5 and data["page"] == 1 and data["per_page"] == 2
    assert len(data["results"]) == 2
    first = data["results"][0]
    assert first["slug"] == "go-smart-general-assembly-2023"
    assert first["start_utc"] == "2023-03-29T06:00:00Z" and first["timezone"] == "Asia/Taipei"
    assert first["timezone_assumed"] is True
    assert first["ics_url"].endswith("/events/go-smart-general-assembly-2023.ics")
    past = client.get("/api/v1/events?page=99")
    assert past.status_code == 404 and past.mimetype == "application/problem+json"
    links = client.get("/api/v1/events?per_page=2&page=2").headers["Link"]
    assert 'page=3>; rel="next"' in links and 'page=1>; rel="prev"' in links
    assert client.get("/api/v1/events?kind=ceremony").get_json()["total"] == 1


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=1000", "per_page=-1"])
def test_api_paging_errors_are_400_json(client, seeded, query):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert response.is_json and response.get_json()


def test_api_detail(client, seeded):
    data = client.get("/api/v1/events/wego-awards-4-webinar-part-1").get_json()
    assert data["award_edition"] == "wego-awards-4"
    assert [s["title"] for s in data["sessions"]][0] == "Session 1: Mobility Category Winners"
    assert data["speakers"][0]["name"] == "Javier Vergara-Petrescu"
    assert data["sources"]


# ------------------------------------------------------------------ interest aimed at an event


def test_interest_form_aimed_at_an_event(app, client, seeded):
    response = client.get("/interest?event=go-smart-general-assembly-2023")
    assert "GO SMART General Assembly 2023" in html(response).find("form").get_text()
    data = hidden_fields(response)
    assert data["event"] == "go-smart-general-assembly-2023"
    data.update(valid_input())
    assert client.post("/interest", data=data).status_code == 303
    with app.app_context():
        interest = db.session.scalar(db.select(Interest))
        assert interest.event.slug == "go-smart-general-assembly-2023"


def test_the_interest_export_names_the_event(app, client, runner, seeded):
    data = hidden_fields(client.get("/interest?event=wego-awards-4-ceremony"))
    data.update(valid_input())
    client.post("/interest", data=data)
    result = runner.invoke(args=["interest", "export", "--format", "json"])
    assert json.loads(result.output)[0]["event"] == "wego-awards-4-ceremony"


def test_interest_form_with_an_unknown_event_says_so(client, seeded):
    response = client.get("/interest?event=nope")
    assert "could not find that event" in response.get_data(as_text=True)
    assert hidden_fields(response)["event"] == ""


# ------------------------------------------------------------------ subscription


def subscribe(client, email="reader@example.org", **overrides):
    page = client.get("/events/subscribe")
    form = html(page).find("form", action="/events/subscribe")
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    data.update({"email": email, "consent": "y", "website": ""})
    data.update(overrides)
    return client.post("/events/subscribe", data=data)


def emails(app):
    with app.app_context():
        return [
            (e.to, e.subject, e.body, e.headers)
            for e in db.session.scalars(db.select(OutboundEmail).order_by(OutboundEmail.id))
        ]


def link_in(body, path):
    match = re.search(r"https://exchange\.example\.org(" + re.escape(path) + r"[^\s]+)", body)
    assert match, body
    return match.group(1)


def subscription(app):
    with app.app_context():
        row = db.session.scalar(db.select(EventSubscription))
        db.session.expunge_all()
        return row


def test_subscribe_sends_a_confirmation_with_unsubscribe_link_and_header(app, client):
    response = subscribe(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/events/subscribe/check-your-inbox"
    [(to, _subject, body, headers)] = emails(app)
    assert to == "reader@example.org"
    unsubscribe = link_in(body, "/events/unsubscribe/")
    assert headers["List-Unsubscribe"] == f"<https://exchange.example.org{unsubscribe}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscription(app).status == "pending"


def test_opening_the_link_confirms_nothing_the_post_does(app, client):
    subscribe(client)
    confirm = link_in(emails(app)[0][2], "/events/subscribe/confirm/")
    visitor = app.test_client()
    page = visitor.get(confirm)
    assert page.status_code == 200
    assert subscription(app).status == "pending"
    form = html(page).find("form", action=confirm)
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    assert visitor.post(confirm, data={}).status_code == 400  # no CSRF token: nothing changes
    assert subscription(app).status == "pending"
    response = visitor.post(confirm, data={"csrf_token": token})
    assert response.status_code == 200
    assert subscription(app).status == "confirmed"
    # reused link: says so and changes nothing
    again = visitor.post(confirm, data={"csrf_token": token})
    assert "already confirmed" in again.get_data(as_text=True)
    assert subscription(app).status == "confirmed"


def test_a_reused_link_after_unsubscribing_changes_nothing(app, client):
    subscribe(client)
    body = emails(app)[0][2]
    confirm = link_in(body, "/events/subscribe/confirm/")
    unsubscribe = link_in(body, "/events/unsubscribe/")
    client.post(unsubscribe)
    page = client.get(confirm)
    assert page.status_code == 409
    token = html(client.get("/events")).find("meta", attrs={"name": "csrf-token"})
    csrf = (
        token["content"]
        if token
        else html(client.get("/events/subscribe")).find("input", attrs={"name": "csrf_token"})[
            "value"
        ]
    )
    assert client.post(confirm, data={"csrf_token": csrf}).status_code == 409
    assert subscription(app).status == "unsubscribed"


def test_an_expired_or_forged_link_changes_nothing(app, client, monkeypatch):
    subscribe(client)
    confirm = link_in(emails(app)[0][2], "/events/subscribe/confirm/")
    app.config["EVENTS_CONFIRM_MAX_AGE"] = -1
    response = client.get(confirm)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    app.config["EVENTS_CONFIRM_MAX_AGE"] = 3600
    forged = URLSafeTimedSerializer("another-key", salt="event-subscription-confirm").dumps(
        {"s": 1, "n": "x"}
    )
    assert client.get(f"/events/subscribe/confirm/{forged}").status_code == 404
    assert subscription(app).status == "pending"


def test_unsubscribe_get_shows_a_button_post_unsubscribes(app, client):
    subscribe(client)
    unsubscribe = link_in(emails(app)[0][2], "/events/unsubscribe/")
    page = client.get(unsubscribe)
    assert html(page).find("form", action=unsubscribe)
    assert subscription(app).status == "pending"
    # RFC 8058 one-click: a mail client POSTs without a page or a CSRF token
    response = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert subscription(app).status == "unsubscribed"
    assert client.post(unsubscribe).status_code == 200  # again: still unsubscribed
    assert client.get("/events/unsubscribe/not-a-token").status_code == 404


def test_same_answer_whatever_the_state_and_no_resend_flood(app, client):
    first = subscribe(client)
    second = subscribe(client, email="READER@example.org")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(emails(app)) == 1  # a second confirmation waits RESEND_INTERVAL
    assert count(app, EventSubscription) == 1


def test_invalid_input_is_kept(app, client):
    response = subscribe(client, email="not an address", consent="")
    assert response.status_code == 422
    page = html(response)
    assert page.find("input", attrs={"name": "email"})["value"] == "not an address"
    assert page.find(id="consent-error") or "Tick the box" in page.get_text()
    assert count(app, EventSubscription) == 0


def test_missing_csrf_keeps_the_address(app, client):
    client.get("/events/subscribe")
    response = client.post(
        "/events/subscribe", data={"email": "reader@example.org", "consent": "y"}
    )
    assert response.status_code == 400
    assert html(response).find("input", attrs={"name": "email"})["value"] == "reader@example.org"
    assert count(app, EventSubscription) == 0


def test_honeypot_stores_nothing(app, client):
    assert subscribe(client, website="http://spam").status_code == 303
    assert count(app, EventSubscription) == 0 and emails(app) == []


def test_suspected_spam_gets_no_email(app, client):
    app.config["INTEREST_MIN_FILL_SECONDS"] = 3600
    subscribe(client)
    assert emails(app) == []
    assert subscription(app).suspected_spam


def test_rate_limit_keeps_the_address(tmp_path):
    from app import create_app

    app = create_app(
        make_test_config(
            tmp_path,
            RATELIMIT_ENABLED=True,
            FORM_RATE_LIMIT="1/minute",
            INTEREST_MIN_FILL_SECONDS=0,
        )
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    subscribe(client, email="one@example.org")
    response = subscribe(client, email="two@example.org")
    assert response.status_code == 429
    assert html(response).find("input", attrs={"name": "email"})["value"] == "two@example.org"


def test_announce_emails_confirmed_subscribers_once(app, client, runner, seeded):
    subscribe(client)
    confirm = link_in(emails(app)[0][2], "/events/subscribe/confirm/")
    token = html(client.get(confirm)).find("input", attrs={"name": "csrf_token"})["value"]
    client.post(confirm, data={"csrf_token": token})
    subscribe(client, email="pending@example.org")
    with app.app_context():
        db.session.add(
            Event(
                slug="next",
                kind="workshop",
                title="Next workshop",
                date=dt.date.today() + dt.timedelta(days=30),
                timezone="UTC",
            )
        )
        db.session.commit()
    assert (
        runner.invoke(args=["events", "announce", "go-smart-general-assembly-2023"]).exit_code != 0
    )  # past
    before = len(emails(app))
    result = runner.invoke(args=["events", "announce", "next"])
    assert result.exit_code == 0, result.output
    sent = emails(app)[before:]
    assert [to for to, *_ in sent] == ["reader@example.org"]
    assert "/events/unsubscribe/" in sent[0][2] and "List-Unsubscribe" in sent[0][3]
    assert runner.invoke(args=["events", "announce", "next"]).exit_code == 0
    assert len(emails(app)) == before + 1
    assert runner.invoke(args=["events", "announce", "nope"]).exit_code != 0


def test_sitemap_and_navigation_list_the_events(client, seeded):
    body = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/events/go-smart-general-assembly-2023</loc>" in body and "/events</loc>" in body
    nav = html(client.get("/events")).find("nav")
    assert nav.find("a", href="/events")["aria-current"] == "page"


def test_openapi_describes_the_events(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"/events", "/events/{slug}"} <= set(document["paths"])
    assert "EventSummary" in document["components"]["schemas"]


def test_erasing_an_address_removes_its_subscription(app, client):
    from app.events.subscriptions import erase_subscription, subscription_records

    subscribe(client)
    with app.app_context():
        assert subscription_records("Reader@example.org")[0]["status"] == "pending"
        assert erase_subscription("reader@example.org") == 1
        db.session.commit()
        assert subscription_records("reader@example.org") == []


def test_a_translated_event_is_shown_in_the_page_language(app, client):
    with app.app_context():
        db.session.add(
            Event(
                slug="fr",
                kind="webinar",
                title="Smart parking webinar",
                summary="About parking.",
                date=dt.date(2024, 1, 1),
                timezone="UTC",
                language="en",
                translations={
                    "fr": {
                        "title": "Webinaire stationnement",
                        "summary": "Sur le stationnement.",
                        "source": "human",
                        "reviewed": True,
                    }
                },
            )
        )
        db.session.commit()
    assert html(client.get("/events/fr")).find("h1").get_text() == "Smart parking webinar"
    from app.i18n.content import babel_locale

    app.extensions["babel"].locale_selector = lambda: babel_locale("fr")  # as /fr/ would
    page = html(client.get("/events/fr"))
    assert page.find("h1").get_text() == "Webinaire stationnement"
    assert page.find("p", class_="lead").get_text() == "Sur le stationnement."
    listing = html(client.get("/events"))
    assert listing.select_one("li.event h3 a").get_text() == "Webinaire stationnement"
