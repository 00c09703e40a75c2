"""Challenges, solutions and outcomes: pages, search, API, the interest form aimed at them, moderation, demo data."""

import shutil

import pytest

from app.extensions import db
from app.models import (
    Challenge,
    Interest,
    Match,
    OutboundEmail,
    Project,
    SearchOutbox,
    Solution,
    User,
)
from tests.conftest import html, make_test_config
from tests.conftest import login as real_login

HOSTILE = '<script>alert("x")</script>'
ABUJA = "abuja-sanaa-online-marketplace"
SRPOST = "srpost-citizen-participation-systems"


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_MIN_FILL_SECONDS=0)


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return result


def login(client, app, email):
    """Log in through the real login form (a fresh login, as staff exports need)."""
    response = real_login(client, email)
    assert response.status_code == 303, response.status_code


def form_token(response, action=None):
    page = html(response)
    form = page.find("form", action=action) if action else page.find("form", method="post")
    return form.find("input", attrs={"name": "csrf_token"})["value"]


def titles(response):
    return [a.get_text() for a in html(response).select("ol.results-list li h3 a")]


def slugs(response):
    return [a["href"].rsplit("/", 1)[-1] for a in html(response).select("ol.results-list li h3 a")]


# ------------------------------------------------------------------ demo data


def test_seed_loads_the_documented_records_once(app, runner, seeded):
    with app.app_context():
        mine = SearchOutbox.index_name.in_(["challenges", "solutions"])
        outbox_rows = db.session.scalar(db.select(db.func.count(SearchOutbox.id)).where(mine))
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "challenges: 4" in again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Challenge.id))) == 4
        assert db.session.scalar(db.select(db.func.count(Solution.id))) == 8
        assert db.session.scalar(db.select(db.func.count(Match.id))) == 5
        # Nothing changed, so nothing was queued for the indexes.
        assert (
            db.session.scalar(db.select(db.func.count(SearchOutbox.id)).where(mine)) == outbox_rows
        )
        abuja = db.session.scalar(db.select(Challenge).where(Challenge.slug == ABUJA))
        assert abuja.help_sought == [
            "Policy analysis and recommendations",
            "Platform data integration",
            "PR and promotion",
        ]
        assert (abuja.city, abuja.country, abuja.region) == ("Abuja", "NG", "africa")
        assert abuja.deadline is None and abuja.status == "open"
        assert abuja.presented_by == "Digizens Collaborative" and abuja.sources
        fukuoka = db.session.scalar(
            db.select(Challenge).where(Challenge.slug == "fukuoka-business-opportunities-needs")
        )
        # What Fukuoka needs is not in the documents: those fields stay empty.
        assert (fukuoka.theme, fukuoka.help_sought, fukuoka.technologies) == (None, [], [])
        assert fukuoka.member.slug == "fukuoka"
        noodoe = db.session.scalar(
            db.select(Solution).where(Solution.slug == "noodoe-charging-stations")
        )
        assert noodoe.member is None and noodoe.provider_name == "Noodoe Inc."
        assert [p.slug for p in noodoe.deployed_in] == ["curiosity-lab-noodoe-charging-stations"]
        matches = {m.slug: m for m in db.session.scalars(db.select(Match))}
        assert matches["wego-seberang-perai-gabotech"].year == 2016
        assert matches["wego-kampala-srpost"].project.slug == "kampala-smart-parking"
        assert matches["go-smart-mitac-logan-city"].project.slug == "logan-city-mosquito-control"


# ------------------------------------------------------------------ pages and search


def test_challenges_list_search_and_facets(client, seeded):
    page = html(client.get("/challenges"))
    assert page.find(id="results-heading").get_text() == "4 challenges found"
    legends = [legend.get_text() for legend in page.select("#facets legend")]
    assert legends == ["Theme", "Region", "Technology", "Status"]
    assert slugs(client.get("/challenges", query_string={"q": "artisan marketplace"})) == [ABUJA]
    by_region = slugs(client.get("/challenges", query_string={"region": "asia-pacific"}))
    assert set(by_region) == {
        "seberang-perai-priority-projects",
        "fukuoka-business-opportunities-needs",
    }
    assert slugs(client.get("/challenges", query_string={"status": "closed"})) == []
    filtered = html(client.get("/challenges", query_string={"region": "africa"}))
    box = filtered.find("input", attrs={"name": "region", "value": "africa"})
    assert box.has_attr("checked")
    # A facet counts under the other facets' filters, not its own: the other regions stay offered.
    facets = filtered.find(id="facets").get_text(" ", strip=True)
    assert "Asia-Pacific (2)" in facets and "Europe (1)" in facets
    assert "Open and Inclusive City (1)" in facets


