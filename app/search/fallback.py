"""The database fallback of the project search: used when the index cannot be read.

Substring matching in SQL (every word, else any word), facets and paging in
Python: slower and less precise than the index, but it never fails because
of the index. Its answers are marked ``degraded``.
"""

import sqlalchemy as sa

from ..database import any_contains
from ..extensions import db
from ..i18n.content import TRANSLATABLE_FIELDS
from ..models import Project
from ..pagination import page_count
from . import query as parsing
from .projects import FACET_FIELDS, facet_values
from .results import Answer

FACETS = tuple(FACET_FIELDS)
TRANSLATED_TEXT_FIELDS = frozenset(TRANSLATABLE_FIELDS["Project"])


def search_database(text, filters, sort, page, per_page):
    """The fallback: substring matching in SQL, facets and paging in Python."""
    parsed = parsing.parse(text)
    words = [" ".join(p.words) if isinstance(p, parsing.Phrase) else p for p in parsed.parts]
    columns = (Project.title, Project.summary, Project.city, Project.country, Project.description)

    translated = _translated_texts() if words else {}

    def matching(require_all):
        conditions = [any_contains(columns, word) for word in words]
        statement = sa.select(Project).where(Project.publication == "published")
        if conditions:
            test = all if require_all else any
            wanted = [word.casefold() for word in words]
            in_translation = [
                project_id
                for project_id, text in translated.items()
                if test(word in text for word in wanted)
            ]
            statement = statement.where(
                sa.or_(
                    sa.and_(*conditions) if require_all else sa.or_(*conditions),
                    Project.id.in_(in_translation),
                )
            )
        return list(db.session.scalars(statement))

    projects = matching(True)
    if not projects and len(words) > 1:
        projects = matching(False)
    values = {project.id: facet_values(project) for project in projects}

    def passes(project, skip=None):
        return all(
            set(values[project.id][facet]) & set(wanted)
            for facet, wanted in filters.items()
            if facet != skip
        )

    facets = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for project in projects:
            if passes(project, skip=facet):
                for value in values[project.id][facet]:
                    counts[value] = counts.get(value, 0) + 1
        for value in filters.get(facet, []):
            counts.setdefault(value, 0)
        facets[facet] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    selected = [project for project in projects if passes(project)]
    if sort == "title":
        selected.sort(key=lambda p: (p.title.casefold(), p.id))
    else:
        selected.sort(key=lambda p: (-(p.year or 0), -p.created_at.timestamp(), p.id))
    total = len(selected)
    total_pages = page_count(total, per_page)
    page = min(page, total_pages)
    chosen = selected[(page - 1) * per_page : page * per_page]
    return Answer(
        ids=[project.id for project in chosen],
        scores=[None] * len(chosen),
        total=total,
        facets=facets,
        suggestion=None,
        corrected=False,
        stems=parsed.stems(),
        page=page,
        total_pages=total_pages,
    )


def _translated_texts():
    """{project id: its translated text, case-folded} of the published projects with any.

    Matched in Python: the stored JSON escapes non-ASCII text, so SQL substrings
    cannot see "주차" or "déchets" in it.
    """
    rows = db.session.execute(
        sa.select(Project.id, Project.translations).where(
            Project.publication == "published", Project.translations.is_not(None)
        )
    )
    texts = {}
    for project_id, translations in rows:
        text = " ".join(
            str(value)
            for fields in (translations or {}).values()
            if isinstance(fields, dict)
            for name, value in fields.items()
            if name in TRANSLATED_TEXT_FIELDS
        ).casefold()
        if text:
            texts[project_id] = text
    return texts
