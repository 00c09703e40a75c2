"""Validation, `flask catalog import/export` and the demo seed."""

import csv
import json

import pytest

from app.catalog.records import clean_project, derive_slug, validate_project
from app.extensions import db
from app.models import Project
from app.seed import load_demo_projects


def record(**overrides):
    values = {
        "title": "Integrated Smart Parking System",
        "city": "Kampala",
        "country": "UG",
        "theme": "mobility",
        "summary": "Smart parking for the city centre.",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not ...}


# ---------------------------------------------------------------------------
# Validation


def test_a_minimal_record_is_valid_and_normalised():
    values, problems = clean_project(record(country=" ug ", title="  Parking  "))
    assert problems == []
    assert values["country"] == "UG"
    assert values["title"] == "Parking"


def test_a_full_record_is_valid():
    full = record(
        slug="kampala-smart-parking",
        description="**Markdown**",
        technologies=["IoT", "Mobile app"],
        status="feasibility",
        year=2019,
        organizations=[{"name": "SRPOST", "role": "provider"}],
        programme="WeGO Feasibility Study",
        sdgs=["11", "11.2", "17.19", "6.a"],
        outcomes="",
        lessons=None,
        links=[{"title": "Recording", "url": "https://example.org/video"}],
    )
    assert validate_project(full) == []


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"title": ...}, "title", "is required"),
        ({"title": "   "}, "title", "is required"),
        ({"city": 42}, "city", "must be text"),
        ({"summary": "x" * 1001}, "summary", "at most 1000"),
        ({"country": ...}, "country", "is required"),
        ({"country": "ZZ"}, "country", "ISO 3166-1"),
        ({"country": "Uganda"}, "country", "ISO 3166-1"),
        ({"theme": "transport"}, "theme", "must be one of"),
        ({"status": "done"}, "status", "must be one of"),
        ({"year": 1799}, "year", "between 1800 and 2100"),
        ({"year": 2101}, "year", "between 1800 and 2100"),
        ({"year": True}, "year", "whole number"),
        ({"year": 2019.5}, "year", "whole number"),
        ({"year": "soon"}, "year", "whole number"),
        ({"slug": "Not A Slug"}, "slug", "lowercase"),
        ({"slug": "a" * 121}, "slug", "at most 120"),
        ({"technologies": "IoT"}, "technologies", "must be a list"),
        ({"technologies": ["x" * 61]}, "technologies[1]", "at most 60"),
        ({"technologies": ["IoT", 5]}, "technologies[2]", "non-empty text"),
        ({"organizations": [{"name": "A", "role": "owner"}]}, "organizations[1]", "role"),
        ({"organizations": ["SRPOST"]}, "organizations[1]", "must be an object"),
        ({"sdgs": ["18"]}, "sdgs[1]", "SDG"),
        ({"links": [{"title": "x", "url": "javascript:alert(1)"}]}, "links[1]", "http"),
        ({"links": [{"title": "x", "url": "ftp://example.org"}]}, "links[1]", "http"),
        ({"description": "a\x00b"}, "description", "NUL"),
        ({"description": "x" * 20001}, "description", "at most 20000"),
        ({"colour": "red"}, "colour", "unknown field"),
    ],
)
def test_invalid_fields_are_reported(overrides, field, fragment):
    problems = validate_project(record(**overrides))
    assert any(name == field and fragment in message for name, message in problems), problems


def test_a_non_object_record_is_one_problem():
    assert validate_project(["not", "a", "record"]) == [
        ("record", "must be an object with the project's fields")
    ]


def test_year_as_text_is_accepted_from_forms_and_csv():
    assert clean_project(record(year="2019"))[0]["year"] == 2019


def test_derived_slugs_are_ascii_folded():
    assert (
        derive_slug("Free Fab Lab, SP Network", "São Paulo") == "sao-paulo-free-fab-lab-sp-network"
    )
    assert derive_slug("Jakarta Smart City", "Jakarta") == "jakarta-smart-city"
    assert derive_slug("고양", "고양") == "project"


# ---------------------------------------------------------------------------
# Import


