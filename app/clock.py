"""The one clock: naive UTC datetimes, as every timestamp column stores them."""

from datetime import UTC, datetime


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)
