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

from flask import current_app
from whoosh.fields import Schema

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


def register_index(definition: IndexDefinition):
    _indexes[definition.name] = definition


def get_index(name: str) -> IndexDefinition:
    return _indexes[name]


def index_names() -> list[str]:
    return list(_indexes)


def index_root(definition: IndexDefinition) -> Path:
    """The directory that holds CURRENT, the generations and the lock of one index."""
    return Path(current_app.config["SEARCH_INDEX_DIR"]).resolve() / definition.dirname


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