def write_json(tmp_path, records, name="projects.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def project_slugs(app):
    with app.app_context():
        return set(db.session.scalars(db.select(Project.slug)))


def run_import(runner, path, *options):
    return runner.invoke(args=["catalog", "import", str(path), *options])


def test_import_a_json_array(app, runner, tmp_path):
    path = write_json(
        tmp_path,
        [record(), record(title="Smart Street Lights", city="Seberang Perai", country="MY")],
    )
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.stdout
    assert project_slugs(app) == {
        "kampala-integrated-smart-parking-system",
        "seberang-perai-smart-street-lights",
    }
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.city == "Seberang Perai"))
        assert project.region == "asia-pacific"


def test_import_json_lines(app, runner, tmp_path):
    path = tmp_path / "projects.jsonl"
    path.write_text("\n".join(json.dumps(record(slug=f"p-{n}")) for n in range(3)) + "\n\n")
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert project_slugs(app) == {"p-0", "p-1", "p-2"}


def test_import_csv_with_list_cells(app, runner, tmp_path):
    path = tmp_path / "projects.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "slug",
                "title",
                "city",
                "country",
                "theme",
                "summary",
                "technologies",
                "year",
                "organizations",
                "sdgs",
            ]
        )
        writer.writerow(
            [
                "kampala-parking",
                "Parking",
                "Kampala",
                "ug",
                "mobility",
                "Parking.",
                "IoT; Mobile app",
                "2019",
                json.dumps([{"name": "SRPOST", "role": "provider"}]),
                "11.2",
            ]
        )
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == "kampala-parking"))
        assert project.technologies == ["IoT", "Mobile app"]
        assert project.organizations == [{"name": "SRPOST", "role": "provider"}]
        assert project.year == 2019 and project.country == "UG" and project.sdgs == ["11.2"]


