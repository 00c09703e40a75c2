"""Small form helpers shared by the accounts, members, staff and public forms."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length

EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321)


def select_choices(pairs):
    """[(value, label), ...] as WTForms SelectChoice objects (plain tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def email_validators(presence):
    """`presence` (InputRequired, DataRequired or Optional, with its message), then a well-formed
    address of at most EMAIL_MAX characters, with the one message the public forms give."""
    return [
        presence,
        Email(_l("Enter an email address like name@example.org."), check_deliverability=False),
        Length(max=EMAIL_MAX),
    ]
