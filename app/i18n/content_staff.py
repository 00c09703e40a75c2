"""Staff editing of content translations: /staff/<kind>/<id>/translations/<lang>.

One page per object and language shows each translatable field's original
beside the field for its translation. Text staff type is a human translation,
reviewed; staff can also mark a machine translation reviewed without changing
it. Emptying every field removes the translation. Case studies, members,
award editions and award categories, challenges and solutions are edited here (award names are listed
on /staff/awards/translations; `flask awards import` carries them too).
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..auth import staff_required
from ..database import begin_write
from ..extensions import db
from ..models import AwardCategory, AwardEdition, Challenge, Member, Project, Solution
from .content import (
    TRANSLATABLE_FIELDS,
    configured_languages,
    language_name,
    normalize_tag,
    original_language,
    translation_entry,
)

bp = Blueprint("staff_translations", __name__, url_prefix="/staff")

# URL segment -> (model, the staff page listing the row's translations, its id argument).
KINDS = {
    "projects": (Project, "staff.edit_project", "project_id"),
    "members": (Member, "staff.edit_member", "member_id"),
    "award-editions": (AwardEdition, "staff_translations.awards", None),
    "award-categories": (AwardCategory, "staff_translations.awards", None),
    "challenges": (Challenge, "matchmaking_staff.challenge_edit", "row_id"),
    "solutions": (Solution, "matchmaking_staff.solution_edit", "row_id"),
}
FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description (Markdown)"),
    "outcomes": _l("Outcomes (Markdown)"),
    "lessons": _l("Lessons learned (Markdown)"),
    "name": _l("Name"),
    "problem": _l("The problem (Markdown)"),
}
# Fields whose original may be Markdown (shown rendered beside the translation).
MARKDOWN_FIELDS = {
    "Project": ("description", "outcomes", "lessons"),
    "Challenge": ("problem",),
    "Solution": ("description",),
}
SHORT_TEXT = 300  # fields up to this length get a one-line input


def translation_form(model_name, formdata=None):
    """A Flask-WTF form with one field per translatable field of the model, and `reviewed`."""

    class TranslationForm(FlaskForm):
        reviewed = BooleanField(_l("I have reviewed this machine translation"))

    for name, limit in TRANSLATABLE_FIELDS[model_name].items():
        field_class = StringField if limit <= SHORT_TEXT else TextAreaField
        setattr(
            TranslationForm,
            name,
            field_class(FIELD_LABELS.get(name, name), validators=[Optional(), Length(max=limit)]),
        )
    return TranslationForm() if formdata is None else TranslationForm(formdata=formdata)


@bp.app_template_global()
def translation_rows(obj):
    """(language, its name, stored entry or None) for every language but the object's own."""
    own = original_language(obj)
    return [
        (lang, language_name(lang), translation_entry(obj, lang))
        for lang in configured_languages()
        if lang != own
    ]


def updated_entry(old, texts, reviewed):
    """The entry to store after staff saved `texts`; None removes the translation.

    Changed text is the staff's own: human and reviewed. Unchanged machine text
    keeps its source and takes the reviewed box.
    """
    if not texts:
        return None
    old = old or {}
    old_texts = {k: v for k, v in old.items() if k not in ("source", "reviewed")}
    if texts != old_texts:
        return texts | {"source": "human", "reviewed": True}
    if old.get("source") == "machine":
        return texts | {"source": "machine", "reviewed": bool(reviewed)}
    return dict(old)


def _object_and_language(kind, object_id, lang):
    if kind not in KINDS:
        abort(404)
    model, _endpoint, _arg = KINDS[kind]
    obj = db.session.get(model, object_id)
    tag = normalize_tag(lang)
    if obj is None or tag is None or tag == original_language(obj):
        abort(404)
    return obj, tag


@bp.route("/<kind>/<int:object_id>/translations/<lang>", methods=["GET", "POST"])
@staff_required
def edit(kind, object_id, lang):
    obj, lang = _object_and_language(kind, object_id, lang)
    model_name = type(obj).__name__
    fields = TRANSLATABLE_FIELDS[model_name]
    entry = translation_entry(obj, lang)
    form = translation_form(model_name)
    if not form.is_submitted():
        for name in fields:
            form[name].data = (entry or {}).get(name, "")
        form.reviewed.data = bool(entry and entry.get("reviewed"))
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template(
            "staff/translation.html",
            form=form,
            obj=obj,
            kind=kind,
            lang=lang,
            entry=entry,
            fields=fields,
            markdown_fields=MARKDOWN_FIELDS.get(model_name, ()),
            back_url=_back_url(kind, obj),
        ), status

    begin_write()
    obj, lang = _object_and_language(kind, object_id, lang)
    texts = {name: form[name].data.strip() for name in fields if (form[name].data or "").strip()}
    entry = updated_entry(translation_entry(obj, lang), texts, form.reviewed.data)
    translations = {
        key: value for key, value in (obj.translations or {}).items() if normalize_tag(key) != lang
    }
    if entry is not None:
        translations[lang] = entry
    # A new dict, so the JSON column sees the change (and the search outbox with it).
    obj.translations = translations
    db.session.commit()
    if entry is None:
        flash(_("The %(language)s translation was removed.", language=language_name(lang)), "info")
    else:
        flash(_("The %(language)s translation was saved.", language=language_name(lang)), "info")
    return redirect(_back_url(kind, obj), code=303)


def _back_url(kind, obj):
    _model, endpoint, arg = KINDS[kind]
    if arg is None:
        return url_for(endpoint) + f"#translations-{kind}-{obj.id}"
    return url_for(endpoint, **{arg: obj.id}) + "#translations"


@bp.get("/awards/translations")
@staff_required
def awards():
    """Every award edition and category with the state of its translations."""
    editions = db.session.scalars(
        db.select(AwardEdition).order_by(AwardEdition.year.desc(), AwardEdition.id.desc())
    ).all()
    return render_template("staff/award_translations.html", editions=editions)
