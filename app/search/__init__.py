"""Everything Whoosh. Nothing outside this package imports whoosh.

The interface the rest of the app uses (see the module docstrings for how):

- ``search_projects(ProjectQuery) -> SearchPage`` and ``related_projects``
  (engine.py; the types in results.py), which never fail because of the index:
  the database answers when it cannot be read (fallback.py);
- the staff-only interest index (interest.py), and the small public
  "challenges" and "solutions" indexes (challenges.py, solutions.py, searched
  through listing.py), registered here with the projects one;
- ``sync_pending``, ``rebuild_index``, ``check_index``, ``index_status``
  (indexer.py), driven by the outbox (outbox.py), and kept up to date on
  every node by catchup.py; /healthz's lag and follower figures (health.py);
- ``register_index`` (registry.py) for other indexes, which live in
  subdirectories of ``SEARCH_INDEX_DIR``.
"""

from ..models import Project
from . import catchup, challenges, interest, projects, query, solutions, vocabulary
from .engine import FACETS, Hit, ProjectQuery, SearchPage, related_projects, search_projects
from .indexer import check_index, index_status, prune_outbox, rebuild_index, sync_pending
from .outbox import enqueue, track
from .registry import IndexDefinition, register_index


def init_app(app):
    """Register every index of the app: projects, the staff interest one, challenges and solutions."""
    track(Project, projects.INDEX_NAME)
    register_index(projects.DEFINITION)
    interest.init_app(app)
    challenges.init_app(app)
    solutions.init_app(app)
    if not app.testing:
        # Built before traffic: the vocabulary takes about a second.
        vocabulary.static_table()
    catchup.init_app(app)
    # `text|highlight(result.terms)`: marks a search's words in any text a page shows,
    # a translation included (the hits' own highlights are of the original text).
    app.add_template_filter(query.highlight, "highlight")


__all__ = [
    "FACETS",
    "Hit",
    "IndexDefinition",
    "ProjectQuery",
    "SearchPage",
    "check_index",
    "enqueue",
    "index_status",
    "init_app",
    "prune_outbox",
    "rebuild_index",
    "register_index",
    "related_projects",
    "search_projects",
    "sync_pending",
    "track",
]
