"""Content in several languages: which text pages and the API show, import/export, staff editing."""

import json

import pytest

from app.extensions import db
from app.i18n.content import (
    babel_locale,
    clean_translations,
    localized,
    normalize_tag,
)
from app.i18n.content_staff import updated_entry
from app.models import AwardCategory, AwardEdition, AwardWinner, Member, Project, SearchOutbox
from tests.conftest import form_token, html, login

FRENCH = {
    "title": "Stationnement intelligent",
    "summary": "Des capteurs signalent les places libres.",
    "source": "machine",
    "reviewed": False,
}


@pytest.fixture
def page_language(app):
    """Force the page language of every request (as a /<lang>/ prefix would)."""

    def force(tag):
        app.extensions["babel"].locale_selector = lambda: babel_locale(tag)

    return force


@pytest.fixture
def t(app):
    """The interface's text for `msgid` in language `tag`, as the catalogues translate it."""
    from flask_babel import force_locale, gettext

    def translate(tag, msgid, **variables):
        with app.test_request_context(), force_locale(babel_locale(tag)):
            return gettext(msgid, **variables)

    return translate


@pytest.fixture
def parking(make_project):
    return make_project(
        slug="kampala-parking",
        title="Smart Parking",
        city="Kampala",
        country="UG",
        summary="Sensors show free parking spaces.",
        description="## How it works\n\nSensors in the street.",
        translations={"fr": FRENCH},
    )


def stored(app, slug="kampala-parking"):
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug=slug))
        return project.language, project.translations


# ---------------------------------------------------------------------------
# Choosing the text


def test_localized_prefers_the_translation_and_falls_back_to_the_original(app):
    project = Project(
        title="Smart Parking",
        summary="Sensors.",
        language=None,
        translations={
            "fr": FRENCH,
            "zh-Hant": {"title": "智慧停車", "source": "human", "reviewed": True},
        },
    )
    with app.app_context():
        french = localized(project, "title", "fr")
        assert (french.text, french.lang, french.is_original, french.source, french.reviewed) == (
            "Stationnement intelligent",
            "fr",
            False,
            "machine",
            False,
        )
        # No Korean translation: the original, in its own language.
        korean = localized(project, "title", "ko")
        assert (korean.text, korean.lang, korean.is_original) == ("Smart Parking", "en", True)
        # Babel's spelling and any case reach the configured tag.
        chinese = localized(project, "title", "zh_Hant")
        assert (chinese.text, chinese.lang, chinese.source) == ("智慧停車", "zh-Hant", "human")
        # A field the translation lacks falls back on its own.
        assert localized(project, "summary", "zh-hant").lang == "en"
        assert localized(project, "title", "fr", original=True).text == "Smart Parking"


def test_language_tags_are_normalised_in_one_place(app):
    with app.app_context():
        assert [normalize_tag(t) for t in ("zh_Hant", "ZH-HANT", " fr ", "en", "de", "", None)] == [
            "zh-Hant",
            "zh-Hant",
            "fr",
            "en",
            None,
            None,
            None,
        ]
        assert babel_locale("zh-Hant") == "zh_Hant"


# ---------------------------------------------------------------------------
# Pages


def test_a_translated_page_shows_the_translation_labelled_as_machine_made(
    client, parking, page_language, t
):
    page_language("fr")
    page = html(client.get("/projects/kampala-parking"))
    title = page.find("h1", id="project-title")
    assert title.get_text(strip=True) == "Stationnement intelligent"
    assert title.get("lang") is None  # the page's own language
    lead = page.find("p", class_="lead")
    assert lead.get_text(strip=True) == FRENCH["summary"]
    notes = page.select("article .content-note")
    assert t("fr", "Machine translation.") in notes[0].get_text()
    link = notes[0].find("a")
    assert link["href"] == "/projects/kampala-parking?original=1"
    assert link["hreflang"] == "en"
    # The description has no French translation: the original, marked English, with a note.
    description = page.find("h2", string="Description").find_next_sibling("div")
    assert description["lang"] == "en"
    assert description.find("h3").get_text() == "How it works"
    assert description.find_next_sibling("p", class_="content-note").get_text(strip=True) == (
        t("fr", "Original in %(language)s", language="anglais")
    )


