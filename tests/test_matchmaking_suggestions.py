"""The suggestion scoring: pure functions over profiles, and the reasons staff read."""

import pytest

from app.matchmaking import suggestions as s
from app.matchmaking.suggestions import Profile, Reason, rank, score


def profile(kind="solution", key="x", themes=(), technologies=(), words=(), **rest):
    return Profile(
        kind=kind,
        key=key,
        themes=frozenset(themes),
        technologies=s.fold_technologies(technologies),
        words={w: w for w in words},
        **rest,
    )


CHALLENGE = profile(
    kind="challenge",
    key="parking",
    themes=["mobility"],
    technologies=["IoT", "Smart parking"],
    words=["parking", "sensor", "payment"],
    region="africa",
)


def test_shared_theme_and_technologies_outweigh_shared_words():
    by_structure = profile(key="a", themes=["mobility"], technologies=["iot"])
    by_words = profile(key="b", words=["parking", "sensor", "payment"])
    structure_score, _ = score(CHALLENGE, by_structure)
    words_score, _ = score(CHALLENGE, by_words)
    assert structure_score > words_score > 0
    assert [
        suggestion.item for suggestion in rank(CHALLENGE, [("b", by_words), ("a", by_structure)])
    ] == ["a", "b"]


def test_technologies_match_whatever_their_case():
    _value, reasons = score(CHALLENGE, profile(technologies=["SMART PARKING"]))
    assert Reason("technology", ("SMART PARKING",)) in reasons


def test_a_solution_deployed_in_the_same_region_ranks_higher():
    here = profile(key="here", themes=["mobility"], deployed_regions=frozenset({"africa"}))
    there = profile(key="there", themes=["mobility"], deployed_regions=frozenset({"europe"}))
    says_it_serves = profile(
        key="serves", themes=["mobility"], served_regions=frozenset({"africa"})
    )
    ranked = rank(CHALLENGE, [("there", there), ("serves", says_it_serves), ("here", here)])
    assert [suggestion.item for suggestion in ranked] == ["here", "serves", "there"]
    assert ranked[0].reasons[-1] == Reason("deployed-region", ("africa",))


def test_a_city_of_similar_size_adds_a_reason_only_when_both_populations_are_known():
    target = profile(
        kind="challenge", key="t", themes=["mobility"], region="asia-pacific", population=1_000_000
    )
    similar = profile(key="s", themes=["mobility"], deployed_populations=(1_500_000,))
    different = profile(key="d", themes=["mobility"], deployed_populations=(9_000_000,))
    unknown = profile(key="u", themes=["mobility"])
    assert Reason("population", ()) in score(target, similar)[1]
    assert Reason("population", ()) not in score(target, different)[1]
    assert Reason("population", ()) not in score(target, unknown)[1]
    assert s.similar_size(None, 5) is False


def test_region_alone_or_a_word_or_two_qualify_nothing():
    assert score(CHALLENGE, profile(deployed_regions=frozenset({"africa"}))) == (0.0, [])
    assert score(CHALLENGE, profile(words=["parking", "sensor"])) == (0.0, [])


def test_shared_words_are_capped_below_one_theme():
    many = [f"w{n}" for n in range(20)]
    target = profile(kind="challenge", key="t", words=many)
    value, _reasons = score(target, profile(words=many))
    assert value == s.MAX_WORD_SCORE < s.THEME_WEIGHT


def test_the_why_names_theme_technologies_and_place(app):
    candidate = profile(
        themes=["mobility"], technologies=["IoT"], deployed_regions=frozenset({"africa"})
    )
    with app.test_request_context():
        (suggestion,) = rank(CHALLENGE, [("item", candidate)])
        assert (
            suggestion.why == "same theme: Mobility; shared technologies: IoT; deployed in Africa"
        )


def test_a_thing_is_never_suggested_for_itself():
    same = profile(kind="challenge", key="parking", themes=["mobility"])
    assert rank(CHALLENGE, [("self", same)]) == []


@pytest.mark.parametrize("text", ["", "   ", "?!... --", "hi ok 12", "smart city solutions"])
def test_content_free_text_has_no_words_to_match(app, text):
    with app.app_context():
        assert s.word_stems(text) == {}


def test_words_are_stemmed_so_forms_meet(app):
    with app.app_context():
        assert set(s.word_stems("parking sensors")) == set(s.word_stems("park sensor"))
