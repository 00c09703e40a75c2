"""Slugs: the URL names of projects and members, made and kept unique the same way."""

import re
import unicodedata

from .extensions import db

SLUG_MAX = 120  # the length of every slug column


def slugify(text, max_length=100):
    """ASCII-folded, lowercase, hyphenated: "São Paulo" -> "sao-paulo"."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(base, taken):
    """`base`, or `base-2`, `base-3`... whichever is not in `taken`."""
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[: SLUG_MAX - len(str(n)) - 1]}-{n}"
        n += 1
    return slug


def available_slug(column, base):
    """`base` made unique among the values of the slug `column` (e.g. ``Member.slug``)."""
    taken = set(
        db.session.scalars(
            db.select(column).where(db.or_(column == base, column.like(f"{base}-%")))
        )
    )
    return unique_slug(base, taken)
