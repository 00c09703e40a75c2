"""Error logs without email addresses.

Messages the app writes name references and ids, not people. What it does not
write itself can still carry an address: a database error's text (PostgreSQL
quotes the duplicate key of a unique violation) or an exception message in a
traceback. This filter, on the app's logger, replaces every email address in
error records (and their tracebacks) with ``<address>``.
"""

import logging
import re

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
REPLACEMENT = "<address>"


def redact(text):
    return ADDRESS.sub(REPLACEMENT, text)


class RedactAddresses(logging.Filter):
    """Rewrites error records (level ERROR and above, or with a traceback) without addresses."""

    def filter(self, record):
        if record.levelno < logging.ERROR and not record.exc_info:
            return True
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def init_app(app):
    app.logger.addFilter(RedactAddresses())
