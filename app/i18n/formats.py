"""Formats that follow the page's language, beside Flask-Babel's filters (dateformat, numberformat...)."""

from babel.dates import format_skeleton
from flask_babel import get_locale


def clock(value):
    """A time of day in the page's language, 24-hour, with no time-zone conversion (09:00, 9:00).

    Flask-Babel's ``timeformat`` converts to the configured zone; event times are shown
    in their own zone, so this one formats the wall-clock time as it is.
    """
    return format_skeleton("Hm", value, locale=get_locale())
