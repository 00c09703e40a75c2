"""The search engine: analysis, query parsing, facets, highlights, the outbox indexer, fallback."""

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.database import begin_write
from app.extensions import db
from app.models import Project, SearchOutbox
from app.search import (
    FACETS,
    ProjectQuery,
    check_index,
    index_status,
    rebuild_index,
    related_projects,
    search_projects,
    sync_pending,
)
from app.search.indexer import index_lock
from app.search.projects import DEFINITION
from app.search.registry import current_generation, index_root


def search(app, text="", **kwargs):
    with app.app_context():
        page = search_projects(ProjectQuery(text=text, **kwargs))
        page.slugs = [hit.project.slug for hit in page.hits]
        return page


def project_root(app):
    with app.app_context():
        return index_root(DEFINITION)


def update_project(app, slug, **fields):
    with app.app_context():
        begin_write()
        project = db.session.scalar(db.select(Project).filter_by(slug=slug))
        for name, value in fields.items():
            setattr(project, name, value)
        db.session.commit()


def delete_project(app, slug):
    with app.app_context():
        begin_write()
        db.session.delete(db.session.scalar(db.select(Project).filter_by(slug=slug)))
        db.session.commit()


# Analysis and query parsing


def test_stemming_matches_other_word_forms(app, make_project):
    make_project(slug="parking", title="Smart parking sensors")
    make_project(slug="other", title="Open budget portal")
    assert search(app, "park sensor").slugs == ["parking"]
    assert search(app, "parked").slugs == ["parking"]


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("bus", "buses"),
        ("tax", "taxes"),
        ("address", "addresses"),
        ("box", "boxes"),
        ("status", "statuses"),
        ("campus", "campuses"),
        ("gas", "gases"),
        ("house", "houses"),
        ("cause", "causes"),
    ],
)
def test_singular_and_plural_find_each_other(app, make_project, singular, plural):
    make_project(slug="one", title=f"Smart {singular} pilot", summary="First.")
    make_project(slug="many", title=f"Electric {plural}", summary="Second.")
    make_project(slug="other", title="Open budget portal", summary="Third.")
    assert sorted(search(app, singular).slugs) == ["many", "one"]
    assert sorted(search(app, plural).slugs) == ["many", "one"]


def test_adjectives_in_ous_still_meet_their_root(app, make_project):
    make_project(slug="danger", title="Dangerous crossings", summary="Mapped.")
    assert search(app, "danger").slugs == ["danger"]


@pytest.mark.parametrize("typed", ["Medellin", "medellín", "MEDELLÍN"])
def test_accent_folding_from_unaccented_and_accented_queries(app, make_project, typed):
    make_project(slug="medellin", title="Metro cable", city="Medellín", country="CO")
    make_project(slug="sao-paulo", title="Free Fab Lab", city="Sao Paulo", country="BR")
    assert search(app, typed).slugs == ["medellin"]
    assert search(app, "São Paulo").slugs == ["sao-paulo"]


def test_country_code_and_english_name_are_searchable(app, make_project):
    make_project(slug="kampala", title="Smart parking", city="Kampala", country="UG")
    make_project(slug="seoul", title="Smart parking", city="Seoul", country="KR")
    assert search(app, "Uganda").slugs == ["kampala"]
    assert search(app, "smart parking korea").slugs == ["seoul"]


def test_technologies_organizations_and_description_are_searchable(app, make_project):
    make_project(
        slug="drones",
        title="Drone deliveries",
        technologies=["LoRaWAN"],
        organizations=[{"name": "Skyward Telecom", "role": "provider"}],
        description="Medical supplies reach **islands** within an hour.",
    )
    make_project(slug="other")
    for text in ("lorawan", "skyward", "islands"):
        assert search(app, text).slugs == ["drones"], text


def test_phrase_requires_adjacent_words(app, make_project):
    make_project(slug="phrase", title="Public transport safety for women")
    make_project(slug="apart", title="Safety first, then public consultation on transport")
    assert set(search(app, "public transport").slugs) == {"phrase", "apart"}
    assert search(app, '"public transport"').slugs == ["phrase"]


