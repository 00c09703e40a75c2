"""Search that understands people: per-language analysis, vocabulary, thesaurus, careful correction."""

import pytest
from bs4 import BeautifulSoup

from app.extensions import db
from app.models import Member, Project
from app.search import ProjectQuery, search_projects
from app.search.analysis import analyze, field_language, fold, multilingual_fields
from app.search.vocabulary import lookup


def search(app, text="", **kwargs):
    with app.app_context():
        page = search_projects(ProjectQuery(text=text, **kwargs))
        page.slugs = [hit.project.slug for hit in page.hits]
        return page


def api(client, **params):
    response = client.get("/api/v1/projects", query_string=params)
    assert response.status_code == 200
    return response.get_json()


def slugs(payload):
    return [result["slug"] for result in payload["results"]]


def make_member(app, **fields):
    values = {"type": "local-government", "city": "", "country": "KR", "status": "approved"}
    values.update(fields)
    with app.app_context():
        member = Member(**values)
        db.session.add(member)
        db.session.commit()
        return member.id


# Analysis


def test_arabic_is_normalised_and_loses_the_article():
    assert fold("إِدارةُ") == fold("ادارة")
    assert analyze("النفايات", "xx") == analyze("نفايات", "xx")
    assert analyze("ـمـديـنـة", "xx") == analyze("مدينة", "xx")


def test_cjk_runs_become_bigrams_and_single_characters_unigrams():
    assert analyze("스마트주차시스템", "xx") == [
        "스마",
        "마트",
        "트주",
        "주차",
        "차시",
        "시스",
        "스템",
    ]
    assert analyze("水", "xx") == ["水"]
    assert analyze("IoT기반", "en") == ["iot", "기반"]


def test_french_spanish_portuguese_are_stemmed_and_folded():
    assert analyze("déchets", "fr") == analyze("dechet", "fr")
    assert analyze("Mobilité", "fr") == analyze("mobilite", "fr")
    assert analyze("residuos", "es") == analyze("residuo", "es")
    assert analyze("resíduos", "pt") == analyze("residuo", "pt")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("zh-Hant", "xx"), ("ko", "xx"), ("pt-BR", "pt"), ("FR", "fr"), ("de", "xx"), (None, "en")],
)
def test_field_language_of_any_tag(tag, expected):
    assert field_language(tag) == expected


def test_each_text_is_indexed_under_its_own_language():
    document = multilingual_fields(
        {"title": "Gestion des déchets"},
        "fr",
        {"en": {"title": "Waste management", "source": "machine"}, "ko": {"title": "쓰레기 관리"}},
    ).document()
    assert document["title_fr"].split() == analyze("Gestion des déchets", "fr")
    assert document["title_en"].split() == ["wast", "manag"]
    assert document["title_xx"].split() == ["쓰레", "레기", "관리"]
    assert "title_es" not in document


# Any language's text, whatever the page language; the visitor's language ranks first


@pytest.fixture
def multilingual(make_project):
    make_project(
        slug="dakar-waste",
        title="Gestion des déchets ménagers",
        summary="Collecte des ordures dans les quartiers.",
        language="fr",
        city="Thiès",
        country="SN",
        theme="sustainable-city",
    )
    make_project(
        slug="bogota-mobility",
        title="Bicicletas públicas",
        summary="Movilidad sostenible para la ciudad.",
        language="es",
        city="Bogotá",
        country="CO",
        theme="mobility",
    )
    make_project(
        slug="seongnam-parking",
        title="스마트주차시스템 구축",
        summary="공영 주차장 정보를 실시간으로 제공합니다.",
        language="ko",
        city="Seongnam",
        country="KR",
        theme="mobility",
        translations={"en": {"title": "Smart parking system", "source": "machine"}},
    )
    make_project(
        slug="taipei-garbage",
        title="垃圾車即時動態",
        summary="市民可查詢垃圾車位置。",
        language="zh-Hant",
        city="Taipei",
        country="TW",
        theme="sustainable-city",
    )
    make_project(
        slug="dubai-waste",
        title="إدارة النفايات الذكية",
        summary="حاويات ذكية في المدينة.",
        language="ar",
        city="Dubai",
        country="AE",
        theme="sustainable-city",
    )
    make_project(
        slug="istanbul-egov",
        title="E-government services",
        summary="One portal for permits.",
        city="Istanbul",
        country="TR",
        theme="efficient-government",
    )
    make_project(
        slug="kampala-rubbish",
        title="Smart waste collection",
        summary="Bins report when they are full.",
        city="Kampala",
        country="UG",
        theme="sustainable-city",
        translations={
            "fr": {"title": "Collecte intelligente des déchets", "source": "machine"},
            "es": {"title": "Recogida inteligente de residuos", "source": "machine"},
        },
    )


