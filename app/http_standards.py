"""HTTP as the standards say, where the libraries fall short.

- :class:`StandardCompress` (Flask-Compress): an encoding with ``q=0`` is
  refused (RFC 9110 §12.5.3; Flask-Compress 1.25 picks ``br`` for
  ``br;q=0``), and conditional GET is evaluated on the uncompressed
  representation first, so a client without compression gets its 304 too.
  The ETag of a compressed body stays ``"<hash>:<encoding>"`` (a strong
  validator per representation); an ``If-None-Match`` naming any
  representation of the same body matches.
- :class:`StaticSessionInterface`: static files never touch the session, so
  they carry no ``Vary: Cookie`` and no cookie (Flask-Login's after_request
  reads the session on every request, which marks it accessed).
- A multi-range request on a static file (Werkzeug serves single ranges only,
  and answers several with 416) is answered 200 with the whole file, as
  RFC 9110 §14.2 allows: the Range header is ignored.
"""

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_compress import Compress
from flask_compress.flask_compress import _compress_chunks, _compress_data


def accepted_encodings(accept_encoding):
    """{coding: quality} from an Accept-Encoding header (malformed qualities count as 0)."""
    qualities = {}
    for part in accept_encoding.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        name, quality = name.strip(), 1.0
        if not name:
            continue
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not 0 <= quality <= 1:
                    quality = 0.0
        qualities[name] = quality
    return qualities


def choose_encoding(algorithms, accept_encoding):
    """The best encoding the client accepts with q > 0 (server order breaks ties), else None."""
    qualities = accepted_encodings(accept_encoding)
    best, best_quality = None, 0.0
    for algorithm in algorithms:
        quality = qualities.get(algorithm, qualities.get("*", 0.0))
        if quality > best_quality:
            best, best_quality = algorithm, quality
    return best


def _etag_matches(response):
    """True when If-None-Match names this body in any of its encodings."""
    etag, weak = response.get_etag()
    if not etag or weak:
        return False
    wanted = request.if_none_match
    if wanted.star_tag:
        return True
    return any(candidate.split(":", 1)[0] == etag for candidate in wanted.as_set(include_weak=True))


class StandardCompress(Compress):
    def after_request(self, response):
        app = current_app
        response.vary.add("Accept-Encoding")
        if (
            app.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"]
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.is_streamed
            and _etag_matches(response)
        ):
            response.status_code = 304
            response.set_data(b"")
            response.headers.pop("Content-Length", None)
            response.headers.pop("Content-Type", None)
            return response

        streaming = response.is_streamed and app.config["COMPRESS_STREAMS"]
        algorithms = self.streaming_algorithms if streaming else self.enabled_algorithms
        chosen = choose_encoding(algorithms, request.headers.get("Accept-Encoding", ""))
        if (
            chosen is None
            or response.mimetype not in self.compress_mimetypes_set
            or not 200 <= response.status_code < 300
            or (response.is_streamed and not app.config["COMPRESS_STREAMS"])
            or "Content-Encoding" in response.headers
            or (
                response.content_length is not None
                and response.content_length < app.config["COMPRESS_MIN_SIZE"]
            )
        ):
            if app.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"] and not response.is_streamed:
                response.make_conditional(request)
            return response

        response.direct_passthrough = False
        response.headers["Content-Encoding"] = chosen
        if streaming:
            response.response = _compress_chunks(app, response.iter_encoded(), chosen)
            response.headers.pop("Content-Length", None)
        else:
            response.set_data(_compress_data(app, response.get_data(), chosen))
            response.headers["Content-Length"] = response.content_length
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(f"{etag}:{chosen}")
        return response


class StaticSessionInterface(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def ignore_multiple_ranges():
    """Drop a multi-range Range header on static files: the answer is the whole file (200)."""
    if request.endpoint == "static" and "," in request.headers.get("Range", ""):
        request.environ.pop("HTTP_RANGE", None)
        request.environ.pop("HTTP_IF_RANGE", None)


def init_app(app):
    app.session_interface = StaticSessionInterface()
    app.before_request(ignore_multiple_ranges)