def test_one_invalid_record_imports_nothing_and_names_each_problem(app, runner, tmp_path):
    records = [
        record(slug="good"),
        record(slug="bad", country="XX", theme=...),
        record(slug="also-good"),
    ]
    path = write_json(tmp_path, records)
    result = run_import(runner, path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{path}:record 2: country: 'XX' is not an ISO 3166-1 alpha-2 country code" in lines
    assert f"{path}:record 2: theme: is required" in lines
    assert "Traceback" not in result.output
    assert project_slugs(app) == set()


def test_skip_invalid_imports_the_valid_records_and_reports_the_rest(app, runner, tmp_path):
    path = write_json(tmp_path, [record(slug="good"), record(slug="bad", year=1700)])
    result = run_import(runner, path, "--skip-invalid")
    assert result.exit_code == 0
    assert f"{path}:record 2: year: must be between 1800 and 2100" in result.stderr
    assert project_slugs(app) == {"good"}


def test_existing_slugs_are_updated_not_duplicated(app, runner, tmp_path, make_project):
    make_project(slug="kampala-smart-parking", title="Old title", technologies=["IoT"])
    path = write_json(tmp_path, [record(slug="kampala-smart-parking", title="New title")])
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.stdout
    with app.app_context():
        projects = db.session.scalars(db.select(Project)).all()
        assert [(p.title, p.technologies) for p in projects] == [("New title", ["IoT"])]


def test_duplicate_slugs_in_one_file_are_a_problem(app, runner, tmp_path):
    path = write_json(tmp_path, [record(slug="same"), record(slug="same")])
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:record 2: slug: 'same' appears twice in this file" in result.stderr


def test_records_without_slugs_get_unique_derived_slugs_and_reimport_updates_them(
    app, runner, tmp_path
):
    path = write_json(tmp_path, [record(), record()])
    assert run_import(runner, path).exit_code == 0
    assert project_slugs(app) == {
        "kampala-integrated-smart-parking-system",
        "kampala-integrated-smart-parking-system-2",
    }
    assert run_import(runner, path).exit_code == 0
    assert len(project_slugs(app)) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", b'[{"title": "x",', "is not valid JSON"),
        ("object.json", b'"just a string"', "must hold a JSON array"),
        ("numbers.json", b"42", "must hold a JSON array"),
        ("latin1.json", '[{"city": "São Paulo"}]'.encode("latin-1"), "is not valid UTF-8"),
        ("empty.json", b"", "is empty"),
        ("blank.jsonl", b"\n  \n", "is empty"),
        ("deep.json", b"[" * 100000, "is not valid JSON"),
        ("nohead.csv", b"Parking,Kampala,UG,mobility,Parking.\n", "missing columns"),
        (
            "partial.csv",
            b"title,city\nParking,Kampala\n",
            "missing columns: country, theme, summary",
        ),
    ],
)
def test_unreadable_files_get_one_clear_message(app, runner, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert message in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.output
    assert project_slugs(app) == set()


def test_malformed_json_lines_are_record_problems(app, runner, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(record(slug="ok")) + "\n{not json}\n[1, 2]\n")
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert f"{path}:record 2: record: is not valid JSON" in result.stderr
    assert f"{path}:record 3: record: must be an object with the project's fields" in result.stderr


def test_huge_strings_are_rejected_without_echoing_them(app, runner, tmp_path):
    path = write_json(tmp_path, [record(title="x" * 1_000_000)])
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert (
        f"{path}:record 1: title: must be at most 300 characters (it has 1000000)" in result.stderr
    )
    assert len(result.output) < 1000


def test_a_missing_file_is_a_clear_error(runner, tmp_path):
    result = run_import(runner, tmp_path / "nope.json")
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_export_round_trips_through_import(app, runner, tmp_path, make_project):
    make_project(
        slug="with-everything",
        title="Ümlaut & <tags>",
        description="# Heading\n\ntext",
        technologies=["IoT"],
        organizations=[{"name": "SRPOST", "role": "provider"}],
        sdgs=["11.2"],
        links=[{"title": "Site", "url": "https://example.org"}],
        year=None,
        status=None,
    )
    make_project(slug="plain")
    exported = runner.invoke(args=["catalog", "export"])
    assert exported.exit_code == 0
    lines = exported.stdout.splitlines()
    assert [json.loads(line)["slug"] for line in lines] == ["with-everything", "plain"]
    assert all(validate_project(json.loads(line)) == [] for line in lines)

    path = tmp_path / "export.jsonl"
    path.write_text(exported.stdout, encoding="utf-8")
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 2 unchanged" in result.stdout
    assert runner.invoke(args=["catalog", "export"]).stdout == exported.stdout


# ---------------------------------------------------------------------------
# Seed


def test_the_demo_file_is_valid():
    demo = load_demo_projects()
    assert all(validate_project(item) == [] for item in demo)
    assert len({item["slug"] for item in demo}) == len(demo)


def test_seed_is_idempotent_and_creates_the_named_projects(app, runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(Project))
    assert count == len(load_demo_projects()) == 34

    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "projects: 0 created, 0 updated, 34 unchanged" in second.stdout
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Project)) == count
        kampala = db.session.scalar(
            db.select(Project).where(Project.slug == "kampala-smart-parking")
        )
        assert kampala.organizations == [{"name": "SRPOST", "role": "provider"}]
        assert (kampala.year, kampala.status, kampala.programme) == (
            2019,
            "feasibility",
            "WeGO Feasibility Study",
        )
    slugs = project_slugs(app)
    for slug in (
        "george-town-green-connectivity",
        "belo-horizonte-siu-mobile",
        "sao-paulo-free-fab-lab-sp-network",
        "jakarta-smart-city",
        "mexico-city-my-safe-city",
        "belo-horizonte-women-safety-public-transport",
        "goyang-smart-city",
        "moscow-my-moscow-app",
        "seongnam-drones",
        "jeju-bus-location-information",
        "istanbul-marine-pollution-control",
        "mashhad-simap",
        "seberang-perai-smart-street-lights",
        "makati-makatizen-card",
        "la-union-rxbox-telemedicine",
        "seberang-perai-iot-gps-solid-waste-management",
        "abuja-sanaa-artisan-marketplace",
        "redland-city-road-damage-detection",
        "logan-city-mosquito-control",
        "curiosity-lab-noodoe-charging-stations",
    ):
        assert slug in slugs
