"""The consent wording a person saw, stored with what they submitted.

A form's consent box shows its label and, beside it, a link to the privacy
notice. What is stored is that wording exactly as rendered (in the language
of the page), a hash that identifies the version of the wording, and when.
Changing the label's text, or its translation, changes the version.
"""

import hashlib

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..clock import utcnow

# Shown beside every consent box (templates/privacy/_consent_link.html); part of the stored wording.
NOTICE_LINK_TEXT = _l("How we use and keep your data: read the privacy notice.")


def consent_wording(label_text):
    """The text a consent box shows: its label, then the sentence linking to the notice."""
    return f"{label_text}\n{NOTICE_LINK_TEXT}"


def consent_fields(label_text):
    """Column values recording the consent given under `label_text` now, in the page's language."""
    text = consent_wording(str(label_text))
    return {
        "consent_text": text,
        "consent_language": str(get_locale() or ""),
        "consent_version": hashlib.sha256(text.encode()).hexdigest(),
        "consent_at": utcnow(),
    }


def consent_record(row):
    """The consent columns of an Interest or a User, for an export."""
    return {
        "text": row.consent_text,
        "language": row.consent_language,
        "version": row.consent_version,
        "given_at": row.consent_at.isoformat() if row.consent_at else None,
    }