def test_the_original_link_shows_the_original_marked_with_its_language(
    client, parking, page_language, t
):
    page_language("fr")
    page = html(client.get("/projects/kampala-parking?original=1"))
    title = page.find("h1", id="project-title")
    assert (title.get_text(strip=True), title["lang"]) == ("Smart Parking", "en")
    assert page.find("p", class_="lead")["lang"] == "en"
    # One note for the title, not one per field saying the same, with the way back.
    notes = page.select("article .content-note")
    assert [note.get_text(" ", strip=True) for note in notes] == [
        t("fr", "Original in %(language)s", language="anglais")
        + " "
        + t("fr", "Show the translation")
    ]
    assert notes[0].find("a")["href"] == "/projects/kampala-parking"


def test_an_untranslated_page_marks_the_original(client, parking, page_language, t):
    page_language("ko")
    page = html(client.get("/projects/kampala-parking"))
    title = page.find("h1", id="project-title")
    assert (title.get_text(strip=True), title["lang"]) == ("Smart Parking", "en")
    assert title.find_next_sibling("p", class_="content-note").get_text(strip=True) == t(
        "ko", "Original in %(language)s", language="영어"
    )
    assert t("ko", "Machine translation.") not in page.get_text()


def test_text_in_the_other_direction_says_so(client, parking, make_project, page_language):
    page_language("ar")
    title = html(client.get("/projects/kampala-parking")).find("h1", id="project-title")
    assert (title["lang"], title["dir"]) == ("en", "ltr")
    make_project(slug="cairo", title="مشروع", language="ar")
    page_language("fr")
    title = html(client.get("/projects/cairo")).find("h1", id="project-title")
    assert (title["lang"], title["dir"]) == ("ar", "rtl")
    page_language("ko")
    assert (
        html(client.get("/projects/kampala-parking")).find("h1", id="project-title").get("dir")
        is None
    )


def test_the_default_language_shows_the_original_without_notes(client, parking):
    page = html(client.get("/projects/kampala-parking"))
    assert page.find("h1", id="project-title").get("lang") is None
    assert page.select(".content-note") == []


def test_a_human_translation_in_traditional_chinese_has_no_machine_label(
    client, make_project, page_language, t
):
    make_project(
        slug="taipei",
        title="Taipei Smart Bus",
        translations={"zh-Hant": {"title": "臺北智慧公車", "source": "human", "reviewed": True}},
    )
    page_language("zh-Hant")
    page = html(client.get("/projects/taipei"))
    assert page.find("h1", id="project-title").get_text(strip=True) == "臺北智慧公車"
    assert page.find("h1", id="project-title").get("lang") is None
    assert page.find("p", class_="lead")["lang"] == "en"  # the summary is not translated
    assert t("zh-Hant", "Machine translation.") not in page.get_text()


def test_a_record_in_another_language_is_marked_on_default_language_pages(client, make_project):
    make_project(slug="dakar", title="Plateforme de signalement", language="fr")
    page = html(client.get("/projects/dakar"))
    title = page.find("h1", id="project-title")
    assert title["lang"] == "fr"
    assert (
        title.find_next_sibling("p", class_="content-note").get_text(strip=True)
        == "Original in French"
    )


def test_catalogue_cards_show_the_translation(client, parking, make_project, page_language, t):
    make_project(slug="other", title="Smart Lights", summary="Lamps.")
    page_language("fr")
    page = html(client.get("/projects"))
    cards = {
        card.find("h3").get_text(strip=True): card for card in page.select(".results-list .card")
    }
    assert set(cards) == {"Stationnement intelligent", "Smart Lights"}
    translated = cards["Stationnement intelligent"]
    assert translated.find("h3").get("lang") is None
    assert (
        translated.select_one(".content-note a")["href"] == "/projects/kampala-parking?original=1"
    )
    original = cards["Smart Lights"]
    assert original.find("h3")["lang"] == "en"
    assert original.find_all("p", attrs={"lang": "en"})[0].get_text(strip=True) == "Lamps."
    assert [n.get_text(strip=True) for n in original.select(".content-note")] == [
        t("fr", "Original in %(language)s", language="anglais")
    ]