def test_a_word_inside_a_korean_compound_matches(app, multilingual):
    assert search(app, "주차").slugs == ["seongnam-parking"]
    assert search(app, "주차시스템").slugs == ["seongnam-parking"]


def test_a_chinese_word_matches_inside_a_title(app, multilingual):
    assert "taipei-garbage" in search(app, "垃圾").slugs
    assert search(app, "垃圾車").slugs == ["taipei-garbage"]


def test_an_arabic_word_matches_with_or_without_the_article(app, multilingual):
    assert "dubai-waste" in search(app, "النفايات").slugs
    assert "dubai-waste" in search(app, "نفايات").slugs
    assert "dubai-waste" in search(app, "حاوية").slugs or search(app, "حاويات").slugs


@pytest.mark.parametrize("typed", ["déchets", "dechets", "déchet"])
def test_french_query_finds_french_text_and_translations(app, multilingual, typed):
    found = search(app, typed).slugs
    assert {"dakar-waste", "kampala-rubbish"} <= set(found)


def test_spanish_query_finds_residuos_and_english_waste(app, multilingual):
    found = set(search(app, "residuos").slugs)
    assert {"kampala-rubbish", "dakar-waste", "dubai-waste", "taipei-garbage"} <= found


def test_visitor_language_ranks_its_text_first(app, make_project):
    make_project(slug="english", title="Waste sorting", summary="Waste sorting.")
    make_project(
        slug="french",
        title="Tri des déchets",
        summary="Tri des déchets.",
        language="fr",
        translations={"en": {"title": "Waste sorting", "summary": "Waste sorting."}},
    )
    assert search(app, "waste sorting", lang="fr").slugs[0] == "french"
    assert search(app, "waste sorting", lang="en").slugs[0] == "english"


def test_api_and_page_take_the_language_hint(app, client, make_project):
    make_project(slug="english", title="Waste sorting", summary="Waste sorting.")
    make_project(
        slug="french",
        title="Tri des déchets",
        summary="Tri des déchets.",
        language="fr",
        translations={"en": {"title": "Waste sorting", "summary": "Waste sorting."}},
    )
    assert slugs(api(client, q="waste sorting", lang="fr"))[0] == "french"
    assert slugs(api(client, q="waste sorting"))[0] == "english"
    page = BeautifulSoup(client.get("/projects?q=waste+sorting&lang=fr").data, "html.parser")
    assert page.select("ol.results-list h3 a")[0]["href"].endswith("/projects/french")
    assert client.get("/api/v1/projects", query_string={"lang": "<script>"}).status_code == 400
    bad = BeautifulSoup(client.get("/projects?q=waste&lang=%3Cscript%3E").data, "html.parser")
    assert any("Unknown language" in p.text for p in bad.select("p.notice"))


# Vocabulary


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Africa", {"dakar-waste", "kampala-rubbish"}),
        ("Afrique", {"dakar-waste", "kampala-rubbish"}),
        ("아프리카", {"dakar-waste", "kampala-rubbish"}),
        ("Middle East", {"dubai-waste", "istanbul-egov"}),
        ("الشرق الأوسط", {"dubai-waste", "istanbul-egov"}),
        ("Latin America", {"bogota-mobility"}),
        ("Asia Pacific", {"seongnam-parking", "taipei-garbage"}),
        ("Korea", {"seongnam-parking"}),
        ("South Korea", {"seongnam-parking"}),
        ("Republic of Korea", {"seongnam-parking"}),
        ("Türkiye", {"istanbul-egov"}),
        ("Turkey", {"istanbul-egov"}),
        ("Emiratos Árabes Unidos", {"dubai-waste"}),
        ("Taiwan", {"taipei-garbage"}),
    ],
)
def test_region_and_country_names_in_every_language(app, multilingual, typed, expected):
    assert set(search(app, typed).slugs) == expected


