"""Second-round security findings: each test performs the attack as the outside tester did."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import create_app
from app.extensions import db
from app.markdown import render_markdown
from app.models import Member, OutboundEmail, Project, User
from tests.conftest import html, make_test_config
from tests.test_accounts import PASSWORD, emails_to, fast_hashing, form_token, login  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
HX_EMAIL = "a/hx-post=/staff/projects/37/approve?@x.org"


def htmx_attributes(soup):
    """Every (tag, attribute) carrying a live htmx attribute, hx-* or data-hx-* (not hx-disable)."""
    return [
        (tag.name, name)
        for tag in soup.find_all(True)
        for name in tag.attrs
        if name.startswith(("hx-", "data-hx-")) and name not in ("hx-disable", "data-hx-disable")
    ]


def inside_hx_disable(tag):
    return any(parent.has_attr("hx-disable") for parent in tag.parents if hasattr(parent, "has_attr"))


# High: markup through translatable strings, htmx attributes in user content ---------------


def translatable_strings():
    """(file, line, message) for every gettext string in app/ and templates/ (Babel's extractors)."""
    jinja = {"extensions": "jinja2.ext.i18n"}
    sources = [
        ("app", [("**.py", "python")], {}),
        (
            "templates",
            [("**.html", "jinja2"), ("**.txt", "jinja2"), ("**.xml", "jinja2")],
            {"**.html": jinja, "**.txt": jinja, "**.xml": jinja},
        ),
    ]
    found = []
    for folder, method_map, options in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map=options
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.append((f"{folder}/{filename}", lineno, text))
    return found


def test_no_translatable_string_carries_markup():
    strings = translatable_strings()
    assert len(strings) > 200  # the extractor really read the sources
    markup = [entry for entry in strings if re.search(r"[<>]|&[a-z]+;|&#", entry[2])]
    assert markup == []


def test_email_address_cannot_become_an_element_on_the_staff_review_page(app, client, make_user):
    proposer = make_user(email=HX_EMAIL)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == HX_EMAIL))
        project = Project(
            slug="p", title="P", city="Seoul", country="KR", theme="mobility", summary="S",
            publication="pending", proposed_by_id=user.id, member_id=user.member_id,
        )
        db.session.add(project)
        db.session.commit()
        project_id = project.id
    assert proposer
    login(client, make_user(role="staff"))
    page = html(client.get(f"/staff/projects/{project_id}"))
    assert htmx_attributes(page.find("main")) == []
    proposer_line = page.find(id="proposer")
    assert HX_EMAIL in proposer_line.get_text()
    assert proposer_line.find("a") is None
    assert inside_hx_disable(page.find(id="project-fields"))


MARKDOWN_PAYLOADS = [
    '<a hx-post="/staff/projects/1/approve" hx-trigger="load">x</a>',
    '<div data-hx-post="/staff/projects/1/approve" data-hx-trigger="load"></div>',
    "[click](/staff/projects/1/approve){hx-post=/staff/projects/1/approve}",
    '<span hx-get="/account/" hx-target="body">y</span> *and* **more**',
    "[a](javascript:htmx.ajax('POST','/staff/projects/1/approve'))",
]


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS)
def test_markdown_never_keeps_htmx_attributes(app, payload):
    from bs4 import BeautifulSoup

    with app.app_context():
        rendered = str(render_markdown(payload))
    soup = BeautifulSoup(rendered, "html.parser")
    assert htmx_attributes(soup) == []
    assert "javascript:" not in rendered.lower() or soup.find("a", href=re.compile("javascript")) is None
    container = soup.find(True)
    assert container.has_attr("hx-disable")


def test_user_content_sits_in_hx_disable_containers(app, client, make_project):
    slug = make_project(description="Some **Markdown** text.")
    with app.app_context():
        db.session.add(
            Member(slug="m", name="M", type="institution", description="We do things.")
        )
        db.session.commit()
    detail = html(client.get(f"/projects/{slug}"))
    assert inside_hx_disable(detail.find("strong", string="Markdown"))
    member = html(client.get("/members/m"))
    description = member.find("p", string="We do things.")
    assert description.has_attr("hx-disable") or inside_hx_disable(description)


def test_htmx_only_talks_to_this_site(client):
    import json

    meta = html(client.get("/")).find("meta", attrs={"name": "htmx-config"})
    assert json.loads(meta["content"])["selfRequestsOnly"] is True