def test_phrase_words_must_follow_each_other_in_one_field(app, make_project):
    make_project(slug="run", title="Public transport safety", summary="For women.")
    make_project(
        slug="pairs-apart",
        title="Public transport hub",
        summary="A transport safety audit.",
    )
    make_project(slug="across-fields", title="Rail transport", summary="Safety first.")
    assert search(app, '"public transport safety"').slugs == ["run"]
    assert sorted(search(app, '"transport safety"').slugs) == ["pairs-apart", "run"]


def test_all_words_must_match_before_any_word_does(app, make_project):
    make_project(slug="both", title="Smart parking")
    make_project(slug="one", title="Smart lighting")
    assert search(app, "smart parking").slugs == ["both"]
    page = search(app, "parking zeppelin")
    assert page.slugs == ["both"]


def test_exact_title_match_ranks_first(app, make_project):
    make_project(slug="exact", title="Jakarta Smart City", city="Jakarta", country="ID")
    for n in range(5):
        make_project(
            slug=f"noise-{n}",
            title=f"Smart city dashboard {n}",
            summary="Jakarta smart city smart city data for the city of Jakarta.",
            city="Jakarta",
            country="ID",
        )
    assert search(app, "jakarta smart city").slugs[0] == "exact"


def test_city_name_returns_that_citys_projects_first(app, make_project):
    make_project(
        slug="mentions",
        title="Bus tracking",
        summary="Modelled on Seoul's system.",
        city="Busan",
        country="KR",
    )
    make_project(slug="in-seoul", title="Bus tracking", city="Seoul", country="KR")
    assert search(app, "Seoul").slugs == ["in-seoul", "mentions"]


def test_typo_gives_a_suggestion_and_corrected_results(app, make_project):
    make_project(slug="parking", title="Smart parking")
    page = search(app, "parkng")
    assert page.suggestion == "parking"
    assert page.corrected is True
    assert page.slugs == ["parking"]


def test_known_words_give_no_suggestion(app, make_project):
    make_project(slug="parking", title="Smart parking")
    page = search(app, "parking")
    assert (page.suggestion, page.corrected) == (None, False)


def test_no_suggestion_for_another_form_of_a_word_that_matched(app, make_project):
    make_project(slug="drones", title="Delivery drones", summary="Flying parcels.")
    page = search(app, "drone")
    assert page.slugs == ["drones"]
    assert (page.suggestion, page.corrected) == (None, False)


def test_only_the_word_that_matches_nothing_is_corrected(app, make_project):
    make_project(slug="both", title="Delivery drones for parking", summary="Flying parcels.")
    page = search(app, "drone parkng")
    assert page.suggestion == "drone parking"
    assert page.slugs == ["both"]


def test_a_misspelling_is_corrected_when_only_the_correction_finds_something(app, make_project):
    make_project(slug="lighting", title="Street lighting", summary="Lightning protection too.")
    make_project(slug="other", title="Solar lightning rods")
    page = search(app, "lightnin")
    assert page.corrected is True
    assert page.suggestion == "lightning"
    assert sorted(page.slugs) == ["lighting", "other"]


def test_suggestion_without_correction_when_typed_query_finds_something(app, make_project):
    # "parking lightning" finds nothing with both words; "parking" alone, as typed, does.
    make_project(slug="parking", title="Smart parking")
    make_project(slug="rods", title="Solar lightning rods")
    page = search(app, "parking lightnin")
    assert page.suggestion == "parking lightning"
    assert page.corrected is False
    assert page.slugs == ["parking"]


