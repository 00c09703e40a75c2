"""Member proposals and staff curation of case studies, members and people."""

from app.extensions import db
from app.models import Member, OutboundEmail, Project, ProjectReview, SearchOutbox, User
from tests.conftest import form_token, html, login

PROPOSAL = {
    "title": "Smart Parking for Kampala",
    "city": "Kampala",
    "country": "UG",
    "theme": "mobility",
    "summary": "Sensors show free parking spaces.",
    "description": "## How\nSensors.",
    "technologies": "IoT, Mobile app",
    "status": "pilot",
    "year": "2019",
    "organizations": "SRPOST | provider\nKampala | city",
    "programme": "",
    "sdgs": "11.2",
    "outcomes": "",
    "lessons": "",
    "links": "Recording | https://example.org/recording",
}


def propose(client, **changes):
    data = dict(PROPOSAL, **changes)
    data["csrf_token"] = form_token(client.get("/account/proposals/new"))
    return client.post("/account/proposals/new", data=data)


def one_project(app):
    with app.app_context():
        return db.session.scalar(db.select(Project))


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def post_action(client, path, **data):
    data["csrf_token"] = form_token(client.get("/staff/"))
    return client.post(path, data=data)


def test_member_proposal_waits_as_pending(app, client, make_user):
    email = make_user()
    login(client, email)
    response = propose(client)
    assert response.status_code == 303
    project = one_project(app)
    assert project.publication == "pending"
    assert project.proposed_by_id == user_id(app, email)
    assert project.technologies == ["IoT", "Mobile app"]
    assert project.organizations == [
        {"name": "SRPOST", "role": "provider"},
        {"name": "Kampala", "role": "city"},
    ]
    assert project.links == [{"title": "Recording", "url": "https://example.org/recording"}]
    assert project.slug == "kampala-smart-parking-for-kampala"
    # Not in the public catalogue.
    assert client.get(f"/projects/{project.slug}").status_code == 404
    page = html(client.get(response.headers["Location"]))
    assert page.find(id="proposal-status").get_text() == "Pending"


def test_proposal_goes_through_the_catalogue_validation(app, client, make_user):
    login(client, make_user())
    response = propose(
        client,
        country="XX",
        year="1200",
        links="Bad | javascript:alert(1)",
        organizations="Someone | owner",
        title="",
    )
    assert response.status_code == 400
    page = html(response)
    errors = {p["id"]: p.get_text() for p in page.select(".error-message")}
    assert set(errors) >= {
        "title-error",
        "country-error",
        "year-error",
        "links-error",
        "organizations-error",
    }
    # What was typed is kept.
    assert page.find("textarea", id="links").get_text().strip() == "Bad | javascript:alert(1)"
    assert one_project(app) is None


def approve_flow_setup(app, client, make_user):
    member_email = make_user()
    member_client = app.test_client()
    login(member_client, member_email)
    propose(member_client)
    login(client, make_user(role="staff"))
    return member_email, member_client, one_project(app)


def test_staff_approves_a_proposal_into_the_catalogue_and_index(app, client, make_user):
    member_email, member_client, project = approve_flow_setup(app, client, make_user)
    queue = html(client.get("/staff/projects"))
    assert [a.get_text() for a in queue.select("#staff-projects tbody a")] == [project.title]

    with app.app_context():
        outbox_before = db.session.scalar(db.select(db.func.count()).select_from(SearchOutbox))
    response = post_action(client, f"/staff/projects/{project.id}/approve")
    assert response.status_code == 303
    assert one_project(app).publication == "published"
    with app.app_context():
        outbox_after = db.session.scalar(db.select(db.func.count()).select_from(SearchOutbox))
        decisions = db.session.scalars(db.select(ProjectReview.decision)).all()
        emails = db.session.scalars(
            db.select(OutboundEmail).where(OutboundEmail.to == member_email)
        ).all()
    assert outbox_after > outbox_before
    assert decisions == ["approved"]
    assert any("published" in email.subject for email in emails)
    assert client.get(f"/projects/{project.slug}").status_code == 200

    # Approving twice is refused, not a 500.
    assert post_action(client, f"/staff/projects/{project.id}/approve").status_code == 400

    assert post_action(client, f"/staff/projects/{project.id}/unpublish").status_code == 303
    assert one_project(app).publication == "unpublished"
    assert client.get(f"/projects/{project.slug}").status_code == 404
    assert post_action(client, f"/staff/projects/{project.id}/republish").status_code == 303
    assert one_project(app).publication == "published"


