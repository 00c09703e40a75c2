"""The ?page= number of the listing pages, read the same way everywhere."""

from flask import request

MAX_PAGE = 10000


def requested_page():
    """The page asked for in the query string; 1 when absent or not a number from 1 to MAX_PAGE."""
    page = request.args.get("page", "1").strip()
    return int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
