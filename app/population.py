"""City-size bands: the "city size" facet of the catalogue and the API's `population_band`."""

from flask_babel import lazy_gettext as _l

# City-size bands for the "city size" facet: (key, lower bound inclusive, label).
POPULATION_BANDS = (
    ("under-100k", 0, _l("Under 100,000")),
    ("100k-1m", 100_000, _l("100,000 – 1 million")),
    ("1m-5m", 1_000_000, _l("1 – 5 million")),
    ("over-5m", 5_000_000, _l("Over 5 million")),
)
POPULATION_BAND_LABELS = {key: label for key, _low, label in POPULATION_BANDS}


def population_band(population):
    """The band key of a population, None when unknown."""
    if population is None:
        return None
    band = None
    for key, low, _label in POPULATION_BANDS:
        if population >= low:
            band = key
    return band