def test_solutions_search_ranks_by_relevance_and_filters(client, seeded):
    assert slugs(client.get("/solutions", query_string={"q": "parking"}))[0] == SRPOST
    assert slugs(client.get("/solutions", query_string={"q": "street lights"})) == [
        "gabotech-smart-street-lights"
    ]
    africa = slugs(client.get("/solutions", query_string={"region": "africa"}))
    assert africa == [SRPOST]  # deployed in Kampala
    mobility = set(slugs(client.get("/solutions", query_string={"theme": "mobility"})))
    assert mobility == {SRPOST, "noodoe-charging-stations"}


def test_unknown_facet_values_match_nothing_with_a_notice(client, seeded):
    response = client.get("/challenges", query_string={"theme": "teleportation", "page": "abc"})
    assert response.status_code == 200
    text = html(response).get_text()
    assert "Nothing has the theme “teleportation”." in text
    assert "There is no page “abc”" in text
    assert slugs(response) == []


def test_htmx_gets_the_partial_the_page_includes(client, seeded):
    response = client.get(
        "/solutions", query_string={"q": "parking"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    fragment = html(response)
    assert fragment.find("html") is None and fragment.find(id="results-heading")
    assert fragment.find(id="facets")["hx-swap-oob"] == "true"
    full = client.get("/solutions", query_string={"q": "parking"})
    assert "HX-Request" in full.headers["Vary"] and html(full).find("html")


def test_challenge_detail_offers_interest_and_fitting_solutions(client, seeded):
    page = html(client.get(f"/challenges/{ABUJA}"))
    assert page.find(id="express-interest")["href"] == f"/interest?challenge={ABUJA}"
    assert [li.get_text() for li in page.select("#help-sought li")][
        0
    ] == "Policy analysis and recommendations"
    assert page.find(id="challenge-deadline").get_text() == "Open: no deadline"
    fitting = page.find("section", attrs={"aria-labelledby": "fitting-solutions"})
    first = fitting.select("ul.suggestions li")[0]
    assert first.a["href"] == f"/solutions/{SRPOST}"
    assert "same theme: Open and Inclusive City" in first.get_text()
    assert "deployed in Africa" in first.get_text()
    assert page.find("details", class_="sources")


def test_solution_detail_lists_deployments_and_open_challenges(client, seeded):
    page = html(client.get(f"/solutions/{SRPOST}"))
    assert page.find(id="express-interest")["href"] == f"/interest?solution={SRPOST}"
    assert [a["href"] for a in page.select("#deployed-in a")] == ["/projects/kampala-smart-parking"]
    challenges = page.find("section", attrs={"aria-labelledby": "fitting-challenges"})
    assert challenges.select("ul.suggestions li a")[0]["href"] == f"/challenges/{ABUJA}"


def test_unknown_and_unpublished_records_are_not_found(app, client, seeded):
    assert client.get("/challenges/no-such-thing").status_code == 404
    with app.app_context():
        db.session.scalar(
            db.select(Solution).where(Solution.slug == SRPOST)
        ).publication = "unpublished"
        db.session.commit()
    assert client.get(f"/solutions/{SRPOST}").status_code == 404
    assert SRPOST not in slugs(client.get("/solutions", query_string={"q": "parking"}))
    assert client.get(f"/api/v1/solutions/{SRPOST}").status_code == 404


def test_search_answers_from_the_database_when_the_index_is_gone(app, client, seeded):
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    response = client.get("/challenges", query_string={"q": "marketplace"})
    assert response.status_code == 200
    assert slugs(response) == [ABUJA]
    assert "simplified mode" in html(response).get_text()


def test_hostile_queries_are_text(client, seeded):
    for query in (HOSTILE, 'title:"x AND', "*" * 5000, "\x00"):
        for path in ("/challenges", "/solutions", "/api/v1/challenges"):
            response = client.get(path, query_string={"q": query, "technology": HOSTILE})
            assert response.status_code == 200
            if response.mimetype == "text/html":
                assert "<script>alert" not in response.get_data(as_text=True)
            else:  # JSON carries the text as data
                assert response.get_json()["total"] == 0


def test_outcomes_page_counts_from_the_data(app, client, seeded):
    def figures():
        page = html(client.get("/matchmaking"))
        return {dd["data-figure"]: int(dd.get_text()) for dd in page.select("#outcome-figures dd")}

    assert figures() == {
        "introductions": 5,
        "accepted": 4,
        "pilots": 4,
        "agreements": 2,
        "projects": 5,
    }
    page = html(client.get("/matchmaking"))
    match = page.find(id="match-go-smart-noodoe-curiosity-lab")
    assert "Noodoe Inc." in match.get_text()
    assert match.find("a", href="/projects/curiosity-lab-noodoe-charging-stations")
    with app.app_context():
        db.session.add(Match(slug="new-one", parties=["A", "B"], stage="contract"))
        db.session.commit()
    assert figures() == {
        "introductions": 6,
        "accepted": 5,
        "pilots": 5,
        "agreements": 3,
        "projects": 5,
    }
    # Introductions made from the inbox count too: one made, one accepted that became a pilot.
    from datetime import datetime

    from app.models import Introduction

    with app.app_context():
        interest = Interest(
            token="t",
            name="N",
            email="n@example.org",
            organization="O",
            organization_type="other",
            country="UG",
            interest_type="learn",
            message="M",
        )
        db.session.add(interest)
        db.session.flush()
        db.session.add_all(
            [
                Introduction(interest_id=interest.id),
                Introduction(
                    interest_id=interest.id, accepted_at=datetime(2026, 1, 1), outcome="pilot"
                ),
            ]
        )
        db.session.commit()
    assert figures() == {
        "introductions": 8,
        "accepted": 6,
        "pilots": 6,
        "agreements": 3,
        "projects": 5,
    }


# ------------------------------------------------------------------ API


def test_api_lists_with_the_projects_conventions(client, seeded):
    body = client.get("/api/v1/challenges").get_json()
    assert {"total", "page", "per_page", "results", "facets"} <= set(body)
    assert body["total"] == 4 and set(body["facets"]) == {"theme", "region", "technology", "status"}
    assert body["facets"]["status"] == {"open": 4}
    abuja = next(r for r in body["results"] if r["slug"] == ABUJA)
    assert abuja["deadline"] is None and abuja["url"].endswith(f"/challenges/{ABUJA}")
    solutions = client.get(
        "/api/v1/solutions", query_string={"q": "parking", "per_page": 1}
    ).get_json()
    assert solutions["per_page"] == 1 and solutions["results"][0]["slug"] == SRPOST
    past_the_end = client.get("/api/v1/solutions", query_string={"page": 99})
    assert past_the_end.status_code == 404  # as /api/v1/projects: no page past the last
    assert past_the_end.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "abc"}, {"per_page": "101"}, {"per_page": "-1"}]
)
def test_api_paging_errors_are_400_with_a_message(client, seeded, params):
    for path in ("/api/v1/challenges", "/api/v1/solutions"):
        response = client.get(path, query_string=params)
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json" and response.get_json()["detail"]


