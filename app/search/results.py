"""What a project search is asked (ProjectQuery) and what it answers (SearchPage of Hits).

`Answer` is the part of an answer that does not need the database: the
project ids of the page, their scores, counts and facets. The index engine
(engine.py) and the database fallback (fallback.py) both produce one.
"""

from dataclasses import dataclass, field

from markupsafe import Markup

from ..models import Project


@dataclass
class ProjectQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    lang: str | None = None  # the visitor's language: its text ranks higher
    correct: bool = True  # False: never replace a misspelt word (only suggest)


@dataclass
class Hit:
    project: Project
    score: float | None
    highlights: dict[str, Markup]


@dataclass
class SearchPage:
    query: ProjectQuery
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    corrected: bool
    degraded: bool
    page: int
    per_page: int
    total_pages: int
    notices: list = field(
        default_factory=list
    )  # notices.Notice: places and members with no projects
    terms: list = field(
        default_factory=list
    )  # what to highlight in any text: query.highlight(text, terms)


@dataclass
class Answer:
    """What the index says, before the database is asked: cached per generation."""

    ids: list[int]
    scores: list[float | None]
    total: int
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    corrected: bool
    stems: list[str]
    page: int
    total_pages: int
    notices: list = field(default_factory=list)  # (kind, name, payload) for notices.render