HOSTILE = [
    '"unbalanced quote',
    'quote at end"',
    "AND",
    "OR NOT",
    "- * ~ ^ : ( )",
    "((parking",
    "parking)",
    "title:parking",
    "city:",
    "park*",
    "*",
    "parking~2",
    "parking^10",
    "NOT parking",
    "-parking",
    "a" * 5000,
    "parking " * 1000,
    "\x00\x01 <script>alert(1)</script>",
    "' OR 1=1 --",
    "%_\\",
    "   ",
    "日本語 العربية",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_raise(app, make_project, text):
    make_project(slug="parking", title="Smart parking")
    page = search(app, text)
    assert page.degraded is False
    assert page.total == len(page.slugs) <= 1
    assert set(page.slugs) <= {"parking"}


def test_field_syntax_is_treated_as_words(app, make_project):
    make_project(slug="parking", title="Smart parking")
    assert search(app, "title:parking").slugs == ["parking"]


def test_empty_query_matches_all_newest_first(app, make_project):
    make_project(slug="old", year=2015)
    make_project(slug="new", year=2022)
    make_project(slug="mid", year=2019)
    page = search(app, "")
    assert page.total == 3
    assert page.slugs == ["new", "mid", "old"]


# Facets


@pytest.fixture
def catalogue(make_project):
    make_project(slug="a", theme="mobility", country="KR", year=2020, technologies=["IoT"])
    make_project(slug="b", theme="mobility", country="BR", year=2021, technologies=["AI"])
    make_project(slug="c", theme="safe-city", country="KR", year=2021, technologies=["IoT", "AI"])
    make_project(slug="d", theme="sustainable-city", country="UG", year=2019, status="pilot")


def test_facets_listed_with_counts(app, catalogue):
    page = search(app, "")
    assert set(page.facets) == set(FACETS)
    assert page.facets["theme"] == [("mobility", 2), ("safe-city", 1), ("sustainable-city", 1)]
    assert page.facets["region"] == [("asia-pacific", 2), ("africa", 1), ("americas", 1)]
    assert page.facets["technology"] == [("AI", 2), ("IoT", 2)]
    assert page.facets["status"] == [("implemented", 3), ("pilot", 1)]


def test_values_of_one_facet_or_together(app, catalogue):
    page = search(app, "", filters={"theme": ["mobility", "safe-city"]})
    assert sorted(page.slugs) == ["a", "b", "c"]
    # The theme counts ignore the theme filter, so the alternatives stay visible.
    assert ("sustainable-city", 1) in page.facets["theme"]


def test_different_facets_and_together(app, catalogue):
    page = search(app, "", filters={"theme": ["mobility"], "country": ["KR"]})
    assert page.slugs == ["a"]
    assert page.facets["country"] == [("BR", 1), ("KR", 1)]
    assert page.facets["theme"] == [("mobility", 1), ("safe-city", 1)]
    assert page.facets["year"] == [("2020", 1)]


def test_facet_counts_follow_the_text_query(app, make_project):
    make_project(slug="a", title="Smart parking", theme="mobility")
    make_project(slug="b", title="Smart lighting", theme="sustainable-city")
    page = search(app, "parking")
    assert page.facets["theme"] == [("mobility", 1)]


def test_unknown_facet_values_match_nothing(app, catalogue):
    page = search(app, "", filters={"theme": ["<script>"], "nonsense": ["x"]})
    assert page.total == 0 and page.hits == []
    assert ("<script>", 0) in page.facets["theme"]


def test_year_and_award_facets(app, catalogue):
    page = search(app, "", filters={"year": ["2021"]})
    assert sorted(page.slugs) == ["b", "c"]
    assert page.facets["award"] == []


# Sorting and pages


def test_sort_orders(app, make_project):
    make_project(slug="b", title="Bravo", year=2018)
    make_project(slug="a", title="Álpha", year=2018)
    make_project(slug="c", title="charlie", year=2021)
    assert search(app, "", sort="title").slugs == ["a", "b", "c"]
    # Same year: the most recently created first.
    assert search(app, "", sort="newest").slugs == ["c", "a", "b"]
    assert search(app, "", sort="bogus").slugs == ["c", "a", "b"]


def test_text_query_sorted_by_field(app, make_project):
    make_project(slug="z", title="Zebra parking", year=2010)
    make_project(slug="y", title="Parking app", year=2020)
    assert search(app, "parking", sort="title").slugs == ["y", "z"]
    assert search(app, "parking", sort="newest").slugs == ["y", "z"]


@pytest.mark.parametrize(
    ("page_number", "per_page", "expected_page", "expected_count"),
    [
        (1, 2, 1, 2),
        (3, 2, 3, 1),
        (99, 2, 3, 1),
        (0, 2, 1, 2),
        (-5, 2, 1, 2),
        (1, 0, 1, 1),
        (1, 10000, 1, 5),
    ],
)
def test_pagination_bounds(app, make_project, page_number, per_page, expected_page, expected_count):
    for n in range(5):
        make_project(slug=f"p{n}", year=2010 + n)
    page = search(app, "", page=page_number, per_page=per_page)
    assert page.page == expected_page
    assert len(page.hits) == expected_count
    assert page.total == 5


def test_pages_do_not_overlap(app, make_project):
    for n in range(7):
        make_project(slug=f"p{n}", title=f"Parking {n}")
    slugs = [s for n in (1, 2, 3) for s in search(app, "parking", page=n, per_page=3).slugs]
    assert sorted(slugs) == sorted(f"p{n}" for n in range(7))


# Highlights


def test_highlights_mark_matches_and_escape_html(app, make_project):
    make_project(
        slug="xss",
        title='<script>alert("x")</script> Parking <b>now</b>',
        summary="Parking & <img src=x onerror=alert(1)>",
    )
    hit = search(app, "parking").hits[0]
    for field in ("title", "summary"):
        markup = str(hit.highlights[field])
        soup = BeautifulSoup(markup, "html.parser")
        assert [tag.name for tag in soup.find_all(True)] == ["mark"]
        assert soup.mark.get_text() == "Parking"
    assert "&lt;script&gt;" in str(hit.highlights["title"])


def test_highlights_without_query_are_escaped_text(app, make_project):
    make_project(slug="xss", title="<i>Title</i>")
    hit = search(app, "").hits[0]
    assert str(hit.highlights["title"]) == "&lt;i&gt;Title&lt;/i&gt;"


# The index follows the database


def test_changes_are_searchable_right_after_commit(app, make_project):
    make_project(slug="p", title="Smart parking")
    update_project(app, "p", title="Smart lighting")
    assert search(app, "lighting").slugs == ["p"]
    assert search(app, "parking").slugs == []
    delete_project(app, "p")
    assert search(app, "lighting").total == 0


def test_unpublished_projects_are_removed(app, make_project):
    make_project(slug="p", title="Smart parking")
    update_project(app, "p", publication="unpublished")
    assert search(app, "parking").total == 0


def test_stale_index_never_shows_unpublished_or_deleted_rows(app, make_project):
    make_project(slug="hidden", title="Smart parking")
    make_project(slug="gone", title="Parking garage")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    update_project(app, "hidden", publication="unpublished")
    delete_project(app, "gone")
    page = search(app, "parking")
    assert page.hits == []
    assert page.degraded is False


def test_outbox_catch_up_after_a_crash(app, make_project):
    make_project(slug="p", title="Smart parking")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False  # the indexer "crashed"
    update_project(app, "p", title="Smart lighting")
    make_project(slug="q", title="Lighting poles")
    assert search(app, "lighting").slugs == []
    with app.app_context():
        assert index_status()["projects"]["pending"] == 2
        assert sync_pending() == 2
        assert sync_pending() == 0
        assert index_status()["projects"]["pending"] == 0
    assert sorted(search(app, "lighting").slugs) == ["p", "q"]


def test_rebuild_covers_every_row_it_saw_for_every_process(app, make_project, monkeypatch):
    """On PostgreSQL rows younger than SETTLE_SECONDS may still have a lower id uncommitted."""
    from datetime import timedelta

    from app.clock import utcnow
    from app.search import indexer

    monkeypatch.setattr(indexer, "_settled_before", lambda: utcnow() - timedelta(seconds=5))
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    for n in range(5):
        make_project(slug=f"p{n}", title="Smart parking")
    update_project(app, "p0", title="Smart lighting")
    with app.app_context():
        assert rebuild_index() == 5
        indexer._applied_unsettled.clear()  # what another process (the web server) knows
        assert index_status()["projects"]["pending"] == 0
        assert check_index()["stale"] == 0
    update_project(app, "p1", title="Street lighting")
    with app.app_context():
        assert index_status()["projects"]["pending"] == 1


def test_sync_skips_while_another_writer_holds_the_lock(app, make_project):
    make_project(slug="p", title="Smart parking")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    update_project(app, "p", title="Smart lighting")
    root = project_root(app)
    with app.app_context(), index_lock(root) as acquired:
        assert acquired
        assert sync_pending() == 0
    with app.app_context():
        assert sync_pending() == 1
    assert search(app, "lighting").slugs == ["p"]


def test_a_commit_made_while_another_sync_holds_the_lock_is_applied_by_that_sync(
    app, make_project, monkeypatch
):
    """The writer that found the lock held relies on the holder's last look."""
    import threading

    from app.search import indexer

    make_project(slug="first", title="Smart parking")
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    make_project(slug="slow", title="Smart lighting")
    app.config["SEARCH_SYNC_ON_COMMIT"] = True

    entered, release = threading.Event(), threading.Event()
    real_apply = indexer._apply

    def slow_apply(*args):
        entered.set()
        assert release.wait(10)
        return real_apply(*args)

    monkeypatch.setattr(indexer, "_apply", slow_apply)

    def holder():
        with app.app_context():
            sync_pending("projects")

    thread = threading.Thread(target=holder)
    thread.start()
    assert entered.wait(10)
    monkeypatch.setattr(indexer, "_apply", real_apply)
    make_project(slug="meanwhile", title="Flood sensors")  # its own sync finds the lock held
    release.set()
    thread.join(10)
    assert search(app, "flood").slugs == ["meanwhile"]
    assert search(app, "lighting").slugs == ["slow"]


def test_missing_index_is_rebuilt_by_sync(app, make_project):
    make_project(slug="p", title="Smart parking")
    shutil.rmtree(project_root(app))
    with app.app_context():
        sync_pending()
    assert search(app, "parking").slugs == ["p"]
    assert search(app, "parking").degraded is False


def test_rebuild_swaps_in_a_new_generation(app, make_project):
    make_project(slug="p", title="Smart parking")
    root = project_root(app)
    with app.app_context():
        before = current_generation(root)
        assert rebuild_index() == 1
        after = current_generation(root)
    assert before != after and after.is_dir()
    assert search(app, "parking").slugs == ["p"]
    # The reader notices the swap and a later change lands in the new generation.
    make_project(slug="q", title="Parking app")
    assert sorted(search(app, "parking").slugs) == ["p", "q"]


def test_check_reports_missing_and_orphaned(app, make_project):
    make_project(slug="p", title="Smart parking")
    make_project(slug="q", title="Street lighting")
    with app.app_context():
        assert check_index() == {"missing": [], "orphaned": [], "stale": 0}
        q_id = db.session.scalar(db.select(Project.id).filter_by(slug="q"))
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    make_project(slug="r", title="New")
    delete_project(app, "q")
    with app.app_context():
        report = check_index()
        r_id = db.session.scalar(db.select(Project.id).filter_by(slug="r"))
    assert report == {"missing": [r_id], "orphaned": [q_id], "stale": 2}


def test_related_projects(app, make_project):
    make_project(slug="p", title="Smart parking sensors", technologies=["IoT"])
    make_project(slug="q", title="Parking sensors downtown", technologies=["IoT"])
    make_project(slug="r", title="Open budget", summary="Budgets.", theme="efficient-government")
    make_project(slug="hidden", title="Parking sensors", publication="unpublished")
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="p"))
        assert [p.slug for p in related_projects(project)] == ["q"]