def test_theme_names_in_every_language(app, multilingual):
    for typed in ("movilidad", "mobilité", "Mobilidade", "모빌리티", "Mobility"):
        assert {"bogota-mobility", "seongnam-parking"} <= set(search(app, typed).slugs), typed
    assert set(search(app, "Efficient Government").slugs) == {"istanbul-egov"}


def test_a_place_word_combines_with_other_words(app, multilingual):
    assert search(app, "waste Africa").slugs[:2] != []
    assert set(search(app, "waste Africa").slugs) == {"dakar-waste", "kampala-rubbish"}
    assert search(app, "parking korea").slugs == ["seongnam-parking"]


def test_member_name_finds_its_case_studies(app, make_project):
    member_id = make_member(app, slug="goyang", name="Goyang Special City", city="Goyang")
    make_project(slug="goyang-one", title="Bus information", city="Ilsan")
    with app.app_context():
        project = db.session.scalar(db.select(Project).filter_by(slug="goyang-one"))
        project.member_id = member_id
        db.session.commit()
    make_project(slug="other", title="Bus information", city="Jeju")
    assert search(app, "Goyang Special City").slugs == ["goyang-one"]


def test_vocabulary_lookup_normalises_spelling_of_names(app):
    with app.app_context():
        assert ("country", "CI") in lookup(fold("cote d ivoire").split(), db.session)
        assert ("region", "middle-east") in lookup(["moyen", "orient"], db.session)


# Thesaurus and compounds


@pytest.mark.parametrize("typed", ["rubbish", "trash", "garbage", "refuse", "basura", "쓰레기"])
def test_thesaurus_words_find_waste(app, multilingual, typed):
    assert "kampala-rubbish" in search(app, typed).slugs


@pytest.mark.parametrize("typed", ["egovernment", "e-government", "e government", "eGovernment"])
def test_hyphen_and_compound_spellings_meet(app, multilingual, typed):
    page = search(app, typed)
    assert page.slugs == ["istanbul-egov"]
    assert page.corrected is False


def test_car_park_finds_parking(app, multilingual):
    assert search(app, "car park").slugs == ["seongnam-parking"]


# Correction only when confident


@pytest.mark.parametrize("place", ["Seoul", "Dakar", "Dhaka", "Lagos"])
def test_place_names_are_never_replaced(app, client, make_project, place):
    make_project(slug="data", title="Open data portal", summary="Sexual health data.", city="Busan")
    make_project(slug="lamps", title="Smart lamps", summary="Data from street lamps.", city="Busan")
    payload = api(client, q=place)
    assert payload["corrected"] is False
    assert payload["results"] == []
    assert payload["suggestion"] in (None, place)


def test_hyphenated_and_solid_compounds_meet(app, make_project):
    make_project(slug="solid", title="Carsharing for residents")
    make_project(slug="hyphen", title="Bike-sharing stations")
    assert search(app, "car-sharing").slugs == ["solid"]
    assert search(app, "bikesharing").slugs == ["hyphen"]


def test_trash_is_not_replaced_by_traps(app, make_project):
    make_project(slug="traps", title="Mosquito traps", summary="Traps everywhere.")
    make_project(slug="bins", title="Smart bins", summary="Garbage collection.")
    page = search(app, "trash")
    assert page.corrected is False
    assert page.slugs == ["bins"]


