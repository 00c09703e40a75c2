"""The forms members propose challenges and solutions with, and who may use them."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..catalog.records import is_web_url
from ..extensions import db
from ..forms import select_choices
from ..labels import REGIONS, THEME_LABELS
from ..models import Project
from ..regions import country_choices
from .records import clean_list

MAX_LIST_FIELD = 2000


def can_propose(user):
    """Whether `user` may propose for a member organisation: confirmed, and acting for an approved member.

    Where accounts record whether staff approved a person's claim to act for
    their member organisation (``User.acts_for_member``), that must hold too.
    """
    if not user.is_authenticated or user.email_verified_at is None:
        return False
    if user.member is None or user.member.status != "approved":
        return False
    return bool(getattr(user, "acts_for_member", True))


def split_lines(text):
    return clean_list((text or "").splitlines())


def split_commas(text):
    return clean_list((text or "").replace("\n", ",").split(","))


def sources_text(sources):
    """The form's text of stored sources: "Title | https://..." or "Title" per line."""
    return "\n".join(
        f"{source['title']} | {source['url']}" if source.get("url") else source["title"]
        for source in sources or []
        if source.get("title")
    )


def parse_sources(text):
    """ "Title | https://..." or "Title" per line -> [{title, url?}]; raises ValueError with the bad line."""
    sources = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, _sep, url = line.partition("|")
        title, url = title.strip(), url.strip()
        if not title:
            raise ValueError(line.strip())
        if url and not is_web_url(url):
            raise ValueError(line.strip())
        sources.append({"title": title[:300], **({"url": url} if url else {})})
    return sources[:30]


class _ProposalForm(FlaskForm):
    """What a challenge and a solution share; also the staff edit form (see ``fill_from``)."""

    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Enter a title.")), Length(max=300)]
    )
    technologies = StringField(
        _l("Technologies (separated by commas)"),
        validators=[Optional(), Length(max=MAX_LIST_FIELD)],
    )
    sources = TextAreaField(
        _l("Sources (one a line: title | https://address)"),
        validators=[Optional(), Length(max=MAX_LIST_FIELD)],
    )

    def validate_sources(self, field):
        try:
            parse_sources(field.data)
        except ValueError as error:
            raise ValidationError(
                _("This line is not “title | https://address”: %(line)s", line=str(error)[:80])
            ) from None

    def fill_from(self, row):
        """Prefill the form from a stored row (GET of the staff edit page)."""
        self.title.data = row.title
        self.technologies.data = ", ".join(row.technologies or [])
        self.sources.data = sources_text(row.sources)


class ChallengeForm(_ProposalForm):
    city = StringField(
        _l("City"), validators=[InputRequired(_l("Enter the city.")), Length(max=120)]
    )
    country = SelectField(_l("Country"), validators=[InputRequired(_l("Choose the country."))])
    theme = SelectField(_l("Theme"), validators=[Optional()])
    problem = TextAreaField(
        _l("The problem (Markdown)"),
        validators=[InputRequired(_l("Describe the problem.")), Length(max=10000)],
    )
    help_sought = TextAreaField(
        _l("Kinds of partner or help sought (one a line)"),
        validators=[Optional(), Length(max=MAX_LIST_FIELD)],
    )
    deadline = DateField(_l("Deadline (empty: open)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = select_choices([("", _("Choose a country"))] + country_choices())
        self.theme.choices = select_choices([("", _("Not given"))] + list(THEME_LABELS.items()))

    def fill_from(self, row):
        super().fill_from(row)
        self.city.data, self.country.data, self.theme.data = row.city, row.country, row.theme or ""
        self.problem.data = row.problem
        self.help_sought.data = "\n".join(row.help_sought or [])
        self.deadline.data = row.deadline

    def values(self):
        """The model fields the form sets (the status stays: a new challenge is open by default)."""
        return {
            "title": self.title.data.strip(),
            "city": self.city.data.strip(),
            "country": self.country.data,
            "theme": self.theme.data or None,
            "problem": self.problem.data.strip(),
            "help_sought": split_lines(self.help_sought.data),
            "technologies": split_commas(self.technologies.data),
            "deadline": self.deadline.data,
            "sources": parse_sources(self.sources.data),
        }


class SolutionForm(_ProposalForm):
    description = TextAreaField(
        _l("What it does (Markdown)"),
        validators=[InputRequired(_l("Describe what the solution does.")), Length(max=10000)],
    )
    themes = SelectMultipleField(_l("Themes"), validators=[Optional()])
    regions = SelectMultipleField(_l("Regions served"), validators=[Optional()])
    deployed_in = StringField(
        _l("Deployed in: case study addresses, e.g. kampala-smart-parking (separated by commas)"),
        validators=[Optional(), Length(max=MAX_LIST_FIELD)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = select_choices(list(THEME_LABELS.items()))
        self.regions.choices = select_choices(list(REGIONS.items()))

    def validate_deployed_in(self, field):
        slugs = split_commas(field.data)
        if not slugs:
            return
        found = set(
            db.session.scalars(
                sa.select(Project.slug).where(
                    Project.slug.in_(slugs), Project.publication == "published"
                )
            )
        )
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(
                _("No published case study at: %(slugs)s", slugs=", ".join(missing)[:200])
            )

    def fill_from(self, row):
        super().fill_from(row)
        self.description.data = row.description
        self.themes.data = list(row.themes or [])
        self.regions.data = list(row.regions or [])
        self.deployed_in.data = ", ".join(project.slug for project in row.deployed_in)

    def deployed_slugs(self):
        return split_commas(self.deployed_in.data)

    def values(self):
        return {
            "title": self.title.data.strip(),
            "description": self.description.data.strip(),
            "themes": list(self.themes.data or []),
            "regions": list(self.regions.data or []),
            "technologies": split_commas(self.technologies.data),
            "sources": parse_sources(self.sources.data),
        }