def test_related_projects_prefer_technologies_words_and_region_over_theme(app, make_project):
    make_project(
        slug="p",
        title="Smart parking sensors",
        summary="Free spaces shown live.",
        technologies=["IoT", "Mobile app"],
        theme="mobility",
        country="KR",
    )
    make_project(
        slug="same-theme",
        title="Bicycle lanes",
        summary="Painted routes.",
        theme="mobility",
        country="KR",
    )
    make_project(
        slug="two-technologies",
        title="Waste bins",
        summary="Collection rounds.",
        technologies=["IoT", "Mobile app"],
        theme="sustainable-city",
        country="BR",
    )
    make_project(
        slug="words-near",
        title="Parking sensors downtown",
        summary="Meters.",
        theme="safe-city",
        country="JP",
    )
    make_project(
        slug="words-far",
        title="Parking sensors downtown",
        summary="Meters.",
        theme="safe-city",
        country="BR",
    )
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="p"))
        related = [p.slug for p in related_projects(project)]
    assert related == ["words-near", "words-far", "two-technologies"]


def test_related_projects_are_cached_per_index_generation(app, make_project, monkeypatch):
    from app.search import engine

    make_project(slug="p", title="Smart parking sensors", summary="Live.")
    make_project(slug="q", title="Parking sensors downtown", summary="Meters.")
    calls = []
    original = engine._related_ids
    monkeypatch.setattr(engine, "_related_ids", lambda *args: calls.append(1) or original(*args))
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="p"))
        assert [p.slug for p in related_projects(project)] == ["q"]
        assert [p.slug for p in related_projects(project)] == ["q"]
    assert len(calls) == 1
    make_project(slug="r", title="Parking sensors uptown", summary="Meters.")
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="p"))
        assert sorted(p.slug for p in related_projects(project)) == ["q", "r"]
    assert len(calls) == 2


