"""Small form helpers shared by the accounts, members and staff forms."""

from wtforms.fields.choices import SelectChoice


def select_choices(pairs):
    """[(value, label), ...] as WTForms SelectChoice objects (plain tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]
