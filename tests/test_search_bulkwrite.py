"""The fast index writer (app/search/bulkwrite.py) writes what Whoosh's own writer writes."""

import random

import pytest
from whoosh import index as whoosh_index

from app.search.bulkwrite import add_document, fast_flush
from app.search.projects import build_schema

WORDS = ["smart", "park", "bus", "water", "citi", "energi", "wast", "sensor", "data", "map"]


def _documents(count):
    rng = random.Random(7)
    documents = []
    for number in range(count):

        def text(size):
            return " ".join(rng.choice(WORDS) for _ in range(size))

        title = text(rng.randint(1, 4))
        body = text(rng.randint(0, 40))
        stems = title.split()
        documents.append(
            {
                "id": str(number),
                "entity": number,
                "title_en": title,
                # Every document holds "smart": its postings span several blocks of 128.
                "body_en": f"smart {body}",
                "summary_fr": text(rng.randint(0, 6)) or None,
                "spelling": f"{title} {body}",
                "pairs": " ".join(f"{a}|{b}" for a, b in zip(stems, stems[1:], strict=False)),
                "f_theme": rng.choice(["mobility", "energy", "mobility,energy"]),
                "f_member": str(rng.randint(1, 3)),
                "year": 2000 + number % 20,
                "created": 1_700_000_000 + number,
                "title_sort": title,
                "city": rng.choice(["dakar", "lyon", ""]),
                "_title_en_boost": 2.0 if number % 50 == 0 else 1.0,
            }
        )
    return documents


def _write(directory, documents, fast):
    ix = whoosh_index.create_in(str(directory), build_schema())
    writer = ix.writer(limitmb=64, procs=1)
    if fast:
        fast_flush(writer)
        for document in documents:
            add_document(writer, {k: v for k, v in document.items() if v is not None})
    else:
        for document in documents:
            writer.add_document(**{k: v for k, v in document.items() if v is not None})
    writer.commit()
    return ix


def _postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def _term_stats(reader, fieldname, text):
    info = reader.term_info(fieldname, text)
    return (
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
        info.min_id(),
        info.max_id(),
    )


@pytest.mark.parametrize("count", [1, 300])
def test_the_fast_writer_writes_the_same_index_as_whoosh(tmp_path, count):
    documents = _documents(count)
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "fast").mkdir()
    expected = _write(tmp_path / "whoosh", documents, fast=False).reader()
    actual = _write(tmp_path / "fast", documents, fast=True).reader()

    terms = list(expected.all_terms())
    assert terms and list(actual.all_terms()) == terms
    assert ("body_en", b"smart") in terms
    for fieldname, text in terms:
        assert _postings(actual, fieldname, text) == _postings(expected, fieldname, text)
        assert _term_stats(actual, fieldname, text) == _term_stats(expected, fieldname, text)
    for fieldname in expected.schema.scorable_names():
        for docnum in range(count):
            assert actual.doc_field_length(docnum, fieldname) == expected.doc_field_length(
                docnum, fieldname
            )
    assert list(actual.iter_docs()) == list(expected.iter_docs())
    assert list(actual.column_reader("entity")) == list(expected.column_reader("entity"))
    assert list(actual.column_reader("title_sort")) == list(expected.column_reader("title_sort"))
    if count > 128:
        # Positions survive the block boundaries.
        assert len(_postings(actual, "body_en", b"smart")) == count