def test_api_detail(client, seeded):
    body = client.get("/api/v1/solutions/gabotech-smart-street-lights").get_json()
    assert body["member"] == {"slug": "gabotech", "name": "Gabotech"}
    assert [d["slug"] for d in body["deployed_in"]] == ["seberang-perai-smart-street-lights"]
    assert body["interest_url"].endswith("/interest?solution=gabotech-smart-street-lights")
    challenge = client.get(f"/api/v1/challenges/{ABUJA}").get_json()
    assert challenge["help_sought"][1] == "Platform data integration"
    missing = client.get("/api/v1/challenges/nope")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404


# ------------------------------------------------------------------ the interest form aimed at them


def interest_data(response, **overrides):
    form = html(response).find("form", attrs={"action": "/interest"})
    data = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    data.update(
        name="Amina Okello",
        email="amina@example.org",
        organization="SRPOST",
        organization_type="corporation",
        country="UG",
        interest_type="supply",
        message="We can help with platform data integration for the marketplace.",
        consent="y",
        website="",
    )
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("start", "field", "slug"),
    [(f"/challenges/{ABUJA}", "challenge", ABUJA), (f"/solutions/{SRPOST}", "solution", SRPOST)],
)
def test_express_interest_is_aimed_at_the_record(app, client, seeded, start, field, slug):
    link = html(client.get(start)).find(id="express-interest")["href"]
    form_page = client.get(link)
    target = html(form_page).find(id=f"interest-target-{field}")
    assert target is not None and target.a["href"] == start
    data = interest_data(form_page)
    assert data[field] == slug
    response = client.post("/interest", data=data)
    assert response.status_code == 303
    with app.app_context():
        interest = db.session.scalar(db.select(Interest))
        assert getattr(interest, field).slug == slug


