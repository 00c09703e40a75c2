"""What an expression of interest is aimed at besides a case study: a challenge or a solution.

The interest form carries the slug in a hidden field (``?challenge=`` or
``?solution=`` preselects it, as ``?project=`` does); only a published one
is kept, and an unknown or withdrawn one says so and leaves a general
expression of interest.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import Challenge, Solution

TARGETS = {"challenge": Challenge, "solution": Solution}


def published(model, slug):
    slug = (slug or "").strip()
    if not slug or len(slug) > 120:
        return None
    return db.session.scalar(
        sa.select(model).where(model.slug == slug, model.publication == "published")
    )


def targets_of(form):
    """{"challenge": Challenge or None, "solution": Solution or None} from the form's hidden fields."""
    return {name: published(model, getattr(form, name).data) for name, model in TARGETS.items()}


def _not_found_notice(name):
    if name == "challenge":
        return _(
            "We could not find that challenge. You can still send a general expression of interest."
        )
    return _(
        "We could not find that solution. You can still send a general expression of interest."
    )


def preselect(form, args):
    """Fill the hidden fields from the query string; a notice when a slug names nothing published."""
    notice = None
    for name, model in TARGETS.items():
        slug = args.get(name, "").strip()
        found = published(model, slug)
        getattr(form, name).data = found.slug if found else ""
        if slug and found is None:
            notice = _not_found_notice(name)
    return notice


def drop_unknown(form):
    """On submit: clear a slug that no longer names a published row, with a notice."""
    notice = None
    for name, model in TARGETS.items():
        field = getattr(form, name)
        if field.data and published(model, field.data) is None:
            field.data = ""
            if name == "challenge":
                notice = _(
                    "The challenge you chose is no longer published; your interest will be sent as a general one."
                )
            else:
                notice = _(
                    "The solution you chose is no longer published; your interest will be sent as a general one."
                )
    return notice
