"""The seam between the search engine and Whoosh: BM25F parity, the degraded path's cost."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.query import Term
from whoosh.scoring import BM25F

from app.search import ProjectQuery, engine, search_projects
from app.search.projects import DEFINITION, TEXT_FIELDS
from app.search.registry import current_generation, index_root

PROJECTS = [
    ("Smart parking sensors", "Parking in the city centre, parking made simple."),
    ("Open budget portal", "Citizens read the city budget."),
    ("Parking app", "Find parking near you."),
    ("Bus data", "Open data about buses in the city."),
    ("Smart city platform", "One platform for the city's open data."),
]


@pytest.fixture
def indexed(app, make_project):
    for title, summary in PROJECTS:
        make_project(title=title, summary=summary)
    with app.app_context():
        assert search_projects(ProjectQuery(text="parking")).degraded is False
        return index_root(DEFINITION)


@pytest.mark.parametrize("stem", ["park", "citi", "open", "smart", "data"])
def test_numpy_bm25f_equals_whooshs_own_bm25f(app, indexed, stem):
    """postings.py reads codec internals: an upgrade that changes them must fail here."""
    with app.app_context():
        generation = engine._current(indexed)
        docnums, scores = generation.term_scores(stem, TEXT_FIELDS)
    expected = np.zeros(generation.size)
    ix = whoosh_index.open_dir(str(current_generation(indexed)))
    with ix.searcher(weighting=BM25F()) as searcher:
        for fieldname, boost in TEXT_FIELDS.items():
            for hit in searcher.search(Term(fieldname, stem), limit=None):
                expected[hit.docnum] += boost * hit.score
    assert len(docnums) > 0
    assert list(docnums) == list(np.flatnonzero(expected))
    np.testing.assert_allclose(scores, expected[docnums], rtol=1e-5)


@pytest.fixture
def collections(monkeypatch):
    calls = []
    monkeypatch.setattr(engine.gc, "collect", lambda *args: calls.append(args))
    return calls


def test_a_missing_index_costs_no_garbage_collection(app, indexed, collections):
    shutil.rmtree(indexed)
    with app.app_context():
        for _ in range(3):
            assert search_projects(ProjectQuery(text="parking")).degraded is True
    assert collections == []


def test_a_damaged_index_is_collected_once_not_on_every_search(app, indexed, collections):
    for path in Path(current_generation(indexed)).iterdir():
        if path.is_file():
            path.write_bytes(b"garbage")
    with app.app_context():
        for _ in range(3):
            page = search_projects(ProjectQuery(text="parking"))
            assert page.degraded is True and page.total == 2
    assert len(collections) == 1


def test_the_degraded_search_finds_translated_text_too(app, make_project):
    make_project(
        title="Harbour logistics",
        summary="Trucks book port slots.",
        translations={
            "ko": {"title": "스마트항만물류", "source": "machine"},
            "fr": {"summary": "Les camions réservent des créneaux.", "source": "machine"},
        },
    )
    make_project(title="Parking app", summary="Find parking near you.")
    with app.app_context():
        shutil.rmtree(index_root(DEFINITION), ignore_errors=True)
        for text, titles in [
            ("항만", ["Harbour logistics"]),
            ("réservent camions", ["Harbour logistics"]),
            ("parking", ["Parking app"]),
            ("source", []),  # the translation's own keys are not its text
        ]:
            page = search_projects(ProjectQuery(text=text))
            assert page.degraded is True
            assert [hit.project.title for hit in page.hits] == titles, text
