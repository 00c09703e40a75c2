"""The authorisation matrix: every /staff and /account route × anonymous, member, staff, admin.

Routes are read from app.url_map, so a route added later is covered without
editing this file. Only the public account pages (login, registration,
password reset, email confirmation) are open to anonymous visitors.
"""

from flask import url_for

from app.extensions import db
from app.models import Member, Project, User
from tests.conftest import form_token, login

PUBLIC_ACCOUNT_ENDPOINTS = {
    "accounts.login",
    "accounts.register",
    "accounts.reset_request",
    "accounts.reset_password",
    "accounts.verify_email",
}
ADMIN_PREFIXES = ("/staff/users",)
# Routes that only redirect a signed-in user onwards (one hop to the real page).
REDIRECTING_PATHS = {"/account": "/account/"}


def protected_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/staff", "/account")):
            continue
        if rule.endpoint in PUBLIC_ACCOUNT_ENDPOINTS:
            continue
        yield rule


def all_routes(app):
    """(rule, method) pairs of the protected routes of `app`."""
    return [
        (rule.rule, method)
        for rule in sorted(protected_rules(app), key=lambda r: r.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def make_objects(app, make_user, make_project):
    """One of each object a route may name, and a logged-in client per role (in an empty database)."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    emails = {role: make_user(role=role) for role in ("member", "staff", "admin")}
    slug = make_project(publication="pending")
    with app.app_context():
        member_user = db.session.scalar(db.select(User).where(User.email == emails["member"]))
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        project.proposed_by_id = member_user.id
        db.session.commit()
        ids = {
            "project_id": project.id,
            "member_id": db.session.scalar(db.select(Member.id)),
            "user_id": member_user.id,
        }
    clients = {"anonymous": app.test_client()}
    for role, email in emails.items():
        clients[role] = app.test_client()
        assert login(clients[role], email).status_code == 303
    return ids, clients


def build_path(app, rule_text, ids):
    """The concrete path for a rule, or None when it names an object we cannot fill in."""
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    values = {}
    for argument in rule.arguments:
        if argument in ids:
            values[argument] = ids[argument]
        elif argument == "action":
            values[argument] = (
                "approve" if "projects" in rule_text or "members" in rule_text else "deactivate"
            )
        else:
            values[argument] = 1
    with app.test_request_context():
        return url_for(rule.endpoint, **values), all(
            a in ids or a == "action" for a in rule.arguments
        )


def request(client, method, path):
    if method == "GET":
        return client.get(path)
    token = form_token(client.get("/account/reset"))
    return client.open(path, method=method, data={"csrf_token": token})


def route_problems(app, clients, ids, rule_text, method):
    """What is wrong with who may use one route (an empty list when nothing is)."""
    path, fully_known = build_path(app, rule_text, ids)
    is_staff_route = rule_text.startswith("/staff")
    admin_only = rule_text.startswith(ADMIN_PREFIXES)
    problems = []

    def expect(who, response, status):
        if response.status_code != status:
            problems.append((method, path, who, response.status_code, status))

    anonymous = request(clients["anonymous"], method, path)
    expect("anonymous", anonymous, 302)
    if not anonymous.headers.get("Location", "").startswith("/account/login"):
        problems.append((method, path, "anonymous", "not sent to the login page"))

    member = request(clients["member"], method, path)
    if is_staff_route:
        expect("member", member, 403)
        staff = request(clients["staff"], method, path)
        if admin_only:
            expect("staff", staff, 403)
        elif method == "GET" and fully_known:
            expect("staff", staff, 200)
        if method == "GET" and fully_known:
            expect("admin", request(clients["admin"], method, path), 200)
    elif path in REDIRECTING_PATHS:
        expect("member", member, 302)
        if member.headers.get("Location") != REDIRECTING_PATHS[path]:
            problems.append((method, path, "member", "not sent on to the page"))
    elif method == "GET" and fully_known:
        expect("member", member, 200)
    return problems


def test_route_matrix(app, make_user, make_project):
    """Every protected route, each in a fresh database (POSTs change what they act on)."""
    routes = all_routes(app)
    assert len(routes) > 20
    problems = []
    for rule_text, method in routes:
        ids, clients = make_objects(app, make_user, make_project)
        problems += route_problems(app, clients, ids, rule_text, method)
    assert problems == []


def test_matrix_covers_the_known_routes(app):
    routes = {rule for rule, _ in all_routes(app)}
    for expected in ("/staff/", "/staff/projects", "/staff/users", "/account/", "/account/logout"):
        assert expected in routes


def test_member_cannot_see_another_members_proposal(app, make_user, make_project):
    owner, other = make_user(), make_user()
    with app.app_context():
        owner_id = db.session.scalar(db.select(User.id).where(User.email == owner))
    slug = make_project(publication="pending")
    with app.app_context():
        project = db.session.scalar(db.select(Project).where(Project.slug == slug))
        project.proposed_by_id = owner_id
        db.session.commit()
        project_id = project.id
    owner_client, other_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(other_client, other)
    assert owner_client.get(f"/account/proposals/{project_id}").status_code == 200
    assert other_client.get(f"/account/proposals/{project_id}").status_code == 404
    assert other_client.get("/account/proposals/999999").status_code == 404
