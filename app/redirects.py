"""The one check of a redirect target taken from a request (no open redirects)."""

from urllib.parse import urlsplit


def safe_next(target):
    """`target` when it is a relative path on this site, else None.

    Rejected: anything not starting with one "/" (so no "//host" and no
    scheme), backslashes (browsers read "/\\host" as "//host"), and control
    characters (a tab or newline inside "/\\t/host" is dropped by browsers).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
