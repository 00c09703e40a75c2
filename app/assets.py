"""Fingerprinted static URLs: `asset_url('css/site.css')` adds ?v=<content hash>.

A fingerprinted URL changes whenever the file changes, so the file itself can
be cached for a year as immutable; repeat visits then fetch only the HTML.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for


@lru_cache(maxsize=256)
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def asset_url(filename):
    path = Path(current_app.static_folder) / filename
    try:
        version = _file_hash(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=version)


def asset_exists(filename):
    return (Path(current_app.static_folder) / filename).is_file()


def init_app(app):
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["asset_exists"] = asset_exists

    @app.after_request
    def cache_static(response):
        if request.endpoint == "static" and response.status_code == 200:
            if request.args.get("v"):
                max_age = current_app.config["STATIC_MAX_AGE"]
                response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
            else:
                response.headers["Cache-Control"] = "public, max-age=3600"
        return response
