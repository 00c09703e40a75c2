"""Notices for a query that names a place or member with no case studies, pointing to what exists.

"Dakar" (a city of Senegal) with no project there answers "No case studies
from Dakar yet" and links the projects of Senegal or of Africa, whichever
has some; a member named in the query with no case studies links its
member page. :func:`find` works on the index (cached with the answer);
:func:`render` words the notices in the visitor's language, per request.
"""

from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import gettext as _

from ..labels import REGIONS
from ..regions import country_name, region_of
from . import vocabulary
from .postings import from_mask
from .projects import normalize


@dataclass
class Notice:
    text: str
    links: list = field(default_factory=list)  # (label, endpoint, url_for arguments)


def _count(generation, facet, value):
    mask = generation.values.get(facet, {}).get(value, 0) & generation.live
    return mask.bit_count()


def find(generation, found, session):
    """[(kind, typed text, payload)] for the places and members named with no case studies."""
    result = []
    for _clause, entries, text in found:
        kinds = {kind: value for kind, value in sorted(entries, key=str)}
        if "member" in kinds:
            member_id = kinds["member"]
            docnums = generation.keyword_docs("f_member", str(member_id))
            live = from_mask(generation.live, generation.size)
            if not live[docnums].any():
                info = vocabulary.member_info(member_id, session)
                if info:
                    slug, name, country = info
                    result.append(
                        ("member", name, {"slug": slug, **_pointers(generation, country)})
                    )
            continue
        if "country" in kinds:
            code = kinds["country"]
            if not _count(generation, "country", code):
                result.append(("country", code, _pointers(generation, None, region_of(code))))
        elif "region" in kinds:
            if not _count(generation, "region", kinds["region"]):
                result.append(("region", kinds["region"], {}))
        elif "city" in kinds:
            key = normalize(text)
            if key and not generation.frequency("city_key", key):
                result.append(("city", text, _pointers(generation, kinds["city"])))
    return result


def _pointers(generation, country, region=None):
    """The country's and region's project counts, when they have any."""
    pointers = {}
    if country and _count(generation, "country", country):
        pointers["country"] = country
    region = region or region_of(country)
    if region and _count(generation, "region", region):
        pointers["region"] = region
    return pointers


def _country_label(code, lang):
    try:
        locale = Locale.parse((lang or str(get_locale() or "en")).replace("-", "_"))
        return locale.territories.get(code) or country_name(code) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return country_name(code) or code


def render(found, lang=None):
    """The notices as text and links, in the current language."""
    rendered = []
    for kind, name, payload in found:
        links = []
        if kind == "member":
            text = _("%(name)s has no case studies in the catalogue yet.", name=name)
            links.append(
                (
                    _("See the member page of %(name)s", name=name),
                    "members.detail",
                    {"slug": payload["slug"]},
                )
            )
        elif kind == "country":
            text = _(
                "There are no case studies from %(place)s yet.", place=_country_label(name, lang)
            )
        elif kind == "region":
            text = _(
                "There are no case studies from %(place)s yet.", place=str(REGIONS.get(name, name))
            )
            links.append((_("Browse all case studies"), "catalog.index", {}))
        else:
            text = _("There are no case studies from %(place)s yet.", place=name)
        if payload.get("country"):
            label = _country_label(payload["country"], lang)
            links.append(
                (
                    _("Case studies from %(place)s", place=label),
                    "catalog.index",
                    {"country": payload["country"]},
                )
            )
        if payload.get("region"):
            label = str(REGIONS.get(payload["region"], payload["region"]))
            links.append(
                (
                    _("Case studies from %(place)s", place=label),
                    "catalog.index",
                    {"region": payload["region"]},
                )
            )
        rendered.append(Notice(text, links))
    return rendered
