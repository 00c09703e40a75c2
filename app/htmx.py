"""htmx helpers: one render function for "full page or the partial it includes".

The swap convention of the whole site: a partial's root element carries the
id that the page's `hx-target` names, and every `hx-target` is paired with
`hx-swap="outerHTML"`, so a swap replaces that element by its new version
(tests/test_htmx_swaps.py checks every render() view against it).
"""

from flask import make_response, render_template, request


def is_htmx():
    """True for htmx requests that want a fragment (boosted requests want a page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render(page, partial, /, status=200, **context):
    """Render `page`, or only `partial` for htmx requests; vary the cache on HX-Request.

    `page` and `partial` are positional-only, so a template variable may be called `page`.
    """
    template = partial if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def init_app(app):
    app.jinja_env.globals["is_htmx"] = is_htmx