def test_an_unknown_target_says_so_and_sends_a_general_interest(app, client, seeded):
    page = client.get("/interest", query_string={"challenge": "no-such-challenge"})
    assert "We could not find that challenge." in html(page).get_text()
    data = interest_data(page)
    assert data["challenge"] == ""
    data["solution"] = HOSTILE  # tampered hidden field
    response = client.post("/interest", data=data)
    assert response.status_code == 303
    with app.app_context():
        interest = db.session.scalar(db.select(Interest))
        assert (interest.challenge_id, interest.solution_id) == (None, None)


def test_the_form_keeps_the_target_when_csrf_fails(client, seeded):
    data = interest_data(
        client.get("/interest", query_string={"challenge": ABUJA}), csrf_token="forged"
    )
    response = client.post("/interest", data=data)
    assert response.status_code == 400
    page = html(response)
    assert page.find(id="interest-target-challenge") is not None
    assert (
        page.find("textarea", attrs={"name": "message"})
        .get_text()
        .strip()
        .startswith("We can help")
    )


# ------------------------------------------------------------------ moderation and proposals

CHALLENGE_PROPOSAL = {
    "title": "Flood warnings for the river district",
    "city": "Kampala",
    "country": "UG",
    "theme": "safe-city",
    "problem": "Floods reach homes **before** any warning.",
    "help_sought": "Sensor networks\nEarly warning messages",
    "deadline": "2027-06-30",
    "technologies": "IoT, SMS",
    "sources": "City council minutes | https://example.org/minutes",
}


def member_with_org(app, make_user, status="approved"):
    """A confirmed member user whose organisation has `status`; returns the email."""
    email = make_user()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user.member.status = status
        db.session.commit()
    return email


def propose(client, path, data):
    token = form_token(client.get(path), path)
    return client.post(path, data=dict(data, csrf_token=token))


def test_a_member_proposal_waits_for_staff_then_is_published_and_searchable(app, client, make_user):
    login(client, app, member_with_org(app, make_user))
    response = propose(client, "/account/challenges/new", CHALLENGE_PROPOSAL)
    assert response.status_code == 303
    with app.app_context():
        challenge = db.session.scalar(db.select(Challenge))
        assert challenge.publication == "pending"
        assert challenge.help_sought == ["Sensor networks", "Early warning messages"]
        assert challenge.deadline.isoformat() == "2027-06-30"
        slug, challenge_id = challenge.slug, challenge.id
    assert client.get(f"/challenges/{slug}").status_code == 404
    assert slugs(client.get("/challenges", query_string={"q": "flood"})) == []
    mine = html(client.get("/account/matchmaking"))
    assert "Pending" in mine.find(id="my-challenges").get_text()

    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    review = f"/staff/matchmaking/challenges/{challenge_id}"
    assert "Flood warnings" in html(staff.get("/staff/matchmaking/challenges")).get_text()
    action = f"{review}/publish"
    assert (
        staff.post(action, data={"csrf_token": form_token(staff.get(review), action)}).status_code
        == 303
    )
    assert client.get(f"/challenges/{slug}").status_code == 200
    assert slugs(client.get("/challenges", query_string={"q": "flood"})) == [slug]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboundEmail.id))) == 1


