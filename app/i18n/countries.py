"""Country names in the page's language, and lists sorted the way that language sorts.

Names come from CLDR (Babel's ``Locale.territories``). Sorting uses the Unicode
Collation Algorithm (pyuca, the DUCET table), so accents and case are secondary:
"Côte d'Ivoire" sorts among the C's, "Égypte" before "Espagne", in every
language. Without pyuca, an accent-stripped casefolded key gives the same
order for Latin scripts.
"""

import unicodedata
from functools import lru_cache

from flask_babel import get_locale

try:
    import pyuca
except ImportError:  # pragma: no cover - pyuca is a dependency; the fallback keeps sorting sane
    pyuca = None


@lru_cache(maxsize=1)
def _collator():
    return pyuca.Collator() if pyuca else None


def collation_key(text):
    """A sort key that orders `text` as a dictionary would, accents and case second."""
    text = text or ""
    collator = _collator()
    if collator is not None:
        return collator.sort_key(text)
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    return (stripped.casefold(), text)


def sorted_by_name(pairs):
    """(code, name) pairs sorted by name in collation order."""
    return sorted(pairs, key=lambda pair: collation_key(pair[1]))


@lru_cache(maxsize=32)
def _territories(locale_id):
    from babel import Locale

    return Locale.parse(locale_id).territories


def localized_country_name(code, locale=None):
    """The CLDR name of an ISO 3166-1 alpha-2 code in `locale` (default: the page's), or ''."""
    locale_id = str(locale or get_locale() or "en")
    return _territories(locale_id).get((code or "").upper(), "")
