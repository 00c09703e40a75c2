"""Every `render(page, partial)` view: the partial, `hx-target` and `hx-swap` fit together.

The convention: the partial's root element carries the id that `hx-target`
names, and every element with an `hx-target` says `hx-swap="outerHTML"`, so
the swap replaces the element by its new version. The test performs the swap
on the parsed page (out-of-band elements too) and checks that the result
holds every id once and that every `hx-target` still names an element.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from app.extensions import db
from app.models import Interest, Member, Project
from app.seed import seed_awards, seed_projects
from tests.conftest import html, login, make_test_config

APP_DIR = Path(__file__).resolve().parent.parent / "app"


def set_up_catalog(app, make_project, make_user):
    make_project(title="Smart Parking", technologies=["IoT"])
    return "/projects?q=parking"


def set_up_members(app, make_project, make_user):
    with app.app_context():
        for n in range(3):
            db.session.add(
                Member(slug=f"m{n}", name=f"Member {n}", type="corporation", status="approved")
            )
        db.session.commit()
    return "/members"


def set_up_awards(app, make_project, make_user):
    with app.app_context():
        seed_projects()
        seed_awards()
        db.session.commit()
        from app.models import AwardEdition

        slug = db.session.scalar(db.select(AwardEdition.slug).order_by(AwardEdition.id))
    return f"/awards/{slug}"


def set_up_interest_form(app, make_project, make_user):
    return "/interest"


@pytest.fixture
def app_config(tmp_path):
    return make_test_config(tmp_path, INTEREST_PER_PAGE=1)  # two submissions make two pages


def add_interests(app, slug=None):
    with app.app_context():
        project_id = db.session.scalar(db.select(Project.id).where(Project.slug == slug))
        for n in range(2):
            db.session.add(
                Interest(
                    token=f"token-{n}",
                    name="Ada",
                    email="ada@example.org",
                    organization="Org",
                    organization_type="corporation",
                    country="KR",
                    interest_type="learn",
                    project_id=project_id,
                    message="Tell me more.",
                    consent=True,
                )
            )
        db.session.commit()


def set_up_inbox(app, make_project, make_user):
    add_interests(app)
    return "/staff/interest"


def set_up_project_inbox(app, make_project, make_user):
    slug = make_project()
    add_interests(app, slug)
    return f"/staff/projects/{slug}/interest"


def set_up_challenges(app, make_project, make_user):
    from app.seed import seed_challenges, seed_members

    with app.app_context():
        seed_projects()
        seed_members()
        seed_challenges()
        db.session.commit()
    return "/challenges?region=asia-pacific"


def set_up_events(app, make_project, make_user):
    import datetime as dt

    from app.models import Event

    with app.app_context():
        for n in range(2):
            db.session.add(
                Event(
                    slug=f"e{n}", kind="webinar", title=f"Event {n}", date=dt.date(2024, 1, 1 + n)
                )
            )
        db.session.commit()
    return "/events?kind=webinar"


# (the partial a view renders for htmx, how to reach the view, who looks)
CASES = {
    "catalog/_search_response.html": (set_up_catalog, None),
    "members/_results.html": (set_up_members, None),
    "awards/_winners.html": (set_up_awards, None),
    "interest/_form.html": (set_up_interest_form, None),
    "matchmaking/_listing_response.html": (set_up_challenges, None),
    "events/_results.html": (set_up_events, None),
    "staff_interest/_results.html": (set_up_inbox, "staff"),
    "staff_interest/_results.html project": (set_up_project_inbox, "staff"),
}


def render_calls():
    """(page, partial) of every render() call in app/, read from the source."""
    pattern = re.compile(r'render\(\s*(?:"([^"]+)"|(\w+)),\s*(?:"([^"]+)"|(\w+))', re.S)
    calls = set()
    for path in APP_DIR.rglob("*.py"):
        source = path.read_text()
        constants = dict(re.findall(r'^([A-Z_]+) = "([^"]+\.html)"', source, re.M))
        for page, page_name, partial, partial_name in pattern.findall(source):
            calls.add((page or constants.get(page_name), partial or constants.get(partial_name)))
    return calls


def test_every_render_view_is_covered():
    partials = {key.split()[0] for key in CASES}
    missing = {
        (page, partial)
        for page, partial in render_calls()
        if page != partial and partial not in partials
    }
    assert render_calls() and missing == set()


def roots(fragment):
    return [node for node in fragment.contents if isinstance(node, Tag)]


def duplicate_ids(document):
    counts = Counter(element["id"] for element in document.find_all(id=True))
    return sorted(name for name, n in counts.items() if n > 1)


def swap(document, target_id, fragment_text):
    """Apply an htmx outerHTML swap of `fragment_text` into `document`, out-of-band parts too."""
    fragment = BeautifulSoup(fragment_text, "html.parser")
    main = []
    for root in roots(fragment):
        if root.has_attr("hx-swap-oob"):
            old = document.find(id=root["id"])
            assert old is not None, f"out-of-band #{root['id']} has no element to replace"
            del root["hx-swap-oob"]
            old.replace_with(root)
        else:
            main.append(root)
    assert [root.get("id") for root in main] == [target_id], (
        f"the partial's root must be the one element #{target_id}, found {[r.name for r in main]}"
    )
    document.find(id=target_id).replace_with(main[0])


@pytest.mark.parametrize("case", CASES)
def test_partial_root_hx_target_and_hx_swap_fit(app, client, make_project, make_user, case):
    set_up, who = CASES[case]
    url = set_up(app, make_project, make_user)
    if who:
        login(client, make_user(role=who))
    document = html(client.get(url))
    assert duplicate_ids(document) == []
    targeting = document.find_all(attrs={"hx-target": True})
    assert targeting, f"{url} has no htmx target"
    for element in targeting:
        assert element.get("hx-swap") == "outerHTML", element.get("hx-target")
    target_id = targeting[0]["hx-target"].removeprefix("#")
    assert document.find(id=target_id) is not None

    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    swap(document, target_id, fragment.get_data(as_text=True))

    assert duplicate_ids(document) == [], f"{url}: duplicate ids after a swap"
    for element in document.find_all(attrs={"hx-target": True}):
        assert element.get("hx-swap") == "outerHTML", element.get("hx-target")
        assert document.select_one(element["hx-target"]) is not None, element["hx-target"]