def test_staff_reject_with_a_reason_the_member_reads(app, client, make_user):
    login(client, app, member_with_org(app, make_user))
    propose(
        client,
        "/account/solutions/new",
        {
            "title": "Parking app",
            "description": "Find parking.",
            "themes": ["mobility"],
            "deployed_in": "",
            "technologies": "",
            "sources": "",
        },
    )
    with app.app_context():
        solution_id = db.session.scalar(db.select(Solution.id))
    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    review = f"/staff/matchmaking/solutions/{solution_id}"
    action = f"{review}/reject"
    token = form_token(staff.get(review), action)
    assert staff.post(action, data={"csrf_token": token, "reason": ""}).status_code == 400
    assert (
        staff.post(action, data={"csrf_token": token, "reason": "Say where it runs."}).status_code
        == 303
    )
    assert (
        "Rejected: Say where it runs."
        in html(client.get("/account/matchmaking")).find(id="my-solutions").get_text()
    )


def test_only_confirmed_members_of_an_approved_organisation_propose(app, client, make_user):
    login(client, app, member_with_org(app, make_user, status="pending"))
    response = client.get("/account/challenges/new")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/")
    staff_user = app.test_client()
    login(staff_user, app, make_user(role="staff"))  # no member organisation
    assert staff_user.get("/account/solutions/new").status_code == 303
    with app.app_context():
        email = member_with_org(app, make_user)
        db.session.scalar(db.select(User).where(User.email == email)).email_verified_at = None
        db.session.commit()
    unconfirmed = app.test_client()
    login(unconfirmed, app, email)
    assert unconfirmed.get("/account/challenges/new").status_code == 303
    assert app.test_client().get("/account/challenges/new").status_code == 302  # anonymous: log in


def test_moderation_is_for_staff_only(app, client, seeded, make_user):
    with app.app_context():
        challenge_id = db.session.scalar(db.select(Challenge.id).where(Challenge.slug == ABUJA))
    review = f"/staff/matchmaking/challenges/{challenge_id}"
    assert client.get("/staff/matchmaking/challenges").status_code == 302
    assert client.post(f"{review}/unpublish").status_code in (302, 400)
    login(client, app, member_with_org(app, make_user))
    assert client.get("/staff/matchmaking/challenges").status_code == 403
    assert client.get(review).status_code == 403
    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    assert staff.post(f"{review}/unpublish", data={}).status_code == 400  # no CSRF token
    assert staff.get("/staff/matchmaking/widgets").status_code == 404
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).publication == "published"


def test_proposals_refuse_bad_input_and_keep_it(app, client, make_user):
    login(client, app, member_with_org(app, make_user))
    data = dict(
        CHALLENGE_PROPOSAL, title=HOSTILE, country="XX", sources="Bad | javascript:alert(1)"
    )
    response = propose(client, "/account/challenges/new", data)
    assert response.status_code == 400
    page = html(response)
    assert page.find("input", attrs={"name": "title"})["value"] == HOSTILE
    assert page.find(class_="error-summary") is not None
    response = propose(
        client,
        "/account/solutions/new",
        {"title": "X", "description": "Y", "deployed_in": "no-such-case-study", "sources": ""},
    )
    assert response.status_code == 400
    assert "No published case study at: no-such-case-study" in html(response).get_text()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Challenge.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Solution.id))) == 0


def test_published_markup_is_escaped(app, client, make_user):
    with app.app_context():
        db.session.add(
            Challenge(
                slug="hostile",
                title=HOSTILE,
                city=HOSTILE,
                country="UG",
                problem=HOSTILE,
                help_sought=[HOSTILE],
                technologies=[HOSTILE],
                sources=[{"title": HOSTILE}],
            )
        )
        db.session.commit()
    for path in ("/challenges/hostile", "/challenges", "/challenges?q=alert"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in body


# ------------------------------------------------------------------ the staff inbox's suggestions


def inbox_page(app, make_user, interest_id):
    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    return html(staff.get(f"/staff/interest/{interest_id}"))


def test_inbox_suggests_from_what_the_interest_is_aimed_at(app, client, seeded, make_user):
    data = interest_data(client.get("/interest", query_string={"challenge": ABUJA}))
    client.post("/interest", data=data)
    with app.app_context():
        interest_id = db.session.scalar(db.select(Interest.id))
    page = inbox_page(app, make_user, interest_id)
    section = page.find(id="interest-suggestions")
    first = section.select("ul.suggestions li")[0]
    assert first.a["href"] == f"/solutions/{SRPOST}"
    assert "Why: same theme: Open and Inclusive City" in first.get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"suspected_spam": True, "spam_reason": "sent 0.2 s after the form was opened"},
            "suspected spam",
        ),
        ({"message": "hi !!! ok"}, "says nothing to match"),
    ],
)
def test_spam_and_empty_messages_get_no_suggestions(app, seeded, make_user, changes, expected):
    with app.app_context():
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == ABUJA))
        interest = Interest(
            token="t",
            name="N",
            email="n@example.org",
            organization="O",
            organization_type="other",
            country="NG",
            interest_type="supply",
            message="Platform data integration for marketplaces.",
            challenge=challenge,
        )
        for name, value in changes.items():
            setattr(interest, name, value)
        db.session.add(interest)
        db.session.commit()
        interest_id = interest.id
    page = inbox_page(app, make_user, interest_id)
    assert expected in page.find(id="suggestions-withheld").get_text()
    assert page.find(id="interest-suggestions") is None
    section = page.find("section", attrs={"aria-labelledby": "matchmaking-title"})
    assert section.select("ul.suggestions a") == []


