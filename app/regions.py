"""Countries (ISO 3166-1 alpha-2) and the region each belongs to.

Regions follow the UN M49 continents, with Western Asia plus Iran as the
"Middle East" and Asia with Oceania as "Asia-Pacific", the split smart-city
networks such as WeGO use for their regional offices. Country names come
from the CLDR data that Babel ships, in the page's language (app/i18n/countries.py);
search documents and lookups by name use the English ones.
"""

from functools import lru_cache

from babel import Locale

from .i18n.countries import localized_country_name, sorted_by_name

_COUNTRIES_BY_REGION = {
    "africa": """DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE
        LS LR LY MG MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN
        UG EH ZM ZW IO TF""",
    "americas": """AI AG AR AW BS BB BZ BM BO BQ BV BR CA KY CL CO CR CU CW DM DO EC SV FK GF GL
        GD GP GT GY HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS SR TT TC US UM
        UY VE VG VI""",
    "asia-pacific": """AF AS AU BD BT BN KH CN CX CC CK FJ PF GU HM HK IN ID JP KZ KI KP KR KG LA
        MO MY MV MH FM MN MM NR NP NC NZ NU NF MP PK PW PG PH PN WS SB SG LK TW TJ TH TL TK TO TM
        TV UZ VU VN WF""",
    "europe": """AX AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE
        XK LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB""",
    "middle-east": "AM AZ BH CY GE IR IQ IL JO KW LB OM PS QA SA SY TR AE YE",
}

COUNTRY_REGION = {
    code: region for region, codes in _COUNTRIES_BY_REGION.items() for code in codes.split()
}


@lru_cache(maxsize=1)
def _english_names():
    territories = Locale("en").territories
    return {code: territories.get(code, code) for code in COUNTRY_REGION}


def english_country_name(code):
    """The English name of an ISO alpha-2 code ('' for an unknown one)."""
    return _english_names().get((code or "").upper(), "")


def country_name(code):
    """The name of an ISO alpha-2 code in the page's language ('' for an unknown one)."""
    if (code or "").upper() not in COUNTRY_REGION:
        return ""
    return localized_country_name(code) or english_country_name(code)


def region_of(country_code):
    """The region key for a country code, or None when the code is unknown."""
    return COUNTRY_REGION.get((country_code or "").upper())


def country_choices():
    """(code, name) pairs in the page's language, sorted by that language's collation, for selects."""
    return sorted_by_name((code, country_name(code)) for code in COUNTRY_REGION)


def country_code_for_name(name):
    """Reverse lookup by English name, case-insensitive (None when unknown)."""
    wanted = (name or "").strip().casefold()
    for code, english in _english_names().items():
        if english.casefold() == wanted:
            return code
    return None
