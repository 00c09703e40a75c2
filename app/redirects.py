"""The one safe-redirect helper: a user-supplied `next` may only name a path on this site."""

from urllib.parse import urlsplit


def safe_next(target, default=None):
    """`target` when it is a local path (``/...``), else `default`.

    Refused: other hosts (``//host``, ``https://host``), backslashes (browsers
    read ``/\\host`` as ``//host``), and any control character, since browsers
    drop tab, CR and LF inside URLs (``/<TAB>/evil.example`` is
    ``//evil.example``) and CR/LF in a Location header is header injection.
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 32 or 127 <= ord(char) < 160 for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