def test_deleting_a_linked_project_keeps_the_solution(app, seeded):
    with app.app_context():
        project = db.session.scalar(
            db.select(Project).where(Project.slug == "kampala-smart-parking")
        )
        db.session.delete(project)
        db.session.commit()
        solution = db.session.scalar(db.select(Solution).where(Solution.slug == SRPOST))
        assert solution.deployed_in == []
        match = db.session.scalar(db.select(Match).where(Match.slug == "wego-kampala-srpost"))
        assert match.project_id is None


def test_sitemap_and_openapi_list_the_matchmaking_pages(client, seeded):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for path in ("/matchmaking", "/challenges", f"/challenges/{ABUJA}", f"/solutions/{SRPOST}"):
        assert f"{path}</loc>" in sitemap
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/challenges", "/challenges/{slug}", "/solutions", "/solutions/{slug}"} <= set(paths)


def test_a_challenge_past_its_deadline_counts_as_closed(app, client, seeded):
    from datetime import date, timedelta

    with app.app_context():
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == ABUJA))
        challenge.deadline = date.today() - timedelta(days=1)
        db.session.commit()
    assert slugs(client.get("/challenges", query_string={"status": "closed"})) == [ABUJA]
    assert (
        html(client.get(f"/challenges/{ABUJA}")).find(id="challenge-status").get_text() == "Closed"
    )
    assert client.get(f"/api/v1/challenges/{ABUJA}").get_json()["status"] == "closed"
    fitting = html(client.get(f"/solutions/{SRPOST}")).find(
        "section", attrs={"aria-labelledby": "fitting-challenges"}
    )
    assert f"/challenges/{ABUJA}" not in str(fitting)


def test_inbox_suggests_challenges_for_an_interest_in_a_solution(app, client, seeded, make_user):
    data = interest_data(client.get("/interest", query_string={"solution": SRPOST}), country="NG")
    assert client.post("/interest", data=data).status_code == 303
    with app.app_context():
        interest_id = db.session.scalar(db.select(Interest.id))
    section = inbox_page(app, make_user, interest_id).find(id="interest-suggestions")
    challenge_links = [a["href"] for a in section.select("ul.suggestions li a")]
    assert challenge_links[0] == f"/challenges/{ABUJA}"
    page = inbox_page(app, make_user, interest_id)
    organisations = page.find("section", attrs={"aria-labelledby": "matchmaking-title"}).get_text()
    assert (
        "Behind “SRPOST citizen participation systems”" in organisations
    )  # the party to introduce


