"""The case-study fields of a project record: validation and what the pages draw from them.

Fields (docs/record-schema.md, "Optional fields"): ``metrics``, ``population``,
``budget``, ``replicated_in``, ``contact``, ``licence``, ``verified_at``,
``images`` (``what_did_not_work`` is plain optional text, checked with the
other text fields). :func:`case_study_fields` adds the cleaned values and the
problems to those of :func:`app.catalog.records.clean_project`.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from ..clock import utcnow
from ..population import POPULATION_BAND_LABELS, POPULATION_BANDS, population_band  # noqa: F401

METRICS_MAX = 20
IMAGES_MAX = 4
REPLICATED_MAX = 30
SHORT_TEXT_MAX = 200
URL_MAX = 2000
POPULATION_MAX = 100_000_000
BUDGET_MAX = 10**15
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# An SPDX licence id such as CC-BY-4.0, CC0-1.0, ODbL-1.0, MIT (letters, digits, . - +).
SPDX_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")
CURRENCY = re.compile(r"[A-Z]{3}")
# A metric's date: a year, a month or a day.
METRIC_DATE = re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?")

# ---------------------------------------------------------------------------
# Validation


def case_study_fields(record, values, problems):
    for name, check in (
        ("metrics", _metrics),
        ("population", _population),
        ("budget", _budget),
        ("replicated_in", _replicated_in),
        ("contact", _contact),
        ("licence", _licence),
        ("verified_at", _verified_at),
        ("images", _images),
    ):
        if name not in record:
            continue
        value, found = check(record[name])
        if found:
            problems += [(f"{name}{path}", message) for path, message in found]
        else:
            values[name] = value
    if "slug" in values and values["slug"] in values.get("replicated_in", []):
        problems.append(("replicated_in", _("must not name the project itself")))


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _text(value, limit, required=False):
    if _empty(value):
        return ("", None) if not required else (None, _("is required"))
    if not isinstance(value, str):
        return None, _("must be text")
    if "\x00" in value:
        return None, _("must not contain NUL characters")
    if len(value.strip()) > limit:
        return None, _("must be at most %(n)s characters", n=limit)
    if required and not value.strip():
        return None, _("is required")
    return value.strip(), None


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, _("must be a number")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            return None, _("must be a number")
    if value != value or abs(value) > 10**15:  # NaN, or beyond any real figure
        return None, _("must be a number")
    return (int(value) if float(value).is_integer() else float(value)), None


def _object(value, allowed):
    if not isinstance(value, dict):
        return _("must be an object with the keys %(keys)s", keys=", ".join(allowed))
    extra = set(value) - set(allowed)
    if extra:
        return _(
            "unknown key %(key)s (allowed: %(keys)s)",
            key=sorted(map(str, extra))[0][:40],
            keys=", ".join(allowed),
        )
    return None


METRIC_KEYS = ("indicator", "value", "unit", "baseline", "target", "date", "source")


def _metrics(items):
    if _empty(items):
        return [], []
    if not isinstance(items, list):
        return None, [("", _("must be a list"))]
    if len(items) > METRICS_MAX:
        return None, [("", _("must have at most %(n)s items", n=METRICS_MAX))]
    cleaned, problems = [], []
    for position, item in enumerate(items, start=1):
        path = f"[{position}]"
        message = _object(item, METRIC_KEYS)
        if message:
            problems.append((path, message))
            continue
        metric = {}
        indicator, message = _text(item.get("indicator"), SHORT_TEXT_MAX, required=True)
        if message:
            problems.append((f"{path}.indicator", message))
        metric["indicator"] = indicator
        for key in ("value", "baseline", "target"):
            if _empty(item.get(key)):
                metric[key] = None
                continue
            number, message = _number(item[key])
            if message:
                problems.append((f"{path}.{key}", message))
            metric[key] = number
        if _empty(item.get("value")):
            problems.append((f"{path}.value", _("is required")))
        for key in ("unit", "source"):
            text, message = _text(item.get(key), SHORT_TEXT_MAX)
            if message:
                problems.append((f"{path}.{key}", message))
            metric[key] = text
        raw_date = item.get("date")
        if _empty(raw_date):
            metric["date"] = ""
        elif not isinstance(raw_date, str) or not METRIC_DATE.fullmatch(raw_date.strip()):
            problems.append((f"{path}.date", _("must be a date: YYYY, YYYY-MM or YYYY-MM-DD")))
        else:
            metric["date"] = raw_date.strip()
        cleaned.append(metric)
    return cleaned, problems


def _population(value):
    if _empty(value):
        return None, []
    if isinstance(value, str) and value.strip().replace(",", "").isdigit():
        value = int(value.strip().replace(",", ""))
    if isinstance(value, bool) or not isinstance(value, int):
        return None, [("", _("must be a whole number"))]
    if not 1 <= value <= POPULATION_MAX:
        return None, [("", _("must be between %(low)s and %(high)s", low=1, high=POPULATION_MAX))]
    return value, []


def _budget(value):
    if _empty(value):
        return None, []
    message = _object(value, ("amount", "currency"))
    if message:
        return None, [("", message)]
    amount, message = _number(value.get("amount"))
    if message or amount is None or amount < 0:
        return None, [(".amount", message or _("must not be negative"))]
    currency = value.get("currency")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency.strip().upper()):
        return None, [(".currency", _("must be an ISO 4217 currency code such as EUR or USD"))]
    return {"amount": amount, "currency": currency.strip().upper()}, []


def _replicated_in(items):
    if _empty(items):
        return [], []
    if not isinstance(items, list):
        return None, [("", _("must be a list of project slugs"))]
    if len(items) > REPLICATED_MAX:
        return None, [("", _("must have at most %(n)s items", n=REPLICATED_MAX))]
    cleaned, problems = [], []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, str) or len(item) > 120 or not SLUG.fullmatch(item.strip()):
            problems.append((f"[{position}]", _("must be a project slug")))
        elif item.strip() not in cleaned:
            cleaned.append(item.strip())
    return cleaned, problems


def _contact(value):
    if _empty(value):
        return None, []
    message = _object(value, ("name", "role", "organisation"))
    if message:
        return None, [("", message)]
    contact, problems = {}, []
    for key in ("name", "role", "organisation"):
        text, message = _text(value.get(key), SHORT_TEXT_MAX, required=key == "name")
        if message:
            problems.append((f".{key}", message))
        elif "@" in (text or ""):
            problems.append(
                (
                    f".{key}",
                    _("must not be an email address: people are reached through the portal"),
                )
            )
        contact[key] = text
    return (contact if not problems else None), problems


def _licence(value):
    if _empty(value):
        return None, []
    if not isinstance(value, str) or not SPDX_ID.fullmatch(value.strip()):
        return None, [("", _("must be an SPDX licence identifier such as CC-BY-4.0"))]
    return value.strip(), []


def _verified_at(value):
    if _empty(value):
        return None, []
    if isinstance(value, date):
        return value, []
    try:
        checked = date.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        checked = None
    if checked is None:
        return None, [("", _("must be a date YYYY-MM-DD"))]
    if checked > utcnow().date():
        return None, [("", _("must not be in the future"))]
    return checked, []


def _images(items):
    if _empty(items):
        return [], []
    if not isinstance(items, list):
        return None, [("", _("must be a list"))]
    if len(items) > IMAGES_MAX:
        return None, [("", _("must have at most %(n)s items", n=IMAGES_MAX))]
    cleaned, problems = [], []
    for position, item in enumerate(items, start=1):
        path = f"[{position}]"
        message = _object(item, ("url", "alt", "credit", "width", "height"))
        if message:
            problems.append((path, message))
            continue
        url = item.get("url")
        parts = urlsplit(url) if isinstance(url, str) and len(url) <= URL_MAX else None
        if parts is None or parts.scheme != "https" or not parts.hostname or re.search(r"\s", url):
            problems.append((f"{path}.url", _("must be an https:// address")))
            continue
        alt, message = _text(item.get("alt"), SHORT_TEXT_MAX, required=True)
        if message:
            problems.append((f"{path}.alt", message))
            continue
        credit, message = _text(item.get("credit"), SHORT_TEXT_MAX)
        if message:
            problems.append((f"{path}.credit", message))
            continue
        image = {"url": url.strip(), "alt": alt, "credit": credit}
        for key in ("width", "height"):
            size = item.get(key)
            if _empty(size):
                continue
            if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 20000:
                problems.append((f"{path}.{key}", _("must be a whole number of pixels")))
            else:
                image[key] = size
        cleaned.append(image)
    return cleaned, problems


# ---------------------------------------------------------------------------
# For the pages


def licence_of(project):
    return project.licence or current_app.config["DEFAULT_LICENCE"]


def review_due_before():
    """Case studies last checked before this date (or never) need review."""
    return utcnow().date() - timedelta(days=current_app.config["REVIEW_AFTER_DAYS"])


BAR_WIDTH = 160


def metric_bars(metric):
    """Widths (px, of BAR_WIDTH) of the baseline and value bars, or None when not drawable."""
    baseline, value = metric.get("baseline"), metric.get("value")
    if baseline is None or value is None or baseline < 0 or value < 0:
        return None
    largest = max(baseline, value, metric.get("target") or 0)
    if largest <= 0:
        return None
    return {
        "baseline": max(1, round(BAR_WIDTH * baseline / largest)),
        "value": max(1, round(BAR_WIDTH * value / largest)),
    }


def also_deployed_in(project):
    """Published projects this one names in `replicated_in`, and those that name it (both directions)."""
    from ..extensions import db
    from ..models import Project

    named = list(project.replicated_in or [])
    candidates = db.session.scalars(
        db.select(Project)
        .where(Project.publication == "published", Project.id != project.id)
        .order_by(Project.title)
    ).all()
    return [
        other
        for other in candidates
        if other.slug in named or project.slug in (other.replicated_in or [])
    ]