def test_award_and_member_pages_show_translations(app, client, page_language, t):
    with app.app_context():
        from app.models import AwardProgramme

        programme = AwardProgramme(slug="wego-awards", name="WeGO Awards")
        edition = AwardEdition(
            slug="wego-awards-4",
            title="4th WeGO Awards",
            programme=programme,
            description="Eighteen cities.",
            translations={
                "es": {"title": "4.º Premios WeGO", "source": "machine", "reviewed": False}
            },
        )
        edition.categories = [
            AwardCategory(
                slug="mobility",
                name="Mobility",
                theme="mobility",
                translations={"es": {"name": "Movilidad", "source": "machine", "reviewed": True}},
            )
        ]
        edition.winners = [
            AwardWinner(
                category=edition.categories[0], city="Jakarta", country="ID", project_title="Qlue"
            )
        ]
        member = Member(
            slug="qlue",
            name="Qlue",
            type="corporation",
            description="A startup.",
            translations={
                "es": {"description": "Una empresa emergente.", "source": "human", "reviewed": True}
            },
        )
        db.session.add_all([edition, member])
        db.session.commit()
    page_language("es")
    page = html(client.get("/awards/wego-awards-4"))
    assert page.find("h1").get_text(strip=True) == "4.º Premios WeGO"
    description = page.find("p", string="Eighteen cities.")
    assert description["lang"] == "en"
    category = page.find("h3", id="category-mobility")
    assert category.get_text(strip=True) == "Movilidad"
    assert (
        t("es", "Machine translation, reviewed by staff.")
        in category.find_next_sibling("p").get_text()
    )
    assert page.find("option", value="mobility").get_text() == "Movilidad"
    assert html(client.get("/awards")).find("h2").get_text(strip=True) == "4.º Premios WeGO"
    member_page = html(client.get("/members/qlue"))
    assert member_page.find("p", id="member-description").get_text() == "Una empresa emergente."


def test_markup_in_translations_is_escaped_or_sanitised(client, make_project, page_language):
    make_project(
        slug="hostile",
        title="Plain",
        description="Plain text.",
        translations={
            "fr": {
                "title": "<script>alert(1)</script>Titre",
                "summary": "<img src=x onerror=alert(1)>",
                "description": "[clic](javascript:alert(1)) <script>alert(2)</script>\n\n<b onclick=x>gras</b>",
                "source": "human",
                "reviewed": False,
            }
        },
    )
    page_language("fr")
    response = client.get("/projects/hostile")
    body = response.get_data(as_text=True)
    page = html(response)
    assert (
        page.find("h1", id="project-title").get_text(strip=True) == "<script>alert(1)</script>Titre"
    )
    assert "<script>alert" not in body and "<img src=x" not in body, body
    assert not page.select("[onclick], [onerror], img")
    assert not page.select('article a[href^="javascript"]')
    assert page.find("article").find("b") is None


# ---------------------------------------------------------------------------
# Import and export


def record(**changes):
    base = {
        "slug": "kampala-parking",
        "title": "Smart Parking",
        "city": "Kampala",
        "country": "UG",
        "theme": "mobility",
        "summary": "Sensors show free parking spaces.",
    }
    return base | changes


