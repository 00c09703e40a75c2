"""Markdown to safe HTML: the `markdown` Jinja filter.

markdown-it-py renders CommonMark with raw HTML disabled; nh3 then keeps only
a small set of tags and http(s)/mailto links, so imported or member-written
text can never inject script, styles or event handlers. nh3 keeps no
attribute outside ALLOWED_ATTRIBUTES, so ``hx-*`` and ``data-hx-*`` never
survive either, and the result sits in an ``hx-disable`` container: htmx
ignores whatever is inside it, whatever the sanitiser let through.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "a",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


HEADING = re.compile(r"<(/?)h([1-6])>")


def render_markdown(text, top_heading=3):
    """Sanitised HTML for Markdown `text`.

    The text's highest heading becomes `top_heading` (the page owns h1 and
    the section's h2), keeping the page's heading outline in order.
    """
    if not text:
        return Markup("")
    html = _renderer.render(text)
    levels = [int(level) for _, level in HEADING.findall(html)]
    if levels:
        shift = top_heading - min(levels)
        html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    # `clean` was sanitised by nh3 just above.
    return Markup('<div class="markdown" hx-disable>%s</div>') % Markup(clean)  # noqa: S704
