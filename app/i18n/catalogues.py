"""The translation catalogues: compiling them (.po -> .mo) and what they contain.

``make translations`` runs ``pybabel compile``; the test suite calls
``compile_stale_catalogues`` so that a plain ``pytest`` in a fresh clone sees the
same translations as ``make test``.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "messages"


def catalogue_paths(directory):
    """{Babel locale id: path of its .po} for every catalogue in `directory`."""
    return {
        path.parent.parent.name: path
        for path in sorted(Path(directory).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


def read_catalogue(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def compile_stale_catalogues(directory):
    """Compile every .po whose .mo is missing or older; returns the locale ids compiled."""
    compiled = []
    for locale, po_path in catalogue_paths(directory).items():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = read_catalogue(po_path, locale)
        with open(mo_path, "wb") as handle:
            write_mo(handle, catalogue)  # fuzzy entries left out, as pybabel compile does
        compiled.append(locale)
    return compiled
