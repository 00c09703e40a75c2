"""Suggestions that mean something: which solutions, case studies and challenges fit each other, and why.

The scoring is a set of pure functions over :class:`Profile` (what a
challenge, solution, case study or expression of interest is about), so it is
tested without a database. Shared themes and technologies weigh most; a
solution deployed in a city of the same region (or of a similar size, when
both populations are known) ranks higher; shared words count least, and
never qualify a suggestion on their own unless there are several. Every
suggestion carries its reasons, which staff see.

The lower half gathers candidates from the database and the search index and
turns model rows into profiles.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _

THEME_WEIGHT = 4.0
TECHNOLOGY_WEIGHT = 3.0
REGION_WEIGHT = 2.0  # deployed in (or, for a case study, located in) the same region
SERVES_REGION_WEIGHT = 1.0  # a solution says it serves the region, with no deployment there
POPULATION_WEIGHT = 1.0
WORD_WEIGHT = 0.5
MAX_WORD_SCORE = 2.0  # shared words never outweigh one shared theme
MIN_SHARED_WORDS = 3  # words alone qualify a suggestion only from this many
POPULATION_RATIO = 2.0  # "similar size": within a factor of two
MAX_SHOWN_WORDS = 5
# Words every record here uses: sharing them says nothing about fit.
GENERIC_WORDS = frozenset(
    [
        "smart",
        "city",
        "cities",
        "urban",
        "solution",
        "solutions",
        "project",
        "projects",
        "system",
        "systems",
        "platform",
        "wego",
        "go",
        "network",
        "member",
        "members",
        "partner",
        "partners",
        "international",
        "open",
        "new",
        "its",
        "their",
        "our",
        "one",
        "also",
        "more",
        "other",
        "shared",
        "share",
        "present",
        "presented",
        "well",
        "based",
        "within",
        "across",
        "among",
        "help",
        "need",
        "needs",
        "opportunity",
        "opportunities",
        "government",
        "designated",
        "potential",
        "business",
    ]
)


@dataclass(frozen=True)
class Profile:
    """What one thing is about, as the scoring compares it."""

    kind: str  # "challenge", "solution", "project" or "interest"
    key: str
    themes: frozenset = frozenset()
    technologies: dict = field(default_factory=dict)  # folded -> as written
    words: dict = field(default_factory=dict)  # stem -> a word as written
    region: str | None = None  # where it is (a challenge's or case study's city)
    deployed_regions: frozenset = frozenset()  # solutions: regions of their case studies
    served_regions: frozenset = frozenset()  # solutions: regions they say they serve
    population: int | None = None
    deployed_populations: tuple = ()


@dataclass(frozen=True)
class Reason:
    kind: str  # "theme", "technology", "deployed-region", "serves-region", "region", "population", "words"
    values: tuple = ()


@dataclass
class Suggestion:
    item: object
    score: float
    reasons: list

    @property
    def why(self):
        """The reasons in words, e.g. "same theme: Mobility; shared technologies: IoT"."""
        return "; ".join(describe(reason) for reason in self.reasons)


def fold_technologies(values):
    return {str(v).strip().casefold(): str(v).strip() for v in values or [] if str(v).strip()}


def similar_size(first, second, ratio=POPULATION_RATIO):
    """Whether two populations are within `ratio` of each other (False when one is unknown)."""
    if not first or not second:
        return False
    return max(first, second) / min(first, second) <= ratio


def score(target: Profile, candidate: Profile):
    """(score, reasons) of `candidate` as an answer to `target`; (0, []) when nothing meaningful is shared."""
    reasons = []
    total = 0.0
    themes = sorted(target.themes & candidate.themes)
    if themes:
        total += THEME_WEIGHT * len(themes)
        reasons.append(Reason("theme", tuple(themes)))
    technologies = sorted(set(target.technologies) & set(candidate.technologies))
    if technologies:
        total += TECHNOLOGY_WEIGHT * len(technologies)
        reasons.append(Reason("technology", tuple(candidate.technologies[t] for t in technologies)))
    shared_words = sorted(set(target.words) & set(candidate.words))
    substantive = bool(themes or technologies or len(shared_words) >= MIN_SHARED_WORDS)
    if not substantive:
        return 0.0, []
    if shared_words:
        total += min(WORD_WEIGHT * len(shared_words), MAX_WORD_SCORE)
    place_reasons, place_score = _place(target, candidate)
    total += place_score
    reasons.extend(place_reasons)
    if shared_words:
        shown = tuple(candidate.words[w] for w in shared_words[:MAX_SHOWN_WORDS])
        reasons.append(Reason("words", shown))
    return total, reasons


def _place(target, candidate):
    """Where the candidate has been (or is) compared with where the target is."""
    region = target.region
    reasons, total = [], 0.0
    if region is None:
        return reasons, total
    if region in candidate.deployed_regions:
        total += REGION_WEIGHT
        reasons.append(Reason("deployed-region", (region,)))
    elif region in candidate.served_regions:
        total += SERVES_REGION_WEIGHT
        reasons.append(Reason("serves-region", (region,)))
    elif candidate.region is not None and candidate.region == region:
        total += REGION_WEIGHT
        reasons.append(Reason("region", (region,)))
    populations = candidate.deployed_populations or (
        (candidate.population,) if candidate.population else ()
    )
    if any(similar_size(target.population, p) for p in populations):
        total += POPULATION_WEIGHT
        reasons.append(Reason("population", ()))
    return reasons, total


def rank(target: Profile, candidates, limit=5):
    """The best `limit` (item, profile) candidates for `target`, highest score first, as Suggestions."""
    scored = []
    for item, profile in candidates:
        if profile.kind == target.kind and profile.key == target.key:
            continue
        value, reasons = score(target, profile)
        if value > 0:
            scored.append(Suggestion(item, value, reasons))
    scored.sort(key=lambda s: (-s.score, s.reasons and s.reasons[0].kind, _title(s.item)))
    return scored[:limit]


def _title(item):
    return str(getattr(item, "title", "") or getattr(item, "name", "")).casefold()


def describe(reason: Reason):
    """One reason in words, for staff."""
    from ..labels import REGIONS, THEME_LABELS

    if reason.kind == "theme":
        labels = ", ".join(str(THEME_LABELS.get(v, v)) for v in reason.values)
        return _("same theme: %(themes)s", themes=labels)
    if reason.kind == "technology":
        return _("shared technologies: %(technologies)s", technologies=", ".join(reason.values))
    if reason.kind == "deployed-region":
        return _("deployed in %(region)s", region=REGIONS.get(reason.values[0], reason.values[0]))
    if reason.kind == "serves-region":
        return _("serves %(region)s", region=REGIONS.get(reason.values[0], reason.values[0]))
    if reason.kind == "region":
        return _(
            "in the same region: %(region)s", region=REGIONS.get(reason.values[0], reason.values[0])
        )
    if reason.kind == "population":
        return _("a city of similar size")
    return _("shared words: %(words)s", words=", ".join(reason.values))


# ---------------------------------------------------------------- profiles from rows


def word_stems(*texts):
    """{stem: a word as written} of the texts (stop words dropped), as the search index analyses them."""
    import re

    from ..search.query import analyze

    generic = _generic_stems()
    found = {}
    for text in texts:
        for word in re.findall(r"\w+", text or ""):
            if len(word) < 3 or word.isdigit() or word.casefold() in GENERIC_WORDS:
                continue
            for stem in analyze(word):
                if stem not in generic:
                    found.setdefault(stem, word.casefold())
    return found


@lru_cache(maxsize=1)
def _generic_stems():
    from ..search.query import analyze

    return frozenset(stem for word in GENERIC_WORDS for stem in analyze(word))


def challenge_profile(challenge):
    return Profile(
        kind="challenge",
        key=challenge.slug,
        themes=frozenset([challenge.theme] if challenge.theme else []),
        technologies=fold_technologies(challenge.technologies),
        words=word_stems(challenge.title, challenge.problem, " ".join(challenge.help_sought or [])),
        region=challenge.region,
    )


def solution_profile(solution):
    deployed = [p for p in solution.deployed_in if p.is_published]
    return Profile(
        kind="solution",
        key=solution.slug,
        themes=frozenset(solution.themes or []),
        technologies=fold_technologies(solution.technologies),
        words=word_stems(solution.title, solution.description),
        deployed_regions=frozenset(p.region for p in deployed if p.region),
        served_regions=frozenset(solution.regions or []),
        deployed_populations=tuple(
            getattr(p, "population", None) for p in deployed if getattr(p, "population", None)
        ),
    )


def project_profile(project):
    return Profile(
        kind="project",
        key=project.slug,
        themes=frozenset([project.theme] if project.theme else []),
        technologies=fold_technologies(project.technologies),
        words=word_stems(project.title, project.summary),
        region=project.region,
        population=getattr(project, "population", None),
    )


# ---------------------------------------------------------------- candidates (database)


CANDIDATE_PROJECTS = 60


def published_solutions():
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Solution

    return db.session.scalars(sa.select(Solution).where(Solution.publication == "published")).all()


def open_challenges():
    import sqlalchemy as sa

    from ..extensions import db
    from ..models import Challenge

    rows = db.session.scalars(
        sa.select(Challenge).where(Challenge.publication == "published", Challenge.status == "open")
    )
    return [challenge for challenge in rows if challenge.current_status == "open"]


def candidate_projects(target: Profile):
    """Published case studies that could fit: the same theme, a shared technology, or the words (from the index)."""
    from ..search import ProjectQuery, search_projects

    queries = []
    if target.themes:
        queries.append(
            ProjectQuery(filters={"theme": sorted(target.themes)}, per_page=CANDIDATE_PROJECTS)
        )
    if target.technologies:
        technologies = sorted(target.technologies.values())
        queries.append(
            ProjectQuery(filters={"technology": technologies}, per_page=CANDIDATE_PROJECTS)
        )
    if target.words:
        words = " ".join(list(target.words.values())[:20])
        queries.append(ProjectQuery(text=words, per_page=CANDIDATE_PROJECTS))
    found = {}
    for query in queries:
        for hit in search_projects(query).hits:
            found.setdefault(hit.project.id, hit.project)
    return list(found.values())


def for_challenge(challenge, limit=5):
    """(solutions, case studies) that fit a challenge, each a list of Suggestions."""
    target = challenge_profile(challenge)
    solutions = rank(target, [(s, solution_profile(s)) for s in published_solutions()], limit)
    projects = rank(target, [(p, project_profile(p)) for p in candidate_projects(target)], limit)
    return solutions, projects


def for_solution(solution, limit=5):
    """Open challenges a solution could answer, as Suggestions.

    The challenge is the one seeking: it is scored as the target, so a
    solution deployed in the challenge's region ranks higher.
    """
    profile = solution_profile(solution)
    suggestions = []
    for challenge in open_challenges():
        value, reasons = score(challenge_profile(challenge), profile)
        if value > 0:
            suggestions.append(Suggestion(challenge, value, reasons))
    suggestions.sort(key=lambda s: (-s.score, _title(s.item)))
    return suggestions[:limit]


@dataclass
class InterestSuggestions:
    solutions: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    challenges: list = field(default_factory=list)
    withheld: str | None = None  # why there are none, for staff

    def __bool__(self):
        return bool(self.solutions or self.projects or self.challenges)


def interest_is_spam(interest):
    if interest.suspected_spam:
        return True
    return any(
        event.kind == "status" and event.to_status == "closed" and event.text == "spam"
        for event in interest.events
    )


def for_interest(interest, limit=5):
    """Suggestions from what an expression of interest is aimed at and its structured data.

    Suspected spam, and a message with no meaningful word, get none.
    """
    if interest_is_spam(interest):
        return InterestSuggestions(withheld=_("No suggestions for suspected spam."))
    words = word_stems(interest.message)
    if not words:
        return InterestSuggestions(withheld=_("No suggestions: the message says nothing to match."))
    from ..regions import region_of

    result = InterestSuggestions()
    if interest.challenge is not None:
        result.solutions, result.projects = for_challenge(interest.challenge, limit)
    elif interest.solution is not None:
        result.challenges = for_solution(interest.solution, limit)
        base = solution_profile(interest.solution)
        # Case studies like the solution, near the person asking.
        target = Profile(
            kind="solution",
            key=base.key,
            themes=base.themes,
            technologies=base.technologies,
            words=base.words,
            region=region_of(interest.country),
        )
        deployed = {p.id for p in interest.solution.deployed_in}
        candidates = [p for p in candidate_projects(target) if p.id not in deployed]
        result.projects = rank(target, [(p, project_profile(p)) for p in candidates], limit)
    else:
        if interest.project is not None:
            base = project_profile(interest.project)
            target = Profile(
                kind="project",
                key=base.key,
                themes=base.themes,
                technologies=base.technologies,
                words={**words, **base.words},
                region=region_of(interest.country) or base.region,
            )
        else:
            target = Profile(
                kind="interest",
                key=str(interest.id),
                words=words,
                region=region_of(interest.country),
            )
        result.solutions = rank(
            target, [(s, solution_profile(s)) for s in published_solutions()], limit
        )
        result.projects = rank(
            target, [(p, project_profile(p)) for p in candidate_projects(target)], limit
        )
        if interest.interest_type in ("supply", "partner"):
            result.challenges = rank(
                target, [(c, challenge_profile(c)) for c in open_challenges()], limit
            )
    return result