def test_staff_rejects_with_a_reason_the_member_sees(app, client, make_user):
    _member_email, member_client, project = approve_flow_setup(app, client, make_user)
    missing = post_action(client, f"/staff/projects/{project.id}/reject", reason="")
    assert missing.status_code == 400
    assert html(missing).find(id="reason-error") is not None

    response = post_action(
        client, f"/staff/projects/{project.id}/reject", reason="Not a smart-city project."
    )
    assert response.status_code == 303
    assert one_project(app).publication == "rejected"
    page = html(member_client.get("/account/"))
    assert "Not a smart-city project." in page.find(id="my-proposals").get_text()


def test_staff_edit_uses_the_same_validation(app, client, make_user, make_project):
    slug = make_project(title="Old title")
    login(client, make_user(role="staff"))
    with app.app_context():
        project_id = db.session.scalar(db.select(Project.id).where(Project.slug == slug))
    form_page = client.get(f"/staff/projects/{project_id}/edit")
    assert html(form_page).find("input", id="title")["value"] == "Old title"
    data = dict(PROPOSAL, title="New title", csrf_token=form_token(form_page))
    assert client.post(f"/staff/projects/{project_id}/edit", data=data).status_code == 303
    assert one_project(app).title == "New title"
    data["theme"] = "not-a-theme"
    bad = client.post(f"/staff/projects/{project_id}/edit", data=data)
    assert bad.status_code == 400
    assert html(bad).find(id="theme-error") is not None
    assert one_project(app).theme == "mobility"


def test_staff_approves_and_unpublishes_members(app, client, make_user):
    with app.app_context():
        db.session.add(Member(slug="new-org", name="New Org", type="institution", status="pending"))
        db.session.commit()
        member_id = db.session.scalar(db.select(Member.id).where(Member.slug == "new-org"))
    login(client, make_user(role="staff"))
    listing = html(client.get("/staff/members"))
    assert "New Org" in listing.find(id="staff-members").get_text()
    assert client.get("/members/new-org").status_code == 404
    assert post_action(client, f"/staff/members/{member_id}/approve").status_code == 303
    assert client.get("/members/new-org").status_code == 200
    assert post_action(client, f"/staff/members/{member_id}/unpublish").status_code == 303
    assert client.get("/members/new-org").status_code == 404
    assert post_action(client, f"/staff/members/{member_id}/republish").status_code == 303
    assert client.get("/members/new-org").status_code == 200


def test_staff_edits_a_member(app, client, make_user):
    with app.app_context():
        db.session.add(Member(slug="org", name="Org", type="institution", country="KR"))
        db.session.commit()
        member_id = db.session.scalar(db.select(Member.id))
    login(client, make_user(role="staff"))
    page = client.get(f"/staff/members/{member_id}/edit")
    data = {
        "name": "Org Renamed",
        "type": "corporation",
        "country": "JP",
        "website": "javascript:alert(1)",
        "csrf_token": form_token(page),
    }
    bad = client.post(f"/staff/members/{member_id}/edit", data=data)
    assert bad.status_code == 400
    data["website"] = "https://example.org"
    assert client.post(f"/staff/members/{member_id}/edit", data=data).status_code == 303
    with app.app_context():
        member = db.session.get(Member, member_id)
        assert (member.name, member.type, member.region) == (
            "Org Renamed",
            "corporation",
            "asia-pacific",
        )


def test_admin_changes_roles_and_deactivation_ends_sessions(app, client, make_user):
    target_email = make_user()
    target = app.test_client()
    login(target, target_email)
    login(client, make_user(role="admin"))
    target_id = user_id(app, target_email)

    assert post_action(client, f"/staff/users/{target_id}/role", role="staff").status_code == 303
    assert target.get("/staff/").status_code == 200

    assert post_action(client, f"/staff/users/{target_id}/deactivate").status_code == 303
    assert target.get("/account/").status_code == 302
    assert login(target, target_email).status_code == 400
    assert post_action(client, f"/staff/users/{target_id}/reactivate").status_code == 303
    assert login(target, target_email).status_code == 303

    bad_role = post_action(client, f"/staff/users/{target_id}/role", role="emperor")
    assert bad_role.status_code == 400


def test_admin_cannot_demote_or_deactivate_themselves(app, client, make_user):
    email = make_user(role="admin")
    login(client, email)
    me = user_id(app, email)
    assert post_action(client, f"/staff/users/{me}/role", role="member").status_code == 400
    assert post_action(client, f"/staff/users/{me}/deactivate").status_code == 400