def run_import(runner, tmp_path, records, name="records.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path, runner.invoke(args=["catalog", "import", str(path)])


def test_import_takes_language_and_translations(app, runner, tmp_path):
    translations = {
        "fr": {"title": " Stationnement ", "summary": "Des capteurs.", "description": "## Comment"},
        "zh-hant": {"title": "智慧停車", "source": "machine", "reviewed": True},
    }
    _path, result = run_import(
        runner,
        tmp_path,
        [
            record(translations=translations),
            record(
                slug="dakar", language="fr", translations={"en": {"title": "Reporting platform"}}
            ),
        ],
    )
    assert result.exit_code == 0, result.output
    assert stored(app) == (
        None,
        {
            "fr": {
                "title": "Stationnement",
                "summary": "Des capteurs.",
                "description": "## Comment",
                "source": "human",
                "reviewed": False,
            },
            "zh-Hant": {"title": "智慧停車", "source": "machine", "reviewed": True},
        },
    )
    assert stored(app, "dakar") == (
        "fr",
        {"en": {"title": "Reporting platform", "source": "human", "reviewed": False}},
    )


def test_import_reports_every_bad_translation_and_imports_nothing(app, runner, tmp_path):
    path, result = run_import(
        runner,
        tmp_path,
        [
            record(slug="a", translations={"fr": {"title": "Titre", "foo": "x"}}),
            record(slug="b", translations={"de": {"title": "Titel"}}),
            record(slug="c", translations={"en": {"title": "Own language"}}),
            record(
                slug="d", translations={"fr": {"title": 7, "source": "robot", "reviewed": "yes"}}
            ),
            record(slug="e", translations=["fr"]),
            record(slug="f", translations={"fr": "Titre"}),
            record(slug="g", translations={"fr": {"source": "human"}}),
            record(slug="h", language="klingon"),
            record(slug="i", translations={"fr": {"summary": "x" * 1001}}),
            record(slug="j", language="fr", translations={"FR": {"title": "Titre"}}),
        ],
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    expected = [
        f"{path}:record 1: translations.fr.foo: unknown field",
        f"{path}:record 2: translations.de: is not a configured language (en, fr, es, pt, ar, ko, zh-Hant)",
        f"{path}:record 3: translations.en: is the record's own language: give its text in the fields themselves",
        f"{path}:record 4: translations.fr.title: must be text",
        f"{path}:record 4: translations.fr.source: must be one of human, machine",
        f"{path}:record 4: translations.fr.reviewed: must be true or false",
        f"{path}:record 5: translations: must be an object mapping a language to its translated fields",
        f"{path}:record 6: translations.fr: must be an object of translated fields",
        f"{path}:record 7: translations.fr: must give at least one of title, summary, description, outcomes, lessons",
        f"{path}:record 8: language: must be one of the configured languages: en, fr, es, pt, ar, ko, zh-Hant",
        f"{path}:record 9: translations.fr.summary: must be at most 1000 characters (it has 1001)",
        f"{path}:record 10: translations.FR: is the record's own language: give its text in the fields themselves",
    ]
    for line in expected:
        assert line in lines
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == 0


def test_csv_import_takes_translations_as_a_json_cell(app, runner, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text(
        "title,city,country,theme,summary,language,translations\n"
        'Smart Parking,Kampala,UG,mobility,Sensors.,en,"{""fr"": {""title"": ""Stationnement""}}"\n'
        'Smart Lights,Seoul,KR,mobility,Lamps.,,"{not json"\n',
        encoding="utf-8",
    )
    result = runner.invoke(args=["catalog", "import", str(path), "--skip-invalid"])
    assert f"{path}:record 2: translations: is not a valid JSON object" in result.stderr
    language, translations = stored(app, "kampala-smart-parking")
    assert language is None
    assert translations == {"fr": {"title": "Stationnement", "source": "human", "reviewed": False}}


def test_export_round_trips_translations(app, runner, tmp_path, parking, make_project):
    make_project(
        slug="dakar",
        title="Plateforme",
        language="fr",
        translations={"en": {"title": "Platform", "source": "human", "reviewed": True}},
    )
    exported = runner.invoke(args=["catalog", "export"]).stdout
    records = {r["slug"]: r for r in map(json.loads, exported.splitlines())}
    assert records["kampala-parking"]["language"] == "en"
    assert records["kampala-parking"]["translations"] == {"fr": FRENCH}
    assert records["dakar"]["language"] == "fr"

    with app.app_context():
        db.session.execute(db.delete(Project))
        db.session.commit()
    path = tmp_path / "export.jsonl"
    path.write_text(exported, encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["catalog", "export"]).stdout == exported
    # Importing the export again changes nothing.
    assert (
        "0 created, 0 updated, 2 unchanged"
        in runner.invoke(args=["catalog", "import", str(path)]).stdout
    )


def test_translations_are_validated_by_the_one_function(app):
    with app.app_context():
        cleaned, problems = clean_translations({"es": {"name": "Movilidad"}}, None, {"name": 200})
    assert (cleaned, problems) == (
        {"es": {"name": "Movilidad", "source": "human", "reviewed": False}},
        [],
    )


def award_document(**edition_changes):
    return {
        "programme": {"slug": "wego-awards", "name": "WeGO Awards"},
        "edition": {"slug": "wego-awards-9", "title": "9th WeGO Awards"} | edition_changes,
        "categories": [
            {
                "slug": "mobility",
                "name": "Mobility",
                "theme": "mobility",
                "translations": {"ko": {"name": "모빌리티", "source": "machine"}},
            }
        ],
    }


def test_awards_import_takes_translations_and_reports_bad_ones(app, runner, tmp_path):
    path = tmp_path / "awards.json"
    path.write_text(
        json.dumps(
            award_document(
                translations={
                    "fr": {"title": "9e prix WeGO", "description": "Neuf.", "source": "machine"}
                }
            )
        )
    )
    result = runner.invoke(args=["awards", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        edition = db.session.scalar(db.select(AwardEdition))
        assert edition.translations["fr"]["title"] == "9e prix WeGO"
        assert edition.categories[0].translations == {
            "ko": {"name": "모빌리티", "source": "machine", "reviewed": False}
        }

    path.write_text(json.dumps(award_document(language="xx", translations={"fr": {"name": "Nom"}})))
    lines = runner.invoke(args=["awards", "import", str(path)]).stderr.splitlines()
    assert (
        f"{path}:edition.language: must be one of the configured languages: en, fr, es, pt, ar, ko, zh-Hant"
        in lines
    )
    path.write_text(json.dumps(award_document(translations={"fr": {"name": "Nom"}})))
    lines = runner.invoke(args=["awards", "import", str(path)]).stderr.splitlines()
    assert f"{path}:edition.translations.fr.name: unknown field" in lines


# ---------------------------------------------------------------------------
# API


def test_api_lang_shows_translated_titles_with_their_language(client, parking, make_project):
    make_project(slug="other", title="Smart Lights")
    body = client.get("/api/v1/projects?lang=fr&sort=title").get_json()
    results = {r["slug"]: r for r in body["results"]}
    assert (results["kampala-parking"]["title"], results["kampala-parking"]["language"]) == (
        "Stationnement intelligent",
        "fr",
    )
    assert results["kampala-parking"]["summary"] == FRENCH["summary"]
    assert results["kampala-parking"]["machine_translation"] is True
    assert (results["other"]["title"], results["other"]["language"]) == ("Smart Lights", "en")
    # Without lang: the originals.
    plain = client.get("/api/v1/projects").get_json()["results"]
    assert {r["title"] for r in plain} == {"Smart Parking", "Smart Lights"}
    assert {r["language"] for r in plain} == {"en"}


def test_api_detail_gives_the_translations_map(client, parking):
    body = client.get("/api/v1/projects/kampala-parking?lang=FR").get_json()
    assert (body["title"], body["language"], body["original_language"]) == (
        "Stationnement intelligent",
        "fr",
        "en",
    )
    assert body["languages"]["description"] == "en"
    assert body["description"].startswith("## How it works")
    assert body["translations"] == {"fr": FRENCH}
    plain = client.get("/api/v1/projects/kampala-parking").get_json()
    assert (plain["title"], plain["language"]) == ("Smart Parking", "en")


@pytest.mark.parametrize(
    "path", ["/api/v1/projects", "/api/v1/projects/kampala-parking", "/api/v1/awards"]
)
def test_api_rejects_an_unknown_language(client, parking, path):
    response = client.get(path + "?lang=klingon")
    assert response.status_code == 400
    assert "“lang” must be one of en, fr, es, pt, ar, ko, zh-Hant." in response.get_json()["detail"]


def test_api_awards_take_lang(app, client, runner, tmp_path):
    path = tmp_path / "awards.json"
    path.write_text(json.dumps(award_document(translations={"ko": {"title": "제9회 WeGO 어워드"}})))
    assert runner.invoke(args=["awards", "import", str(path)]).exit_code == 0
    edition = client.get("/api/v1/awards?lang=ko").get_json()["editions"][0]
    assert (edition["title"], edition["language"]) == ("제9회 WeGO 어워드", "ko")
    assert (edition["categories"][0]["name"], edition["categories"][0]["language"]) == (
        "모빌리티",
        "ko",
    )
    assert client.get("/api/v1/awards").get_json()["editions"][0]["title"] == "9th WeGO Awards"


def test_openapi_documents_lang(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in ("/projects", "/projects/{slug}", "/awards"):
        assert "lang" in [p["name"] for p in document["paths"][path]["get"]["parameters"]]
    assert "translations" in document["components"]["schemas"]["Project"]["properties"]


# ---------------------------------------------------------------------------
# Staff editing


def project_id(app, slug="kampala-parking"):
    with app.app_context():
        return db.session.scalar(db.select(Project.id).filter_by(slug=slug))


def outbox_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(SearchOutbox))


@pytest.fixture
def staff_client(client, make_user):
    login(client, make_user(role="staff"))
    return client


def test_the_edit_page_lists_translations(app, staff_client, parking):
    page = html(staff_client.get(f"/staff/projects/{project_id(app)}/edit"))
    rows = {row["data-lang"]: row for row in page.select("#translations tr[data-lang]")}
    assert list(rows) == ["fr", "es", "pt", "ar", "ko", "zh-Hant"]
    assert "Machine, not reviewed" in rows["fr"].get_text()
    assert rows["ko"].find("a")["href"] == f"/staff/projects/{project_id(app)}/translations/ko"


def test_staff_add_a_translation_beside_the_original(app, staff_client, parking):
    url = f"/staff/projects/{project_id(app)}/translations/ko"
    page_response = staff_client.get(url)
    page = html(page_response)
    assert (
        page.select_one(".translation-original div[lang=en]").get_text(strip=True)
        == "Smart Parking"
    )
    assert page.find("input", id="title")["value"] == ""
    data = {
        "title": "스마트 주차",
        "summary": "센서가 빈 주차 공간을 알려줍니다.",
        "description": "",
        "outcomes": "",
        "lessons": "",
    }

    assert staff_client.post(url, data=data).status_code == 400  # no CSRF token
    assert "ko" not in stored(app)[1]

    data["csrf_token"] = form_token(page_response)
    outbox_rows = outbox_count(app)
    response = staff_client.post(url, data=data)
    assert response.status_code == 303
    assert outbox_count(app) > outbox_rows  # the search index hears of the new text
    assert response.headers["Location"].endswith("#translations")
    assert stored(app)[1]["ko"] == {
        "title": "스마트 주차",
        "summary": "센서가 빈 주차 공간을 알려줍니다.",
        "source": "human",
        "reviewed": True,
    }
    assert stored(app)[1]["fr"] == FRENCH  # the others are kept


def test_staff_mark_a_machine_translation_reviewed_or_correct_it(app, staff_client, parking):
    url = f"/staff/projects/{project_id(app)}/translations/fr"
    response = staff_client.get(url)
    assert html(response).find("input", id="title")["value"] == FRENCH["title"]
    data = {
        "title": FRENCH["title"],
        "summary": FRENCH["summary"],
        "reviewed": "y",
        "csrf_token": form_token(response),
    }
    assert staff_client.post(url, data=data).status_code == 303
    assert stored(app)[1]["fr"] == FRENCH | {"reviewed": True}

    data["title"] = "Stationnement intelligent à Kampala"
    assert staff_client.post(url, data=data).status_code == 303
    assert stored(app)[1]["fr"] == {
        "title": "Stationnement intelligent à Kampala",
        "summary": FRENCH["summary"],
        "source": "human",
        "reviewed": True,
    }

    data.update(title="", summary="")
    assert staff_client.post(url, data=data).status_code == 303
    assert "fr" not in stored(app)[1]


def test_staff_translation_errors_keep_the_input(app, staff_client, parking):
    url = f"/staff/projects/{project_id(app)}/translations/es"
    data = {
        "title": "Estacionamiento",
        "summary": "x" * 1001,
        "csrf_token": form_token(staff_client.get(url)),
    }
    response = staff_client.post(url, data=data)
    assert response.status_code == 400
    page = html(response)
    assert page.find("input", id="title")["value"] == "Estacionamiento"
    assert page.select_one(".error-summary")
    assert "es" not in stored(app)[1]


def test_staff_translation_urls_check_the_language_and_the_role(app, client, make_user, parking):
    pid = project_id(app)
    assert client.get(f"/staff/projects/{pid}/translations/ko").status_code in (302, 401)
    login(client, make_user(role="member"))
    assert client.get(f"/staff/projects/{pid}/translations/ko").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "projects/{pid}/translations/de",
        "projects/{pid}/translations/en",
        "projects/999/translations/fr",
        "events/{pid}/translations/fr",
    ],
)
def test_staff_translation_urls_404(app, staff_client, parking, path):
    assert staff_client.get("/staff/" + path.format(pid=project_id(app))).status_code == 404


def test_staff_translate_a_member_description(app, staff_client):
    with app.app_context():
        member = Member(slug="qlue", name="Qlue", type="corporation", description="A startup.")
        db.session.add(member)
        db.session.commit()
        member_id = member.id
    assert html(staff_client.get(f"/staff/members/{member_id}/edit")).select(
        "#translations tr[data-lang]"
    )
    url = f"/staff/members/{member_id}/translations/pt"
    data = {"description": "Uma startup.", "csrf_token": form_token(staff_client.get(url))}
    assert staff_client.post(url, data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Member, member_id).translations == {
            "pt": {"description": "Uma startup.", "source": "human", "reviewed": True}
        }


def test_updated_entry_rules():
    machine = {"title": "T", "source": "machine", "reviewed": False}
    assert updated_entry(machine, {"title": "T"}, True) == {
        "title": "T",
        "source": "machine",
        "reviewed": True,
    }
    assert updated_entry(machine, {"title": "U"}, False) == {
        "title": "U",
        "source": "human",
        "reviewed": True,
    }
    assert updated_entry(machine, {}, False) is None
    human = {"title": "T", "source": "human", "reviewed": False}
    assert updated_entry(human, {"title": "T"}, True) == human


# ---------------------------------------------------------------------------
# Demo data


def test_the_demo_data_is_translated_into_every_shipped_language_by_machine(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    shipped = ["fr", "es", "pt", "ar", "ko", "zh-Hant"]
    with app.app_context():
        projects = db.session.scalars(db.select(Project)).all()
        assert projects
        for project in projects:
            assert list(project.translations) == shipped, project.slug
            for entry in project.translations.values():
                assert entry["title"] and entry["summary"], project.slug
                assert (entry["source"], entry["reviewed"]) == ("machine", False)
        names = (
            db.session.scalars(db.select(AwardCategory)).all()
            + db.session.scalars(db.select(AwardEdition)).all()
        )
        for row in names:
            assert list(row.translations) == shipped
            assert all(
                e["source"] == "machine" and e["reviewed"] is False
                for e in row.translations.values()
            )
        described = db.session.scalars(db.select(Member).where(Member.description != "")).all()
        assert described and all(list(member.translations) == shipped for member in described)
        # Proper names stay as they are.
        taipei = db.session.scalar(db.select(Project).filter_by(slug="taipei-go-smart"))
        assert all("GO SMART" in entry["title"] for entry in taipei.translations.values())


def test_the_feed_takes_lang(client, parking):
    import xml.etree.ElementTree as ET

    atom, xml_lang = "{http://www.w3.org/2005/Atom}", "{http://www.w3.org/XML/1998/namespace}lang"
    feed = ET.fromstring(client.get("/feeds/projects.atom?lang=fr").get_data())  # noqa: S314 (our output)
    assert feed.get(xml_lang) == "fr"
    title = feed.find(f"{atom}entry/{atom}title")
    assert (title.text, title.get(xml_lang)) == ("Stationnement intelligent", "fr")
    feed = ET.fromstring(client.get("/feeds/projects.atom?lang=ko").get_data())  # noqa: S314
    title = feed.find(f"{atom}entry/{atom}title")
    assert (title.text, title.get(xml_lang)) == ("Smart Parking", "en")
    assert client.get("/feeds/projects.atom?lang=xx").status_code == 400


def test_the_interest_form_names_the_project_in_the_page_language(client, parking, page_language):
    page_language("fr")
    link = html(client.get("/interest?project=kampala-parking")).find(
        "a", string="Stationnement intelligent"
    )
    assert link is not None and link.get("lang") is None


def test_staff_translate_award_names(app, staff_client, runner, tmp_path):
    path = tmp_path / "awards.json"
    path.write_text(json.dumps(award_document()))
    assert runner.invoke(args=["awards", "import", str(path)]).exit_code == 0
    with app.app_context():
        edition = db.session.scalar(db.select(AwardEdition))
        edition_id, category_id = edition.id, edition.categories[0].id
    page = html(staff_client.get("/staff/awards/translations"))
    category_section = page.find("section", id=f"translations-award-categories-{category_id}")
    assert (
        "Machine, not reviewed" in category_section.find("tr", attrs={"data-lang": "ko"}).get_text()
    )
    url = f"/staff/award-categories/{category_id}/translations/ko"
    assert category_section.find("tr", attrs={"data-lang": "ko"}).find("a")["href"] == url
    response = staff_client.post(
        url,
        data={"name": "모빌리티", "reviewed": "y", "csrf_token": form_token(staff_client.get(url))},
    )
    assert response.headers["Location"].endswith(
        f"/staff/awards/translations#translations-award-categories-{category_id}"
    )
    url = f"/staff/award-editions/{edition_id}/translations/fr"
    response = staff_client.post(
        url,
        data={
            "title": "9e prix WeGO",
            "description": "",
            "csrf_token": form_token(staff_client.get(url)),
        },
    )
    assert response.status_code == 303
    with app.app_context():
        edition = db.session.get(AwardEdition, edition_id)
        assert edition.translations == {
            "fr": {"title": "9e prix WeGO", "source": "human", "reviewed": True}
        }
        assert edition.categories[0].translations["ko"] == {
            "name": "모빌리티",
            "source": "machine",
            "reviewed": True,
        }


def test_hostile_staff_translations_are_shown_as_text(app, staff_client, parking, page_language):
    url = f"/staff/projects/{project_id(app)}/translations/pt"
    data = {
        "title": "<script>alert(1)</script>",
        "summary": "<a href=javascript:alert(1)>x</a>",
        "outcomes": "[clique](javascript:alert(1))\n\n<iframe src=//evil>",
        "csrf_token": form_token(staff_client.get(url)),
    }
    assert staff_client.post(url, data=data).status_code == 303
    page_language("pt")
    page = html(staff_client.get("/projects/kampala-parking"))
    assert page.find("h1", id="project-title").get_text() == "<script>alert(1)</script>"
    article = page.find("article")
    assert not article.find_all(["script", "iframe"])
    assert not article.select('a[href^="javascript"]')
    # The staff page shows the stored text back in the form, escaped.
    form_page = html(staff_client.get(url))
    assert form_page.find("input", id="title")["value"] == "<script>alert(1)</script>"
    assert not form_page.find("main").find_all(["script", "iframe"])


# ---------------------------------------------------------------------------
# Highlights in the text shown


def test_a_translation_shown_in_results_marks_the_searched_words(client, make_project):
    make_project(
        slug="hostile-parking",
        title="Smart Parking",
        summary="Sensors show free parking spaces.",
        translations={
            "fr": {
                "title": "<b>Stationnement</b> intelligent",
                "summary": "Des capteurs signalent les places de stationnement libres.",
                "source": "machine",
            },
            "ko": {"title": "스마트주차 관리", "source": "machine"},
        },
    )
    card = html(client.get("/fr/projects?q=stationnement")).select_one(".results-list > li")
    title = card.find("h3")
    assert [mark.get_text() for mark in title.find_all("mark")] == ["Stationnement"]
    assert title.find("b") is None and "<b>" in title.get_text()  # the markup stays text
    assert [mark.get_text() for mark in card.select("p mark")] == ["stationnement"]
    # A word inside a Korean compound marks the compound.
    korean = html(client.get("/ko/projects?q=주차")).select_one(".results-list > li h3")
    assert [mark.get_text() for mark in korean.find_all("mark")] == ["스마트주차"]
    # Without a search, nothing is marked.
    assert not html(client.get("/fr/projects")).select(".results-list mark")
