"""Error pages: a full page, a small fragment for htmx, JSON under /api/."""

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .extensions import db
from .htmx import is_htmx

PROBLEM_MIMETYPE = "application/problem+json"


def problem_response(status, title, detail, headers=()):
    """An RFC 9457 problem document. `type` is about:blank: the status says what happened."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for key, value in headers:
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    return response


def error_messages():
    """Titles and explanations, built per request so that they are translated."""
    return {
        400: (
            _("Bad request"),
            _("The request could not be understood. Please check it and try again."),
        ),
        403: (_("Forbidden"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("There is no page at this address. It may have moved.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        414: (
            _("Address too long"),
            _(
                "The address of this request is longer than this site accepts. Please shorten the query."
            ),
        ),
        431: (
            _("Request headers too large"),
            _("A header of this request is longer than this site accepts."),
        ),
        413: (
            _("Request too large"),
            _("What you sent is larger than this site accepts. Please shorten it and try again."),
        ),
        429: (
            _("Too many requests"),
            _("You have made too many requests. Please wait a minute and try again."),
        ),
        500: (
            _("Something went wrong"),
            _(
                "An unexpected error occurred on our side. It has been logged; please try again later."
            ),
        ),
    }


def untrusted_host_response():
    """400 for a Host outside TRUSTED_HOSTS: plain text, since no URL can be built for it."""
    response = make_response(
        _("Bad request: this site does not answer for that host name.") + "\n", 400
    )
    response.mimetype = "text/plain"
    return response


def render_error(error: HTTPException):
    if isinstance(error, SecurityError):
        return untrusted_host_response()
    status = error.code or 500
    title, explanation = error_messages().get(status, (error.name, error.description))
    # A specific description given with abort(400, description=...) is more useful.
    if (
        status in (400, 403, 404, 414, 431)
        and error.description
        and error.description != type(error).description
    ):
        explanation = error.description
    if request.path.startswith("/api/"):
        headers = error.get_headers() if isinstance(error, HTTPException) else ()
        return problem_response(status, title, explanation, headers)
    else:
        template = "errors/_error.html" if is_htmx() else "errors/page.html"
        response = render_template(template, status=status, title=title, explanation=explanation)
        response = make_response(response)
    response.status_code = status
    if isinstance(error, HTTPException):
        for key, value in error.get_headers():
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
    response.vary.add("HX-Request")
    return response


def init_app(app):
    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        return render_error(error)

    @app.errorhandler(Exception)
    def handle_unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError())
