"""The case-study form shared by member proposals and staff editing.

The form only collects text; the record it builds goes through the
catalogue's single validation (:func:`app.catalog.records.clean_project`), the
same one `flask catalog import` uses, and its problems are shown next to the
fields they concern.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from ..forms import select_choices
from ..labels import STATUS_LABELS, THEME_LABELS
from ..regions import country_choices
from .records import clean_project

LIST_SEPARATORS = (";", ",", "\n")


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"))
    city = StringField(_l("City"))
    # The catalogue's validation checks the values (validate_choice=False avoids a second message).
    country = SelectField(_l("Country"), validate_choice=False)
    theme = SelectField(_l("Theme"), validate_choice=False)
    summary = TextAreaField(_l("Summary"))
    description = TextAreaField(_l("Description (Markdown)"))
    technologies = StringField(_l("Technologies"))
    status = SelectField(_l("Status"), validate_choice=False)
    year = StringField(_l("Year"))
    organizations = TextAreaField(_l("Organisations"))
    programme = StringField(_l("Programme"))
    sdgs = StringField(_l("Sustainable Development Goals"))
    outcomes = TextAreaField(_l("Outcomes (Markdown)"))
    lessons = TextAreaField(_l("Lessons learned (Markdown)"))
    links = TextAreaField(_l("Links"))

    HINTS = {
        "technologies": _l("Separate them with commas, e.g. IoT, Mobile app."),
        "organizations": _l("One per line: name | role (city, provider, partner or funder)."),
        "sdgs": _l("Goals or targets separated by commas, e.g. 11, 11.2."),
        "links": _l("One per line: title | https://address"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choose = [("", _("Choose…"))]
        self.country.choices = select_choices(choose + country_choices())
        self.theme.choices = select_choices(choose + list(THEME_LABELS.items()))
        self.status.choices = select_choices([("", _("Not given"))] + list(STATUS_LABELS.items()))

    def record(self):
        """The form's data as a project record (the import schema)."""
        return {
            "title": self.title.data or "",
            "city": self.city.data or "",
            "country": self.country.data or "",
            "theme": self.theme.data or "",
            "summary": self.summary.data or "",
            "description": self.description.data or "",
            "technologies": split_list(self.technologies.data),
            "status": self.status.data or None,
            "year": (self.year.data or "").strip(),
            "organizations": [
                {"name": name, "role": role.lower()}
                for name, role in split_pairs(self.organizations.data)
            ],
            "programme": self.programme.data or "",
            "sdgs": split_list(self.sdgs.data),
            "outcomes": self.outcomes.data or "",
            "lessons": self.lessons.data or "",
            "links": [{"title": t, "url": u} for t, u in split_pairs(self.links.data)],
        }

    def validated_values(self):
        """Clean values when the form is valid; otherwise None, with errors on the fields."""
        if not self.validate_on_submit():
            return None
        values, problems = clean_project(self.record())
        for field_name, message in problems:
            name = field_name.split("[", 1)[0]
            position = field_name[len(name):]
            field = getattr(self, name, None) if name in self._fields else None
            target = field if field is not None else self.title
            target.errors = list(target.errors) + [f"{position} {message}".strip()]
        return None if problems else values

    def fill_from(self, project):
        """Prefill the form from a stored project (GET of the edit page)."""
        self.title.data, self.city.data = project.title, project.city
        self.country.data, self.theme.data = project.country, project.theme
        self.summary.data, self.description.data = project.summary, project.description
        self.technologies.data = ", ".join(project.technologies or [])
        self.status.data = project.status or ""
        self.year.data = str(project.year or "")
        self.organizations.data = "\n".join(
            f"{o['name']} | {o['role']}" for o in project.organizations or []
        )
        self.programme.data = project.programme
        self.sdgs.data = ", ".join(project.sdgs or [])
        self.outcomes.data, self.lessons.data = project.outcomes, project.lessons
        self.links.data = "\n".join(f"{link['title']} | {link['url']}" for link in project.links or [])


def split_list(text):
    """"IoT; Mobile app, AI" -> ["IoT", "Mobile app", "AI"]."""
    items = [text or ""]
    for separator in LIST_SEPARATORS:
        items = [part for item in items for part in item.split(separator)]
    return [item.strip() for item in items if item.strip()]


def split_pairs(text):
    """Lines "left | right" -> [(left, right)]; a line without "|" keeps an empty right side."""
    pairs = []
    for line in (text or "").splitlines():
        if line.strip():
            left, _sep, right = line.partition("|")
            pairs.append((left.strip(), right.strip()))
    return pairs