# Degraded mode: the database answers when the index cannot


def test_deleted_index_falls_back_to_the_database(app, make_project):
    make_project(slug="p", title="Smart parking", theme="mobility")
    make_project(slug="q", title="Street lighting", theme="sustainable-city")
    make_project(slug="hidden", title="Parking", publication="unpublished")
    search(app, "parking")  # the process has the index open
    shutil.rmtree(project_root(app))
    page = search(app, "parking")
    assert page.degraded is True
    assert page.slugs == ["p"]
    assert page.facets["theme"] == [("mobility", 1)]
    assert str(page.hits[0].highlights["title"]) == "Smart <mark>parking</mark>"
    filtered = search(app, "", filters={"theme": ["sustainable-city"]})
    assert filtered.slugs == ["q"]
    assert filtered.facets["theme"] == [("mobility", 1), ("sustainable-city", 1)]
    with app.app_context():
        assert index_status()["projects"]["ok"] is False


def test_corrupt_index_falls_back_to_the_database(app, make_project):
    make_project(slug="p", title="Smart parking")
    search(app, "parking")
    with app.app_context():
        generation = current_generation(project_root(app))
    for path in Path(generation).iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")
    page = search(app, "parking")
    assert page.degraded is True
    assert page.slugs == ["p"]
    with app.app_context():
        status = index_status()["projects"]
    assert status["ok"] is False and status["error"]


