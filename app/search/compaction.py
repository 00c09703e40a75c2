"""Rewriting index segments so that deleted documents are gone from the files, not just hidden.

Whoosh marks a deleted document in the table of contents and leaves its terms
and stored fields in the segment file until that segment is merged. After an
erasure, :func:`compact_index` applies the pending outbox (the deletions),
rewrites every segment that has deleted documents (merging copies only the
live documents, and Whoosh then removes the old segment files; segments
without deletions are left as they are), and deletes
every other generation of that index, including the previous one that
``publish_generation`` keeps for readers still open on it: a rebuild made
before the erasure would otherwise still hold the person.
"""

import shutil

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader

from .indexer import WRITER_OPTIONS, index_lock, sync_pending
from .registry import GENERATION_PREFIX, current_generation, get_index, index_names, index_root


def merge_segments_with_deletions(writer, segments):
    """A Whoosh merge policy: rewrite the segments holding deleted documents, keep the others."""
    kept = []
    for segment in segments:
        if segment.has_deletions():
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return kept


def compact_index(index_name):
    """Apply pending changes to the index, then rewrite its files; returns the files removed.

    Waits for an indexer holding the lock. A missing index (none built yet) is
    left alone: the next sync builds it from the database, which no longer
    holds the person.
    """
    if index_name not in index_names():
        return 0
    with current_app.app_context():
        sync_pending(index_name)
        root = index_root(get_index(index_name))
        with index_lock(root, blocking=True) as acquired:
            if not acquired:
                raise RuntimeError(f"could not lock the {index_name} index to compact it")
            generation = current_generation(root)
            removed = 0
            if generation is not None:
                before = set(path.name for path in generation.iterdir())
                ix = whoosh_index.open_dir(str(generation))
                writer = ix.writer(**WRITER_OPTIONS)
                writer.commit(mergetype=merge_segments_with_deletions)
                ix.close()
                removed += len(before - set(path.name for path in generation.iterdir()))
            for path in root.glob(f"{GENERATION_PREFIX}*"):
                if generation is None or path.name != generation.name:
                    removed += sum(1 for item in path.rglob("*") if item.is_file())
                    shutil.rmtree(path)
            return removed
