"""How pages reach slow connections: lite mode, HTTP caching, the service worker.

Lite mode (``lite_mode`` in every template) is on when the browser sends
``Save-Data: on`` or the visitor pressed the lite switch (a ``lite`` cookie,
which also lets a Save-Data user switch back). Templates leave out everything
optional in lite mode::

    {% if not lite_mode %}<img ...> / related projects / the htmx script{% endif %}

Caching of HTML pages (GET, 200):

- every page gets a strong ``ETag`` computed over the uncompressed body;
  Flask-Compress appends the encoding (``"…:br"``) and answers a matching
  ``If-None-Match`` with ``304 Not Modified`` (COMPRESS_EVALUATE_CONDITIONAL_REQUEST);
- pages for anonymous visitors that do not touch the session are identical for
  everyone, so they are ``Cache-Control: no-cache`` (revalidate, then reuse):
  that is why base.html prints the CSRF ``<meta>`` only for signed-in users —
  a per-session token on every page would make every page unique;
- pages that put something in the session (a form's CSRF token, a flash
  message) are ``private, no-cache``;
- pages for signed-in users, and everything under /account and /staff, are
  ``private, no-store``: they may carry personal data, so neither the browser's
  HTTP cache nor the service worker keeps them;
- ``Vary: Cookie, Save-Data`` because the lite cookie or header changes the page.
"""

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from .extensions import csrf
from .i18n import unprefixed_path
from .redirects import safe_next
from .request_limits import max_body

bp = Blueprint("delivery", __name__)

LITE_COOKIE = "lite"
LITE_COOKIE_MAX_AGE = 365 * 24 * 3600
PRIVATE_PREFIXES = ("/account", "/staff")


def lite_mode():
    """True when the visitor asked for the lite version (cookie) or saves data (header).

    Outside a request (an email rendered by a CLI command) there is no visitor: False.
    """
    if not has_request_context():
        return False
    choice = request.cookies.get(LITE_COOKIE)
    if choice in ("0", "1"):
        return choice == "1"
    return request.headers.get("Save-Data", "").strip().lower() == "on"


@bp.app_context_processor
def inject_lite_mode():
    return {"lite_mode": lite_mode()}


@bp.post("/lite")
@csrf.exempt
@max_body("LITE_MAX_CONTENT_LENGTH")
def switch_lite():
    """Turn lite mode on or off, then go back to the page the visitor came from.

    Exempt from CSRF on purpose: it only sets a display preference, and a token
    in the footer of every page would make every page unique to its session
    (see the module docstring).
    """
    turn_on = request.form.get("lite") == "1"
    response = redirect(safe_next(request.form.get("next"), url_for("main.home")), code=303)
    response.set_cookie(
        LITE_COOKIE,
        "1" if turn_on else "0",
        max_age=LITE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served from the site root so that its scope is the whole site."""
    script = Path(current_app.static_folder, "js", "sw.js").read_bytes()
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response


@bp.get("/favicon.ico")
def favicon():
    """The site icon where browsers look for it by themselves, after the page has loaded.

    No <link rel="icon"> in the pages: Chromium fetches a linked icon at high
    priority, and Lighthouse then counts it as blocking the largest paint.
    """
    icon = Path(current_app.static_folder, "img", "icon.svg").read_bytes()
    response = Response(icon, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@bp.get("/offline")
def offline():
    """The page the service worker shows for a page it has not kept."""
    return render_template("offline.html")


@bp.after_app_request
def cache_headers(response):
    if response.mimetype != "text/html":
        return response
    response.vary.update(("Cookie", "Save-Data"))
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if "Cache-Control" not in response.headers:
        if current_user.is_authenticated or unprefixed_path().startswith(PRIVATE_PREFIXES):
            response.headers["Cache-Control"] = "private, no-store"
        elif session.modified or g.get(current_app.config["WTF_CSRF_FIELD_NAME"]):
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            response.headers["Cache-Control"] = "no-cache"
    if not response.is_streamed and "no-store" not in response.headers["Cache-Control"]:
        response.add_etag()
    return response
