"""Paging, the same way everywhere: the ?page= number, the page count, one page of a query."""

from dataclasses import dataclass

from flask import request

from .extensions import db

MAX_PAGE = 10000


def requested_page():
    """The page asked for in the query string; 1 when absent or not a number from 1 to MAX_PAGE."""
    page = request.args.get("page", "1").strip()
    return int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1


def page_count(total, per_page):
    """How many pages `total` rows fill (at least one, so "page 1 of 1" for nothing)."""
    return max(1, -(-total // per_page))


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return page_count(self.total, self.per_page)


def paginate(query, per_page, page=None):
    """One page of an ORM select (page from ?page= unless given); a page past the end is empty."""
    page = requested_page() if page is None else page
    total = db.session.scalar(
        db.select(db.func.count()).select_from(query.order_by(None).subquery())
    )
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items, page, per_page, total)
