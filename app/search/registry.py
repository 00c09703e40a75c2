"""The search indexes the app keeps, and where each one lives on disk.

Every index is a directory ``<SEARCH_INDEX_DIR>/<dirname>/`` holding:

- ``CURRENT``: the name of the generation directory in use (one line);
- ``gen-<random>/``: a complete Whoosh index;
- ``index.lock``: held while the outbox is applied or the index rebuilt.

A rebuild writes a fresh ``gen-<random>/`` and then replaces ``CURRENT`` with
``os.replace``, which is atomic: readers see either the old generation or the
new one, never a half-built index. Readers notice the swap because they look
at ``CURRENT`` (and the Whoosh table of contents) before every search.

Other areas add their own index with the same outbox and indexer machinery::

    register_index(IndexDefinition(name="interest", schema=schema, dirname="interest",
                                   load_documents=load, all_ids=ids))

or, for an index of one table's rows, ``register_index(model_index(...))``.

``load_documents(ids)`` returns ``{id: document dict, or None to delete}``;
each document has an ``id`` key (the entity id as text) that the schema
declares as its unique ``ID`` field. ``all_ids()`` yields the ids that belong
in the index (used by rebuild and check).
"""

import os
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from whoosh.fields import Schema

from ..extensions import db

CURRENT_FILE = "CURRENT"
LOCK_FILE = "index.lock"
GENERATION_PREFIX = "gen-"


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    schema: Schema
    dirname: str
    load_documents: Callable[[list[int]], dict[int, dict | None]]
    all_ids: Callable[[], Iterable[int]]


_indexes: dict[str, IndexDefinition] = {}
LOAD_CHUNK = 500


def model_index(name, schema, model, document, where=(), load_options=tuple):
    """The definition of an index of the rows of `model` meeting the `where` conditions.

    Each row is indexed as ``document(row)``; rows are read LOAD_CHUNK ids at a
    time, with the loader options ``load_options()`` gives (called then, when the
    relationships they name are configured). The index lives in the directory `name`.
    """

    def load_documents(ids):
        documents = dict.fromkeys(ids)
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start : start + LOAD_CHUNK]
            statement = sa.select(model).where(model.id.in_(chunk), *where).options(*load_options())
            for row in db.session.scalars(statement):
                documents[row.id] = document(row)
        return documents

    def all_ids():
        return db.session.scalars(sa.select(model.id).where(*where).order_by(model.id))

    return IndexDefinition(
        name=name, schema=schema, dirname=name, load_documents=load_documents, all_ids=all_ids
    )


def register_index(definition: IndexDefinition):
    _indexes[definition.name] = definition


def get_index(name: str) -> IndexDefinition:
    return _indexes[name]


def index_names() -> list[str]:
    return list(_indexes)


def index_root(definition: IndexDefinition) -> Path:
    """The directory that holds CURRENT, the generations and the lock of one index."""
    return Path(current_app.config["SEARCH_INDEX_DIR"]).resolve() / definition.dirname


def searched_generation(definition: IndexDefinition) -> Path | None:
    """The generation a search of the index reads now; None when there is none."""
    return current_generation(index_root(definition))


def current_generation(root: Path) -> Path | None:
    """The generation directory CURRENT points to, or None when there is none."""
    try:
        name = (root / CURRENT_FILE).read_text().strip()
    except OSError:
        return None
    if not name.startswith(GENERATION_PREFIX) or "/" in name:
        return None
    path = root / name
    return path if path.is_dir() else None


def generation_token(path: Path):
    """What identifies the state of a generation on disk: its name and its table of contents.

    Whoosh writes a new ``_MAIN_<n>.toc`` on every commit; the file's mtime
    and size also change when the directory is damaged or replaced.
    """
    tocs = sorted(name for name in os.listdir(path) if name.endswith(".toc"))
    if not tocs:
        return None
    stat = os.stat(path / tocs[-1])
    return (path.name, tocs[-1], stat.st_mtime_ns, stat.st_size)


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{GENERATION_PREFIX}{secrets.token_hex(6)}"
    path.mkdir()
    return path


def publish_generation(root: Path, generation: Path):
    """Point CURRENT at `generation` atomically, then drop generations older than the previous one.

    The previous generation is kept so that a process still reading it (it
    notices the swap on its next search) never loses its files mid-query.
    """
    previous = current_generation(root)
    temporary = root / f"{CURRENT_FILE}.{secrets.token_hex(4)}"
    temporary.write_text(generation.name + "\n")
    os.replace(temporary, root / CURRENT_FILE)
    keep = {generation.name, previous.name if previous else None}
    for path in root.glob(f"{GENERATION_PREFIX}*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