def test_a_clear_misspelling_is_corrected_with_search_instead(app, client, make_project):
    make_project(slug="parking", title="Smart parking", summary="Find parking fast.")
    make_project(slug="parking-2", title="Parking guidance", summary="Parking signs.")
    payload = api(client, q="parkng")
    assert (payload["suggestion"], payload["corrected"]) == ("parking", True)
    assert set(slugs(payload)) == {"parking", "parking-2"}
    page = BeautifulSoup(client.get("/projects?q=parkng").data, "html.parser")
    instead = page.select_one("a.search-instead")
    assert instead.text == "parkng"
    original = client.get(instead["href"])
    assert original.status_code == 200
    original_page = BeautifulSoup(original.data, "html.parser")
    assert original_page.select_one("a.search-instead") is None
    assert original_page.select_one("a.did-you-mean").text == "parking"
    assert original_page.select("ol.results-list li") == []
    exact = api(client, q="parkng", nocorrect="1")
    assert (exact["suggestion"], exact["corrected"], exact["total"]) == ("parking", False, 0)


def test_an_unsure_correction_is_only_offered(app, client, make_project):
    make_project(slug="data", title="Open data portal")
    payload = api(
        client, q="dota"
    )  # two edits from "data" would be a guess; one edit is not enough
    assert payload["corrected"] is False or payload["suggestion"] == "data"
    payload = api(client, q="Surabya")
    assert payload["corrected"] is False
    assert payload["total"] == 0


def test_a_word_found_in_any_language_is_never_replaced(app, make_project):
    make_project(slug="fr", title="Plateforme de données", language="fr")
    make_project(slug="en", title="Data platform donors")
    page = search(app, "données")
    assert page.corrected is False
    assert "fr" in page.slugs


def test_a_member_name_is_never_replaced(app, make_project):
    make_member(app, slug="hwaseong", name="Hwaseong", city="Hwaseong")
    make_project(slug="housing", title="Housing data")
    page = search(app, "Hwaseong")
    assert (page.corrected, page.total) == (False, 0)


# Places and members with no case studies


def test_a_place_with_no_projects_points_to_what_exists(app, client, make_project):
    make_project(slug="kampala", title="Smart parking", city="Kampala", country="UG")
    payload = api(client, q="Dakar")
    assert payload["total"] == 0
    assert any("Dakar" in notice for notice in payload["notices"])
    urls = [link["url"] for link in payload["see_also"]]
    assert any("region=africa" in url for url in urls)
    page = BeautifulSoup(client.get("/projects?q=Dakar").data, "html.parser")
    notice = page.select_one(".search-notice")
    assert "Dakar" in notice.text
    link = notice.select_one("a")["href"]
    assert "region=africa" in link
    assert client.get(link).status_code == 200


def test_a_country_with_no_projects_says_so(app, client, make_project):
    make_project(slug="kampala", title="Smart parking", city="Kampala", country="UG")
    payload = api(client, q="Senegal")
    assert payload["total"] == 0
    assert any("Senegal" in notice for notice in payload["notices"])


def test_a_member_with_no_case_studies_points_to_its_page(app, client, make_project):
    make_member(app, slug="hwaseong", name="Hwaseong", city="Hwaseong", country="KR")
    make_project(slug="seoul", title="Bus tracking", city="Seoul", country="KR")
    payload = api(client, q="Hwaseong")
    assert any("Hwaseong" in notice for notice in payload["notices"])
    urls = [link["url"] for link in payload["see_also"]]
    assert any(url.endswith("/members/hwaseong") for url in urls)
    assert any("country=KR" in url for url in urls)


def test_a_place_with_projects_gets_no_notice(app, client, make_project):
    make_project(slug="kampala", title="Smart parking", city="Kampala", country="UG")
    payload = api(client, q="Uganda")
    assert slugs(payload) == ["kampala"]
    assert payload["notices"] == [] and payload["see_also"] == []


def test_translated_technology_names_find_the_technology(app, make_project):
    make_project(slug="ai", title="Traffic signals", technologies=["AI"])
    make_project(slug="other", title="Traffic signals", technologies=["GIS"])
    assert search(app, "inteligencia artificial").slugs == ["ai"]
    assert search(app, "인공지능").slugs == ["ai"]
