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
    what_did_not_work = TextAreaField(_l("What did not work (Markdown)"))
    metrics = TextAreaField(_l("Results in numbers"))
    population = StringField(_l("Population of the city"))
    budget_amount = StringField(_l("Budget"))
    budget_currency = StringField(_l("Budget currency"))
    replicated_in = StringField(_l("Also deployed in"))
    contact_name = StringField(_l("Contact name"))
    contact_role = StringField(_l("Contact role"))
    contact_organisation = StringField(_l("Contact organisation"))
    licence = StringField(_l("Licence"))
    verified_at = StringField(_l("Last checked"))
    images = TextAreaField(_l("Images"))

    # Problems of the record's nested fields, shown on the form field that holds them.
    NESTED_FIELDS = {"budget": "budget_amount", "contact": "contact_name"}

    HINTS = {
        "metrics": _l(
            "One per line: indicator | value | unit | baseline | target | date | source "
            "(only indicator and value are needed)."
        ),
        "population": _l("Inhabitants, e.g. 1650000."),
        "budget_currency": _l("ISO 4217 code, e.g. EUR or USD."),
        "replicated_in": _l("Slugs of other case studies, separated by commas."),
        "contact_name": _l(
            "Shown with role and organisation; people reach them through the portal, never by email."
        ),
        "licence": _l("SPDX identifier, e.g. CC-BY-4.0 (empty: the portal's default)."),
        "verified_at": _l("The date the case study was last checked: YYYY-MM-DD."),
        "images": _l("At most 4, one per line: https://address | alt text | credit"),
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
            "what_did_not_work": self.what_did_not_work.data or "",
            "metrics": [_metric(parts) for parts in split_columns(self.metrics.data)],
            "population": (self.population.data or "").strip() or None,
            "budget": _budget(self.budget_amount.data, self.budget_currency.data),
            "replicated_in": split_list(self.replicated_in.data),
            "contact": _contact(
                self.contact_name.data, self.contact_role.data, self.contact_organisation.data
            ),
            "licence": (self.licence.data or "").strip() or None,
            "verified_at": (self.verified_at.data or "").strip() or None,
            "images": [_image(parts) for parts in split_columns(self.images.data)],
        }

    def validated_values(self):
        """Clean values when the form is valid; otherwise None, with errors on the fields."""
        if not self.validate_on_submit():
            return None
        values, problems = clean_project(self.record())
        for field_name, message in problems:
            name = field_name.split("[", 1)[0].split(".", 1)[0]
            position = field_name[len(name) :]
            name = self.NESTED_FIELDS.get(name, name)
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
        self.links.data = "\n".join(
            f"{link['title']} | {link['url']}" for link in project.links or []
        )
        self.what_did_not_work.data = project.what_did_not_work
        self.metrics.data = "\n".join(
            " | ".join(
                "" if m.get(key) is None else str(m.get(key)) for key in METRIC_COLUMNS
            ).rstrip(" |")
            for m in project.metrics or []
        )
        self.population.data = str(project.population or "")
        budget = project.budget or {}
        self.budget_amount.data = str(budget.get("amount", ""))
        self.budget_currency.data = budget.get("currency", "")
        self.replicated_in.data = ", ".join(project.replicated_in or [])
        contact = project.contact or {}
        self.contact_name.data = contact.get("name", "")
        self.contact_role.data = contact.get("role", "")
        self.contact_organisation.data = contact.get("organisation", "")
        self.licence.data = project.licence or ""
        self.verified_at.data = project.verified_at.isoformat() if project.verified_at else ""
        self.images.data = "\n".join(
            " | ".join((i["url"], i.get("alt", ""), i.get("credit", ""))).rstrip(" |")
            for i in project.images or []
        )


METRIC_COLUMNS = ("indicator", "value", "unit", "baseline", "target", "date", "source")


def split_columns(text):
    """Lines "a | b | c" -> [["a", "b", "c"]] (blank lines skipped)."""
    return [
        [part.strip() for part in line.split("|")]
        for line in (text or "").splitlines()
        if line.strip()
    ]


def _metric(parts):
    metric = dict(zip(METRIC_COLUMNS, parts, strict=False))
    return {key: value for key, value in metric.items() if value != ""}


def _budget(amount, currency):
    amount, currency = (amount or "").strip(), (currency or "").strip()
    if not amount and not currency:
        return None
    return {"amount": amount, "currency": currency}


def _contact(name, role, organisation):
    values = {
        "name": (name or "").strip(),
        "role": (role or "").strip(),
        "organisation": (organisation or "").strip(),
    }
    return values if any(values.values()) else None


def _image(parts):
    image = dict(zip(("url", "alt", "credit"), parts, strict=False))
    return {key: value for key, value in image.items() if value != ""}


def split_list(text):
    """ "IoT; Mobile app, AI" -> ["IoT", "Mobile app", "AI"]."""
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