def test_degraded_search_handles_hostile_input(app, make_project):
    make_project(slug="p", title="100% parking_lot")
    shutil.rmtree(project_root(app))
    for text in HOSTILE + ["100%", "parking_lot"]:
        page = search(app, text)
        assert page.degraded is True
    # LIKE wildcards in the input are matched literally.
    assert search(app, "100%").slugs == ["p"]
    assert search(app, "parking_lot").slugs == ["p"]


# Commands


def test_cli_rebuild_sync_and_check(app, runner, make_project):
    make_project(slug="p", title="Smart parking")
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 document(s)." in result.output
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0
    assert "0 missing, 0 orphaned" in result.output
    app.config["SEARCH_SYNC_ON_COMMIT"] = False
    make_project(slug="q", title="New")
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "missing: project" in result.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0
    assert "Applied 1 change(s)." in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_cli_sync_follow_stops_on_ctrl_c(app, runner, make_project, monkeypatch):
    import app.search as search_package

    make_project(slug="p", title="Smart parking")
    calls = []
    synced = []
    real_sync = search_package.sync_pending

    def interrupted(_seconds):
        calls.append(1)
        raise KeyboardInterrupt

    def counting_sync():
        synced.append(1)
        return real_sync()

    monkeypatch.setattr("time.sleep", interrupted)
    monkeypatch.setattr(search_package, "sync_pending", counting_sync)
    result = runner.invoke(args=["search", "sync", "--follow"])
    assert result.exit_code == 0, result.output
    assert "Stopped." in result.output
    assert calls == [1]
    assert synced == [1]  # the command used the package interface, once before sleeping


def test_outbox_rows_are_pruned_once_applied(app, make_project):
    from datetime import timedelta

    from app.clock import utcnow
    from app.search import prune_outbox

    make_project(slug="p", title="Smart parking")
    with app.app_context():
        rebuild_index()
        begin_write()
        db.session.execute(db.update(SearchOutbox).values(created_at=utcnow() - timedelta(days=1)))
        db.session.commit()
        rebuild_index()
        assert prune_outbox() == 1
        assert db.session.scalar(db.select(db.func.count(SearchOutbox.id))) == 0
