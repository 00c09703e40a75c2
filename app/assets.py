"""Fingerprinted static URLs: `asset_url('css/site.css')` adds ?v=<content hash>.

A fingerprinted URL changes whenever the file changes, so the file itself can
be cached for a year as immutable; repeat visits then fetch only the HTML.

Static text files (CSS, JS, SVG) are compressed here once, at the highest
brotli/gzip level, and kept in memory: Flask-Compress would compress them on
every request at a lower level, and it skips gzip for streamed (file) responses.
"""

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

import brotli
from flask import current_app, request, url_for

COMPRESSIBLE_STATIC = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}


@lru_cache(maxsize=256)
def _file_hash(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=64)
def _compressed(path: str, mtime_ns: int, encoding: str) -> bytes:
    data = Path(path).read_bytes()
    if encoding == "br":
        return brotli.compress(data, quality=11)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _static_encoding():
    """br or gzip, whichever the client accepts (br first), or None."""
    accepted = request.accept_encodings
    for encoding in ("br", "gzip"):
        if accepted[encoding]:
            return encoding
    return None


def compress_static(response):
    """Serve a static text file compressed from the in-memory cache."""
    response.vary.add("Accept-Encoding")
    encoding = _static_encoding()
    if encoding is None or response.mimetype not in COMPRESSIBLE_STATIC:
        return response
    path = Path(current_app.static_folder) / request.view_args["filename"]
    try:
        body = _compressed(str(path), path.stat().st_mtime_ns, encoding)
    except (FileNotFoundError, IsADirectoryError):
        return response
    if hasattr(response.response, "close"):
        response.response.close()  # the file send_file opened; the body comes from memory
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)
        response.make_conditional(request)
    return response


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
            response = compress_static(response)
        return response