def test_a_published_solution_is_found_by_where_it_is_deployed(app, client, seeded, make_user):
    login(client, app, member_with_org(app, make_user))
    response = propose(
        client,
        "/account/solutions/new",
        {
            "title": "Sensor kit",
            "description": "Counts free spaces.",
            "themes": ["mobility"],
            "regions": ["africa"],
            "deployed_in": "kampala-smart-parking",
            "technologies": "IoT",
            "sources": "",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        solution = db.session.scalar(db.select(Solution).where(Solution.title == "Sensor kit"))
        assert [p.slug for p in solution.deployed_in] == ["kampala-smart-parking"]
        solution.publication = "published"
        db.session.commit()
        slug = solution.slug
    assert slug in slugs(client.get("/solutions", query_string={"q": "Kampala"}))


def test_the_export_names_what_each_interest_is_aimed_at(app, client, seeded, make_user):
    client.post(
        "/interest", data=interest_data(client.get("/interest", query_string={"solution": SRPOST}))
    )
    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    (record,) = staff.get("/staff/interest/export.json").get_json()
    assert (record["challenge"], record["solution"]) == ("", SRPOST)


def test_staff_review_shows_what_a_record_fits_and_why(app, seeded, make_user):
    with app.app_context():
        challenge_id = db.session.scalar(db.select(Challenge.id).where(Challenge.slug == ABUJA))
    staff = app.test_client()
    login(staff, app, make_user(role="staff"))
    fitting = html(staff.get(f"/staff/matchmaking/challenges/{challenge_id}")).find(
        id="staff-fitting"
    )
    first = fitting.select("ul.suggestions li")[0]
    assert first.a["href"] == f"/solutions/{SRPOST}"
    assert "shared words: citizen, participation" in first.get_text()


def test_a_member_page_lists_its_challenges_and_solutions(client, seeded):
    page = html(client.get("/members/seberang-perai"))
    assert [a["href"] for a in page.select("#member-challenges a")] == [
        "/challenges/seberang-perai-priority-projects"
    ]
    solutions = html(client.get("/members/gabotech")).select("#member-solutions a")
    assert [a["href"] for a in solutions] == ["/solutions/gabotech-smart-street-lights"]


def test_detail_pages_show_a_translation_in_the_page_language(app, client, seeded):
    from app.i18n.content import babel_locale

    with app.app_context():
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.slug == ABUJA))
        challenge.translations = {
            "fr": {
                "title": "Sana’a, une place de marché en ligne",
                "source": "machine",
                "reviewed": False,
            }
        }
        db.session.commit()
    english = html(client.get(f"/challenges/{ABUJA}"))
    assert english.find(id="challenge-title").get_text().startswith("Sana’a, an online marketplace")
    assert slugs(client.get("/challenges", query_string={"q": "place marché"})) == [ABUJA]
    app.extensions["babel"].locale_selector = lambda: babel_locale("fr")
    french = html(client.get(f"/challenges/{ABUJA}"))
    assert french.find(id="challenge-title").get_text() == "Sana’a, une place de marché en ligne"
    assert french.find(class_="content-note") is not None  # marked as a machine translation
    card = html(client.get("/challenges", query_string={"q": "marketplace"})).select_one(
        "ol.results-list h3"
    )
    assert card.get_text() == "Sana’a, une place de marché en ligne" and not card.has_attr("lang")


def test_records_validate_translations_like_the_catalogue(app):
    from app.matchmaking.records import RecordError, challenge_values

    record = {
        "slug": "x",
        "title": "T",
        "city": "C",
        "country": "UG",
        "translations": {"fr": {"title": " Titre ", "source": "machine"}},
    }
    with app.test_request_context():
        assert challenge_values(record)["translations"]["fr"]["title"] == "Titre"
        with pytest.raises(RecordError):
            challenge_values(dict(record, translations={"tlh": {"title": "Klingon"}}))


def test_api_takes_lang_like_the_projects_api(app, client, seeded):
    with app.app_context():
        solution = db.session.scalar(db.select(Solution).where(Solution.slug == SRPOST))
        solution.translations = {
            "es": {"title": "Sistemas de participación ciudadana", "source": "human"}
        }
        db.session.commit()
    body = client.get(f"/api/v1/solutions/{SRPOST}", query_string={"lang": "es"}).get_json()
    assert (body["title"], body["language"]) == ("Sistemas de participación ciudadana", "es")
    original = client.get(f"/api/v1/solutions/{SRPOST}").get_json()
    assert (original["title"], original["language"]) == (
        "SRPOST citizen participation systems",
        "en",
    )
    assert client.get("/api/v1/challenges", query_string={"lang": "tlh"}).status_code == 400


def test_a_claim_to_act_for_the_member_not_yet_approved_cannot_propose(app, client, make_user):
    email = member_with_org(app, make_user)
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).membership_status = "pending"
        db.session.commit()
    login(client, app, email)
    response = client.get("/account/challenges/new")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/")
    assert html(client.get("/account/matchmaking")).find(class_="flash") is not None
